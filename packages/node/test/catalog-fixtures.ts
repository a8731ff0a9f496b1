/**
 * What the catalog tests share: valid member codes made to order, catalog entries shaped like
 * the spec's example, operation requests built by hand, the answer checked against the spec,
 * refusals checked as declared problems, and a count of every catalog row to show that a
 * refusal wrote nothing.
 */
import type { CatalogEntry } from "@govex/schemas";
import { isUscc, orgCodeCheckCharacter, usccCheckCharacter } from "@govex/schemas";
import type { FastifyBaseLogger } from "fastify";
import { expect } from "vitest";
import { type FixedClock, fixedClock } from "../src/calendar/index.js";
import { catalogHandlers } from "../src/catalog/index.js";
import type { AuditFacts, Caller, NodeServices, OperationResult } from "../src/server/operation.js";
import { isNodeProblem, type NodeProblem } from "../src/server/problem.js";
import { EXCHANGE_OPERATIONS, validateAgainst } from "../src/server/spec.js";
import type { Db, Queryable } from "../src/store/index.js";

let sequence = 0;

/** A fresh number per call, for codes that must not collide within a shared database. */
export const next = (): number => ++sequence;

/**
 * A valid 统一社会信用代码 (GB 32100-2015) of a 机关 in 山东 whose organization code
 * (GB 11714-1997) is "MC" and six digits of `n`, both check characters computed.
 */
export function memberCode(n: number): string {
  const body = `MC${String(n % 1_000_000).padStart(6, "0")}`;
  const first17 = `11370000${body}${orgCodeCheckCharacter(body)}`;
  const code = first17 + usccCheckCharacter(first17);
  if (!isUscc(code)) throw new Error(`memberCode(${n}) made an invalid code ${code}`);
  return code;
}

/** Register a member with SQL (the registry's table, migrations/0005-registry.sql). */
export async function addMember(db: Queryable, name = "山东省示例厅"): Promise<string> {
  const code = memberCode(next());
  await db.query("insert into members (code, name, member_class) values ($1, $2, 'GOV')", [
    code,
    name,
  ]);
  return code;
}

/** A resource code nobody used yet in this run, under a classification prefix. */
export const resourceCode = (prefix = "101001") => `${prefix}/T${String(next()).padStart(6, "0")}`;

/** A data element URI unique to the caller, so 一数一源 tests on one database stay apart. */
export const element = (name: string) =>
  `https://govex.dev/specs/data/v1/elements.schema.json#/$defs/${name}-t${next()}`;

type EntryItem = CatalogEntry["items"][number];

/** A catalog entry shaped like specs/exchange v1's example, with overrides. */
export function entryOf(
  code: string,
  provider: string,
  overrides: Partial<CatalogEntry> = {},
): CatalogEntry {
  const items: EntryItem[] = [
    { name: "姓名", code: "name", dataType: "C", length: 50 },
    { name: "公民身份号码", code: "residentId", dataType: "C", length: 18 },
    { name: "出生日期", code: "birthDate", dataType: "D" },
  ];
  return {
    classification: { category: "1", item: "01", subject: "户籍人口" },
    name: "居民户籍登记信息",
    resourceCode: code,
    provider: "山东省示例厅",
    providerCode: provider,
    abstract: "全省常住户籍人口的登记信息，包括姓名、公民身份号码、出生日期。",
    format: { class: "数据库", type: "KingbaseES" },
    items,
    sharing: {
      type: "有条件共享",
      condition: "限依法履职使用。",
      method: { class: "共享平台方式", type: "接口" },
    },
    openness: { open: false },
    updateCycle: "每日",
    publishDate: "2024-03-01",
    ...overrides,
  } as CatalogEntry;
}

/** Items that claim to be the authoritative source of the given elements (一数一源). */
export function claiming(entry: CatalogEntry, claims: Record<string, string>): CatalogEntry {
  return {
    ...entry,
    items: entry.items.map((item) =>
      item.code !== undefined && claims[item.code] !== undefined
        ? { ...item, dataElement: claims[item.code] }
        : item,
    ),
    extensions: { ...entry.extensions, GOVEX: { authoritativeItems: Object.keys(claims) } },
  };
}

