/**
 * The kit's own mutation target: a small provider that speaks specs/provider v1 truly (real HTTP
 * on 127.0.0.1, the govex signature profile both ways, nonces, problem+json, cursors, changes,
 * verify) over two resources held in memory, with a `break` switch that breaks exactly one rule.
 * The conformance tests run the kit against it unbroken (everything passes) and broken once per
 * check (exactly that check fails). It is written from the spec, not from the kit.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createSigner,
  fieldValue,
  MemoryNonceStore,
  type RequestMessage,
  type Signer,
  signResponse,
  type Verifier,
  verifyRequest,
} from "@govex/security";
import type { CheckId } from "../src/index.js";

/** A check id breaks that rule; a `check:variant` breaks it another way. */
export type Break =
  | CheckId
  | "signature-response-valid:unbound"
  | "signature-response-valid:wrong-key"
  | "bad-input-4xx:crash"
  | "bad-body-4xx:crash"
  | "injection-harmless:hang"
  /** Not a single rule: describe answers 500, so nothing can be checked. */
  | "describe-down";

export interface FixtureOptions {
  /** Signs the provider's responses. */
  signer: Signer;
  /** The exchange's public keys, by key id. */
  exchangeKeys: ReadonlyMap<string, Verifier>;
  break?: Break;
  /** People in the 户籍 resource (default 120). */
  people?: number;
  /** Offer only these operations (describe's `operations`; default all the fixture has). */
  offer?: string[];
}

export interface FixtureProvider {
  url: string;
  close(): Promise<void>;
}

type Row = Record<string, string | number>;

interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

const BODY_LIMIT = 1024 * 1024;
const SURNAMES = ["张", "王", "李", "赵", "刘", "陈"];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀英",
  "霞",
  "平",
  "刚",
];
const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const SHARE_REQUEST = /^[A-Za-z0-9_-]{1,64}$/;

