-- The audit trail, written by the audit-log consumer from route-changes and read by the audit API.
-- event_id makes a redelivered change a no-op; (route_key, revision) does the same for a change
-- re-emitted under another event id, so a replay never doubles a row.
CREATE TABLE audit_log (
    event_id         uuid        PRIMARY KEY,
    route_key        text        NOT NULL,
    tenant           text        NOT NULL,
    service          text        NOT NULL,
    env              text        NOT NULL,
    version          text        NOT NULL,
    action           text        NOT NULL,
    previous_url     text,
    new_url          text        NOT NULL,
    previous_active  boolean,
    new_active       boolean     NOT NULL,
    revision         bigint      NOT NULL,
    actor            text        NOT NULL,
    correlation_id   text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    processed_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (route_key, revision)
);

-- One route's history, newest first.
CREATE INDEX audit_log_route ON audit_log (tenant, service, env, version, revision DESC);
-- Recent events and time ranges, with event_id as the cursor's tie-breaker.
CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at DESC, event_id DESC);
CREATE INDEX audit_log_tenant_occurred_at ON audit_log (tenant, occurred_at DESC, event_id DESC);
-- Events by action.
CREATE INDEX audit_log_action_occurred_at ON audit_log (action, occurred_at DESC, event_id DESC);