export const as = (member: string): Caller => ({ member, keyId: `${member}-key`, operator: false });
export const asOperator = (member: string): Caller => ({
  member,
  keyId: "operator-key",
  operator: true,
});

/** The node's services as the catalog handlers use them (the database and the clock). */
export function services(db: Db, clock: FixedClock = fixedClock("2026-03-01T10:00:00+08:00")) {
  return { db, clock, operator: "" } as unknown as NodeServices & { clock: FixedClock };
}

export interface Call {
  caller?: Caller;
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  header?: Record<string, string>;
  body?: unknown;
}

export interface Answer extends OperationResult {
  facts: AuditFacts;
  headers: Record<string, string>;
}

export type CatalogOperation =
  | "searchCatalog"
  | "publishCatalogEntry"
  | "getCatalogEntry"
  | "updateCatalogEntry"
  | "withdrawCatalogEntry"
  | "listCatalogEntryVersions";

/** The path parameters of a resource code. */
export const pathOf = (code: string) => {
  const [prefix = "", suffix = ""] = code.split("/");
  return { prefix, suffix };
};

/**
 * Run a catalog handler as the server would after its protocol checks, and check the answer:
 * its status is declared for the operation and its body matches the declared schema.
 */
export async function call(
  operationId: CatalogOperation,
  node: NodeServices,
  request: Call,
): Promise<Answer> {
  const handler = catalogHandlers[operationId];
  if (handler === undefined) throw new Error(`no handler for ${operationId}`);
  const facts: AuditFacts = {};
  const result = await handler(
    {
      operationId,
      requestId: `req-${next()}`,
      caller: request.caller,
      path: request.path ?? {},
      query: request.query ?? {},
      header: request.header ?? {},
      body: request.body,
      rawBody: undefined,
      lang: "zh-CN",
      signal: new AbortController().signal,
      log: {} as FastifyBaseLogger,
    },
    node,
    facts,
  );
  const declared = EXCHANGE_OPERATIONS[operationId]?.responses[String(result.status)];
  expect(declared, `${operationId} declares ${result.status}`).toBeDefined();
  if (declared?.schema !== undefined)
    expect(await validateAgainst(declared.schema, result.body, "en")).toEqual([]);
  return { ...result, headers: result.headers ?? {}, facts };
}

/**
 * The call was refused with this problem: a status the operation declares, a document (both
 * languages) that matches the spec's `Problem`, the slug and the code.
 */
export async function refused(
  operationId: CatalogOperation,
  promise: Promise<unknown>,
  want: { slug: string; status: number; code: string },
): Promise<NodeProblem> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!isNodeProblem(caught)) throw new Error(`expected a NodeProblem, got ${String(caught)}`);
  expect({ slug: caught.slug, code: caught.code }).toEqual({ slug: want.slug, code: want.code });
  const declared = EXCHANGE_OPERATIONS[operationId]?.responses[String(want.status)];
  expect(declared, `${operationId} declares ${want.status}`).toBeDefined();
  for (const lang of ["zh-CN", "en"] as const) {
    const doc = caught.toProblem(lang);
    expect(doc.status).toBe(want.status);
    expect(doc.type).toBe(`https://govex.dev/problems/${want.slug}`);
    expect(await validateAgainst("Problem", doc, "en")).toEqual([]);
  }
  return caught;
}

/** Rows of every catalog table and the claim sequence: equal before and after a refusal. */
export async function catalogCounts(db: Queryable): Promise<Record<string, unknown>> {
  const { rows } = await db.query(
    `select (select count(*) from catalog_resources) as resources,
            (select count(*) from catalog_versions) as versions,
            (select count(*) from catalog_items) as items,
            (select coalesce(sum(version), 0) from catalog_resources) as version_sum,
            (select md5(coalesce(string_agg(entry::text || status, ',' order by resource_code), ''))
               from catalog_resources) as digest`,
  );
  return rows[0] ?? {};
}
