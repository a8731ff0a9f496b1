-- One-time login tokens of the web console (`govex start` prints one): a token is random (256
-- bits), stored only as its SHA-256, single use, and expires. Redeeming it registers the
-- browser's own public key as a short-lived key of the member (member_keys.not_after), so every
-- later console call is an ordinary signed, audited API call.
create table console_tokens (
  token_hash text primary key,
  member_code text not null references members (code),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  -- The key the redemption registered.
  key_id text
);

create index console_tokens_expires on console_tokens (expires_at);
