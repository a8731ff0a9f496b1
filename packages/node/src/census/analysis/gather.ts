/**
 * What the census analysis and the sharing evaluation read from the node's database: the census
 * records, the catalog with its 信息项' data elements, the registered systems and their services,
 * and the audited data access per resource.
 */
import type { Queryable } from "../../store/index.js";
import type {
  CatalogResourceInput,
  CensusInputs,
  CensusSystemInput,
  InventoryRecord,
  RegisteredSystem,
  ResourceUsage,
} from "./types.js";

/** The operations that read or move a resource's data: what "a call" means for usage. */
export const DATA_OPERATIONS = [
  "queryRecords",
  "getRecord",
  "verifyRecord",
  "pullBatch",
  "pushBatch",
] as const;

const iso = (value: Date | string | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : new Date(value).toISOString();

/** Successful data calls per resource: within [since, ∞), ever, distinct consumers, last. */
export async function resourceUsage(db: Queryable, since: Date): Promise<ResourceUsage[]> {
  const { rows } = await db.query<{
    resource_code: string;
    recent: string | number;
    calls: string | number;
    consumers: string | number;
    last_call: Date | null;
  }>(
    `select resource_code,
            count(*) filter (where at >= $1) as recent,
            count(*) as calls,
            count(distinct caller) as consumers,
            max(at) as last_call
       from audit_entries
      where resource_code is not null
        and operation = any($2)
        and coalesce((convert_from(entry, 'UTF8')::jsonb ->> 'status')::int, 200) < 400
      group by resource_code`,
    [since, [...DATA_OPERATIONS]],
  );
  return rows.map((r) => ({
    resourceCode: r.resource_code,
    recentCalls: Number(r.recent),
    calls: Number(r.calls),
    consumers: Number(r.consumers),
    ...(r.last_call ? { lastCall: iso(r.last_call) as string } : {}),
  }));
}

/** Everything `analyzeCensus` reads, from the node's database. */
export async function gatherCensusInputs(db: Queryable, since: Date): Promise<CensusInputs> {
  const systems = await db.query<{ id: string; record: InventoryRecord; submitted_at: Date }>(
    "select id, record, submitted_at from census_systems order by submitted_at, id",
  );
  const catalog = await db.query<{
    resource_code: string;
    provider_code: string;
    name: string;
    status: "published" | "withdrawn";
    elements: string[] | null;
  }>(
    `select r.resource_code, r.provider_code, r.name, r.status,
            array_remove(array_agg(i.element_ref order by i.position), null) as elements
       from catalog_resources r left join catalog_items i on i.resource_code = r.resource_code
      group by r.resource_code, r.provider_code, r.name, r.status`,
  );
  const registered = await db.query<{
    member_code: string;
    code: string;
    inventory_name: string | null;
    resources: string[] | null;
  }>(
    `select s.member_code, s.code, s.inventory_name,
            array_remove(array_agg(v.resource_code order by v.resource_code), null) as resources
       from systems s left join services v
         on v.member_code = s.member_code and v.system_code = s.code
      group by s.member_code, s.code, s.inventory_name`,
  );
  const oldest = await db.query<{ at: Date | null }>("select min(at) as at from audit_entries");
  const auditSince = iso(oldest.rows[0]?.at);
  return {
    systems: systems.rows.map(
      (r): CensusSystemInput => ({
        id: r.id,
        record: r.record,
        submittedAt: iso(r.submitted_at) as string,
      }),
    ),
    catalog: catalog.rows.map(
      (r): CatalogResourceInput => ({
        resourceCode: r.resource_code,
        providerCode: r.provider_code,
        name: r.name,
        status: r.status,
        elements: r.elements ?? [],
      }),
    ),
    registered: registered.rows.map(
      (r): RegisteredSystem => ({
        memberCode: r.member_code,
        code: r.code,
        ...(r.inventory_name === null ? {} : { inventoryName: r.inventory_name }),
        resources: r.resources ?? [],
      }),
    ),
    usage: await resourceUsage(db, since),
    ...(auditSince === undefined ? {} : { auditSince }),
  };
}
