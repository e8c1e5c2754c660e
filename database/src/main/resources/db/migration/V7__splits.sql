-- Weighted splits: per tenant, service and env, the percentage of traffic each version gets.
-- weights is a JSON object version -> weight summing to 100, or {} once the split was deleted: the
-- row stays so that the split's revisions go on 1, 2, 3 … across a delete and a new PUT, and
-- consumers that drop what they have applied never take a new split for a stale one.
-- A split write locks the routes it names (FOR SHARE) before it writes this row, and a deactivation
-- locks its route before it reads this row, so "never split onto an inactive version" holds under
-- concurrent writes without either waiting for the other crosswise.
CREATE TABLE splits (
    tenant      text        NOT NULL,
    service     text        NOT NULL,
    env         text        NOT NULL,
    weights     jsonb       NOT NULL,
    revision    bigint      NOT NULL CHECK (revision >= 1),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant, service, env)
);

-- The audit trail of splits, written by the audit-log consumer from route-changes beside audit_log
-- (whose rows are a route's: a URL and an active flag). Same idempotency: event_id, and the split's
-- (split_key, revision).
CREATE TABLE split_audit_log (
    event_id          uuid        PRIMARY KEY,
    split_key         text        NOT NULL,
    tenant            text        NOT NULL,
    service           text        NOT NULL,
    env               text        NOT NULL,
    action            text        NOT NULL,
    previous_weights  jsonb,
    new_weights       jsonb       NOT NULL,
    revision          bigint      NOT NULL,
    actor             text        NOT NULL,
    correlation_id    text        NOT NULL,
    occurred_at       timestamptz NOT NULL,
    processed_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (split_key, revision)
);
CREATE INDEX split_audit_log_split ON split_audit_log (tenant, service, env, revision DESC);