/** GB 11643-1999 §5.3 check character (ISO 7064 MOD 11-2). */
function residentId(division: string, birth: string, sequence: number): string {
  const body = `${division}${birth.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce(
    (total, digit, i) => total + Number(digit) * (weights[i] as number),
    0,
  );
  return body + ("10X98765432"[sum % 11] as string);
}

function entry(
  code: string,
  name: string,
  subject: string,
  items: object[],
): Record<string, unknown> {
  return {
    classification: { category: "1", item: "01", subject },
    name,
    resourceCode: code,
    provider: "山东省示例厅",
    providerCode: "11370000MB1234562A",
    abstract: `${name}(合成数据,供符合性检测使用)。`,
    format: { class: "数据库", type: "PostgreSQL" },
    items,
    sharing: {
      type: "有条件共享",
      condition: "限依法履职使用。",
      method: { class: "共享平台方式", type: "接口" },
    },
    openness: { open: false },
    updateCycle: "每日",
    publishDate: "2024-03-01",
  };
}

interface Resource {
  code: string;
  keyField: string;
  entry: Record<string, unknown>;
  recordSchema: Record<string, unknown>;
  operations: string[];
  rows: Row[];
  byKey: Map<string, Row>;
  changes?: { key: string; op: string; time: string; record?: Row }[];
}

function buildResources(options: FixtureOptions): Resource[] {
  const broken = options.break;
  const count = options.people ?? 120;
  const start = Date.UTC(1950, 0, 1);
  const people: Row[] = [];
  for (let i = 0; i < count + 2; i++) {
    const birth = new Date(start + i * 97 * 86_400_000).toISOString().slice(0, 10);
    const sequence = 100 + i;
    people.push({
      residentId: residentId("370102", birth, sequence),
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[i % GIVEN.length]}`,
      sex: sequence % 2 === 1 ? "1" : "2",
      birthDate: birth,
      address: `山东省济南市历下区示例路${i + 1}号`,
    });
  }
  if (broken === "record-schema") (people[5] as Row).sex = 3;
  const current = people.slice(0, count);
  const base = Date.parse("2026-03-01T00:00:00Z");
  const time = (minute: number) =>
    new Date(base + minute * 60_000).toISOString().replace("Z", "+00:00");
  const changes = [
    ...people.map((record, i) => ({
      key: String(record.residentId),
      op: broken === "changes-schema" ? "update" : "upsert",
      time: time(i),
      record,
    })),
    ...people.slice(count).map((record, i) => ({
      key: String(record.residentId),
      op: "delete",
      time: time(people.length + i),
    })),
  ];
  const personSchema = {
    type: "object",
    additionalProperties: false,
    required: ["residentId", "name", "sex"],
    properties: {
      residentId: {
        type: "string",
        format: "cn-resident-id",
        "x-govex-mask": { kind: "resident-id", grade: 3 },
      },
      name: {
        type: "string",
        maxLength: 50,
        "x-govex-mask": { kind: "name", grade: broken === "masking-declared" ? 7 : 2 },
      },
      sex: { type: "string", enum: ["0", "1", "2", "9"] },
      birthDate: { type: "string", format: "date" },
      address: { type: "string", maxLength: 200, "x-govex-mask": { kind: "address", grade: 2 } },
      ...(broken === "describe-consistent" ? { householdId: { type: "string" } } : {}),
    },
  };
  const personEntry = entry("101001/000001", "居民户籍登记信息", "户籍人口", [
    { name: "公民身份号码", code: "residentId", dataType: "C", length: 18 },
    { name: "姓名", code: "name", dataType: "C", length: 50 },
    { name: "性别", code: "sex", dataType: "C", length: 1 },
    { name: "出生日期", code: "birthDate", dataType: "D" },
    { name: "户籍地址", code: "address", dataType: "C", length: 200 },
  ]);
  if (broken === "describe-schema") delete personEntry.abstract;

  const marriages: Row[] = Array.from({ length: 30 }, (_, i) => ({
    certNo: `J3701022024${String(i + 1).padStart(6, "0")}`,
    partyA: `${SURNAMES[i % 6]}${GIVEN[(i + 3) % GIVEN.length]}`,
    partyB: `${SURNAMES[(i + 2) % 6]}${GIVEN[(i + 7) % GIVEN.length]}`,
    registeredOn: new Date(Date.UTC(2024, 0, 2 + i)).toISOString().slice(0, 10),
  }));
  const marriageSchema = {
    type: "object",
    additionalProperties: false,
    required: ["certNo", "partyA", "partyB", "registeredOn"],
    properties: {
      certNo: { type: "string", pattern: "^J[0-9]{16}$" },
      partyA: { type: "string", "x-govex-mask": { kind: "name", grade: 2 } },
      partyB: { type: "string", "x-govex-mask": { kind: "name", grade: 2 } },
      registeredOn: { type: "string", format: "date" },
    },
  };
  const marriageEntry = entry("101001/000002", "婚姻登记信息", "婚姻登记", [
    { name: "结婚证字号", code: "certNo", dataType: "C", length: 17 },
    { name: "男方姓名", code: "partyA", dataType: "C", length: 50 },
    { name: "女方姓名", code: "partyB", dataType: "C", length: 50 },
    { name: "登记日期", code: "registeredOn", dataType: "D" },
  ]);
  const index = (rows: Row[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));
  return [
    {
      code: "101001/000001",
      keyField: "residentId",
      entry: personEntry,
      recordSchema: personSchema,
      operations: ["query", "get", "verify", "changes"],
      rows: current,
      byKey: index(current, "residentId"),
      changes,
    },
    {
      code: "101001/000002",
      keyField: "certNo",
      entry: marriageEntry,
      recordSchema: marriageSchema,
      operations: ["query", "get", "verify"],
      rows: marriages,
      byKey: index(marriages, "certNo"),
    },
  ];
}

/** RFC 9457 problem types of the exchange registry, by the @govex/security failure code. */
function signatureProblem(code: string): Reply {
  if (code.startsWith("content_digest"))
    return problem(400, "content-digest-mismatch", "内容摘要不符", code);
  if (code === "signature_missing") return problem(401, "signature-missing", "缺少签名", code);
  if (code === "signature_unknown_key") return problem(401, "unknown-key", "未知密钥", code);
  if (code === "signature_replayed")
    return problem(401, "signature-replayed", "签名已被使用", code);
  if (
    code === "signature_expired" ||
    code === "signature_too_old" ||
    code === "signature_created_in_future"
  )
    return problem(401, "signature-expired", "签名已过期", code);
  return problem(401, "signature-invalid", "签名无效", code);
}

function problem(status: number, slug: string, title: string, code: string): Reply {
  return {
    status,
    contentType: "application/problem+json",
    body: JSON.stringify({ type: `https://govex.dev/problems/${slug}`, title, status, code }),
  };
}

