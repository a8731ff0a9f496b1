-- Retention of change events: delivered and cancelled deliveries are deleted once older than
-- the node's retention (events/retention.ts), then the outbox events no delivery refers to.
-- Finding those events, and the foreign key's own check on each deleted event, look deliveries
-- up by outbox_seq: without this index each would read the whole deliveries table.
create index deliveries_outbox on deliveries (outbox_seq);
