import { msg } from "../errors.js";
import { PROVIDER_SPEC } from "../generated/provider-spec.js";
import { describeIssues } from "../spec-schemas.js";
import type { Localized } from "../types.js";
import type { Exchange } from "../wire.js";
import {
  type Context,
  expectSpecAnswer,
  identity,
  isObject,
  keyOf,
  outcome,
  type ProviderRecord,
  type Resource,
  type Seen,
  safeCanonical,
  show,
} from "./context.js";

const limitSchema = PROVIDER_SPEC.operations.query?.parameters.find((p) => p.name === "limit")
  ?.schema as { maximum?: number } | undefined;
/** The spec's largest page (specs/provider v1 `limit`: maximum 1000). */
export const MAX_LIMIT = limitSchema?.maximum ?? 1000;
/** The small page of the pagination walks: a prime, so its pages never line up with the big one's. */
export const SMALL_LIMIT = 7;

interface Walk {
  limit: number;
  records: ProviderRecord[];
  pages: Exchange[];
  capped: boolean;
  faults: Localized[];
}

/** Query every page of a resource with `limit`, following nextCursor, up to maxRecords. */
export async function walk(
  context: Context,
  resource: Resource,
  limit: number,
  extra: [string, string][] = [],
): Promise<Walk> {
  const result: Walk = { limit, records: [], pages: [], capped: false, faults: [] };
  const seenCursors = new Set<string>();
  const maxPages = Math.ceil(context.maxRecords / limit) + 3;
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const exchange = await context.wire.send({
      operation: "query",
      method: "GET",
      path: `${resource.path}/records`,
      query: [
        ["purpose", context.purpose],
        ...extra,
        ["limit", String(limit)],
        ...(cursor === undefined ? [] : ([["cursor", cursor]] as [string, string][])),
      ],
      headers: context.dataHeaders(),
      retry: true,
    });
    result.pages.push(exchange);
    await expectSpecAnswer(context, "query-schema", exchange, "RecordPage");
    const body = exchange.json;
    if (exchange.status !== 200 || !isObject(body) || !Array.isArray(body.items)) {
      const o = outcome(exchange);
      result.faults.push(
        msg(
          `limit=${limit} 遍历在第 ${page} 页中断(${o["zh-CN"]})。`,
          `the walk with limit=${limit} broke off at page ${page} (${o.en}).`,
        ),
      );
      return result;
    }
    if (body.items.length > limit)
      result.faults.push(
        msg(
          `第 ${page} 页有 ${body.items.length} 条记录,超过 limit=${limit}。`,
          `page ${page} has ${body.items.length} records, more than limit=${limit}.`,
        ),
      );
    for (const item of body.items) if (isObject(item)) result.records.push(item);
    const next = body.nextCursor;
    if (next === undefined) return result;
    if (typeof next !== "string") return result; // query-schema reports it
    if (seenCursors.has(next)) {
      result.faults.push(
        msg(
          `第 ${page} 页返回了此前用过的游标,遍历不会结束。`,
          `page ${page} returned a cursor it had returned before, so the walk never ends.`,
        ),
      );
      return result;
    }
    seenCursors.add(next);
    if (result.records.length >= context.maxRecords) {
      result.capped = true;
      return result;
    }
    if (page >= maxPages) {
      result.faults.push(
        msg(
          `limit=${limit} 翻过 ${page} 页只得到 ${result.records.length} 条记录,游标没有结束。`,
          `with limit=${limit}, ${page} pages gave only ${result.records.length} records and the cursor did not end.`,
        ),
      );
      return result;
    }
    cursor = next;
  }
}

/**
 * query: walk every page with a large and, twice, with a small limit (pagination-complete,
 * pagination-stable, query-schema), then check field selection and equality filters.
 */
