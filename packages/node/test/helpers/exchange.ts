/**
 * A running exchange for the HTTP tests: the node on a real socket (PGlite or PostgreSQL), a
 * department's provider (the @govex/adapter runtime over a small in-memory adapter) on another,
 * the operator, a provider department and a consumer department each with its own Ed25519 key,
 * and a recorder that checks every answer of the node against specs/exchange v1.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  AdapterError,
  createProviderServer,
  defineAdapter,
  type ProviderRecord,
} from "@govex/adapter";
import { createExchangeClient, type ExchangePaths, type GovexClient } from "@govex/client";
import { createConformanceReport, runConformance } from "@govex/conformance";
import { createSigner, createVerifier, type Signer, type Verifier } from "@govex/security";
import { createExchangeNode, type ExchangeNode } from "../../src/node.js";
import { EXCHANGE_OPERATIONS, validateAgainst } from "../../src/server/spec.js";
import type { OpenStoreOptions } from "../../src/store/index.js";

export const OPERATOR = "11370000MB0000027R";
export const PROVIDER = "11370000MB1234562A";
export const CONSUMER = "11370000MB01645665";
export const OTHER = "91370102MA3C00011F";

/** Resources the test provider serves, by the share type its catalog entry will declare. */
export const CONDITIONAL = "101001/000001";
export const UNCONDITIONAL = "101001/000002";
export const NOT_SHARED = "101001/000003";

export interface Party {
  code: string;
  keyId: string;
  signer: Signer;
  publicPem: string;
  privateKey: KeyObject;
}

export function party(code: string, keyId: string): Party {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    code,
    keyId,
    privateKey,
    signer: createSigner({ keyId, algorithm: "ed25519", key: privateKey }),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** Synthetic residents (虚构): resident id, name, mobile, city. */
export function residents(count: number): ProviderRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    residentId: `37010219800101${String(1000 + i).slice(-4)}`,
    name: `张${"三四五六七八九十"[i % 8]}${i}`,
    mobile: `139${String(10000000 + i * 7919).slice(-8)}`,
    city: ["济南", "青岛", "烟台"][i % 3] as string,
  }));
}

const RECORD_SCHEMA = {
  type: "object",
  properties: {
    residentId: { type: "string", "x-govex-mask": { kind: "resident-id", grade: 2 } },
    name: { type: "string", "x-govex-mask": { kind: "name", grade: 2 } },
    mobile: { type: "string", "x-govex-mask": { kind: "mobile", grade: 2 } },
    city: { type: "string" },
  },
};

/** A catalog entry (specs/data/v1) of a test resource. */
export function catalogEntry(resourceCode: string, shareType: string, name = "居民户籍登记信息") {
  return {
    classification: { category: "1", item: "01", subject: "户籍人口" },
    name,
    resourceCode,
    provider: "山东省示例厅",
    providerCode: PROVIDER,
    abstract: "全省常住户籍人口的登记信息，包括姓名、公民身份号码、手机号码和所在城市。示例数据。",
    format: { class: "数据库", type: "PostgreSQL" },
    items: [
      { name: "公民身份号码", code: "residentId", dataType: "C", length: 18 },
      { name: "姓名", code: "name", dataType: "C", length: 50 },
      { name: "手机号码", code: "mobile", dataType: "C", length: 11 },
      { name: "城市", code: "city", dataType: "C", length: 20 },
    ],
    sharing:
      shareType === "无条件共享"
        ? { type: shareType, method: { class: "共享平台方式", type: "接口" } }
        : shareType === "有条件共享"
          ? {
              type: shareType,
              condition: "限依法履职使用。",
              method: { class: "共享平台方式", type: "接口" },
            }
          : { type: shareType, condition: "《中华人民共和国个人信息保护法》第十三条" },
    openness: { open: false },
    updateCycle: "每日",
    publishDate: "2026-03-01",
    keywords: ["户籍", "人口"],
  };
}

export interface TestProvider {
  url: string;
  records: ProviderRecord[];
  /** Make every data call hang until aborted (a provider that does not answer). */
  hang: boolean;
  close(): Promise<void>;
}

const FIELDS = new Set(Object.keys(RECORD_SCHEMA.properties));

/** A position cursor of the test provider; anything else is the caller's error. */
function position(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const text = Buffer.from(cursor, "base64url").toString("latin1");
  if (!/^\d{1,6}$/.test(text))
    throw new AdapterError("bad_request", {
      zh: "游标无效。",
      en: "invalid cursor",
      path: "/cursor",
    });
  return Number(text);
}

