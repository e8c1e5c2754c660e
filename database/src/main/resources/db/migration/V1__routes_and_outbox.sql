-- The source of truth: one row per route, its revision bumped by every write under a row lock.
CREATE TABLE routes (
    tenant      text        NOT NULL,
    service     text        NOT NULL,
    env         text        NOT NULL,
    version     text        NOT NULL,
    url         text        NOT NULL,
    active      boolean     NOT NULL,
    revision    bigint      NOT NULL CHECK (revision >= 1),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant, service, env, version)
);

-- The transactional outbox: written in the same transaction as the routes row it describes.
-- payload is text, not jsonb, so the relay publishes exactly the bytes the writer serialised.
CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    route_key       text        NOT NULL,
    revision        bigint      NOT NULL,
    event_type      text        NOT NULL,
    payload         text        NOT NULL,
    correlation_id  text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz
);

-- The relay reads pending rows by status in id order; this index holds only those.
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
-- Retention deletes published rows by age; republish reads them by time.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX outbox_created_at ON outbox (created_at);

-- A retried write carrying the same Idempotency-Key gets the first answer back, not a second event.
CREATE TABLE idempotency_keys (
    idempotency_key text        PRIMARY KEY,
    request_hash    text        NOT NULL,
    status          integer     NOT NULL,
    response_body   text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
