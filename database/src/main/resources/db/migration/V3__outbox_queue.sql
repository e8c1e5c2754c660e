-- The relay's work queue: the id of every outbox row not yet published. Publishing a row deletes
-- its id here, which writes no new row version and no index entry, where marking the outbox row
-- (UPDATE ... SET published_at) rewrote the row and inserted into every index of the outbox; that
-- update was most of what it cost to relay an event. The outbox itself is now written once and
-- deleted by retention only.
CREATE TABLE outbox_queue (
    id bigint PRIMARY KEY
);

INSERT INTO outbox_queue (id) SELECT id FROM outbox WHERE published_at IS NULL;

DROP INDEX outbox_pending;
DROP INDEX outbox_published_at;
ALTER TABLE outbox DROP COLUMN published_at;
