/**
 * What the share-request and census tests share: valid member codes made to order, rows of the
 * registry and the catalog inserted with SQL, operation requests built by hand, and checks that a
 * body matches the spec and that a refusal is the right problem.
 */
import { isUscc, orgCodeCheckCharacter, usccCheckCharacter } from "@govex/schemas";
import type { FastifyBaseLogger } from "fastify";
import { expect } from "vitest";
import { type Clock, fixedClock } from "../src/calendar/index.js";
import type {
  AuditFacts,
  Caller,
  NodeServices,
  OperationHandler,
  OperationResult,
} from "../src/server/operation.js";
import { isNodeProblem, type Lang, type NodeProblem } from "../src/server/problem.js";
import { validateAgainst } from "../src/server/spec.js";
import { sharingHandlers as h } from "../src/sharing/index.js";
import type { Queryable } from "../src/store/index.js";

let sequence = 0;

/** A fresh number per call, for codes that must not collide within a database. */
export const next = (): number => ++sequence;

/**
 * A valid 统一社会信用代码 (GB 32100-2015) of a 机关 in 山东 (11, 370000) whose organization
 * code (GB 11714-1997) is "MB" and six digits of `n`, both check characters computed.
 */
export function memberCode(n: number): string {
  const body = `MB${String(n % 1_000_000).padStart(6, "0")}`;
  const first17 = `11370000${body}${orgCodeCheckCharacter(body)}`;
  const code = first17 + usccCheckCharacter(first17);
  if (!isUscc(code)) throw new Error(`memberCode(${n}) made an invalid code ${code}`);
  return code;
}

export async function addMember(db: Queryable, name = "测试单位"): Promise<string> {
  const code = memberCode(next());
  await db.query("insert into members (code, name, member_class) values ($1, $2, 'GOV')", [
    code,
    `${name}${code.slice(10, 16)}`,
  ]);
  return code;
}

/** The items of the test resources (the spec's example entry). */
export const ITEMS = ["name", "residentId", "birthDate", "heightCm"] as const;

export type ShareType = "无条件共享" | "有条件共享" | "不予共享";

/** A catalog resource row (migrations/0006-catalog.sql), its entry reduced to what sharing reads. */
export async function addResource(
  db: Queryable,
  provider: string,
  shareType: ShareType = "有条件共享",
  status: "published" | "withdrawn" = "published",
  items: readonly string[] = ITEMS,
): Promise<string> {
  const code = `101001/T${String(next()).padStart(6, "0")}`;
  const entry = {
    name: "居民户籍登记信息",
    resourceCode: code,
    providerCode: provider,
    items: items.map((item) => ({ name: item, code: item, dataType: "C" })),
    sharing: { type: shareType },
    updateCycle: "每日",
  };
  await db.query(
    `insert into catalog_resources (resource_code, provider_code, status, version, entry, name,
       category, share_type, update_cycle, search_text, published_at, updated_at)
     values ($1, $2, $3, 1, $4, '居民户籍登记信息', '1', $5, '每日', '居民户籍登记信息', now(), now())`,
    [code, provider, status, JSON.stringify(entry), shareType],
  );
  return code;
}

export interface Call {
  caller?: Caller;
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  lang?: Lang;
}

/** What a handler answered, with the audit facts it set. */
export interface Answer extends OperationResult {
  facts: AuditFacts;
}

/** The operator of the test exchange: a member flagged `operator`. */
export const asOperator = (member: string): Caller => ({ member, keyId: "op-key", operator: true });
export const as = (member: string): Caller => ({ member, keyId: `${member}-key`, operator: false });

/** The node's services as these handlers use them (the database and the clock). */
export function services(db: Queryable, clock: Clock, operator: string): NodeServices {
  return { db, clock, operator } as unknown as NodeServices;
}

/** Run a handler as the server would, after its protocol checks. */
export async function call(
  handler: OperationHandler | undefined,
  operationId: string,
  node: NodeServices,
  request: Call,
): Promise<Answer> {
  if (handler === undefined) throw new Error(`no handler for ${operationId}`);
  const facts: AuditFacts = {};
  const result = await handler(
    {
      operationId,
      requestId: `req-${next()}`,
      caller: request.caller,
      path: request.path ?? {},
      query: request.query ?? {},
      header: {},
      body: request.body,
      rawBody: undefined,
      lang: request.lang ?? "zh-CN",
      signal: new AbortController().signal,
      log: {} as FastifyBaseLogger,
    },
    node,
    facts,
  );
  return { ...result, facts };
}

/** The body matches the spec's schema. */
export async function expectSchema(schema: string, body: unknown): Promise<void> {
  expect(await validateAgainst(schema, body, "en")).toEqual([]);
}

/**
 * The call was refused with this problem; its document (in both languages) matches the spec's
 * `Problem` and names the slug, status and code.
 */
export async function expectProblem(
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
  for (const lang of ["zh-CN", "en"] as const) {
    const doc = caught.toProblem(lang);
    expect(doc.status).toBe(want.status);
    expect(doc.type).toBe(`https://govex.dev/problems/${want.slug}`);
    await expectSchema("Problem", doc);
  }
  return caught;
}

// ---------------------------------------------------------------------------------
// A share-request world

export const INPUT = {
  fields: ["name", "residentId", "birthDate"],
  purpose: "办理社会保险登记时核对参保人身份",
  legalBasis: "《社会保险法》第五十八条",
  period: { from: "2026-04-01", to: "2027-03-31" },
};

/** Members, a resource and a node whose clock stands at `now` (2026-03-20 09:30 in Beijing). */
export async function world(
  db: Queryable,
  shareType: ShareType = "有条件共享",
  now = "2026-03-20T09:30:00+08:00",
) {
  const [operator, requester, provider, stranger] = [
    await addMember(db, "运营方"),
    await addMember(db, "申请方"),
    await addMember(db, "提供方"),
    await addMember(db, "无关方"),
  ] as [string, string, string, string];
  const resource = await addResource(db, provider, shareType);
  const clock = fixedClock(now);
  const node = services(db, clock, operator);
  const run = (id: keyof typeof h & string, request: Call) => call(h[id], id, node, request);
  const create = async (body: object = {}, by = requester) => {
    const answer = await run("createShareRequest", {
      caller: as(by),
      body: { resourceCode: resource, ...INPUT, ...body },
    });
    expect(answer.status).toBe(201);
    await expectSchema("ShareRequest", answer.body);
    return answer.body as { id: string } & Record<string, unknown>;
  };
  return { db, operator, requester, provider, stranger, resource, clock, node, run, create };
}

export type World = Awaited<ReturnType<typeof world>>;

export const APPROVE = {
  outcome: "approved",
  grantedFields: ["name", "residentId"],
  grantedPeriod: { from: "2026-04-01", to: "2026-12-31" },
};
