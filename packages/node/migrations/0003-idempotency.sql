-- Idempotency-Key of every non-safe request (draft-ietf-httpapi-idempotency-key-header): the
-- first request claims the key (state in_flight), its response is stored (state done) and
-- replayed to a retry with the same request; the same key with another request is refused.
create table idempotency_keys (
  -- Whose key it is: the caller (keys are unique per client, not globally).
  scope text not null,
  key text not null,
  -- SHA-256 of the request (method, target, body): a retry must match it.
  fingerprint bytea not null,
  state text not null check (state in ('in_flight', 'done')),
  -- The claim's owner; only it may complete or release the claim.
  token text not null,
  -- Unix milliseconds: an in_flight claim older than this is taken to be abandoned (a node died).
  lease_until bigint not null,
  -- Unix milliseconds: the row may be deleted once this is in the past.
  expires_at bigint not null,
  created_at bigint not null,
  response_status integer,
  response_headers jsonb,
  response_body bytea,
  primary key (scope, key)
);

create index idempotency_keys_expires_at on idempotency_keys (expires_at);
