-- The system census (普查): system-inventory records as submitted.
-- A first sketch (see 0005-registry.sql).
create table census_systems (
  id text primary key,
  -- The owner department's 统一社会信用代码 (ownerDepartmentCode of the record).
  owner_code text not null,
  -- specs/data/v1 system-inventory record.
  record jsonb not null,
  submitted_by text not null,
  submitted_at timestamptz not null
);

create index census_systems_owner on census_systems (owner_code, submitted_at);
