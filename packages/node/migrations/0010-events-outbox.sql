-- Change events: where the node stands in each provider's changes feed, the transactional
-- outbox of CloudEvents, and the delivery worker's leases (specs/exchange v1 `events`).
--
-- A poll of one resource writes, in ONE transaction: its outbox events, one audit leaf per
-- event, the fan-out into `deliveries` (one row per matching live subscription) and the new
-- cursor. A node that dies before the commit leaves nothing behind; the next poll (by any node)
-- reads the same changes again from the old cursor.

create table event_cursors (
  resource_code text primary key references catalog_resources (resource_code),
  -- The provider's nextCursor (specs/provider v1 changesSince); null before the first page.
  cursor text,
  -- False until the first poll has walked the feed to its end without making events: changes
  -- from before the resource's first subscription are history, not news.
  baseline_done boolean not null default false,
  -- When this resource is due for its next poll.
  next_poll_at timestamptz not null,
  -- The poll in progress: a node holds the resource until lease_until; a node that died loses
  -- it when the lease runs out, and another node polls from the stored cursor.
  lease_owner text,
  lease_until timestamptz,
  last_polled_at timestamptz,
  last_error text
);

create index event_cursors_due on event_cursors (next_poll_at);

-- One CloudEvents 1.0 event per provider change, before any subscriber's access rules: `event`
-- holds the clear record in `data` and is never served as is. Deliveries point at their event.
create table event_outbox (
  seq bigint generated always as identity primary key,
  resource_code text not null references catalog_resources (resource_code),
  event jsonb not null,
  -- The resource and the record key: the deliveries of one key go out in order.
  ordering_key text not null,
  -- The audit leaf written in the same transaction.
  audit_leaf_index bigint not null,
  created_at timestamptz not null
);

create index event_outbox_resource on event_outbox (resource_code, seq);

-- The worker's claim is a lease, not a status: a node that claimed a delivery and died leaves
-- it due again once lease_until has passed.
alter table deliveries add column outbox_seq bigint references event_outbox (seq);
alter table deliveries add column lease_owner text;
alter table deliveries add column lease_until timestamptz;
-- `attempts` when an operator last replayed it: the retry limit counts from there.
alter table deliveries add column attempts_at_replay integer not null default 0;
-- Why the last attempt failed, as a stable code (http_status, timeout, connection_failed,
-- access_denied, …); `last_error` says it in words.
alter table deliveries add column last_error_code text;
