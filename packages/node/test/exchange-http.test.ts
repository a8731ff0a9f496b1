/**
 * The exchange node over real HTTP on both drivers: departments join (registry, a signed
 * conformance report, catalog), a consumer searches, is refused, requests and is granted, reads
 * masked data through the node from a real provider, verifies, exports; every operation of
 * specs/exchange v1 is called and every answer is checked against the spec.
 */
import { createPublicKey } from "node:crypto";
import { ProblemError } from "@govex/client";
import { ed25519NoteVerifier } from "@govex/security";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../src/audit/index.js";
import { EXCHANGE_OPERATIONS } from "../src/server/spec.js";
import {
  CONDITIONAL,
  CONSUMER,
  catalogEntry,
  NOT_SHARED,
  OPERATOR,
  OTHER,
  PROVIDER,
  party,
  specViolations,
  submitReport,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";
import { DRIVERS } from "./store-drivers.js";

const PURPOSE = "办理社会保险登记时核对参保人身份";
const [prefix, suffix] = CONDITIONAL.split("/") as [string, string];
const [uPrefix, uSuffix] = UNCONDITIONAL.split("/") as [string, string];

/** The problem a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<ProblemError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe.each(DRIVERS)("the exchange node over HTTP on %s", (driver) => {
  const running = useTestExchange(driver);
  let exchange: TestExchange;
  let provider: TestProvider;
  beforeAll(() => {
    exchange = running.exchange;
    provider = running.provider;
  });

  it("serves health, readiness and metrics", async () => {
    const anon = await fetch(`${exchange.url}/health`);
    expect(anon.status).toBe(200);
    expect(anon.headers.get("signature")).toBeTruthy();
    expect(await anon.json()).toMatchObject({ status: "ok" });
    const ready = await fetch(`${exchange.url}/ready`);
    expect(await ready.json()).toMatchObject({
      status: "ok",
      checks: { database: "ok", keys: "ok" },
    });
    const metrics = await (await fetch(`${exchange.url}/metrics`)).text();
    expect(metrics).toContain("govex_node_requests_total");
    expect(metrics).toMatch(/govex_node_audit_tree_size \d+/);
  });

  it("lists the registry: members, keys, systems, services and a service's OpenAPI", async () => {
    const c = exchange.client(exchange.consumer);
    const members = await c.request("get", "/members", { params: { query: { limit: 2 } } });
    expect(members.data.items).toHaveLength(2);
    expect(members.data.nextCursor).toBeTruthy();
    const rest = await c.request("get", "/members", {
      params: { query: { cursor: members.data.nextCursor as string } },
    });
    expect([...members.data.items, ...rest.data.items].map((m) => m.code).sort()).toEqual(
      [CONSUMER, OPERATOR, OTHER, PROVIDER].sort(),
    );
    const member = await c.request("get", "/members/{memberCode}", {
      params: { path: { memberCode: PROVIDER } },
    });
    expect(member.data).toMatchObject({ code: PROVIDER, memberClass: "GOV" });
    const keys = await c.request("get", "/members/{memberCode}/keys", {
      params: { path: { memberCode: PROVIDER } },
    });
    expect(keys.data.items.map((k) => k.status)).toEqual(["active"]);
    const systems = await c.request("get", "/members/{memberCode}/systems", {
      params: { path: { memberCode: PROVIDER } },
    });
    expect(systems.data.items[0]).toMatchObject({
      code: "hukou",
      path: `CN-370000/GOV/${PROVIDER}/hukou`,
    });
    const services = await c.request("get", "/members/{memberCode}/systems/{systemCode}/services", {
      params: { path: { memberCode: PROVIDER, systemCode: "hukou" } },
    });
    expect(services.data.items.map((s) => [s.resourceCode, s.status]).sort()).toEqual(
      [
        [CONDITIONAL, "active"],
        [UNCONDITIONAL, "active"],
        [NOT_SHARED, "active"],
      ].sort(),
    );
    const doc = await c.request(
      "get",
      "/members/{memberCode}/systems/{systemCode}/services/{serviceCode}/openapi",
      {
        params: {
          path: { memberCode: PROVIDER, systemCode: "hukou", serviceCode: "101001-000001" },
        },
      },
    );
    expect(doc.data).toMatchObject({ openapi: "3.1.0", servers: [{ url: provider.url }] });
    // The system moves: its services wait for a report on the new address.
    const dept = exchange.client(exchange.provider);
    const moved = await dept.request("put", "/members/{memberCode}/systems/{systemCode}", {
      params: { path: { memberCode: PROVIDER, systemCode: "hukou" } },
      body: { code: "hukou", name: "示例户籍管理系统", providerBaseUrl: `${provider.url}/` },
    });
    expect(moved.data.providerBaseUrl).toBe(`${provider.url}/`);
    const pending = await c.request("get", "/members/{memberCode}/systems/{systemCode}/services", {
      params: { path: { memberCode: PROVIDER, systemCode: "hukou" } },
    });
    expect(new Set(pending.data.items.map((s) => s.status))).toEqual(new Set(["pending"]));
    await dept.request("put", "/members/{memberCode}/systems/{systemCode}", {
      params: { path: { memberCode: PROVIDER, systemCode: "hukou" } },
      body: { code: "hukou", name: "示例户籍管理系统", providerBaseUrl: provider.url },
    });
    await submitReport(exchange, provider);
    const missing = await refusal(
      c.request("get", "/members/{memberCode}", {
        params: { path: { memberCode: "91110000MA01ABCD1X" } },
      }),
    );
    expect([400, 404]).toContain(missing.status);
  });

  it("refuses registry writes by members who may not make them", async () => {
    const c = exchange.client(exchange.consumer);
    const e = await refusal(
      c.request("post", "/members", { body: { code: OTHER, name: "x", memberClass: "GOV" } }),
    );
    expect(e.status).toBe(403);
    const k = await refusal(
      c.request("post", "/members/{memberCode}/keys", {
        params: { path: { memberCode: PROVIDER } },
        body: { keyId: "stolen", algorithm: "ed25519", publicKey: exchange.consumer.publicPem },
      }),
    );
    expect(k.status).toBe(403);
    const bad = await refusal(
      exchange.client(exchange.operator).request("post", "/members", {
        body: { code: "11370000MB0000027X", name: "校验码错误", memberClass: "GOV" },
      }),
    );
    expect(bad.status).toBe(422);
  });

  it("rotates a member's key: the new key signs, the revoked one is refused", async () => {
    const rotated = party(OTHER, "other-2");
    await exchange.client(exchange.other).request("post", "/members/{memberCode}/keys", {
      params: { path: { memberCode: OTHER } },
      body: { keyId: rotated.keyId, algorithm: "ed25519", publicKey: rotated.publicPem },
    });
    const last = await refusal(
      exchange.client(exchange.other).request("delete", "/members/{memberCode}/keys/{keyId}", {
        params: { path: { memberCode: OTHER, keyId: "no-such-key" } },
      }),
    );
    expect(last.status).toBe(404);
    await exchange.client(rotated).request("delete", "/members/{memberCode}/keys/{keyId}", {
      params: { path: { memberCode: OTHER, keyId: exchange.other.keyId } },
    });
    const refused = await refusal(exchange.client(exchange.other).request("get", "/members", {}));
    expect(refused.status).toBe(401);
    expect(refused.type).toBe("https://govex.dev/problems/unknown-key");
    const lockedOut = await refusal(
      exchange.client(rotated).request("delete", "/members/{memberCode}/keys/{keyId}", {
        params: { path: { memberCode: OTHER, keyId: rotated.keyId } },
      }),
    );
    expect(lockedOut.code).toBe("last_active_key");
    exchange.other = rotated;
  });

  it("searches the catalog by Chinese keyword and filters", async () => {
    const c = exchange.client(exchange.consumer);
    const found = await c.request("get", "/catalog/entries", { params: { query: { q: "户籍" } } });
    expect(found.data.items.map((r) => r.entry.resourceCode).sort()).toEqual(
      [CONDITIONAL, UNCONDITIONAL, NOT_SHARED].sort(),
    );
    const byType = await c.request("get", "/catalog/entries", {
      params: { query: { shareType: "无条件共享" } },
    });
    expect(byType.data.items.map((r) => r.entry.resourceCode)).toEqual([UNCONDITIONAL]);
    const entry = await c.request("get", "/catalog/entries/{prefix}/{suffix}", {
      params: { path: { prefix, suffix } },
    });
    expect(entry.data).toMatchObject({ status: "published", version: 1 });
  });

  it("serves an unconditionally shared resource masked to any member", async () => {
    const c = exchange.client(exchange.other);
    const page = await c.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { purpose: PURPOSE, limit: 5 } },
    });
    expect(page.data.items).toHaveLength(5);
    expect(page.data.masked?.sort()).toEqual(["mobile", "name", "residentId"]);
    const first = page.data.items[0] as Record<string, string>;
    const clear = provider.records[0] as Record<string, string>;
    expect(first.city).toBe(clear.city);
    expect(first.name).not.toBe(clear.name);
    expect(first.mobile).toMatch(/^139\*{4}\d{4}$/);
    expect(first.residentId).not.toBe(clear.residentId);
  });

  it("gives opaque cursors bound to the caller, never the provider's", async () => {
    const c = exchange.client(exchange.other);
    const query = { purpose: PURPOSE, limit: 4, fields: ["city"] };
    const first = await c.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query },
    });
    const cursor = first.data.nextCursor as string;
    // The provider's cursor names the last record's key; the consumer's must not.
    const lastKey = String(provider.records[3]?.residentId);
    expect(Buffer.from(cursor, "base64url").toString("latin1")).not.toContain(lastKey);
    expect(cursor).not.toContain(lastKey);
    const second = await c.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { ...query, cursor } },
    });
    expect(second.data.items).toEqual(provider.records.slice(4, 8).map((r) => ({ city: r.city })));
    const stolen = await refusal(
      exchange.client(exchange.consumer).request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { ...query, cursor } },
      }),
    );
    expect([stolen.status, stolen.code]).toEqual([400, "cursor_invalid"]);
    const forged = Buffer.from(`{"v":1,"a":"${lastKey}"}`).toString("base64url");
    const refused = await refusal(
      c.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { ...query, cursor: forged } },
      }),
    );
    expect(refused.code).toBe("cursor_invalid");
  });

  it("refuses 不予共享 and conditional resources without a grant", async () => {
    const c = exchange.client(exchange.consumer);
    const [nPrefix, nSuffix] = NOT_SHARED.split("/") as [string, string];
    const notShared = await refusal(
      c.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix: nPrefix, suffix: nSuffix }, query: { purpose: PURPOSE } },
      }),
    );
    expect(notShared.status).toBe(403);
    expect(notShared.type).toBe("https://govex.dev/problems/not-shared");
    const needed = await refusal(
      c.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
      }),
    );
    expect(needed.type).toBe("https://govex.dev/problems/share-request-required");
  });

  it("grants a share request and serves only the granted fields, masked; then revokes it", async () => {
    const consumer = exchange.client(exchange.consumer);
    const dept = exchange.client(exchange.provider);
    const created = await consumer.request("post", "/share-requests", {
      body: {
        resourceCode: CONDITIONAL,
        fields: ["residentId", "name", "mobile"],
        purpose: PURPOSE,
        legalBasis: "《社会保险法》第五十八条",
        period: { from: "2026-01-01", to: "2099-12-31" },
      },
    });
    expect(created.data.status).toBe("pending");
    expect(created.data.answerDeadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const id = created.data.id;
    const listed = await dept.request("get", "/share-requests", {
      params: { query: { role: "provider" } },
    });
    expect(listed.data.items.map((r) => r.id)).toContain(id);
    const decided = await dept.request("post", "/share-requests/{shareRequestId}/decision", {
      params: { path: { shareRequestId: id } },
      body: {
        outcome: "approved",
        grantedFields: ["residentId", "name"],
        grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
        clearText: false,
      },
    });
    expect(decided.data.status).toBe("approved");
    const read = await consumer.request("get", "/share-requests/{shareRequestId}", {
      params: { path: { shareRequestId: id } },
    });
    expect(read.data.decision).toMatchObject({ outcome: "approved" });

    const headers = { "govex-share-request": id };
    const page = await consumer.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix, suffix }, query: { purpose: PURPOSE, limit: 3 } },
      headers,
    });
    for (const record of page.data.items)
      expect(Object.keys(record).sort()).toEqual(["name", "residentId"]);
    expect(page.data.masked?.sort()).toEqual(["name", "residentId"]);
    const key = String(provider.records[1]?.residentId);
    const one = await consumer.request("get", "/resources/{prefix}/{suffix}/records/{key}", {
      params: { path: { prefix, suffix, key }, query: { purpose: PURPOSE } },
      headers,
    });
    expect(Object.keys(one.data).sort()).toEqual(["name", "residentId"]);
    const verified = await consumer.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
      headers,
      body: { key, values: { name: String(provider.records[1]?.name), residentId: "wrong" } },
    });
    expect(verified.data).toEqual({
      found: true,
      fields: { name: "match", residentId: "no_match" },
    });
    const notGranted = await refusal(
      consumer.request("post", "/resources/{prefix}/{suffix}/verify", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
        headers,
        body: { key, values: { mobile: "13900000000" } },
      }),
    );
    expect(notGranted.status).toBe(403);
    const exported = await fetchExport(exchange, id);
    expect(exported.trim().split("\n")).toHaveLength(provider.records.length);

    // Someone else's grant does not open the resource.
    const stranger = await refusal(
      exchange.client(exchange.other).request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
        headers,
      }),
    );
    expect(stranger.status).toBe(403);

    await dept.request("post", "/share-requests/{shareRequestId}/revoke", {
      params: { path: { shareRequestId: id } },
      body: { reason: "合作期满" } as never,
    });
    const revoked = await refusal(
      consumer.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
        headers,
      }),
    );
    expect(revoked.status).toBe(403);
  });

  it("keeps catalog versions: update with If-Match, withdraw", async () => {
    const dept = exchange.client(exchange.provider);
    const code = "101001/000009";
    const [p9, s9] = code.split("/") as [string, string];
    await dept.request("post", "/catalog/entries", {
      body: catalogEntry(code, "无条件共享", "临时目录") as never,
    });
    const updated = await dept.request("put", "/catalog/entries/{prefix}/{suffix}", {
      params: { path: { prefix: p9, suffix: s9 }, header: { "If-Match": '"1"' } as never },
      headers: { "if-match": '"1"' },
      body: catalogEntry(code, "无条件共享", "临时目录(修订)") as never,
    });
    expect(updated.data.version).toBe(2);
    const stale = await refusal(
      dept.request("put", "/catalog/entries/{prefix}/{suffix}", {
        params: { path: { prefix: p9, suffix: s9 } } as never,
        headers: { "if-match": '"1"' },
        body: catalogEntry(code, "无条件共享", "过期修改") as never,
      }),
    );
    expect(stale.status).toBe(412);
    const withdrawn = await dept.request("post", "/catalog/entries/{prefix}/{suffix}/withdraw", {
      params: { path: { prefix: p9, suffix: s9 } },
      body: { reason: "资源已合并" } as never,
    });
    expect(withdrawn.data.status).toBe("withdrawn");
    const versions = await dept.request("get", "/catalog/entries/{prefix}/{suffix}/versions", {
      params: { path: { prefix: p9, suffix: s9 } },
    });
    expect(versions.data.items.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
  });

  it("stores subscriptions, batches and census records", async () => {
    const other = exchange.client(exchange.other);
    const sub = await other.request("post", "/subscriptions", {
      body: { resourceCode: UNCONDITIONAL, url: "http://127.0.0.1:9/hooks/govex" },
    });
    expect(sub.data.status).toBe("active");
    const subs = await other.request("get", "/subscriptions", {});
    expect(subs.data.items.map((s) => s.id)).toContain(sub.data.id);
    await other.request("get", "/subscriptions/{subscriptionId}", {
      params: { path: { subscriptionId: sub.data.id } },
    });
    const deliveries = await other.request("get", "/subscriptions/{subscriptionId}/deliveries", {
      params: { path: { subscriptionId: sub.data.id } },
    });
    expect(deliveries.data.items).toEqual([]);
    // A dead letter, as the delivery worker leaves one, replayed by the operator.
    await exchange.node.store.query(
      `insert into deliveries (id, subscription_id, event, status, attempts, last_status_code,
         last_error, next_attempt_at, created_at, updated_at)
       values ('d-test-1', $1, $2, 'dead', 8, 503, '订阅方返回 503', now(), now(), now())`,
      [
        sub.data.id,
        {
          specversion: "1.0",
          id: "0b7d7c1e-0c59-4a8e-9b0e-2a1f5c3d4e5f",
          source: `urn:govex:CN-370000/GOV/${PROVIDER}/hukou`,
          type: "dev.govex.record.updated",
        },
      ],
    );
    const op = exchange.client(exchange.operator);
    const dead = await op.request("get", "/dead-letters", {});
    expect(dead.data.items.map((d) => d.id)).toContain("d-test-1");
    const replay = await op.request("post", "/dead-letters/{deliveryId}/replay", {
      params: { path: { deliveryId: "d-test-1" } },
    });
    expect(replay.status).toBe(202);
    await other.request("delete", "/subscriptions/{subscriptionId}", {
      params: { path: { subscriptionId: sub.data.id } },
    });

    const body = `${JSON.stringify(provider.records[0])}\n{"residentId": 5}\n`;
    const pushed = await exchange
      .client(exchange.provider)
      .request("post", "/resources/{prefix}/{suffix}/batches", {
        params: { path: { prefix: uPrefix, suffix: uSuffix } },
        body: body as never,
        headers: { "content-type": "application/x-ndjson" },
      });
    expect(pushed.data).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
    const receipt = await exchange
      .client(exchange.provider)
      .request("get", "/resources/{prefix}/{suffix}/batches/{batchId}", {
        params: { path: { prefix: uPrefix, suffix: uSuffix, batchId: pushed.data.batchId } },
      });
    expect(receipt.data.digest).toBe(pushed.data.digest);

    const census = await exchange.client(exchange.provider).request("post", "/census/systems", {
      body: {
        name: "示例户籍管理系统",
        systemCode: "hukou",
        ownerDepartment: "山东省示例厅",
        ownerDepartmentCode: PROVIDER,
        function: "户籍登记、迁移、变更业务办理和人口信息查询。",
        scopeOfUse: ["跨部门"],
        deploymentLevel: "省级",
        frequencyOfUse: "每日",
        networks: ["电子政务外网"],
        deployment: "政务云",
        securityLevel: "3",
        connectedToExchange: true,
        status: "运行",
        inventoryDate: "2026-03-01",
      } as never,
    });
    expect(census.status).toBe(201);
    const list = await op.request("get", "/census/systems", {});
    expect(list.data.items.map((r) => r.id)).toContain(census.data.id);
  });

  it("audits every access in a Merkle log that verifies offline", async () => {
    const consumer = exchange.client(exchange.consumer);
    const own = await consumer.request("get", "/audit/entries", {
      params: { query: { limit: 500 } },
    });
    expect(own.data.items.length).toBeGreaterThan(0);
    for (const entry of own.data.items) expect([entry.caller, entry.provider]).toContain(CONSUMER);
    const reads = own.data.items.filter((e) => e.operation === "queryRecords" && e.status === 200);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]).toMatchObject({ purpose: PURPOSE, provider: PROVIDER });
    const refused = own.data.items.filter((e) => e.status === 403);
    expect(refused.length).toBeGreaterThan(0);

    const first = await consumer.request("get", "/audit/checkpoint");
    const note = String(first.data);
    const size = Number(note.split("\n")[1]);
    expect(size).toBeGreaterThan(0);
    const entry = own.data.items[0];
    const inclusion = await consumer.request("get", "/audit/proofs/inclusion", {
      params: { query: { leafIndex: entry?.leafIndex as number, treeSize: size } },
    });
    expect(inclusion.data.leafHash).toBe(entry?.leafHash);
    await consumer.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { purpose: PURPOSE, limit: 1 } },
    });
    const second = String((await consumer.request("get", "/audit/checkpoint")).data);
    const size2 = Number(second.split("\n")[1]);
    const consistency = await consumer.request("get", "/audit/proofs/consistency", {
      params: { query: { first: size, second: size2 } },
    });
    expect(consistency.data).toMatchObject({ first: size, second: size2 });
    const verdict = verifyAuditLog({
      verifiers: [
        ed25519NoteVerifier("exchange.test/audit", createPublicKey(exchange.nodeKey.publicPem)),
      ],
      origin: "exchange.test/audit",
      checkpoints: [note, second],
      consistencyProofs: [consistency.data],
      entries: [{ entry: entry as never, proof: inclusion.data }],
    });
    expect(verdict.issues).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it("analyses the census and evaluates sharing", async () => {
    const op = exchange.client(exchange.operator);
    const analysis = await op.request("get", "/census/analysis", {});
    expect(analysis.status).toBe(200);
    const evaluation = await op.request("get", "/evaluation", {});
    expect(evaluation.status).toBe(200);
  });

  it("answered every operation of the spec, and only as the spec says", async () => {
    const served = new Set(
      exchange.recorded.filter((r) => r.status < 300).map((r) => r.operationId),
    );
    const missing = Object.keys(EXCHANGE_OPERATIONS).filter((id) => !served.has(id));
    expect(missing).toEqual([]);
    expect(await specViolations(exchange.recorded)).toEqual([]);
  });
});

/**
 * The NDJSON export through the node with the real client: streamed record by record, its
 * signed last line (count, digest, signature bound to the request) checked by the client and
 * returned apart from the records.
 */
async function fetchExport(exchange: TestExchange, shareRequestId: string): Promise<string> {
  const c = exchange.client(exchange.consumer);
  const stream = c.streamNdjson("/resources/{prefix}/{suffix}/export", {
    params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
    headers: { "govex-share-request": shareRequestId },
  });
  const lines: string[] = [];
  let next = await stream.next();
  while (!next.done) {
    lines.push(JSON.stringify(next.value));
    next = await stream.next();
  }
  expect(next.value).toMatchObject({ "@govex": "end", records: lines.length });
  return lines.map((line) => `${line}\n`).join("");
}
