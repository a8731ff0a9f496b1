-- Subscriptions and their deliveries (specs/exchange v1 `events`), and pushed batches with their
-- receipts (`bulk`). A first sketch (see 0005-registry.sql).
--
-- The deliveries table is the queue the delivery worker (outbox → webhooks, a later issue) will
-- work on: it claims due rows with
--   select … from deliveries where status in ('pending', 'retrying') and next_attempt_at <= $now
--   order by next_attempt_at limit $n for update skip locked
-- (index deliveries_due), so several nodes on one PostgreSQL never deliver the same row at once.

create table subscriptions (
  id text primary key,
  -- The subscriber: the member whose key signed createSubscription.
  member_code text not null references members (code),
  resource_code text not null references catalog_resources (resource_code),
  -- The webhook (http or https, no credentials in it).
  url text not null,
  -- CloudEvents types to deliver; null for every type.
  event_types text[],
  status text not null default 'active' check (status in ('active', 'paused')),
  created_at timestamptz not null,
  last_delivery_at timestamptz,
  -- Set by deleteSubscription; the row stays for the deliveries that refer to it.
  deleted_at timestamptz
);

create index subscriptions_member on subscriptions (member_code, created_at, id)
  where deleted_at is null;
-- Fan-out of a resource's events to its live subscriptions.
create index subscriptions_resource on subscriptions (resource_code) where deleted_at is null;
-- One live subscription per member, resource and webhook: a second one would deliver every
-- event twice to the same receiver.
create unique index subscriptions_one_per_url on subscriptions (member_code, resource_code, url)
  where deleted_at is null;

-- One event to deliver to one subscription. `cancelled` is internal (the subscription was
-- deleted): the spec's Delivery status lists pending, delivered, retrying and dead only.
create table deliveries (
  id text primary key,
  subscription_id text not null references subscriptions (id),
  -- A CloudEvents 1.0 event (specs/data/v1 cloudevent) in structured JSON form.
  event jsonb not null,
  status text not null default 'pending'
    check (status in ('pending', 'delivered', 'retrying', 'dead', 'cancelled')),
  -- Attempts made; a replayed dead letter keeps its count.
  attempts integer not null default 0 check (attempts >= 0),
  last_status_code integer,
  last_error text,
  -- When the next attempt is due (pending and retrying rows).
  next_attempt_at timestamptz,
  -- The record key the event is about: deliveries of one key go out in `seq` order.
  ordering_key text,
  -- Insertion order, total even when created_at ties.
  seq bigint generated always as identity,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- When an operator last replayed it out of the dead letters.
  replayed_at timestamptz
);

-- The worker's claim: due rows first, FOR UPDATE SKIP LOCKED.
create index deliveries_due on deliveries (next_attempt_at)
  where status in ('pending', 'retrying');
-- listDeliveries (in `seq` order) and the pending / dead-letter counts of a subscription.
create index deliveries_subscription on deliveries (subscription_id, seq);
create index deliveries_subscription_status on deliveries (subscription_id, status);
-- listDeadLetters.
create index deliveries_dead on deliveries (seq) where status = 'dead';
-- Per-key order for the worker: the oldest undelivered row of a key goes first.
create index deliveries_ordering on deliveries (subscription_id, ordering_key, seq)
  where status in ('pending', 'retrying');
-- An event reaches a subscription once however often the outbox hands it over (at least once
-- upstream, exactly one row here): the fan-out inserts with ON CONFLICT DO NOTHING.
create unique index deliveries_event on deliveries (subscription_id, (event ->> 'source'), (event ->> 'id'));

-- A pushed batch and its receipt (specs/exchange v1 BatchReceipt), written in the same
-- transaction as its accepted records: a batch is there whole or not at all.
create table batches (
  id text primary key,
  resource_code text not null references catalog_resources (resource_code),
  provider_code text not null references members (code),
  -- Non-blank lines received, accepted and rejected.
  received integer not null check (received >= 0),
  accepted integer not null check (accepted >= 0),
  rejected integer not null check (rejected >= 0),
  -- RFC 9530 Content-Digest of the whole body, e.g. sha-256=:…:
  digest text not null,
  received_at timestamptz not null,
  -- The receipt as answered (at most 1000 rejections listed); getBatchReceipt serves it again.
  receipt jsonb not null,
  audit_leaf_index bigint,
  check (accepted + rejected = received)
);

create index batches_resource on batches (resource_code, received_at);

-- The accepted rows of a batch, one per NDJSON line.
create table batch_records (
  batch_id text not null references batches (id) on delete cascade,
  -- 1-based line number in the pushed body (blank lines counted).
  line integer not null check (line >= 1),
  -- The record's key item value, when the node knows the resource's key item.
  record_key text,
  record jsonb not null,
  primary key (batch_id, line)
);

create index batch_records_key on batch_records (record_key, batch_id) where record_key is not null;
