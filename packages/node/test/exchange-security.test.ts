/**
 * The node under attack and under failure, over real HTTP on both drivers: unsigned, forged,
 * replayed, expired and tampered requests are refused; hostile bodies get problem+json and write
 * nothing; Idempotency-Key holds; a provider that is down or hangs gives 502 / 504 within the
 * node's deadline; an audit row edited in SQL is detected.
 */
import { randomUUID } from "node:crypto";
import { type SignatureHeaders, signRequest } from "@govex/security";
import { beforeAll, describe, expect, it } from "vitest";
import { checkAuditLog } from "../src/audit/index.js";
import {
  CONSUMER,
  type Party,
  party,
  specViolations,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";
import { DRIVERS } from "./store-drivers.js";

const PURPOSE = "办理社会保险登记时核对参保人身份";

interface Raw {
  method?: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Sign as this party (default: unsigned). */
  as?: Party;
  /** Options of the signature. */
  created?: number;
  lifetime?: number;
  /** Sign this body instead of the one sent. */
  signedBody?: string;
}

describe.each(DRIVERS)("the exchange node refuses and survives on %s", (driver) => {
  const running = useTestExchange(driver, { providerTimeoutMs: 800 });
  let exchange: TestExchange;
  let provider: TestProvider;
  beforeAll(() => {
    exchange = running.exchange;
    provider = running.provider;
  });

  /** A request as an attacker builds it: any headers, any signature, any body. */
  async function prepare(raw: Raw): Promise<{ url: string; init: RequestInit }> {
    const url = `${exchange.url}${raw.path}`;
    const method = raw.method ?? "GET";
    const headers: Record<string, string> = { ...raw.headers };
    if (method !== "GET" && headers["idempotency-key"] === undefined)
      headers["idempotency-key"] = randomUUID();
    if (raw.as) {
      const signed: SignatureHeaders = await signRequest(
        { method, url, headers },
        {
          signer: raw.as.signer,
          ...(raw.signedBody !== undefined
            ? { body: raw.signedBody }
            : raw.body !== undefined
              ? { body: raw.body }
              : {}),
          ...(raw.created === undefined ? {} : { created: raw.created }),
          ...(raw.lifetime === undefined ? {} : { lifetime: raw.lifetime }),
        },
      );
      Object.assign(headers, signed);
    }
    return {
      url,
      init: { method, headers, ...(raw.body === undefined ? {} : { body: raw.body }) },
    };
  }

  async function send(raw: Raw): Promise<{ status: number; problem: Record<string, unknown> }> {
    const { url, init } = await prepare(raw);
    const response = await fetch(url, init);
    const text = await response.text();
    expect(response.headers.get("signature")).toBeTruthy();
    return {
      status: response.status,
      problem: response.status >= 400 ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  const counts = async () =>
    (
      await exchange.node.store.query<{ n: number }>(
        `select (select count(*) from members) + (select count(*) from catalog_resources)
           + (select count(*) from share_requests) + (select count(*) from census_systems)
           + (select count(*) from subscriptions) as n`,
      )
    ).rows[0]?.n;

  it("refuses unsigned, forged, expired, replayed and tampered requests", async () => {
    const unsigned = await send({ path: "/members" });
    expect([unsigned.status, unsigned.problem.type]).toEqual([
      401,
      "https://govex.dev/problems/signature-missing",
    ]);

    // A key the attacker made, claiming the consumer's key id.
    const forger = party(CONSUMER, exchange.consumer.keyId);
    const forged = await send({ path: "/members", as: forger });
    expect([forged.status, forged.problem.type]).toEqual([
      401,
      "https://govex.dev/problems/signature-invalid",
    ]);

    const unknown = await send({ path: "/members", as: party(CONSUMER, "never-registered") });
    expect(unknown.problem.type).toBe("https://govex.dev/problems/unknown-key");

    const old = Math.floor(Date.now() / 1000) - 3600;
    const expired = await send({
      path: "/members",
      as: exchange.consumer,
      created: old,
      lifetime: 60,
    });
    expect([expired.status, expired.problem.type]).toEqual([
      401,
      "https://govex.dev/problems/signature-expired",
    ]);

    const { url, init } = await prepare({ path: "/members", as: exchange.consumer });
    expect((await fetch(url, init)).status).toBe(200);
    const again = await fetch(url, init);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { type: string }).type).toBe(
      "https://govex.dev/problems/signature-replayed",
    );

    const before = await counts();
    const tampered = await send({
      method: "POST",
      path: "/census/systems",
      as: exchange.consumer,
      headers: { "content-type": "application/json" },
      signedBody: "{}",
      body: JSON.stringify({ name: "被篡改的请求体" }),
    });
    expect([tampered.status, tampered.problem.type]).toEqual([
      400,
      "https://govex.dev/problems/content-digest-mismatch",
    ]);
    expect(await counts()).toBe(before);
  });

  it("answers hostile bodies with problem+json and writes nothing", async () => {
    const before = await counts();
    const json = { "content-type": "application/json" };
    const cases: [string, Omit<Raw, "path">, number, string][] = [
      [
        "huge",
        { body: `{"a":"${"x".repeat(2 * 1024 * 1024)}"}`, headers: json },
        413,
        "payload-too-large",
      ],
      [
        "deep",
        { body: `${"[".repeat(5000)}${"]".repeat(5000)}`, headers: json },
        400,
        "bad-request",
      ],
      [
        "__proto__",
        { body: '{"__proto__":{"admin":true},"code":"x"}', headers: json },
        400,
        "bad-request",
      ],
      ["not JSON", { body: "{name:", headers: json }, 400, "bad-request"],
      [
        "invalid UTF-8",
        { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json },
        400,
        "bad-request",
      ],
      [
        "GBK charset",
        { body: "{}", headers: { "content-type": "application/json; charset=gbk" } },
        415,
        "unsupported-media-type",
      ],
      [
        "text/plain",
        { body: "hello", headers: { "content-type": "text/plain" } },
        415,
        "unsupported-media-type",
      ],
      [
        "schema",
        { body: JSON.stringify({ resourceCode: UNCONDITIONAL }), headers: json },
        422,
        "validation-failed",
      ],
    ];
    for (const [name, raw, status, type] of cases) {
      const answer = await send({
        ...raw,
        method: "POST",
        path: "/share-requests",
        as: exchange.consumer,
      });
      expect([name, answer.status, answer.problem.type]).toEqual([
        name,
        status,
        `https://govex.dev/problems/${type}`,
      ]);
      expect(answer.problem.code).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    expect(Object.prototype).not.toHaveProperty("admin");
    expect(await counts()).toBe(before);
    // Refused writes of an authenticated member are audited with their outcome.
    const refused = await exchange.node.store.query<{ status: number }>(
      `select distinct (convert_from(entry, 'UTF8')::jsonb ->> 'status')::int as status
       from audit_entries where caller = $1 and operation = 'createShareRequest'`,
      [CONSUMER],
    );
    expect(refused.rows.map((r) => r.status).sort()).toEqual(expect.arrayContaining([400, 422]));
  });

  it("holds Idempotency-Key: missing, replayed, reused with another body", async () => {
    const body = JSON.stringify({ resourceCode: UNCONDITIONAL, url: "http://127.0.0.1:9/hook" });
    const json = { "content-type": "application/json" };
    const missing = await fetch(
      `${exchange.url}/subscriptions`,
      (
        await prepare({
          method: "POST",
          path: "/subscriptions",
          body,
          headers: { ...json, "idempotency-key": "" },
          as: exchange.consumer,
        })
      ).init,
    );
    expect(missing.status).toBe(400);
    const key = randomUUID();
    const first = await send({
      method: "POST",
      path: "/subscriptions",
      body,
      headers: { ...json, "idempotency-key": key },
      as: exchange.consumer,
    });
    const { url, init } = await prepare({
      method: "POST",
      path: "/subscriptions",
      body,
      headers: { ...json, "idempotency-key": key },
      as: exchange.consumer,
    });
    const replay = await fetch(url, init);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const rows = await exchange.node.store.query<{ n: number }>(
      "select count(*)::int as n from subscriptions where member_code = $1",
      [CONSUMER],
    );
    expect(rows.rows[0]?.n).toBe(1);
    const reused = await send({
      method: "POST",
      path: "/subscriptions",
      body: JSON.stringify({ resourceCode: UNCONDITIONAL, url: "http://127.0.0.1:9/other" }),
      headers: { ...json, "idempotency-key": key },
      as: exchange.consumer,
    });
    expect([reused.status, reused.problem.type]).toEqual([
      422,
      "https://govex.dev/problems/idempotency-key-reused",
    ]);
  });

  it("answers 504 for a provider that hangs and 502 for one that is down, within the deadline", async () => {
    const [p, s] = UNCONDITIONAL.split("/") as [string, string];
    const path = `/resources/${p}/${s}/records?purpose=${encodeURIComponent(PURPOSE)}`;
    provider.hang = true;
    const started = Date.now();
    const slow = await send({ path, as: exchange.consumer });
    expect([slow.status, slow.problem.type]).toEqual([
      504,
      "https://govex.dev/problems/provider-timeout",
    ]);
    expect(Date.now() - started).toBeLessThan(30_000); // bounded: the deadline is 800 ms
    provider.hang = false;
    await provider.close();
    const down = await send({ path, as: exchange.consumer });
    expect([down.status, down.problem.type]).toEqual([
      502,
      "https://govex.dev/problems/provider-error",
    ]);
    const audited = await exchange.node.store.query<{ n: number }>(
      "select count(*)::int as n from audit_entries where caller = $1 and operation = 'queryRecords'",
      [CONSUMER],
    );
    expect(audited.rows[0]?.n).toBeGreaterThan(0);
  });

  it("answered every refusal as the spec declares it", async () => {
    expect(await specViolations(exchange.recorded)).toEqual([]);
  });

  it("detects an audit row edited directly in SQL", async () => {
    await exchange.node.services.checkpoint();
    expect((await checkAuditLog(exchange.node.store)).ok).toBe(true);
    const row = (
      await exchange.node.store.query<{ leaf_index: number; entry: Uint8Array }>(
        "select leaf_index, entry from audit_entries order by leaf_index limit 1",
      )
    ).rows[0];
    const text = Buffer.from(row?.entry as Uint8Array)
      .toString("utf8")
      .replace(/"status":\d+/, '"status":200');
    const edited = Buffer.from(text.replace('"operation":"', '"operation":"x'), "utf8");
    await exchange.node.store.query("update audit_entries set entry = $1 where leaf_index = $2", [
      edited,
      row?.leaf_index,
    ]);
    const report = await checkAuditLog(exchange.node.store);
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.code)).toContain("entry_hash_mismatch");
  });
});

describe("a node whose signer fails (an HSM out of reach)", () => {
  const ctx = useTestExchange("pglite");

  it("answers an unsigned 500 in the exchange's own words, never a hang", async () => {
    const signer = ctx.exchange.node.services.signer as { sign: unknown };
    const working = signer.sign;
    signer.sign = () => {
      throw new Error("HSM unreachable");
    };
    try {
      for (const [lang, own, notOwn] of [
        ["zh-CN", "交换节点内部错误", "提供方"],
        ["en", "exchange node", "provider"],
      ] as const) {
        const response = await fetch(`${ctx.exchange.url}/health`, {
          headers: { "accept-language": lang },
        });
        const body = await response.text();
        expect(response.status).toBe(500);
        expect(response.headers.get("signature")).toBeNull();
        expect(JSON.parse(body)).toMatchObject({ code: "internal", status: 500 });
        expect(body).toContain(own);
        expect(body).not.toContain(notOwn);
        expect(body).not.toContain("HSM");
      }
    } finally {
      signer.sign = working;
    }
  });
});