export async function probeQuery(context: Context, resource: Resource, seen: Seen): Promise<void> {
  const { findings } = context;
  const bigLimit = Math.min(MAX_LIMIT, context.maxRecords);
  const big = await walk(context, resource, bigLimit);
  const small = await walk(context, resource, Math.min(SMALL_LIMIT, bigLimit));
  const again = await walk(context, resource, Math.min(SMALL_LIMIT, bigLimit));
  seen.walked.push(...big.records);
  seen.all.push(...big.records, ...small.records, ...again.records);

  // pagination-complete: each walk ends, keeps to its limit, repeats nothing; the small walk
  // returns exactly the records of the big one.
  for (const w of [big, small, again]) {
    for (const fault of w.faults) findings.fail("pagination-complete", prefixed(resource, fault));
    const dup = firstDuplicate(resource, w.records);
    if (dup)
      findings.fail(
        "pagination-complete",
        prefixed(
          resource,
          msg(
            `limit=${w.limit} 的遍历中记录 ${dup} 出现了两次。`,
            `record ${dup} appears twice in the walk with limit=${w.limit}.`,
          ),
        ),
      );
  }
  compareWalks(context, resource, big, small);
  findings.pass("pagination-complete");

  // pagination-stable: the same walk twice gives the same sequence.
  const first = small.records.map(safeCanonical);
  const second = again.records.map(safeCanonical);
  const at = first.findIndex((text, i) => text !== second[i]);
  if (at >= 0 || first.length !== second.length) {
    const position = at >= 0 ? at : Math.min(first.length, second.length);
    findings.fail(
      "pagination-stable",
      prefixed(
        resource,
        msg(
          `同样的遍历(limit=${small.limit})两次结果不同: 第 ${position + 1} 条起不一致(${first.length} 与 ${second.length} 条)。分页应有确定的顺序。`,
          `the same walk (limit=${small.limit}) twice differs from record ${position + 1} on (${first.length} and ${second.length} records): order pages deterministically.`,
        ),
      ),
    );
  } else findings.pass("pagination-stable");

  await probeFields(context, resource, big);
  const filtered = await probeFilter(context, resource, big);
  seen.all.push(...filtered);
}

function prefixed(resource: Resource, message: Localized): Localized {
  return msg(
    `资源 ${resource.code}: ${message["zh-CN"]}`,
    `resource ${resource.code}: ${message.en}`,
  );
}

function firstDuplicate(resource: Resource, records: ProviderRecord[]): string | undefined {
  const ids = new Set<string>();
  for (const record of records) {
    const id = identity(resource, record);
    if (ids.has(id)) return show(keyOf(resource, record) ?? record);
    ids.add(id);
  }
  return undefined;
}

function compareWalks(context: Context, resource: Resource, big: Walk, small: Walk): void {
  let bigIds = big.records.map((r) => identity(resource, r));
  let smallIds = small.records.map((r) => identity(resource, r));
  if (big.capped || small.capped) {
    // Capped walks compare their common prefix (document: the walks must agree on the first N).
    const n = Math.min(bigIds.length, smallIds.length);
    bigIds = bigIds.slice(0, n);
    smallIds = smallIds.slice(0, n);
  }
  const inSmall = new Set(smallIds);
  const inBig = new Set(bigIds);
  const missing = bigIds.filter((id) => !inSmall.has(id));
  const extra = smallIds.filter((id) => !inBig.has(id));
  const list = (ids: string[]) =>
    ids
      .slice(0, 5)
      .map((id) => id.replace(/^(key|json):/, ""))
      .join(", ") + (ids.length > 5 ? " …" : "");
  if (missing.length > 0)
    context.findings.fail(
      "pagination-complete",
      prefixed(
        resource,
        msg(
          `limit=${small.limit} 逐页遍历漏掉了 ${missing.length} 条记录(与 limit=${big.limit} 相比): ${list(missing)}`,
          `the walk with limit=${small.limit} misses ${missing.length} records that limit=${big.limit} returns: ${list(missing)}`,
        ),
      ),
    );
  if (extra.length > 0)
    context.findings.fail(
      "pagination-complete",
      prefixed(
        resource,
        msg(
          `limit=${small.limit} 逐页遍历多出 ${extra.length} 条记录(与 limit=${big.limit} 相比): ${list(extra)}`,
          `the walk with limit=${small.limit} returns ${extra.length} records that limit=${big.limit} does not: ${list(extra)}`,
        ),
      ),
    );
}

