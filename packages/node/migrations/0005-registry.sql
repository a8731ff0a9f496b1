-- The registry: members (成员单位) by 统一社会信用代码, their signature keys, systems and
-- services (specs/exchange v1 Member, PublicKey, System, Service).
-- A first sketch, written with the storage layer before the routes: until the first release,
-- change it in place (and recreate development databases) rather than adding a migration.
create table members (
  -- 统一社会信用代码 (GB 32100-2015), check character verified by the node.
  code text primary key,
  name text not null,
  member_class text not null check (member_class in ('GOV', 'PUB', 'COM')),
  division_code text,
  contact jsonb,
  registered_at timestamptz not null default now()
);

-- Keys sign requests (RFC 9421); a key is rotated by adding one, revoked by marking it.
create table member_keys (
  key_id text primary key,
  member_code text not null references members (code),
  algorithm text not null check (algorithm in ('ed25519', 'ecdsa-p256-sha256', 'sm2-sm3')),
  public_key text not null,
  not_after timestamptz,
  status text not null default 'active' check (status in ('active', 'revoked')),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create index member_keys_member on member_keys (member_code);

create table systems (
  member_code text not null references members (code),
  code text not null,
  name text not null,
  provider_base_url text not null,
  inventory_name text,
  registered_at timestamptz not null default now(),
  primary key (member_code, code)
);

-- A provider service is active only with a valid signed conformance report.
create table services (
  member_code text not null,
  system_code text not null,
  code text not null,
  resource_code text not null,
  operations text[] not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'active', 'suspended')),
  -- The resource's record schema from the provider's describe (masking: `x-govex-mask`).
  record_schema jsonb,
  -- The provider's catalog entry from its describe, to check a published entry against.
  described_entry jsonb,
  conformance_report jsonb,
  activated_at timestamptz,
  primary key (member_code, system_code, code),
  foreign key (member_code, system_code) references systems (member_code, code)
);

create index services_resource on services (resource_code);
