/**
 * The mapped adapter: one or more resources, each a mapping file over a `Source`, served as an
 * `Adapter` in the govex record format. Rows become records through the mapping (renaming,
 * transforms, code tables); every record is validated against the resource's record schema
 * before it leaves. A record that breaks the standard is withheld, counted in
 * `govex_adapter_records_withheld_total` and written to the issue log with its key and issue
 * codes (never its values) — never served silently, never dropped silently.
 */
import { getValidator, type Validator } from "@govex/validator";
import { Counter, type Registry } from "prom-client";
import {
  type AccessContext,
  type Adapter,
  type ChangePage,
  type ChangesRequest,
  compareForVerify,
  type Description,
  type ProviderOperation,
  type ProviderRecord,
  type QueryRequest,
  type RecordPage,
  type ResourceDescription,
  type VerifyInput,
} from "./adapter.js";
import {
  decodeChangesCursor,
  decodeQueryCursor,
  encodeChangesCursor,
  encodeQueryCursor,
} from "./cursor.js";
import { AdapterError } from "./errors.js";
import type { FieldMapping, Mapping } from "./mapping/load-mapping.js";
import { invertTransforms } from "./mapping/transforms.js";
import type { Source, SourceRow } from "./source.js";

/** One withheld record: where and why, never the values. */
export interface RecordIssue {
  time: string;
  resourceCode: string;
  /** The source key of the row, when it has one. */
  key?: string;
  operation: ProviderOperation;
  requestId?: string;
  issues: { path: string; code: string; message: string }[];
}

export interface MappedResource {
  mapping: Mapping;
  source: Source;
}

export interface MappedAdapterOptions {
  /** 系统名称, as `describe` reports it. */
  system: string;
  resources: readonly MappedResource[];
  /** Where withheld records are reported (default: nowhere but the metric). */
  onRecordIssue?: (issue: RecordIssue) => void;
  /** prom-client registry for the withheld-records counter (default: none). */
  registry?: Registry;
  /** Language of issue messages in the log (default zh-CN). */
  lang?: "zh-CN" | "en";
  /** Most source rows read for one query page when filters are applied after mapping (default 10 × limit, at least 1000). */
  maxScanPerPage?: number;
  /**
   * Milliseconds a prefetched next page stays usable (default 1000; 0 turns prefetching off).
   * A page served from it reflects the source as it was up to this long before the request.
   */
  prefetchMs?: number;
}

/** The next pages of recent query walks, read ahead; a few, each for a short time. */
class Prefetch {
  private readonly pages = new Map<
    string,
    { at: number; rows: Promise<SourceRow[] | undefined> }
  >();
  constructor(private readonly ttl: number) {}

  put(key: string, read: () => Promise<SourceRow[]>): void {
    if (this.ttl <= 0) return;
    if (this.pages.size >= 16) this.pages.delete(this.pages.keys().next().value as string);
    // A failed read-ahead is forgotten: the request then reads the source itself.
    this.pages.set(key, { at: performance.now(), rows: read().catch(() => undefined) });
  }

  take(key: string): Promise<SourceRow[] | undefined> | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    this.pages.delete(key);
    return performance.now() - page.at <= this.ttl ? page.rows : undefined;
  }
}

interface Resource {
  mapping: Mapping;
  source: Source;
  validator: Validator;
  operations: ProviderOperation[];
  /** Source fields of every mapped item. */
  allSourceFields: string[];
  fieldList: FieldMapping[];
}

type Mapped = { ok: true; record: ProviderRecord } | { ok: false; issues: RecordIssue["issues"] };

const notFound = (what: string, en: string) =>
  new AdapterError("not_found", { zh: `${what}不存在。`, en: `${en} not found` });

/**
 * Build an adapter from mapping files and sources.
 *
 * @example
 * const mapping = await loadMapping("hukou.mapping.yaml");
 * const source = await createSource(mapping.source, { baseDir: mapping.baseDir, env: process.env });
 * const adapter = await createMappedAdapter({ system: "户籍管理系统", resources: [{ mapping, source }] });
 */