const NO_RECORD = (what: string, en: string): Localized =>
  msg(
    `没有可用于检测${what}的记录。符合性检测需要每个提供查询的资源至少有一条记录。`,
    `no record to check ${en} with: the run needs at least one record in a resource that offers query.`,
  );

/** fields-selection: `fields=<key>,<other>` returns records with those fields only, same values. */
async function probeFields(context: Context, resource: Resource, big: Walk): Promise<void> {
  const { findings } = context;
  if (big.records.length === 0) {
    findings.missing("fields-selection", NO_RECORD("字段选择", "field selection"));
    return;
  }
  const candidates =
    resource.properties.length > 0 ? resource.properties : Object.keys(big.records[0] ?? {});
  const other = candidates.find(
    (name) => name !== resource.keyField && big.records.some((r) => Object.hasOwn(r, name)),
  );
  const fields = other === undefined ? [resource.keyField] : [resource.keyField, other];
  const exchange = await context.wire.send({
    operation: "query",
    method: "GET",
    path: `${resource.path}/records`,
    query: [
      ["purpose", context.purpose],
      ["fields", fields.join(",")],
      ["limit", String(Math.min(100, big.limit))],
    ],
    headers: context.dataHeaders(),
    retry: true,
  });
  await expectSpecAnswer(context, "query-schema", exchange, "RecordPage");
  const body = exchange.json;
  if (exchange.status !== 200 || !isObject(body) || !Array.isArray(body.items)) {
    const o = outcome(exchange);
    findings.fail(
      "fields-selection",
      prefixed(
        resource,
        msg(`fields 查询失败: ${o["zh-CN"]}。`, `the fields query failed: ${o.en}.`),
      ),
      exchange.line,
    );
    return;
  }
  if (body.items.length === 0) {
    findings.fail(
      "fields-selection",
      prefixed(
        resource,
        msg(
          `fields=${fields.join(",")} 没有返回记录,而不带 fields 时有 ${big.records.length} 条。`,
          `fields=${fields.join(",")} returned no record, without fields ${big.records.length} came back.`,
        ),
      ),
      exchange.line,
    );
    return;
  }
  const full = new Map(big.records.map((r) => [keyOf(resource, r), r]));
  for (const item of body.items) {
    if (!isObject(item)) continue;
    const extra = Object.keys(item).filter((name) => !fields.includes(name));
    if (extra.length > 0) {
      findings.fail(
        "fields-selection",
        prefixed(
          resource,
          msg(
            `请求 fields=${fields.join(",")},记录却还含有 ${extra.slice(0, 5).join("、")}。`,
            `asked for fields=${fields.join(",")}, the record also has ${extra.slice(0, 5).join(", ")}.`,
          ),
        ),
        exchange.line,
      );
      return;
    }
    const whole = full.get(keyOf(resource, item));
    const differs =
      whole &&
      fields.find(
        (name) =>
          Object.hasOwn(item, name) && safeCanonical(item[name]) !== safeCanonical(whole[name]),
      );
    if (differs) {
      findings.fail(
        "fields-selection",
        prefixed(
          resource,
          msg(
            `字段 ${differs} 在 fields 查询中的值与完整记录不同。`,
            `field ${differs} differs between the fields query and the full record.`,
          ),
        ),
        exchange.line,
      );
      return;
    }
  }
  findings.pass("fields-selection");
}

/**
 * filter-equality: filter on the value of a sample record (the most selective non-key field)
 * and expect exactly the records of the full walk with that value.
 */
