-- The audit log: an append-only Merkle tree (RFC 9162 §2.1, SHA-256) of every access.
--
-- One row holds the tree size and is the appenders' lock: an append selects it FOR UPDATE, so
-- appends from every node on the database are serialized into one tree.
create table audit_state (
  id integer primary key check (id = 1),
  size bigint not null check (size >= 0)
);

insert into audit_state (id, size) values (1, 0);

-- The entries. `entry` holds the exact bytes that were hashed: the entry's canonical JSON
-- (RFC 8785). The other columns repeat some of its fields for filtering only.
create table audit_entries (
  leaf_index bigint primary key,
  entry bytea not null,
  at timestamptz not null,
  operation text not null,
  caller text not null,
  provider text,
  resource_code text,
  share_request_id text,
  request_id text
);

create index audit_entries_caller on audit_entries (caller, leaf_index);
create index audit_entries_provider on audit_entries (provider, leaf_index);
create index audit_entries_at on audit_entries (at, leaf_index);

-- Every complete subtree's hash: node (level, idx) is the Merkle tree hash of leaves
-- [idx · 2^level, (idx + 1) · 2^level). Level 0 holds the leaf hashes SHA-256(0x00 ‖ entry).
-- Roots and proofs at any size read O(log n) of these rows; an append writes two on average.
create table audit_nodes (
  level smallint not null check (level >= 0 and level < 64),
  idx bigint not null check (idx >= 0),
  hash bytea not null check (length(hash) = 32),
  primary key (level, idx)
);

-- Signed tree heads (c2sp.org/tlog-checkpoint), one per size that was signed.
create table audit_checkpoints (
  size bigint primary key check (size >= 0),
  root bytea not null check (length(root) = 32),
  note text not null,
  created_at timestamptz not null default now()
);
