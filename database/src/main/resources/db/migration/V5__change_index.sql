-- The watch API's change index: each tenant's changes numbered 1, 2, 3 … in commit order.
-- A write bumps its tenant's row (UPDATE … RETURNING, in the write's transaction, after the route
-- row): the row lock it takes serialises the committing writes of one tenant, so a change's index is
-- visible only once every lower index of its tenant is, and no index is skipped (a rolled-back
-- bump is undone with its transaction).
CREATE TABLE tenant_change_index (
    tenant      text   PRIMARY KEY,
    last_index  bigint NOT NULL CHECK (last_index >= 1)
);

-- The outbox doubles as the change history the watch API reads indexes from: within retention,
-- each row carries its tenant, its index and the route's state before it (null for a create), so
-- a change can be served with previous and current state however long ago the route last changed.
-- Rows written before this migration have none of them and are never served by index.
ALTER TABLE outbox ADD COLUMN tenant text, ADD COLUMN change_index bigint, ADD COLUMN previous text;

-- Changes of a tenant after an index, in index order. Unique: an index names one change.
CREATE UNIQUE INDEX outbox_tenant_change ON outbox (tenant, change_index)
    WHERE change_index IS NOT NULL;