async function probeFilter(
  context: Context,
  resource: Resource,
  big: Walk,
): Promise<ProviderRecord[]> {
  const { findings } = context;
  const choice = chooseFilter(resource, big.records);
  if (!choice) {
    findings.missing("filter-equality", NO_RECORD("过滤条件", "filters"));
    return [];
  }
  const { field, value, sample } = choice;
  const filtered = await walk(context, resource, Math.min(100, big.limit), [
    [`filter[${field}]`, value],
  ]);
  const fail = (zh: string, en: string) =>
    findings.fail(
      "filter-equality",
      prefixed(
        resource,
        msg(`filter[${field}]=${show(value)}: ${zh}`, `filter[${field}]=${show(value)}: ${en}`),
      ),
      filtered.pages[0]?.line,
    );
  for (const fault of filtered.faults) fail(fault["zh-CN"], fault.en);
  const wrong = filtered.records.filter(
    (r) => !Object.hasOwn(r, field) || String(r[field]) !== value,
  );
  if (wrong.length > 0)
    fail(
      `返回了 ${wrong.length} 条该字段不等于过滤值的记录,如 ${show(wrong[0]?.[field])}。`,
      `${wrong.length} returned records do not have that value, e.g. ${show(wrong[0]?.[field])}.`,
    );
  const ids = new Set(filtered.records.map((r) => identity(resource, r)));
  if (!ids.has(identity(resource, sample)))
    fail(
      `没有返回带该值的记录 ${show(keyOf(resource, sample))}。`,
      `the record ${show(keyOf(resource, sample))} that has the value was not returned.`,
    );
  if (!big.capped && !filtered.capped) {
    const expected = big.records.filter((r) => String(r[field]) === value).length;
    if (wrong.length === 0 && filtered.records.length !== expected)
      fail(
        `应返回 ${expected} 条记录,实为 ${filtered.records.length} 条。`,
        `expected ${expected} records, got ${filtered.records.length}.`,
      );
  }
  findings.pass("filter-equality");
  return filtered.records;
}

/** The most selective (field, value) of the walked records: a non-key string field when there is one. */
function chooseFilter(
  resource: Resource,
  records: ProviderRecord[],
): { field: string; value: string; sample: ProviderRecord } | undefined {
  const counts = new Map<
    string,
    { field: string; value: string; sample: ProviderRecord; n: number }
  >();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      if (field === resource.keyField || typeof value !== "string") continue;
      if (value.length === 0 || value.length > 200) continue;
      const id = `${field}\u0000${value}`;
      const entry = counts.get(id);
      if (entry) entry.n++;
      else counts.set(id, { field, value, sample: record, n: 1 });
    }
  }
  let best: { field: string; value: string; sample: ProviderRecord; n: number } | undefined;
  for (const entry of counts.values()) if (!best || entry.n < best.n) best = entry;
  if (best) return best;
  const first = records[0];
  const key = first && keyOf(resource, first);
  return first && key !== undefined
    ? { field: resource.keyField, value: key, sample: first }
    : undefined;
}

/** record-schema: every record a resource returned, against its record schema, with its key. */
export function checkRecords(
  context: Context,
  resource: Resource,
  records: ProviderRecord[],
): void {
  const { findings } = context;
  if (!resource.validator) return; // describe-consistent has reported the schema
  const done = new Set<string>();
  for (const record of records) {
    const text = safeCanonical(record);
    if (done.has(text)) continue;
    done.add(text);
    const key = keyOf(resource, record);
    if (key === undefined) {
      findings.fail(
        "record-schema",
        prefixed(
          resource,
          msg(
            `记录缺少主键 ${resource.keyField}: ${show(record)}`,
            `a record lacks its key ${resource.keyField}: ${show(record)}`,
          ),
        ),
      );
      continue;
    }
    const issues = describeIssues(resource.validator, record);
    if (issues)
      findings.fail(
        "record-schema",
        prefixed(
          resource,
          msg(
            `记录 ${key} 不符合记录模式: ${issues["zh-CN"]}`,
            `record ${key} does not match the record schema: ${issues.en}`,
          ),
        ),
      );
    else findings.pass("record-schema");
  }
}
