import { generateKeyPairSync } from "node:crypto";
import {
  createSigner,
  createVerifier,
  generateSm2KeyPair,
  type Signer,
  type Verifier,
} from "@govex/security";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import catalogSpec from "../../../specs/data/v1/catalog-entry.schema.json" with { type: "json" };
import {
  ClientError,
  createExchangeClient,
  type ExchangeComponents,
  type ExchangePaths,
  type GovexClient,
  ProblemError,
} from "../src/index.js";
import { startTestServer, type TestServer } from "./server.js";

type CatalogEntry = ExchangeComponents["schemas"]["catalog-entry.schema"];
const example = catalogSpec.examples[0] as unknown as CatalogEntry;

function ed25519(keyId: string): { signer: Signer; verifier: Verifier } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    signer: createSigner({ keyId, algorithm: "ed25519", key: privateKey }),
    verifier: createVerifier({ keyId, algorithm: "ed25519", key: publicKey }),
  };
}

const department = ed25519("dept-a-2026");
const node = ed25519("exchange-node-2026");
const sm2Keys = generateSm2KeyPair();
const sm2Department = {
  signer: createSigner({ keyId: "dept-sm2", algorithm: "sm2-sm3", key: sm2Keys.privateKey }),
  verifier: createVerifier({ keyId: "dept-sm2", algorithm: "sm2-sm3", key: sm2Keys.publicKey }),
};

let server: TestServer;
let client: GovexClient<ExchangePaths>;

beforeAll(async () => {
  server = await startTestServer({
    signer: node.signer,
    clientKeys: new Map([
      [department.signer.keyId, department.verifier],
      [sm2Department.signer.keyId, sm2Department.verifier],
    ]),
  });
  client = createExchangeClient({
    baseUrl: server.url,
    signer: department.signer,
    keys: new Map([[node.signer.keyId, node.verifier]]),
    retry: { retries: 3, baseDelay: 5, maxDelay: 20 },
    timeout: 10_000,
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});
afterEach(() => {
  Object.assign(server.faults, {
    unavailable: { count: 0 },
    dropConnections: 0,
    tamperBody: false,
    replaySignature: false,
    slowBodyMs: 0,
    plainError: undefined,
  });
  server.log.length = 0;
});

function entry(n: number): CatalogEntry {
  return {
    ...example,
    resourceCode: `101001/${String(n).padStart(6, "0")}`,
    name: `居民户籍登记信息${n}`,
  };
}

describe("signed calls over a socket", () => {
  it("publishes and reads a catalog entry, signing requests and verifying responses", async () => {
    const created = await client.request("post", "/catalog/entries", { body: entry(1) });
    expect(created.status).toBe(201);
    expect(created.data.entry.resourceCode).toBe("101001/000001");
    const read = await client.request("get", "/catalog/entries/{prefix}/{suffix}", {
      params: { path: { prefix: "101001", suffix: "000001" } },
    });
    expect(read.data).toMatchObject({
      status: "published",
      version: 1,
      entry: { name: "居民户籍登记信息1" },
    });
    const publish = server.log.find((r) => r.method === "POST");
    expect(publish?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(publish?.signatureInput).toMatch(
      /^govex=\("@method" "@target-uri" "content-type" "content-digest" "idempotency-key" "x-request-id"|^govex=\("@method" "@target-uri" "content-type" "content-digest" "idempotency-key"\)/,
    );
  });

  it("sends a byte body that is a view into a larger buffer as exactly its bytes", async () => {
    const json = JSON.stringify(entry(2));
    const buffer = Buffer.from(`garbage${json}garbage`);
    const body = buffer.subarray(7, 7 + Buffer.byteLength(json));
    const created = await client.request("post", "/catalog/entries", {
      body: body as unknown as CatalogEntry,
    });
    expect(created.status).toBe(201);
    expect(created.data.entry.resourceCode).toBe("101001/000002");
  });

  it("works the same with SM2 signatures", async () => {
    const sm2Client = createExchangeClient({
      baseUrl: server.url,
      signer: sm2Department.signer,
      keys: new Map([[node.signer.keyId, node.verifier]]),
    });
    const result = await sm2Client.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: {
        path: { prefix: "101001", suffix: "000001" },
        query: { purpose: "核验申请人身份" },
      },
      body: { key: "11010519491231002X", values: { name: "张三", birthDate: "1950-01-01" } },
    });
    expect(result.data).toEqual({ found: true, fields: { name: "match", birthDate: "no_match" } });
    await sm2Client.close();
  });

  it("turns problem+json into a typed ProblemError with the issues", async () => {
    const invalid = { ...entry(2), providerCode: "11370000MB1234562B" };
    const error = await client
      .request("post", "/catalog/entries", { body: invalid })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      status: 422,
      code: "validation_failed",
      type: "https://govex.dev/problems/validation-failed",
    });
    expect((error as ProblemError).problem.errors?.[0]?.path).toBe("/providerCode");
  });

  it("turns a non-problem error body into a ProblemError with a synthetic code", async () => {
    server.faults.plainError = 418;
    const error = await client.request("get", "/health").catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "ProblemError",
      status: 418,
      code: "http_418",
      type: "about:blank",
    });
  });

  it("refuses a server whose key it does not know", async () => {
    const stranger = createExchangeClient({
      baseUrl: server.url,
      signer: department.signer,
      keys: new Map([["someone-else", node.verifier]]),
    });
    await expect(stranger.request("get", "/health")).rejects.toMatchObject({
      name: "ClientError",
      code: "signature_unknown_key",
    });
    await stranger.close();
  });

  it("is refused by the server when its own signature is wrong", async () => {
    const impostor = ed25519(department.signer.keyId);
    const bad = createExchangeClient({
      baseUrl: server.url,
      signer: impostor.signer,
      keys: new Map([[node.signer.keyId, node.verifier]]),
    });
    await expect(bad.request("get", "/catalog/entries")).rejects.toMatchObject({
      status: 401,
      code: "signature_invalid",
    });
    await bad.close();
  });
});

