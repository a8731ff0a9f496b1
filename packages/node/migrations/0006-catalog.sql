-- The catalog (目录): one row per resource with its current version, every version kept, and
-- the information items for 一数一源 (one authoritative source per data element).
-- A first sketch (see 0005-registry.sql).
create table catalog_resources (
  resource_code text primary key,
  provider_code text not null references members (code),
  status text not null check (status in ('published', 'withdrawn')),
  version integer not null check (version >= 1),
  -- The specs/data/v1 catalog entry of the current version.
  entry jsonb not null,
  -- Copied out of the entry for filtering.
  name text not null,
  category text not null,
  -- The classification's 项 code (entry.classification.item).
  classification_item text,
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
create index catalog_resources_category on catalog_resources (category, classification_item);

-- Every version as it was stored: version 1 at publish, one more per update and at withdrawal.
create table catalog_versions (
  resource_code text not null references catalog_resources (resource_code),
  version integer not null,
  status text not null check (status in ('published', 'withdrawn')),
  entry jsonb not null,
  changed_at timestamptz not null default now(),
  -- The member whose signed request made this version (the provider, or the operator).
  changed_by text,
  withdraw_reason text,
  -- 一数一源 conflicts found when this version was stored: [{ element, first }], where `first` is
  -- the resource that had claimed the data element before; null when there were none.
  authority_conflicts jsonb,
  primary key (resource_code, version)
);

-- The order of 一数一源 claims: the first resource to claim a data element holds the lowest number.
create sequence catalog_claims;

-- The items (信息项) of the current version, in entry order; replaced at each update.
create table catalog_items (
  resource_code text not null references catalog_resources (resource_code) on delete cascade,
  -- 0-based position in entry.items.
  position integer not null,
  -- The item's code (entry.items[].code); null when the entry gives none.
  item_code text,
  name text not null,
  -- The standard data element the item points to (entry.items[].dataElement), if any.
  element_ref text,
  -- The resource claims to be the authoritative source of that element (一数一源), as listed
  -- in the entry's extensions.GOVEX.authoritativeItems.
  authoritative boolean not null default false,
  -- When, and in which order, this resource first claimed element_ref (catalog_claims); both
  -- kept across updates while the claim stays.
  claimed_at timestamptz,
  claim_seq bigint,
  -- The resource that had claimed element_ref first when this claim was last stored.
  conflicts_with text,
  primary key (resource_code, position),
  unique (resource_code, item_code),
  check (not authoritative or (element_ref is not null and claim_seq is not null))
);

create index catalog_items_authoritative on catalog_items (element_ref, claim_seq)
  where authoritative;

-- Trigram index for search, where pg_trgm is installed (0001-extensions.sql).
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    execute 'create index catalog_resources_search on catalog_resources using gin (search_text gin_trgm_ops)';
  end if;
end
$$;