export async function createMappedAdapter(options: MappedAdapterOptions): Promise<Adapter> {
  const lang = options.lang ?? "zh-CN";
  const resources = new Map<string, Resource>();
  for (const { mapping, source } of options.resources) {
    if (resources.has(mapping.resourceCode))
      throw new AdapterError("config_invalid", {
        zh: `资源 ${mapping.resourceCode} 被映射了两次。`,
        en: `resource ${mapping.resourceCode} is mapped twice`,
        path: mapping.file,
      });
    const offered: ProviderOperation[] = ["query", "get", "verify"];
    if (source.changes) offered.push("changes");
    resources.set(mapping.resourceCode, {
      mapping,
      source,
      validator: await getValidator(mapping.recordSchema),
      operations: mapping.operations
        ? offered.filter((o) => mapping.operations?.includes(o))
        : offered,
      allSourceFields: [...new Set([...mapping.fields.values()].map((f) => f.source))],
      fieldList: [...mapping.fields.values()],
    });
  }
  const prefetched = new Prefetch(options.prefetchMs ?? 1000);
  const withheld = options.registry
    ? new Counter({
        name: "govex_adapter_records_withheld_total",
        help: "Source records withheld because they break the resource's record schema",
        labelNames: ["resource", "code"],
        registers: [options.registry],
      })
    : undefined;

  function report(resource: Resource, issue: Omit<RecordIssue, "time" | "resourceCode">): void {
    for (const i of issue.issues)
      withheld?.inc({ resource: resource.mapping.resourceCode, code: i.code });
    options.onRecordIssue?.({
      time: new Date().toISOString(),
      resourceCode: resource.mapping.resourceCode,
      ...issue,
    });
  }

  function resourceOf(code: string, operation: ProviderOperation): Resource {
    const resource = resources.get(code);
    if (!resource) throw notFound(`资源 ${code} `, `resource ${code}`);
    if (!resource.operations.includes(operation))
      throw new AdapterError("not_supported", {
        zh: `资源 ${code} 不提供 ${operation} 操作。`,
        en: `resource ${code} does not offer ${operation}`,
      });
    return resource;
  }

  /** Map a row to a record and validate it. */
  function mapRow(resource: Resource, row: SourceRow): Mapped {
    const record: ProviderRecord = {};
    const issues: RecordIssue["issues"] = [];
    for (const field of resource.fieldList) {
      const raw = Object.hasOwn(row, field.source) ? row[field.source] : undefined;
      const result = field.transform(raw);
      if (!result.ok) {
        issues.push({
          path: `/${field.item}`,
          code: result.failure.code,
          message: lang === "en" ? result.failure.en : result.failure.zh,
        });
        continue;
      }
      const value = typeof result.value === "bigint" ? Number(result.value) : result.value;
      // Item codes are plain names: loadMapping refuses __proto__ and its kin as field keys.
      if (value !== null && value !== undefined) record[field.item] = value;
    }
    if (issues.length > 0) return { ok: false, issues };
    const found = resource.validator.validate(record, { lang, maxErrors: 20 });
    if (found.some((i) => i.severity === "error"))
      return {
        ok: false,
        issues: found.map((i) => ({ path: i.path, code: i.code, message: i.message })),
      };
    return { ok: true, record };
  }

  function project(record: ProviderRecord, fields: readonly string[] | undefined): ProviderRecord {
    if (!fields) return record;
    return Object.fromEntries(
      fields.filter((f) => Object.hasOwn(record, f)).map((f) => [f, record[f]]),
    );
  }

  function checkItems(resource: Resource, items: Iterable<string>, where: string): FieldMapping[] {
    const out: FieldMapping[] = [];
    for (const item of items) {
      const field = resource.mapping.fields.get(item);
      if (!field)
        throw new AdapterError("bad_request", {
          zh: `信息项 ${item} 不在该资源中。`,
          en: `item ${item} is not served by this resource`,
          path: `${where}/${item}`,
        });
      out.push(field);
    }
    return out;
  }

  function sourceKeyOf(resource: Resource, key: string): string | undefined {
    const keyField = resource.mapping.fields.get(resource.mapping.key) as FieldMapping;
    const candidates = invertTransforms(keyField.transforms, key);
    if (candidates === undefined) return key;
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  async function getRecord(
    resource: Resource,
    key: string,
    operation: ProviderOperation,
    context: AccessContext,
  ): Promise<ProviderRecord | undefined> {
    const sourceKey = sourceKeyOf(resource, key);
    if (sourceKey === undefined) return undefined;
    const row = await resource.source.get({
      keyField: resource.mapping.keySource,
      key: sourceKey,
      fields: resource.allSourceFields,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (row === undefined) return undefined;
    const mapped = mapRow(resource, row);
    if (!mapped.ok) {
      report(resource, {
        key: sourceKey,
        operation,
        requestId: context.requestId,
        issues: mapped.issues,
      });
      throw new AdapterError("record_invalid", {
        zh: "该记录不符合资源的记录标准，已暂停提供并记入问题日志。",
        en: "the record breaks the resource's record schema: withheld and logged",
      });
    }
    // A key transform that is not invertible (trim, upper…) is looked up as given; make sure it is this record.
    return String(mapped.record[resource.mapping.key]) === key ? mapped.record : undefined;
  }

  return {
    async describe(): Promise<Description> {
      return {
        system: options.system,
        resources: [...resources.values()].map((r) => ({
          entry: r.mapping.entry as unknown as ResourceDescription["entry"],
          keyField: r.mapping.key,
          recordSchema: r.mapping.recordSchema,
          operations: r.operations,
        })),
      };
    },

    async check(context) {
      let degraded = false;
      for (const r of resources.values()) {
        const health = await r.source.check(context.signal);
        if (health.status !== "ok") degraded = true;
      }
      return { status: degraded ? "degraded" : "ok" };
    },

    async query(code: string, request: QueryRequest, context: AccessContext): Promise<RecordPage> {
      const resource = resourceOf(code, "query");
      const filterFields = checkItems(resource, Object.keys(request.filter), "/filter");
      if (request.fields) checkItems(resource, request.fields, "/fields");
      const after = request.cursor ? decodeQueryCursor(request.cursor, request.filter) : undefined;

      // Push filters down where the transforms invert exactly; re-check every mapped record.
      const pushed: Record<string, string> = {};
      for (const field of filterFields) {
        const wanted = request.filter[field.item] as string;
        const candidates = invertTransforms(field.transforms, wanted);
        if (candidates === undefined || candidates.length > 1) continue;
        if (candidates.length === 0) return { items: [] };
        pushed[field.source] = candidates[0] as string;
      }
      const items: ProviderRecord[] = [];
      // Without filters applied after mapping, each read asks for just the records still
      // missing, so a page ends at a batch boundary (remote sources remember their pages there).
      const postFiltered = filterFields.some((f) => !Object.hasOwn(pushed, f.source));
      const budget = options.maxScanPerPage ?? Math.max(1000, 10 * request.limit);
      let position = after;
      let scanned = 0;
      let more = true;
      const scan = (from: string | undefined, limit: number, signal?: AbortSignal) =>
        resource.source.scan({
          keyField: resource.mapping.keySource,
          filter: pushed,
          fields: resource.allSourceFields,
          ...(from === undefined ? {} : { after: from }),
          limit,
          ...(signal ? { signal } : {}),
        });
      const prefetchKey = (from: string | undefined, limit: number) =>
        `${code}\n${limit}\n${JSON.stringify(pushed)}\n${from ?? ""}`;
      while (items.length < request.limit && more && scanned < budget) {
        const batch = postFiltered ? request.limit : request.limit - items.length;
        const rows =
          (await prefetched.take(prefetchKey(position, batch))) ??
          (await scan(position, batch, context.signal));
        more = rows.length === batch;
        for (const row of rows) {
          scanned++;
          position = String(row[resource.mapping.keySource]);
          const mapped = mapRow(resource, row);
          if (!mapped.ok) {
            report(resource, {
              key: position,
              operation: "query",
              requestId: context.requestId,
              issues: mapped.issues,
            });
            continue;
          }
          const matches = filterFields.every(
            (f) => String(mapped.record[f.item]) === request.filter[f.item],
          );
          if (matches) items.push(project(mapped.record, request.fields));
          if (items.length === request.limit) {
            more = more || row !== rows[rows.length - 1];
            break;
          }
        }
      }
      if (!more || position === undefined) return { items };
      // Read the next page while this one travels: a sequential walk overlaps the source's
      // query with the mapping and the HTTP round trip.
      const next = position;
      prefetched.put(prefetchKey(next, request.limit), () => scan(next, request.limit));
      return { items, nextCursor: encodeQueryCursor(position, request.filter) };
    },

    async get(code, key, context) {
      return getRecord(resourceOf(code, "get"), key, "get", context);
    },

    async verify(code: string, input: VerifyInput, context: AccessContext) {
      const resource = resourceOf(code, "verify");
      const record = await getRecord(resource, input.key, "verify", context);
      return compareForVerify(record, input.values);
    },

    async changes(
      code: string,
      request: ChangesRequest,
      context: AccessContext,
    ): Promise<ChangePage> {
      const resource = resourceOf(code, "changes");
      const changes = resource.source.changes?.bind(resource.source);
      if (!changes)
        throw new AdapterError("not_supported", { zh: "不提供增量变更。", en: "no changes feed" });
      const page = await changes({
        keyField: resource.mapping.keySource,
        fields: resource.allSourceFields,
        ...(request.cursor ? { position: decodeChangesCursor(request.cursor) } : {}),
        limit: request.limit,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      const keyField = resource.mapping.fields.get(resource.mapping.key) as FieldMapping;
      const items: ChangePage["items"] = page.changes.map((change) => {
        const mappedKey = keyField.transform(change.key);
        const key = mappedKey.ok && mappedKey.value != null ? String(mappedKey.value) : change.key;
        const base = { key, op: change.op, time: change.time };
        if (change.op === "delete" || change.row === undefined) return base;
        const mapped = mapRow(resource, change.row);
        if (mapped.ok) return { ...base, record: mapped.record };
        // The change is still announced; a read of the key answers record_invalid.
        report(resource, {
          key: change.key,
          operation: "changes",
          requestId: context.requestId,
          issues: mapped.issues,
        });
        return base;
      });
      return { items, nextCursor: encodeChangesCursor(page.position) };
    },

    async close() {
      await Promise.all([...resources.values()].map((r) => r.source.close()));
    },
  };
}
