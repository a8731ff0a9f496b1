/**
 * The provider runtime's security: every spec operation refuses an unsigned, forged, expired,
 * replayed, unknown-key or tampered request with the registry's problem before the adapter is
 * called; every answer — errors, unknown routes and fastify's own 413/415 included — is signed
 * with each algorithm of the govex profile; hostile bodies are 4xx, never 5xx, never a hang.
 */
import { createSignature, generateNonce, nowSeconds } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderServer } from "../src/server/server.js";
import {
  ALGORITHMS,
  type Harness,
  keyPair,
  type SendOptions,
  startHarness,
} from "./helpers/harness.js";
import { createMemoryAdapter, PEOPLE } from "./helpers/memory-adapter.js";

const RECORDS = `/v1/resources/${PEOPLE}/records`;
const VERIFY = `/v1/resources/${PEOPLE}/verify?purpose=ab`;
const VERIFY_HEADERS = { "content-type": "application/json", "idempotency-key": "verify-0001" };
const VERIFY_BODY = JSON.stringify({ key: "R0001", values: { name: "居民1" } });

const OPERATIONS: [string, SendOptions][] = [
  ["describe", { url: "/v1/describe" }],
  ["check", { url: "/v1/health" }],
  ["query", { url: `${RECORDS}?purpose=ab` }],
  ["getByKey", { url: `${RECORDS}/R0001?purpose=ab` }],
  ["verify", { method: "POST", url: VERIFY, headers: VERIFY_HEADERS, body: VERIFY_BODY }],
  ["changesSince", { url: `/v1/resources/${PEOPLE}/changes` }],
];

