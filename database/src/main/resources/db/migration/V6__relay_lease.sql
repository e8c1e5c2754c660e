-- The outbox relay's lease, one row. The relay holding the leader lock claims it (a new epoch)
-- when it starts to lead and renews it (renewals + 1) every third of TM_RELAY_LEASE from a thread
-- of its own. A frozen leader keeps its session, and so the advisory lock, but stops renewing: a
-- standby that sees the row unchanged for a whole lease ends the leader's session and takes over.
-- Standbys judge "unchanged" by their own clock, so the servers' clocks never need to agree;
-- renewed_at is for operators.
CREATE TABLE relay_lease (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    epoch      bigint      NOT NULL,
    holder     text        NOT NULL,
    renewals   bigint      NOT NULL DEFAULT 0,
    renewed_at timestamptz NOT NULL DEFAULT now()
);