const bad = (detail: string): Reply => ({
  ...problem(400, "bad-request", "请求不合规范", "bad_request"),
  body: JSON.stringify({
    type: "https://govex.dev/problems/bad-request",
    title: "请求不合规范",
    status: 400,
    code: "bad_request",
    detail,
  }),
});
const notFound = (): Reply => problem(404, "not-found", "对象不存在", "not_found");
const json = (body: unknown, status = 200): Reply => ({ status, body: JSON.stringify(body) });

function encodeCursor(value: object, pad: boolean): string {
  return Buffer.from(JSON.stringify(pad ? { ...value, p: "x".repeat(600) } : value)).toString(
    "base64url",
  );
}

function decodeCursor(text: string, max: number): { o: number; s?: number } | undefined {
  if (text.length > max || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (typeof value !== "object" || value === null || !Number.isSafeInteger(value.o))
      return undefined;
    return value as { o: number; s?: number };
  } catch {
    return undefined;
  }
}

/** A deterministic permutation for a seed (the pagination-stable break reorders per walk). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed * 2654435761;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A path segment, decoded; a malformed escape is not a key of anything. */
function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return "\u0000malformed";
  }
}

function readBody(req: IncomingMessage): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Read on but keep nothing past the limit, so the client can finish and get a 413.
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on("end", () => resolve({ bytes: Buffer.concat(chunks), tooLarge: size > BODY_LIMIT }));
    req.on("error", reject);
  });
}

/**
 * Start the fixture provider on 127.0.0.1 (a free port). Its base URL ends with `/v1`.
 *
 * @example
 * const provider = await startFixtureProvider({ signer, exchangeKeys, break: "pagination-stable" });
 */