interface Problem {
  type: string;
  code: string;
  detail?: string;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function refused(request: SendOptions, status: number, type: string, code: string) {
  const before = h.adapter.calls.length;
  const response = await h.send(request);
  expect(response.status).toBe(status);
  expect(response.json).toMatchObject({ type: `https://govex.dev/problems/${type}`, code });
  expect(h.adapter.calls.slice(before), "the adapter was not called").toEqual([]);
  return response;
}

describe("request signatures are verified before the adapter is called", () => {
  it.each(OPERATIONS)("%s: unsigned → 401 signature-missing", async (_name, request) => {
    await refused({ ...request, sign: false }, 401, "signature-missing", "signature_missing");
  });

  it.each(OPERATIONS)(
    "%s: signed by another key under the same keyid → 401 signature-invalid",
    async (_name, request) => {
      const forger = keyPair("ed25519", "exchange-1");
      await refused(
        { ...request, sign: forger.signer },
        401,
        "signature-invalid",
        "signature_invalid",
      );
    },
  );

  it.each(OPERATIONS)("%s: an unknown keyid → 401 unknown-key", async (_name, request) => {
    const stranger = keyPair("ed25519", "stranger-9");
    await refused(
      { ...request, sign: stranger.signer },
      401,
      "unknown-key",
      "signature_unknown_key",
    );
  });

  it.each(OPERATIONS)(
    "%s: the same nonce twice → 401 signature-replayed",
    async (_name, request) => {
      const nonce = generateNonce();
      const first = await h.send({ ...request, nonce });
      expect(first.status).toBe(200);
      await refused({ ...request, nonce }, 401, "signature-replayed", "signature_replayed");
    },
  );

  it.each([
    ["expired", nowSeconds() - 1000, "signature_expired"],
    ["created in the future", nowSeconds() + 600, "signature_created_in_future"],
  ])("a signature %s → 401 signature-expired", async (_name, created, code) => {
    await refused({ url: "/v1/describe", created }, 401, "signature-expired", code);
  });

  it("a forged request does not burn the nonce of a genuine one", async () => {
    const nonce = generateNonce();
    const forger = keyPair("ed25519", "exchange-1");
    await refused(
      { url: "/v1/health", nonce, sign: forger.signer },
      401,
      "signature-invalid",
      "signature_invalid",
    );
    expect((await h.send({ url: "/v1/health", nonce })).status).toBe(200);
  });

  it("a URL changed after signing → 401 signature-invalid", async () => {
    await refused(
      {
        url: `${RECORDS}?purpose=ab&limit=1`,
        tamper: (r) => {
          r.url = `${RECORDS}?purpose=ab&limit=1000`;
        },
      },
      401,
      "signature-invalid",
      "signature_invalid",
    );
  });

  it("a body changed after signing → 400 content-digest-mismatch", async () => {
    await refused(
      {
        method: "POST",
        url: VERIFY,
        headers: VERIFY_HEADERS,
        body: VERIFY_BODY,
        tamper: (r) => {
          r.body = JSON.stringify({ key: "R0002", values: { name: "居民1" } });
        },
      },
      400,
      "content-digest-mismatch",
      "content_digest_mismatch",
    );
  });

  it("a Content-Digest changed with the body → 401 signature-invalid", async () => {
    await refused(
      {
        method: "POST",
        url: VERIFY,
        headers: VERIFY_HEADERS,
        body: VERIFY_BODY,
        tamper: (r) => {
          r.body = "{}";
          r.headers["content-digest"] = "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:";
        },
      },
      401,
      "signature-invalid",
      "signature_invalid",
    );
  });

  it("a body sent without a Content-Digest → 400 content-digest-mismatch (content_digest_missing)", async () => {
    await refused(
      {
        method: "POST",
        url: VERIFY,
        headers: VERIFY_HEADERS,
        tamper: (r) => {
          r.body = VERIFY_BODY;
        },
      },
      400,
      "content-digest-mismatch",
      "content_digest_missing",
    );
  });

  it("a signature that leaves out a required component → 401 signature-invalid", async () => {
    const headers: Record<string, string> = { host: "provider.example", ...VERIFY_HEADERS };
    const signed = await createSignature(
      { message: { method: "POST", url: `http://provider.example${VERIFY}`, headers } },
      {
        signer: h.exchange.signer,
        label: "govex",
        components: ['"@method"', '"@target-uri"'],
        nonce: generateNonce(),
        tag: "govex-exchange-v1",
      },
    );
    // The request carries content-type and idempotency-key, which the profile requires covered.
    await refused(
      {
        method: "POST",
        url: VERIFY,
        sign: false,
        headers: {
          ...headers,
          "signature-input": signed.signatureInput,
          signature: signed.signature,
        },
        body: VERIFY_BODY,
      },
      401,
      "signature-invalid",
      "signature_not_covered",
    );
  });

  it.each([
    ["a Signature that is not a byte sequence", "govex=token", false, "signature_malformed"],
    ["a Signature that does not parse", "govex=((", true, "signature_malformed"],
    ["a Signature without the govex label", "other=:AAAA:", false, "signature_missing"],
  ])("%s → 401", async (_name, signature, unbound, code) => {
    const type = code === "signature_missing" ? "signature-missing" : "signature-invalid";
    await refused(
      {
        url: "/v1/describe",
        unbound,
        tamper: (r) => {
          r.headers.signature = signature;
        },
      },
      401,
      type,
      code,
    );
  });

  it("requireSignature false serves unsigned requests but still refuses bad signatures", async () => {
    const lax = await startHarness({ server: { requireSignature: false } });
    try {
      expect((await lax.send({ url: "/v1/health", sign: false })).status).toBe(200);
      const stranger = keyPair("ed25519", "stranger-9");
      expect((await lax.send({ url: "/v1/health", sign: stranger.signer })).status).toBe(401);
    } finally {
      await lax.close();
    }
  });

  it("exchangeKeys may be an async KeyResolver (a registry lookup)", async () => {
    const exchange = keyPair("sm2-sm3", "exchange-registry-7");
    const looked: string[] = [];
    const resolved = await startHarness({
      server: {
        exchangeKeys: async (keyId) => {
          looked.push(keyId);
          return keyId === exchange.verifier.keyId ? exchange.verifier : undefined;
        },
      },
    });
    try {
      expect((await resolved.send({ url: "/v1/health", sign: exchange.signer })).status).toBe(200);
      expect((await resolved.send({ url: "/v1/health" })).status).toBe(401);
      expect(looked).toEqual(["exchange-registry-7", "exchange-1"]);
    } finally {
      await resolved.close();
    }
  });

  it("publicOrigin is the origin @target-uri is checked against (behind a TLS proxy)", async () => {
    const proxied = await startHarness({
      server: { publicOrigin: "https://hukou.example.gov.cn" },
    });
    try {
      // The harness signs http://provider.example…, which is not the public origin.
      const response = await proxied.send({ url: "/v1/health" });
      expect(response.json).toMatchObject({ code: "signature_invalid" });
    } finally {
      await proxied.close();
    }
  });
});

describe("every answer is signed, with each algorithm", () => {
  it.each(
    ALGORITHMS.flatMap((provider) => ALGORITHMS.map((exchange) => [provider, exchange] as const)),
  )("provider %s, exchange %s", async (algorithm, exchangeAlgorithm) => {
    const local = await startHarness({ algorithm, exchangeAlgorithm });
    try {
      // The harness verifies each answer's signature with the provider's key, bound to the request.
      expect((await local.send({ url: "/v1/describe" })).status).toBe(200);
      expect((await local.send({ url: `${RECORDS}?purpose=a` })).status).toBe(400);
      expect((await local.send({ url: "/v1/nowhere", sign: false })).status).toBe(404);
      const response = await local.send({ url: "/v1/health" });
      expect(String(response.headers["signature-input"])).toMatch(
        /^govex=\("@status" "content-type" "content-digest" "signature";key="govex";req\);created=\d+;expires=\d+;keyid="provider-1";tag="govex-exchange-v1"$/,
      );
    } finally {
      await local.close();
    }
  });

  it.each([
    ["an unknown path", { url: "/v1/nothing" }],
    ["the root", { url: "/" }],
    ["a resource without an operation", { url: `/v1/resources/${PEOPLE}` }],
    [
      "POST on a GET operation",
      { method: "POST" as const, url: "/v1/describe", headers: VERIFY_HEADERS, body: "{}" },
    ],
    ["DELETE", { method: "DELETE" as const, url: `${RECORDS}/R0001` }],
    ["HEAD (not in the spec)", { method: "HEAD" as const, url: "/v1/health" }],
    ["OPTIONS", { method: "OPTIONS" as const, url: "/v1/health" }],
    ["an unsigned unknown path", { url: "/v1/nothing", sign: false as const }],
  ] as [string, SendOptions][])("%s → 404 not-found, signed", async (_name, request) => {
    const response = await h.send({ ...request, operationId: undefined });
    expect(response.status).toBe(404);
    if (request.method !== "HEAD") expect(response.json).toMatchObject({ code: "not_found" });
  });

  it.each([
    ["a path with bytes that are not UTF-8", `${RECORDS}/%FF%FE?purpose=ab`],
    ["a path with a broken percent-encoding", `${RECORDS}/%E4%B8?purpose=ab`],
    ["a path segment of 3000 characters", `${RECORDS}/${"k".repeat(3000)}?purpose=ab`],
  ])("%s → 400 bad-request from the router, signed", async (_name, url) => {
    const before = h.adapter.calls.length;
    const response = await h.send({ url, operationId: "getByKey" });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: "bad_request" });
    expect(h.adapter.calls.slice(before)).toEqual([]);
  });