describe("idempotency", () => {
  it("replays the stored answer for a repeated key, and 422s a key reused with another body", async () => {
    const key = "test-key-0001-abcdef";
    const first = await client.request("post", "/catalog/entries", {
      body: entry(10),
      params: { header: { "Idempotency-Key": key } },
    });
    const again = await client.request("post", "/catalog/entries", {
      body: entry(10),
      params: { header: { "Idempotency-Key": key } },
    });
    expect(again.data).toEqual(first.data);
    await expect(
      client.request("post", "/catalog/entries", {
        body: entry(11),
        params: { header: { "Idempotency-Key": key } },
      }),
    ).rejects.toMatchObject({
      status: 422,
      code: "idempotency_key_reused",
    });
  });
});

describe("pagination", () => {
  it("iterates every item across cursor pages", async () => {
    for (let n = 100; n < 125; n++)
      await client.request("post", "/catalog/entries", { body: entry(n) });
    const names: string[] = [];
    for await (const record of client.paginate("get", "/catalog/entries", {
      params: { query: { q: "居民户籍登记信息1", limit: 7 } },
    })) {
      names.push(record.entry.name);
    }
    expect(names.filter((n) => /信息1\d\d$/.test(n))).toHaveLength(25);
    expect(
      server.log.filter((r) => r.method === "GET" && r.path.includes("limit=7")).length,
    ).toBeGreaterThanOrEqual(4);
  });
});

