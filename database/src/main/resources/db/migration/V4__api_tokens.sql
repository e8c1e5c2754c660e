-- Bearer tokens of the HTTP API. Only a SHA-256 hash of each token is kept: the token itself is
-- shown once, when it is made. A token is random (256 bits), so a plain hash cannot be reversed by
-- guessing, and the unique index finds a presented token in one lookup.
CREATE TABLE api_tokens (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL,
    -- The tenants of the tenant-scoped scopes (routes:write, routes:read, audit:read); empty for
    -- admin, which covers every tenant.
    tenants       text[]      NOT NULL DEFAULT '{}',
    scopes        text[]      NOT NULL,
    token_hash    bytea       NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    -- Updated at most about once a minute per token, not on every request.
    last_used_at  timestamptz
);
