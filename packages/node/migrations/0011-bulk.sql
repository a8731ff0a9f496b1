-- Streamed, resumable batches (specs/exchange v1 `bulk`, issue 10 §2). A batch is written while
-- it arrives, in checkpoints of 10 000 rows or 4 MiB (one transaction each, with the batch's
-- progress), and stays in state `receiving` — its rows invisible — until its Content-Digest and
-- every line are checked; then ONE update makes it `complete`, whole. A bad digest, a limit
-- exceeded or an empty batch deletes it (its rows by cascade). A batch whose upload was cut
-- (connection dropped, node killed) stays `receiving` for a resume under the same batch id, on any
-- node: every fact a resume needs is in this row, none in a node's memory.

alter table batches
  add column state text not null default 'complete' check (state in ('receiving', 'complete'));
-- Bytes and lines (blank ones counted) of the body held so far: the resume point, always at a
-- line boundary. `digest` holds the Content-Digest (sha-256 and sm3) of these bytes while
-- receiving, of the whole batch once complete.
alter table batches add column bytes bigint not null default 0 check (bytes >= 0);
alter table batches add column lines bigint not null default 0 check (lines >= 0);
-- The rejections listed so far (at most 1000), carried from checkpoint to checkpoint.
alter table batches add column rejections jsonb not null default '[]'::jsonb;
-- The pushing request's own Content-Digest field, as sent: a retry of a complete batch with the
-- same digest is answered with its receipt.
alter table batches add column request_digest text;
-- Who is writing the batch now: a request holds the lease while it uploads and renews it at
-- each checkpoint and every 5 s (LEASE_SECONDS 15); a resume takes over only a lease that ended
-- (the request died with its node: at most 15 s after the crash).
alter table batches add column lease_token text;
alter table batches add column lease_until timestamptz;
alter table batches add column updated_at timestamptz;

-- Abandoned uploads, for the sweep that deletes them after their retention.
create index batches_receiving on batches (updated_at) where state = 'receiving';

-- Accepted rows are stored in chunks, one row per checkpoint: `records` is the text of a JSON
-- array of {"l": line, "k": key item value or null, "r": record}, every record already checked
-- and validated by the node (and proven storable as jsonb). Measured for 180 000 records: one
-- row per record (batch_records of 0009) 20 µs a record on PostgreSQL and 33 µs on PGlite, most
-- of a push's time; chunks as jsonb about half, as text a quarter of that (the jsonb parse
-- moves to the readers, through the view below). batch_records is no longer written.
create table batch_chunks (
  batch_id text not null references batches (id) on delete cascade,
  -- 1-based line number (blank lines counted) of the chunk's first record: a chunk is written
  -- once, so a resume can never store a line twice.
  first_line integer not null check (first_line >= 1),
  rows integer not null check (rows >= 1),
  records text not null,
  primary key (batch_id, first_line)
);

-- The records of complete batches only, one row each: readers of pushed data read this view,
-- never batch_chunks directly, so a batch still arriving (or cut off) is never seen in part.
create view accepted_batch_records as
  select c.batch_id, (e.value ->> 'l')::integer as line, e.value ->> 'k' as record_key,
         e.value -> 'r' as record, b.resource_code, b.provider_code
    from batch_chunks c
    join batches b on b.id = c.batch_id
    cross join lateral jsonb_array_elements(c.records::jsonb) as e(value)
   where b.state = 'complete';
