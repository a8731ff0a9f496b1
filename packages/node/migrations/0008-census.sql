-- The system census (普查): system-inventory records as submitted.
-- A first sketch (see 0005-registry.sql).
create table census_systems (
  -- Node-assigned: c-YYYYMMDD-<16 hex> (specs/exchange v1 Id).
  id text primary key,
  -- The owner department's 统一社会信用代码 (ownerDepartmentCode of the record).
  owner_code text not null,
  -- specs/data/v1 system-inventory record.
  record jsonb not null,
  -- The member that submitted it: the owner department, or the operator on its behalf.
  submitted_by text not null,
  submitted_at timestamptz not null
);

-- Lists are newest first, with (submitted_at, id) as the cursor.
create index census_systems_owner on census_systems (owner_code, submitted_at, id);
create index census_systems_submitted on census_systems (submitted_at, id);
