-- The catalog (目录): one row per resource with its current version, every version kept, and
-- the information items for 一数一源 (one authoritative source per data element).
-- A first sketch (see 0005-registry.sql).
create table catalog_resources (
  resource_code text primary key,
  provider_code text not null references members (code),
  status text not null check (status in ('published', 'withdrawn')),
  version integer not null check (version >= 1),
  -- The specs/data/v1 catalog entry as published.
  entry jsonb not null,
  -- Copied out of the entry for filtering.
  name text not null,
  category text not null,
  share_type text not null check (share_type in ('无条件共享', '有条件共享', '不予共享')),
  update_cycle text not null,
  -- Name, abstract, keywords and item names: what catalog search matches (trigrams).
  search_text text not null,
  published_at timestamptz not null,
  updated_at timestamptz not null,
  withdraw_reason text
);

create index catalog_resources_provider on catalog_resources (provider_code);
create index catalog_resources_share_type on catalog_resources (share_type);
create index catalog_resources_update_cycle on catalog_resources (update_cycle);
create index catalog_resources_category on catalog_resources (category);

create table catalog_versions (
  resource_code text not null references catalog_resources (resource_code),
  version integer not null,
  status text not null,
  entry jsonb not null,
  changed_at timestamptz not null default now(),
  primary key (resource_code, version)
);

create table catalog_items (
  resource_code text not null references catalog_resources (resource_code) on delete cascade,
  item_code text not null,
  -- The standard data element the item points to, if any.
  element_ref text,
  -- The resource claims to be the authoritative source of that element (一数一源).
  authoritative boolean not null default false,
  primary key (resource_code, item_code)
);

create index catalog_items_authoritative on catalog_items (element_ref) where authoritative;

-- Trigram index for search, where pg_trgm is installed (0001-extensions.sql).
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    execute 'create index catalog_resources_search on catalog_resources using gin (search_text gin_trgm_ops)';
  end if;
end
$$;