export async function startFixtureProvider(options: FixtureOptions): Promise<FixtureProvider> {
  const broken = options.break;
  const resources = buildResources(options);
  const byCode = new Map(resources.map((r) => [r.code, r]));
  const nonces = new MemoryNonceStore();
  let walks = 0;
  const otherSigner = createSigner({
    keyId: options.signer.keyId,
    algorithm: "ed25519",
    key: generateKeyPairSync("ed25519").privateKey,
  });
  // "Forgot to check the signature bytes": keys, window and nonce are still checked.
  const trusting = new Map(
    [...options.exchangeKeys].map(([id, v]) => [id, { ...v, verify: () => true } as Verifier]),
  );
  let base = "";

  function describe(): Reply {
    return json({
      system: "山东省示例户籍管理系统(符合性检测样例)",
      resources: resources.map((r) => ({
        entry: r.entry,
        keyField: r.keyField,
        recordSchema: r.recordSchema,
        operations: options.offer
          ? r.operations.filter((op) => options.offer?.includes(op))
          : r.operations,
      })),
    });
  }

  function query(resource: Resource, url: URL, req: IncomingMessage): Reply {
    const params = url.searchParams;
    const purpose = params.get("purpose");
    if (purpose === null || purpose.length < 2 || purpose.length > 200) return bad("purpose");
    const share = req.headers["govex-share-request"];
    if (share !== undefined && !SHARE_REQUEST.test(String(share)))
      return bad("Govex-Share-Request");
    let limit = 100;
    const rawLimit = params.get("limit");
    if (rawLimit !== null) {
      if (broken === "bad-input-4xx:crash" && !/^\d+$/.test(rawLimit)) throw new Error("NaN limit");
      if (!/^\d+$/.test(rawLimit)) return bad("limit");
      limit = Number(rawLimit);
      if (broken === "bad-input-4xx" && limit > 1000) limit = 1000;
      if (limit < 1 || limit > 1000) return bad("limit");
    }
    const properties = Object.keys(resource.recordSchema.properties as object);
    let fields: string[] | undefined;
    const rawFields = params.get("fields");
    if (rawFields !== null) {
      fields = rawFields.split(",");
      if (fields.length > 100 || fields.some((f) => !FIELD.test(f) || !properties.includes(f)))
        return bad("fields");
    }
    const filters: [string, string][] = [];
    for (const [name, value] of params) {
      const field = /^filter\[(.*)\]$/.exec(name)?.[1];
      if (field === undefined) continue;
      if (!FIELD.test(field) || !properties.includes(field) || value.length > 200)
        return bad("filter");
      filters.push([field, value]);
    }
    if (filters.length > 10) return bad("filter");
    let offset = 0;
    let seed = 0;
    const rawCursor = params.get("cursor");
    if (rawCursor !== null) {
      const cursor = decodeCursor(rawCursor, broken === "query-schema" ? 2000 : 512);
      if (!cursor || cursor.o < 0 || cursor.o > resource.rows.length) return bad("cursor");
      offset = cursor.o;
      seed = cursor.s ?? 0;
    } else if (broken === "pagination-stable") seed = ++walks;

    let rows = resource.rows.filter((row) =>
      filters.every(([field, value]) => {
        if (broken === "injection-harmless" && value.includes("'")) return true;
        // The filter-equality break matches on the first character only (a LIKE 'x%' bug).
        if (broken === "filter-equality") return String(row[field])[0] === value[0];
        return String(row[field]) === value;
      }),
    );
    if (seed > 0) rows = shuffled(rows, seed);
    // The pagination-complete break skips one record at every page boundary it is asked to follow.
    const first = rawCursor !== null && broken === "pagination-complete" ? offset + 1 : offset;
    const page = rows.slice(first, first + limit);
    const nextOffset = first + limit;
    const items = fields
      ? page.map((row) =>
          broken === "fields-selection"
            ? row
            : Object.fromEntries(
                fields.filter((f) => Object.hasOwn(row, f)).map((f) => [f, row[f]]),
              ),
        )
      : page;
    return json({
      items,
      ...(nextOffset < rows.length
        ? {
            nextCursor: encodeCursor(
              { o: nextOffset, ...(seed ? { s: seed } : {}) },
              broken === "query-schema",
            ),
          }
        : {}),
    });
  }

  function get(resource: Resource, key: string, url: URL): Reply {
    const purpose = url.searchParams.get("purpose");
    if (purpose === null || purpose.length < 2 || purpose.length > 200) return bad("purpose");
    if (key.length < 1 || key.length > 128) return bad("key");
    const row = resource.byKey.get(key);
    if (!row)
      return broken === "get-unknown-404"
        ? problem(410, "not-found", "对象不存在", "gone")
        : notFound();
    if (broken === "get-schema")
      return { status: 200, contentType: "text/plain", body: JSON.stringify(row) };
    if (broken === "get-matches-query")
      return json({ ...row, [resource.keyField === "certNo" ? "partyA" : "name"]: "某某" });
    return json(row);
  }

  function verify(resource: Resource, url: URL, req: IncomingMessage, bytes: Buffer): Reply {
    const purpose = url.searchParams.get("purpose");
    if (purpose === null || purpose.length < 2 || purpose.length > 200) return bad("purpose");
    const type = fieldValue(req.headers, "content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json" && broken !== "bad-body-4xx")
      return problem(415, "unsupported-media-type", "不支持的媒体类型", "unsupported_media_type");
    const key = req.headers["idempotency-key"];
    if (typeof key !== "string")
      return problem(400, "idempotency-key-missing", "缺少幂等键", "idempotency_key_missing");
    if (key.length < 8 || key.length > 128) return bad("Idempotency-Key");
    let input: unknown;
    try {
      input = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      return bad("body is not UTF-8 JSON");
    }
    if (broken === "bad-body-4xx:crash" && /\[\[\[\[/.test(bytes.toString("latin1")))
      throw new Error("too deep");
    if (typeof input !== "object" || input === null || Array.isArray(input)) return bad("body");
    const members = Object.keys(input);
    const { key: recordKey, values } = input as { key?: unknown; values?: unknown };
    if (members.some((m) => m !== "key" && m !== "values")) return bad("unknown member");
    if (typeof recordKey !== "string" || recordKey.length < 1 || recordKey.length > 128)
      return bad("key");
    if (typeof values !== "object" || values === null || Array.isArray(values))
      return bad("values");
    const asked = Object.entries(values);
    if (asked.length < 1 || asked.length > 50) return bad("values");
    if (asked.some(([, v]) => !["string", "number", "boolean"].includes(typeof v)))
      return bad("values");
    const row = resource.byKey.get(recordKey);
    const fields: Record<string, string> = {};
    const expected: Record<string, unknown> = {};
    for (const [field, value] of asked) {
      if (!row || !Object.hasOwn(row, field)) fields[field] = "not_available";
      else if (String(row[field]) === String(value) || broken === "verify-answers")
        fields[field] = "match";
      else {
        fields[field] = "no_match";
        expected[field] = row[field];
      }
    }
    const answer = {
      found: row !== undefined,
      fields,
      ...(broken === "verify-discloses-nothing" && Object.keys(expected).length > 0
        ? { expected }
        : {}),
    };
    if (broken === "verify-schema")
      return { status: 200, contentType: "text/plain", body: JSON.stringify(answer) };
    return json(answer);
  }

  function changes(resource: Resource, url: URL): Reply {
    const log = resource.changes;
    if (!log) return notFound();
    let limit = 100;
    const rawLimit = url.searchParams.get("limit");
    if (rawLimit !== null) {
      if (!/^\d+$/.test(rawLimit)) return bad("limit");
      limit = Number(rawLimit);
      if (limit < 1 || limit > 1000) return bad("limit");
    }
    let offset = 0;
    const rawCursor = url.searchParams.get("cursor");
    if (rawCursor !== null) {
      const cursor = decodeCursor(rawCursor, 512);
      if (!cursor || cursor.o < 0 || cursor.o > log.length) return bad("cursor");
      offset = cursor.o;
    }
    const items = log.slice(offset, offset + limit);
    // The changes-forward-only break moves the cursor one change short, so one comes back again.
    const next =
      offset + items.length - (broken === "changes-forward-only" && items.length > 0 ? 1 : 0);
    return json({ items, nextCursor: encodeCursor({ o: next }, false) });
  }

  async function route(
    req: IncomingMessage,
    url: URL,
    body: { bytes: Buffer; tooLarge: boolean },
  ): Promise<Reply> {
    const segments = url.pathname.split("/").slice(1);
    if (segments[0] !== "v1") return notFound();
    const rest = segments.slice(1);
    const method = req.method ?? "GET";
    if (rest.join("/") === "health" && method === "GET")
      return json({ status: broken === "health-schema" ? "fine" : "ok" });
    if (body.tooLarge) return problem(413, "payload-too-large", "请求体过大", "payload_too_large");
    const message: RequestMessage = { method, url, headers: req.headers };
    const signed = fieldValue(req.headers, "signature") !== undefined;
    if (signed || broken !== "unsigned-request-refused") {
      const verified = await verifyRequest(message, {
        keys: broken === "wrong-signature-refused" ? trusting : options.exchangeKeys,
        body: body.bytes,
        ...(broken === "replayed-request-refused" ? {} : { nonces }),
      });
      if (!verified.ok) return signatureProblem(verified.code);
    }
    if (rest.length === 1 && rest[0] === "describe" && method === "GET")
      return broken === "describe-down"
        ? problem(500, "internal", "内部错误", "internal")
        : describe();
    if (rest[0] !== "resources" || rest.length < 4) return notFound();
    const code = `${decode(rest[1])}/${decode(rest[2])}`;
    const resource = byCode.get(code);
    if (!resource) {
      if (broken === "unknown-resource-404" && rest[3] === "records" && rest.length === 4)
        return json({ items: [] });
      return notFound();
    }
    if (broken === "injection-harmless:hang" && url.search.includes("pg_sleep"))
      return new Promise(() => {});
    if (rest[3] === "records" && rest.length === 4 && method === "GET")
      return query(resource, url, req);
    if (rest[3] === "records" && rest.length === 5 && method === "GET")
      return get(resource, decode(rest[4]), url);
    if (rest[3] === "verify" && rest.length === 4 && method === "POST")
      return verify(resource, url, req, body.bytes);
    if (rest[3] === "changes" && rest.length === 4 && method === "GET")
      return changes(resource, url);
    return notFound();
  }

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    reply: Reply,
  ): Promise<void> {
    let contentType = reply.contentType ?? "application/json";
    let text = reply.body;
    if (broken === "problem-json" && reply.status >= 400) {
      contentType = "application/json";
      text = JSON.stringify({ error: JSON.parse(text).title });
    }
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-request-id": String(req.headers["x-request-id"] ?? ""),
    };
    const request: RequestMessage = {
      method: req.method ?? "GET",
      url,
      headers:
        broken === "signature-response-valid:unbound"
          ? Object.fromEntries(
              Object.entries(req.headers).filter(
                ([n]) => n !== "signature" && n !== "signature-input",
              ),
            )
          : req.headers,
    };
    const signer = broken === "signature-response-valid:wrong-key" ? otherSigner : options.signer;
    const signature = await signResponse({ status: reply.status, headers }, request, {
      signer,
      body: text,
    });
    // The signature-response-valid break changes the body after signing: the digest no longer fits.
    const payload = Buffer.from(broken === "signature-response-valid" ? `${text}\n` : text);
    res.writeHead(reply.status, {
      ...headers,
      ...signature,
      "content-length": String(payload.length),
    });
    res.end(payload);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    readBody(req)
      .then((body) => route(req, url, body))
      .catch(() => problem(500, "internal", "内部错误", "internal"))
      .then((reply) => send(req, res, url, reply))
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