export async function startTestProvider(
  signer: Signer,
  nodeVerifier: Verifier,
): Promise<TestProvider> {
  const records = residents(30);
  const byKey = new Map(records.map((r) => [String(r.residentId), r]));
  const state = { hang: false };
  const wait = (signal?: AbortSignal) =>
    new Promise<never>((_, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  const resource = (code: string) => ({
    entry: catalogEntry(code, "有条件共享") as never,
    keyField: "residentId",
    recordSchema: RECORD_SCHEMA,
    operations: ["query", "get", "verify", "changes"] as ("query" | "get" | "verify" | "changes")[],
  });
  const adapter = defineAdapter({
    describe: async () => ({
      system: "示例户籍管理系统",
      resources: [resource(CONDITIONAL), resource(UNCONDITIONAL), resource(NOT_SHARED)],
    }),
    check: async () => ({ status: "ok" }),
    async query(_code, request, context) {
      if (state.hang) await wait(context.signal);
      const unknown = [...(request.fields ?? []), ...Object.keys(request.filter)].filter(
        (f) => !FIELDS.has(f),
      );
      if (unknown.length > 0)
        throw new AdapterError("bad_request", {
          zh: `没有字段 ${unknown}。`,
          en: `no field ${unknown}`,
          path: "/fields",
        });
      const matching = records.filter((r) =>
        Object.entries(request.filter).every(([k, v]) => String(r[k]) === v),
      );
      const start = position(request.cursor);
      const items = matching
        .slice(start, start + request.limit)
        .map((r) =>
          request.fields ? Object.fromEntries(request.fields.map((f) => [f, r[f]])) : r,
        );
      const next = start + request.limit;
      return {
        items,
        ...(next < matching.length
          ? { nextCursor: Buffer.from(String(next)).toString("base64url") }
          : {}),
      };
    },
    async get(_code, key, context) {
      if (state.hang) await wait(context.signal);
      return byKey.get(key);
    },
    async changes(_code, request) {
      const start = position(request.cursor);
      const items = records.slice(start, start + request.limit).map((record) => ({
        key: String(record.residentId),
        op: "upsert" as const,
        time: "2026-03-01T08:00:00+08:00",
        record,
      }));
      return { items, nextCursor: Buffer.from(String(start + items.length)).toString("base64url") };
    },
  });
  const server = createProviderServer({
    adapter,
    signer,
    exchangeKeys: new Map([[nodeVerifier.keyId, nodeVerifier]]),
    timeouts: { adapter: 30_000 },
  });
  const url = await server.listen();
  return {
    url,
    records,
    get hang() {
      return state.hang;
    },
    set hang(value: boolean) {
      state.hang = value;
    },
    close: () => server.close(),
  };
}

/** What the node answered, per operation, as the recorder saw it. */
export interface Recorded {
  operationId: string;
  status: number;
  contentType: string;
  body: Buffer;
  headers: Record<string, unknown>;
}

export interface TestExchange {
  node: ExchangeNode;
  url: string;
  nodeKey: Party;
  operator: Party;
  provider: Party;
  consumer: Party;
  other: Party;
  nodeVerifier: Verifier;
  /** A client signed by a party, verifying the node's answers. */
  client(party: Party): GovexClient<ExchangePaths>;
  recorded: Recorded[];
  close(): Promise<void>;
}

export async function startTestExchange(
  store: OpenStoreOptions,
  options: { providerTimeoutMs?: number } = {},
): Promise<TestExchange> {
  const nodeKey = party("node", "exchange-test");
  const operator = party(OPERATOR, "operator-1");
  const provider = party(PROVIDER, "provider-1");
  const consumer = party(CONSUMER, "consumer-1");
  const other = party(OTHER, "other-1");
  const node = await createExchangeNode({
    store,
    key: {
      keyId: nodeKey.keyId,
      algorithm: "ed25519",
      privateKey: nodeKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    },
    operator: {
      code: OPERATOR,
      name: "山东省示例大数据局",
      divisionCode: "370000",
      keys: [{ keyId: operator.keyId, algorithm: "ed25519", publicKey: operator.publicPem }],
    },
    instance: "CN-370000",
    auditOrigin: "exchange.test/audit",
    ...(options.providerTimeoutMs === undefined
      ? {}
      : { providerTimeoutMs: options.providerTimeoutMs }),
  });
  const recorded: Recorded[] = [];
  node.app.addHook("onSend", async (request, reply, payload) => {
    const operationId = request.routeOptions.config.operation;
    if (operationId)
      recorded.push({
        operationId,
        status: reply.statusCode,
        contentType: String(reply.getHeader("content-type") ?? ""),
        body: Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload ?? "")),
        headers: { ...reply.getHeaders() },
      });
    return payload;
  });
  const url = await node.listen();
  const nodeVerifier = createVerifier({
    keyId: nodeKey.keyId,
    algorithm: "ed25519",
    key: nodeKey.publicPem,
  });
  const clients: GovexClient<ExchangePaths>[] = [];
  return {
    node,
    url,
    nodeKey,
    operator,
    provider,
    consumer,
    other,
    nodeVerifier,
    recorded,
    client(p) {
      const client = createExchangeClient({
        baseUrl: url,
        signer: p.signer,
        keys: new Map([[nodeVerifier.keyId, nodeVerifier]]),
        retry: { retries: 0 },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.close();
      await node.close();
    },
  };
}

/**
 * Join the provider department as a department would: the operator registers the members and
 * their first keys, the provider registers its system, runs the conformance kit, submits the
 * signed report, and publishes its three catalog entries.
 */
export async function joinDepartments(
  exchange: TestExchange,
  provider: TestProvider,
): Promise<void> {
  const op = exchange.client(exchange.operator);
  for (const [p, name] of [
    [exchange.provider, "山东省示例厅"],
    [exchange.consumer, "山东省示例人力资源社会保障厅"],
    [exchange.other, "示例软件股份有限公司"],
  ] as const) {
    await op.request("post", "/members", {
      body: {
        code: p.code,
        name,
        memberClass: p === exchange.other ? "COM" : "GOV",
        divisionCode: "370000",
      },
    });
    await op.request("post", "/members/{memberCode}/keys", {
      params: { path: { memberCode: p.code } },
      body: { keyId: p.keyId, algorithm: "ed25519", publicKey: p.publicPem },
    });
  }
  const dept = exchange.client(exchange.provider);
  await dept.request("post", "/members/{memberCode}/systems", {
    params: { path: { memberCode: PROVIDER } },
    body: { code: "hukou", name: "示例户籍管理系统", providerBaseUrl: provider.url },
  });
  await submitReport(exchange, provider);
  for (const [code, type] of [
    [CONDITIONAL, "有条件共享"],
    [UNCONDITIONAL, "无条件共享"],
    [NOT_SHARED, "不予共享"],
  ] as const)
    await dept.request("post", "/catalog/entries", { body: catalogEntry(code, type) as never });
}

/** Run the conformance kit on the test provider and submit the signed report: its services go active. */
export async function submitReport(exchange: TestExchange, provider: TestProvider): Promise<void> {
  const result = await runConformance({
    baseUrl: provider.url,
    signer: exchange.nodeKey.signer,
    providerKeys: [
      createVerifier({
        keyId: exchange.provider.keyId,
        algorithm: "ed25519",
        key: exchange.provider.publicPem,
      }),
    ],
  });
  if (!result.summary.ok)
    throw new Error(
      `the test provider fails the kit: ${JSON.stringify(result.checks.filter((c) => c.status === "fail"))}`,
    );
  const report = await createConformanceReport(result, { signer: exchange.provider.signer });
  await exchange
    .client(exchange.provider)
    .request("post", "/members/{memberCode}/systems/{systemCode}/conformance", {
      params: { path: { memberCode: PROVIDER, systemCode: "hukou" } },
      body: report as never,
    });
}

/**
 * Every recorded answer checked against specs/exchange v1: the status is declared for the
 * operation, the media type is one it declares, and a JSON body validates against its schema.
 * Returns the violations (empty when the node kept to the spec).
 */
export async function specViolations(recorded: readonly Recorded[]): Promise<string[]> {
  const out: string[] = [];
  for (const answer of recorded) {
    const operation = EXCHANGE_OPERATIONS[answer.operationId];
    if (!operation) {
      out.push(`${answer.operationId}: not in the spec`);
      continue;
    }
    // Every answer is signed (RFC 9421) and names its request (specs/exchange v1 conventions).
    for (const name of ["signature", "signature-input", "x-request-id"])
      if (answer.headers[name] === undefined)
        out.push(`${answer.operationId} ${answer.status}: no ${name} header`);
    if (answer.status === 503 && answer.headers["retry-after"] === undefined)
      out.push(`${answer.operationId} 503: no Retry-After`);
    const declared = operation.responses[String(answer.status)];
    if (!declared) {
      out.push(`${answer.operationId}: status ${answer.status} not declared`);
      continue;
    }
    const media = answer.contentType.split(";", 1)[0]?.trim() ?? "";
    if (declared.contentTypes.length > 0 && !declared.contentTypes.includes(media)) {
      out.push(`${answer.operationId} ${answer.status}: media type ${media} not declared`);
      continue;
    }
    if (declared.schema && /^application\/(?:[\w.-]+\+)?json$/.test(media)) {
      const issues = await validateAgainst(
        declared.schema,
        JSON.parse(answer.body.toString("utf8")),
        "en",
      );
      if (issues.length > 0)
        out.push(
          `${answer.operationId} ${answer.status}: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
        );
    }
  }
  return out;
}
