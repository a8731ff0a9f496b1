-- Signature nonces seen, kept until their signature expires so that a replayed signature is
-- refused (RFC 9421 §7.2.2), shared by every node on the database. The key is a SHA-256 of the
-- key id and the nonce: fixed-size rows whatever a client sends.
create table signature_nonces (
  digest bytea primary key,
  -- Unix seconds; the row may be deleted once this is in the past.
  expires_at bigint not null
);

create index signature_nonces_expires_at on signature_nonces (expires_at);