  it("a signer that fails answers 500 without a hang", async () => {
    const exchange = keyPair("ed25519", "exchange-1");
    const provider = createProviderServer({
      adapter: createMemoryAdapter(),
      signer: {
        keyId: "broken",
        algorithm: "ed25519",
        sign: () => {
          throw new Error("HSM unreachable");
        },
      },
      exchangeKeys: new Map([[exchange.verifier.keyId, exchange.verifier]]),
    });
    try {
      const response = await provider.app.inject({ method: "GET", url: "/v1/health" });
      expect(response.statusCode).toBe(500);
      expect(response.headers.signature).toBeUndefined();
      expect(JSON.parse(response.body)).toMatchObject({ code: "internal", status: 500 });
      expect(response.body).not.toContain("HSM");
    } finally {
      await provider.close();
    }
  });
});

describe("hostile bodies are 4xx problems, never 5xx or a hang", () => {
  const post = (
    body: string | Buffer,
    headers: Record<string, string> = VERIFY_HEADERS,
  ): SendOptions => ({
    method: "POST",
    url: VERIFY,
    headers,
    body,
  });

  it.each([
    [
      "2 MiB (over the 1 MiB limit)",
      post(Buffer.alloc(2 * 1024 * 1024, 0x20)),
      413,
      "payload-too-large",
      "payload_too_large",
    ],
    [
      "text/plain",
      post("key=R0001", { ...VERIFY_HEADERS, "content-type": "text/plain" }),
      415,
      "unsupported-media-type",
      "unsupported_media_type",
    ],
    [
      "JSON declared as GBK",
      post(VERIFY_BODY, { ...VERIFY_HEADERS, "content-type": "application/json; charset=gbk" }),
      415,
      "unsupported-media-type",
      "unsupported_media_type",
    ],
    [
      "form data",
      post("a=1", { ...VERIFY_HEADERS, "content-type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported-media-type",
      "unsupported_media_type",
    ],
    [
      "bytes that are not UTF-8",
      post(Buffer.from([0x7b, 0x22, 0x6b, 0xff, 0xfe, 0x22, 0x7d])),
      400,
      "bad-request",
      "invalid_encoding",
    ],
    [
      "GBK-encoded Chinese",
      post(
        Buffer.concat([
          Buffer.from('{"key":"R0001","values":{"name":"'),
          Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
          Buffer.from('"}}'),
        ]),
      ),
      400,
      "bad-request",
      "invalid_encoding",
    ],
    ["JSON cut short", post('{"key":"R0001","values":{'), 400, "bad-request", "invalid_json"],
    [
      "100 000 nested arrays",
      post("[".repeat(100_000) + "]".repeat(100_000)),
      400,
      "bad-request",
      "nesting_too_deep",
    ],
    [
      "33 nested objects",
      post(`${'{"a":'.repeat(33)}1${"}".repeat(33)}`),
      400,
      "bad-request",
      "nesting_too_deep",
    ],
    [
      "a __proto__ member",
      post('{"key":"R0001","values":{"name":"x"},"__proto__":{"polluted":true}}'),
      400,
      "bad-request",
      "forbidden_key",
    ],
    [
      "a __proto__ value name",
      post('{"key":"R0001","values":{"__proto__":"x"}}'),
      400,
      "bad-request",
      "forbidden_key",
    ],
    [
      "an escaped __proto__",
      post('{"key":"R0001","values":{"\\u005f_proto__":"x"}}'),
      400,
      "bad-request",
      "forbidden_key",
    ],
    [
      "constructor.prototype",
      post('{"key":"R0001","values":{"name":"x"},"constructor":{"prototype":{"x":1}}}'),
      400,
      "bad-request",
      "forbidden_key",
    ],
    ["an empty body", post(""), 400, "bad-request", "body_required"],
    ["null", post("null"), 400, "bad-request", "bad_request"],
    [
      "a string of 1 MiB − 2 bytes",
      post(`"${"a".repeat(1024 * 1024 - 2)}"`),
      400,
      "bad-request",
      "bad_request",
    ],
  ])("%s", async (_name, request, status, type, code) => {
    const response = await refused(request, status, type, code);
    expect({}.constructor.prototype).not.toHaveProperty("polluted");
    expect((response.json as Problem).detail).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a body limit of its own is honoured", async () => {
    const small = await startHarness({ server: { bodyLimit: 64 } });
    try {
      const response = await small.send(
        post(JSON.stringify({ key: "R0001", values: { name: "x".repeat(100) } })),
      );
      expect(response.status).toBe(413);
      expect((await small.send(post(VERIFY_BODY))).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});
