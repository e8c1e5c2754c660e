-- The audit API's time-ordered queries (/recent, /action, /time-range) read split_audit_log beside
-- audit_log and merge the two by (occurred_at, event_id): these are audit_log's time-order indexes
-- for splits, so each table is walked in order, a page's worth at most. No index by action: every
-- split row is split_changed.
CREATE INDEX split_audit_log_occurred_at ON split_audit_log (occurred_at DESC, event_id DESC);
CREATE INDEX split_audit_log_tenant_occurred_at
    ON split_audit_log (tenant, occurred_at DESC, event_id DESC);
