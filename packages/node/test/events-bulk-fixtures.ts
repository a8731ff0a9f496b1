/**
 * What the events and bulk handler tests share: the node's services over a test store, requests
 * built by hand as the server would hand them over, prerequisite rows inserted with SQL, and a
 * check that every answer matches specs/exchange v1.
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import { expect } from "vitest";
import { type FixedClock, fixedClock } from "../src/calendar/index.js";
import { type ProviderChange, writeOutbox } from "../src/events/index.js";
import type {
  AuditFacts,
  Caller,
  NodeServices,
  OperationHandlers,
  OperationRequest,
  OperationResult,
} from "../src/server/operation.js";
import { isNodeProblem, type Lang, type NodeProblem } from "../src/server/problem.js";
import { validateAgainst } from "../src/server/spec.js";
import type { Db } from "../src/store/index.js";

export const OPERATOR = "11370000MB0000027R";
export const PROVIDER = "11370000MB1234562A";
export const CONSUMER = "11370000MB01645665";
export const OTHER = "91370102MA3C00011F";

export const NOW = "2026-03-10T10:00:00+08:00";

/** The services the handlers use (db, clock, operator); the rest is never touched by them. */
export function nodeServices(db: Db, clock: FixedClock = fixedClock(NOW)): NodeServices {
  return { db, clock, operator: OPERATOR } as unknown as NodeServices;
}

const silent = pino({ level: "silent" });

export function caller(member: string): Caller {
  return { member, keyId: `${member}-key`, operator: member === OPERATOR };
}

/** A request as the server hands it to a handler. */
export function request(
  operationId: string,
  who: string | undefined,
  parts: Partial<Omit<OperationRequest, "operationId" | "caller">> = {},
): OperationRequest {
  return {
    operationId,
    requestId: `req-${operationId}`,
    caller: who === undefined ? undefined : caller(who),
    path: {},
    query: {},
    header: {},
    body: undefined,
    rawBody: undefined,
    lang: "zh-CN" as Lang,
    signal: new AbortController().signal,
    log: silent,
    ...parts,
  };
}

/** Call a handler; the result and the audit facts it set. */
export async function call(
  handlers: OperationHandlers,
  req: OperationRequest,
  node: NodeServices,
): Promise<{ result: OperationResult; facts: AuditFacts }> {
  const handler = handlers[req.operationId];
  if (handler === undefined) throw new Error(`no handler for ${req.operationId}`);
  const facts: AuditFacts = {};
  const result = await handler(req, node, facts);
  return { result, facts };
}

/** The problem a handler threw (fails the test when it answered instead). */
export async function refusal(promise: Promise<unknown>): Promise<NodeProblem> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  if (!isNodeProblem(outcome.error)) throw outcome.error;
  return outcome.error;
}