describe("faults", () => {
  it("rejects a tampered response body (Content-Digest) as a ClientError", async () => {
    server.faults.tamperBody = true;
    await expect(
      client.request("get", "/catalog/entries/{prefix}/{suffix}", {
        params: { path: { prefix: "101001", suffix: "000001" } },
      }),
    ).rejects.toMatchObject({
      name: "ClientError",
      code: "content_digest_mismatch",
    });
  });

  it("rejects a replayed response signature, bound to another request", async () => {
    await client.request("get", "/health");
    server.faults.replaySignature = true;
    const error = await client.request("get", "/health").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe("signature_invalid");
  });

  it("rides out a 503 storm, re-signing each attempt with the same Idempotency-Key", async () => {
    server.faults.unavailable = { count: 2, retryAfter: "0" };
    const result = await client.request("post", "/catalog/entries", { body: entry(200) });
    expect(result.status).toBe(201);
    const posts = server.log.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.idempotencyKey)).size).toBe(1);
    expect(new Set(posts.map((p) => p.signatureInput)).size).toBe(3);
  });

  it("gives up after the configured retries with the last problem", async () => {
    server.faults.unavailable = { count: 50 };
    await expect(client.request("get", "/health")).rejects.toMatchObject({
      status: 503,
      code: "unavailable",
    });
    expect(server.log).toHaveLength(4);
  });

  it("does not retry a client error", async () => {
    await expect(
      client.request("get", "/catalog/entries/{prefix}/{suffix}", {
        params: { path: { prefix: "309", suffix: "NOPE" } },
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(server.log).toHaveLength(1);
  });

  it("honours Retry-After before retrying", async () => {
    server.faults.unavailable = { count: 1, retryAfter: "1" };
    await client.request("get", "/health");
    const [first, second] = server.log;
    expect(second && first && second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it("retries a dropped connection for a safe request", async () => {
    server.faults.dropConnections = 1;
    const result = await client.request("get", "/health");
    expect(result.data).toEqual({ status: "ok", version: "1.0.0" });
    expect(server.log).toHaveLength(2);
  });

  it("times out a slow body with a ClientError and frees the socket", async () => {
    server.faults.slowBodyMs = 200;
    await expect(client.request("get", "/health", { timeout: 300 })).rejects.toMatchObject({
      name: "ClientError",
      code: "timeout",
    });
    server.faults.slowBodyMs = 0;
    expect((await client.request("get", "/health")).status).toBe(200);
  });

  it("stops a backoff wait at the deadline, without another attempt", async () => {
    // A Retry-After of 20 s outlasts this test's 10 s unless the deadline ends the wait.
    server.faults.unavailable = { count: 1, retryAfter: "20" };
    await expect(client.request("get", "/health", { timeout: 300 })).rejects.toMatchObject({
      name: "ClientError",
      code: "timeout",
    });
    expect(server.log).toHaveLength(1);
  }, 10_000);

  it("sends nothing when the caller's signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.request("get", "/health", { signal: controller.signal }),
    ).rejects.toMatchObject({
      name: "ClientError",
      code: "aborted",
      cause: expect.objectContaining({ name: "AbortError" }),
    });
    expect(server.log).toHaveLength(0);
  });

  it("stops when the caller aborts", async () => {
    server.faults.slowBodyMs = 200;
    const controller = new AbortController();
    const pending = client.request("get", "/health", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 50);
    await expect(pending).rejects.toMatchObject({ name: "ClientError", code: "aborted" });
  });
});

describe("NDJSON streaming", () => {
  it("streams an export record by record and checks the digest at the end", async () => {
    let count = 0;
    for await (const record of client.streamNdjson("/resources/{prefix}/{suffix}/export", {
      params: { path: { prefix: "101001", suffix: "000001" }, query: { purpose: "批量比对" } },
    })) {
      expect(record).toEqual({ seq: count, name: `记录${count}` });
      count++;
    }
    expect(count).toBe(1000);
  });

  it("ends a tampered stream with content_digest_mismatch", async () => {
    server.faults.tamperBody = true;
    const records: unknown[] = [];
    const consume = async () => {
      for await (const record of client.streamNdjson("/resources/{prefix}/{suffix}/export", {
        params: { path: { prefix: "101001", suffix: "000001" }, query: { purpose: "批量比对" } },
      }))
        records.push(record);
    };
    await expect(consume()).rejects.toMatchObject({ code: "content_digest_mismatch" });
  });
});
