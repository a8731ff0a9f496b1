-- Share requests (共享申请): created, decided within 10 working days, revoked.
-- A first sketch (see 0005-registry.sql).
create table share_requests (
  id text primary key,
  requester_code text not null references members (code),
  provider_code text not null references members (code),
  resource_code text not null,
  -- specs/exchange v1 ShareRequestInput as submitted.
  request jsonb not null,
  status text not null check (status in ('pending', 'approved', 'refused', 'revoked', 'expired')),
  created_at timestamptz not null,
  -- The 10th working day after submission on the official calendar.
  answer_deadline date not null,
  -- The deadline's year had no holiday data: Monday to Friday was assumed.
  deadline_estimated boolean not null default false,
  decision jsonb,
  decided_at timestamptz,
  granted_fields text[],
  granted_from date,
  granted_to date,
  clear_text boolean not null default false,
  revoked_at timestamptz
);

create index share_requests_requester on share_requests (requester_code, status);
create index share_requests_provider on share_requests (provider_code, status);
create index share_requests_resource on share_requests (resource_code, requester_code);
create index share_requests_overdue on share_requests (answer_deadline) where status = 'pending';