/** A problem's status, slug and code, and its document is a valid spec Problem in both languages. */
export async function expectProblem(
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<NodeProblem> {
  const problem = await refusal(promise);
  for (const lang of ["zh-CN", "en"] as const) {
    const doc = problem.toProblem(lang);
    expect({ status: doc.status, code: doc.code }).toEqual({ status, code });
    expect(await validateAgainst("Problem", doc, "en")).toEqual([]);
  }
  return problem;
}

/** The body validates against a spec schema. */
export async function expectSchema(name: string, body: unknown): Promise<void> {
  expect(await validateAgainst(name, body, "en"), name).toEqual([]);
}

export async function seedMembers(db: Db): Promise<void> {
  for (const code of [OPERATOR, PROVIDER, CONSUMER, OTHER])
    await db.query(
      `insert into members (code, name, member_class) values ($1, $2, 'GOV')
       on conflict (code) do nothing`,
      [code, `测试单位 ${code}`],
    );
}

let resources = 0;

/** A new resource code, distinct within the run. */
export function nextResourceCode(): string {
  resources++;
  return `101001/T${process.pid.toString(36).toUpperCase()}${resources}`;
}

export const ITEMS = [
  { name: "公民身份号码", code: "residentId", dataType: "C", length: 18 },
  { name: "姓名", code: "name", dataType: "C", length: 50 },
  { name: "身高", code: "heightCm", dataType: "I" },
  { name: "出生日期", code: "birthDate", dataType: "D" },
];

/** A catalog resource row as the catalog stores it. */
export async function seedResource(
  db: Db,
  options: {
    shareType: "无条件共享" | "有条件共享" | "不予共享";
    provider?: string;
    status?: "published" | "withdrawn";
    items?: unknown[];
  },
): Promise<string> {
  const code = nextResourceCode();
  const entry = {
    name: "居民户籍登记信息(测试)",
    resourceCode: code,
    providerCode: options.provider ?? PROVIDER,
    items: options.items ?? ITEMS,
    sharing: { type: options.shareType },
  };
  await db.query(
    `insert into catalog_resources (resource_code, provider_code, status, version, entry, name,
       category, share_type, update_cycle, search_text, published_at, updated_at)
     values ($1, $2, $3, 1, $4::jsonb, $5, '1', $6, '每日', $5, now(), now())`,
    [
      code,
      options.provider ?? PROVIDER,
      options.status ?? "published",
      JSON.stringify(entry),
      entry.name,
      options.shareType,
    ],
  );
  return code;
}

let grants = 0;

/** A share request row in a state. */
export async function seedShareRequest(
  db: Db,
  options: {
    requester: string;
    resourceCode: string;
    status: "pending" | "approved" | "refused" | "revoked";
    grantedTo?: string;
  },
): Promise<string> {
  const id = `sr-test-${++grants}-${process.pid}`;
  const decided = options.status === "approved";
  await db.query(
    `insert into share_requests (id, requester_code, provider_code, resource_code, request,
       status, created_at, answer_deadline, granted_fields, granted_from, granted_to)
     values ($1, $2, $3, $4, '{}'::jsonb, $5, now(), '2026-03-24', $6, $7, $8)`,
    [
      id,
      options.requester,
      PROVIDER,
      options.resourceCode,
      options.status,
      decided ? ["name"] : null,
      decided ? "2026-01-01" : null,
      decided ? (options.grantedTo ?? "2026-12-31") : null,
    ],
  );
  return id;
}

/** Rows of a table matching a condition. */
export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*) as n from ${sql}`, params);
  return Number(rows[0]?.n);
}

/** Insert a delivery of a subscription in a state, as the delivery worker would leave it. */
export async function seedDelivery(
  db: Db,
  subscriptionId: string,
  status: "pending" | "delivered" | "retrying" | "dead" | "cancelled",
  attempts = status === "pending" ? 0 : 3,
): Promise<string> {
  const id = `d-${randomUUID()}`;
  const event = {
    specversion: "1.0",
    id: randomUUID(),
    source: "urn:govex:CN-370000/GOV/11370000MB1234562A/hukou",
    type: "dev.govex.record.updated",
    subject: "101001/000001",
    time: "2026-03-01T08:00:00+08:00",
    datacontenttype: "application/json",
    data: { key: "11010519491231002X", changed: ["domicile"] },
  };
  await db.query(
    `insert into deliveries (id, subscription_id, event, status, attempts, last_status_code,
       last_error, next_attempt_at, created_at, updated_at)
     values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, now(), now())`,
    [
      id,
      subscriptionId,
      JSON.stringify(event),
      status,
      attempts,
      status === "pending" ? null : status === "delivered" ? 204 : 503,
      status === "dead" || status === "retrying" ? "订阅方返回 503" : null,
      status === "pending" || status === "retrying" ? new Date(NOW) : null,
    ],
  );
  return id;
}

/** Upserts of these record keys written to the outbox at `now`, as one poll of the feed would. */
export async function writeChanges(
  db: Db,
  resourceCode: string,
  keys: readonly string[],
  now = new Date(),
): Promise<void> {
  const changes: ProviderChange[] = keys.map((key) => ({
    key,
    op: "upsert",
    time: now.toISOString(),
    record: { residentId: key },
  }));
  await db.transaction((tx) =>
    writeOutbox(tx, {
      resourceCode,
      providerCode: PROVIDER,
      operator: OPERATOR,
      source: "urn:govex:test",
      changes,
      now,
    }),
  );
}
