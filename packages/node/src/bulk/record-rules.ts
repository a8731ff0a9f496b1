/**
 * What a pushed record of a resource is checked against, with @govex/validator:
 *
 * 1. the record schema the provider's service described (`services.record_schema`, its
 *    `describe`), when the registry holds one that compiles;
 * 2. else a schema derived from the catalog entry's 信息项 (as @govex/adapter derives it for a
 *    mapping without one): every property must be an item code, each typed by its data type
 *    code and length and bound to its standard data element; the key item is required when the
 *    node knows it. A data element that is not in the govex specs (its URL names no built-in
 *    schema, or its fragment points at nothing) is left out rather than failing every line.
 *
 * The key item is the service's `key_field` when the registry stores the describe's `keyField`
 * (read through `to_jsonb`, so this works before and after that column exists); else unknown, and
 * the accepted rows are stored without a key.
 */
import { type CatalogItem, deriveRecordSchema } from "@govex/adapter";
import { builtinSpecList, getValidator, type Validator } from "@govex/validator";
import type { Queryable } from "../store/index.js";

export interface RecordRules {
  validator: Validator;
  /** The key 信息项 code, when known. */
  keyField: string | undefined;
  /** Where the schema came from. */
  source: "service" | "catalog";
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function catalogItems(entry: unknown): CatalogItem[] {
  const items = isObject(entry) && Array.isArray(entry.items) ? entry.items : [];
  return items.filter(
    (item): item is CatalogItem =>
      isObject(item) && typeof item.code === "string" && typeof item.dataType === "string",
  );
}

/** Does `ref` point into a built-in govex spec (e.g. elements.schema.json#/$defs/residentId)? */
function knownDataElement(ref: string): boolean {
  const hash = ref.indexOf("#");
  const base = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? "" : ref.slice(hash + 1);
  const spec = builtinSpecList().find((s) => s.id === base);
  if (spec === undefined) return false;
  if (fragment === "") return true;
  if (!fragment.startsWith("/")) return false;
  let node: unknown = spec.schema;
  for (const raw of fragment.slice(1).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return isObject(node) || typeof node === "boolean";
}

function derived(items: CatalogItem[], keyField: string | undefined): Record<string, unknown> {
  const served = new Map(items.map((item) => [item.code as string, undefined]));
  const schema = deriveRecordSchema(items, served, keyField ?? "");
  return keyField !== undefined && served.has(keyField) ? schema : { ...schema, required: [] };
}

/** The rules of a resource's records. */
export async function recordRules(
  q: Queryable,
  resource: { resourceCode: string; providerCode: string; entry: unknown },
): Promise<RecordRules> {
  const { rows } = await q.query<{ record_schema: unknown; key_field: string | null }>(
    `select s.record_schema, to_jsonb(s) ->> 'key_field' as key_field
       from services s
      where s.member_code = $1 and s.resource_code = $2
      order by (s.status = 'active') desc, s.activated_at desc nulls last
      limit 1`,
    [resource.providerCode, resource.resourceCode],
  );
  const service = rows[0];
  const keyField = service?.key_field ?? undefined;
  if (isObject(service?.record_schema)) {
    try {
      return { validator: await getValidator(service.record_schema), keyField, source: "service" };
    } catch {
      // A stored schema that does not compile: check against the catalog instead.
    }
  }
  const items: CatalogItem[] = catalogItems(resource.entry).map(({ dataElement, ...item }) =>
    dataElement !== undefined && knownDataElement(dataElement) ? { ...item, dataElement } : item,
  );
  let validator: Validator;
  try {
    validator = await getValidator(derived(items, keyField));
  } catch {
    // Belt and braces: a data element that resolves but does not compile.
    const plain = items.map(({ dataElement: _, ...item }) => item);
    validator = await getValidator(derived(plain, keyField));
  }
  return { validator, keyField, source: "catalog" };
}
