/**
 * The provider runtime over a real loopback socket with the real @govex/client, once per key
 * algorithm of the govex profile: the client signs every request and verifies every answer's
 * signature and Content-Digest; each answer is also held against specs/provider v1.
 */
import {
  createProviderClient,
  type GovexClient,
  ProblemError,
  type ProviderPaths,
} from "@govex/client";
import { verifyResponse } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderServer, type ProviderServer } from "../src/server/server.js";
import { ALGORITHMS, type KeyPair, keyPair } from "./helpers/harness.js";
import {
  createMemoryAdapter,
  DESCRIPTION,
  type MemoryAdapter,
  PEOPLE,
} from "./helpers/memory-adapter.js";
import { expectSpecResponse } from "./helpers/spec.js";

const [prefix, suffix] = PEOPLE.split("/") as [string, string];
const resource = { prefix, suffix };

describe.each(ALGORITHMS)("over a socket, signed with %s", (algorithm) => {
  let provider: ProviderServer;
  let adapter: MemoryAdapter;
  let client: GovexClient<ProviderPaths>;
  let providerKeys: KeyPair;
  let exchange: KeyPair;
  let baseUrl: string;

  beforeAll(async () => {
    exchange = keyPair(algorithm, "exchange-1");
    providerKeys = keyPair(algorithm, "provider-1");
    adapter = createMemoryAdapter();
    provider = createProviderServer({
      adapter,
      signer: providerKeys.signer,
      exchangeKeys: new Map([[exchange.verifier.keyId, exchange.verifier]]),
      bodyLimit: 4096,
    });
    baseUrl = await provider.listen({ port: 0, host: "127.0.0.1" });
    client = createProviderClient({
      baseUrl,
      signer: exchange.signer,
      keys: new Map([[providerKeys.verifier.keyId, providerKeys.verifier]]),
      retry: { retries: 0 },
    });
  });

  afterAll(async () => {
    await client.close();
    await provider.close();
    expect(adapter.closed).toBe(true);
  });

  const conforms = (
    operationId: string,
    response: {
      status: number;
      headers: Record<string, string | string[] | undefined>;
      data: unknown;
    },
  ) =>
    expectSpecResponse(operationId, {
      status: response.status,
      headers: response.headers,
      body: JSON.stringify(response.data),
    });

  it("describe and check", async () => {
    const described = await client.request("get", "/describe");
    expect(described.data).toEqual(DESCRIPTION);
    await conforms("describe", described);
    const health = await client.request("get", "/health");
    expect(health.data).toEqual({ status: "ok" });
    await conforms("check", health);
  });

  it("query, page after page with the client's paginate, and with filters and fields", async () => {
    const keys: string[] = [];
    for await (const record of client.paginate("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: resource, query: { purpose: "核对身份", limit: 7 } },
    })) {
      keys.push(String(record.residentId));
    }
    expect(keys).toHaveLength(25);
    expect(new Set(keys).size).toBe(25);
    const page = await client.request("get", "/resources/{prefix}/{suffix}/records", {
      params: {
        path: resource,
        query: {
          purpose: "核对身份",
          filter: { city: "烟台" },
          fields: ["residentId", "city"],
          limit: 2,
        },
        header: { "Govex-Share-Request": "sr-20260320-0001" },
      },
    });
    expect(page.data.items).toEqual([
      { residentId: "R0003", city: "烟台" },
      { residentId: "R0006", city: "烟台" },
    ]);
    await conforms("query", page);
    expect(adapter.calls.at(-1)).toMatchObject({
      shareRequest: "sr-20260320-0001",
      keyId: "exchange-1",
    });
  });

  it("getByKey, and a 404 problem the client has verified", async () => {
    const record = await client.request("get", "/resources/{prefix}/{suffix}/records/{key}", {
      params: { path: { ...resource, key: "R0010" }, query: { purpose: "核对身份" } },
    });
    expect(record.data).toMatchObject({ residentId: "R0010", name: "居民10" });
    await conforms("getByKey", record);
    const missing = await client
      .request("get", "/resources/{prefix}/{suffix}/records/{key}", {
        params: { path: { ...resource, key: "R9999" }, query: { purpose: "核对身份" } },
      })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ProblemError);
    expect((missing as ProblemError).status).toBe(404);
    await expectSpecResponse("getByKey", {
      status: 404,
      headers: (missing as ProblemError).headers,
      body: JSON.stringify((missing as ProblemError).problem),
    });
  });

  it("verify, with the client's Idempotency-Key and Content-Digest", async () => {
    const result = await client.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: { path: resource, query: { purpose: "核对身份" } },
      body: { key: "R0002", values: { name: "居民2", sex: "1" } },
    });
    expect(result.data).toEqual({ found: true, fields: { name: "match", sex: "no_match" } });
    await conforms("verify", result);
  });

  it("changesSince, forward only", async () => {
    const first = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path: resource, query: { limit: 4 } },
    });
    expect(first.data.items).toHaveLength(4);
    await conforms("changesSince", first);
    const next = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path: resource, query: { cursor: first.data.nextCursor } },
    });
    expect(next.data.items.map((c) => c.key)).toEqual(["R0005"]);
  });

  it("a 400 and a 413 reach the client as problems it has verified", async () => {
    const bad = await client
      .request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: resource, query: { purpose: "核对身份", limit: 5000 } },
      })
      .catch((error: unknown) => error);
    expect(bad).toMatchObject({ status: 400, code: "bad_request" });
    const large = await client
      .request("post", "/resources/{prefix}/{suffix}/verify", {
        params: { path: resource, query: { purpose: "核对身份" } },
        body: { key: "R0002", values: { name: "长".repeat(2000) } },
      })
      .catch((error: unknown) => error);
    expect(large).toMatchObject({ status: 413, code: "payload_too_large" });
  });

  it("a request signed with an unregistered key gets a signed 401", async () => {
    const stranger = createProviderClient({
      baseUrl,
      signer: keyPair(algorithm, "stranger-9").signer,
      keys: new Map([[providerKeys.verifier.keyId, providerKeys.verifier]]),
      retry: { retries: 0 },
    });
    try {
      const error = await stranger.request("get", "/health").catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, code: "signature_unknown_key" });
    } finally {
      await stranger.close();
    }
  });

  it("a caller that goes away aborts the adapter call", async () => {
    const local = createMemoryAdapter();
    const server = createProviderServer({
      adapter: local,
      signer: providerKeys.signer,
      exchangeKeys: new Map([[exchange.verifier.keyId, exchange.verifier]]),
    });
    const caller = createProviderClient({
      baseUrl: await server.listen(),
      signer: exchange.signer,
    });
    try {
      local.faults.set("check", "hang");
      const controller = new AbortController();
      const pending = caller
        .request("get", "/health", { signal: controller.signal })
        .catch((e) => e);
      await local.hanging;
      controller.abort();
      expect(await pending).toMatchObject({ code: "aborted" });
      expect(String(await local.aborted)).toMatch(/went away/);
    } finally {
      await caller.close();
      await server.close();
    }
  });

  it("an unsigned caller gets a signed 401, and unsigned metrics", async () => {
    for (const [url, status] of [
      [`${baseUrl}/describe`, 401],
      [new URL("/metrics", baseUrl).href, 200],
    ] as const) {
      const response = await fetch(url);
      const body = new Uint8Array(await response.arrayBuffer());
      expect(response.status).toBe(status);
      const verified = await verifyResponse(
        { status: response.status, headers: response.headers },
        { method: "GET", url, headers: {} },
        { keys: new Map([[providerKeys.verifier.keyId, providerKeys.verifier]]), body },
      );
      expect(verified).toMatchObject({ ok: true });
    }
  });
});
