-- pg_trgm: trigram indexes and similarity for catalog search over Chinese text. PGlite ships it as
-- an extension that the driver loads; a PostgreSQL server has it in its contrib files (Debian's
-- postgresql package includes them). It is created when the server offers it and the role may
-- create it (pg_trgm is a trusted extension since PostgreSQL 13), so a server without it still
-- starts; the node reports `features.pgTrgm` and catalog search falls back to plain matching.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    begin
      create extension if not exists pg_trgm;
    exception when insufficient_privilege then
      raise notice 'pg_trgm is available but this role may not create it';
    end;
  end if;
end
$$;
