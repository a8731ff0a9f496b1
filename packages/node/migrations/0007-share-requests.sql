-- Share requests (共享申请): created, decided within 10 working days, revoked.
-- A first sketch (see 0005-registry.sql).
-- `expired` is never stored: an approved request whose granted_to is before today (China time)
-- reads as expired, so no job has to run for a grant to end on time.
create table share_requests (
  -- Node-assigned: sr-YYYYMMDD-<16 hex> (specs/exchange v1 Id).
  id text primary key,
  requester_code text not null references members (code),
  provider_code text not null references members (code),
  resource_code text not null,
  -- specs/exchange v1 ShareRequestInput as submitted.
  request jsonb not null,
  status text not null check (status in ('pending', 'approved', 'refused', 'revoked')),
  created_at timestamptz not null,
  -- The 10th working day after submission on the official calendar.
  answer_deadline date not null,
  -- The deadline's year had no holiday data: Monday to Friday was assumed.
  deadline_estimated boolean not null default false,
  -- specs/exchange v1 ShareDecision (ShareApproval with clearText filled in, or ShareRefusal).
  decision jsonb,
  decided_at timestamptz,
  -- The member that decided: the provider, or the operator on its behalf.
  decided_by text,
  granted_fields text[],
  granted_from date,
  granted_to date,
  clear_text boolean not null default false,
  revoked_at timestamptz,
  -- The member that revoked (the requester withdrawing, the provider ending the grant, or the
  -- operator) and why.
  revoked_by text,
  revoke_reason text,
  check (granted_from is null or granted_to is null or granted_from <= granted_to),
  check (
    status <> 'approved'
    or (granted_fields is not null and granted_from is not null and granted_to is not null)
  )
);

-- Lists are newest first per role, with (created_at, id) as the cursor.
create index share_requests_requester on share_requests (requester_code, created_at, id);
create index share_requests_provider on share_requests (provider_code, created_at, id);
create index share_requests_created on share_requests (created_at, id);
create index share_requests_resource on share_requests (resource_code, requester_code);
create index share_requests_overdue on share_requests (answer_deadline) where status = 'pending';
