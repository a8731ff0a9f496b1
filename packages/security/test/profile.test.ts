import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createSigner,
  createVerifier,
  GOVEX_SIGNATURE_LIFETIME,
  generateSm2KeyPair,
  type KeyMaterial,
  MemoryNonceStore,
  type RequestMessage,
  type SignatureAlgorithm,
  signRequest,
  signResponse,
  type Verifier,
  verifyRequest,
  verifyResponse,
} from "../src/index.js";

const NOW = 1_790_000_000;

function keyPair(algorithm: SignatureAlgorithm): { sign: KeyMaterial; verify: KeyMaterial } {
  switch (algorithm) {
    case "ed25519": {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      return { sign: privateKey, verify: publicKey };
    }
    case "ecdsa-p256-sha256": {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      return { sign: privateKey, verify: publicKey };
    }
    case "hmac-sha256": {
      const secret = randomBytes(32);
      return { sign: secret, verify: secret };
    }
    case "sm2-sm3": {
      const { privateKey, publicKey } = generateSm2KeyPair();
      return { sign: privateKey, verify: publicKey };
    }
    default: {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      return { sign: privateKey, verify: publicKey };
    }
  }
}

function setup(algorithm: SignatureAlgorithm, keyId = `dept-${algorithm}`) {
  const pair = keyPair(algorithm);
  const signer = createSigner({ keyId, algorithm, key: pair.sign });
  const verifier = createVerifier({ keyId, algorithm, key: pair.verify });
  const keys = new Map<string, Verifier>([[keyId, verifier]]);
  return { signer, verifier, keys };
}

const body = JSON.stringify({ resourceCode: "000014349/00001", 名称: "企业登记信息" });

function request(overrides: Partial<RequestMessage> = {}): RequestMessage {
  return {
    method: "POST",
    url: "https://node.example.gov.cn/v1/catalog/entries?dryRun=false",
    headers: {
      "content-type": "application/json",
      "idempotency-key": "4f1c6a4e-2d0e-4d7e-9a51-2f0c4e2c8b11",
    },
    ...overrides,
  };
}

async function signedRequest(
  signer: ReturnType<typeof setup>["signer"],
  message = request(),
  content: string = body,
) {
  const extra = await signRequest(message, { signer, body: content, created: NOW });
  return { ...message, headers: { ...message.headers, ...extra } } as RequestMessage;
}

describe.each(["ed25519", "ecdsa-p256-sha256", "hmac-sha256", "sm2-sm3"] as const)(
  "govex profile with %s",
  (algorithm) => {
    const { signer, keys } = setup(algorithm);

    it("signs a request that verifies, covering the profile's components", async () => {
      const signed = await signedRequest(signer);
      const result = await verifyRequest(signed, { keys, body, now: NOW + 10 });
      expect(result).toMatchObject({
        ok: true,
        algorithm,
        keyId: signer.keyId,
        tag: "govex-exchange-v1",
      });
      expect(result.ok && result.covered).toEqual([
        '"@method"',
        '"@target-uri"',
        '"content-type"',
        '"content-digest"',
        '"idempotency-key"',
      ]);
      expect(result.ok && result.expires).toBe(NOW + GOVEX_SIGNATURE_LIFETIME);
    });

    it.each([
      ["the method", (m: RequestMessage) => ({ ...m, method: "PUT" }), "signature_invalid"],
      [
        "the target URI",
        (m: RequestMessage) => ({ ...m, url: String(m.url).replace("false", "true") }),
        "signature_invalid",
      ],
      [
        "the idempotency key",
        (m: RequestMessage) => ({ ...m, headers: { ...m.headers, "idempotency-key": "other" } }),
        "signature_invalid",
      ],
      [
        "the content type",
        (m: RequestMessage) => ({ ...m, headers: { ...m.headers, "content-type": "text/plain" } }),
        "signature_invalid",
      ],
      [
        "the digest",
        (m: RequestMessage) => ({
          ...m,
          headers: { ...m.headers, "content-digest": "sha-256=:AAAA:" },
        }),
        "signature_invalid",
      ],
      [
        "the covered list (dropping idempotency-key)",
        (m: RequestMessage) => {
          const { "idempotency-key": _dropped, ...headers } = m.headers as Record<string, string>;
          return { ...m, headers };
        },
        "signature_component_missing",
      ],
    ])("refuses a request with a changed %s", async (_what, change, code) => {
      const signed = change(await signedRequest(signer));
      expect(await verifyRequest(signed, { keys, body, now: NOW })).toMatchObject({
        ok: false,
        code,
      });
    });

    it("refuses a body that does not match the digest, or a body without one", async () => {
      const signed = await signedRequest(signer);
      expect(await verifyRequest(signed, { keys, body: `${body} `, now: NOW })).toMatchObject({
        ok: false,
        code: "content_digest_mismatch",
      });
      const unsigned = await signRequest(request(), { signer, created: NOW });
      const noDigest = { ...request(), headers: { ...request().headers, ...unsigned } };
      expect(await verifyRequest(noDigest, { keys, body, now: NOW })).toMatchObject({
        ok: false,
        code: "content_digest_missing",
      });
    });

    it("signs a response bound to its request", async () => {
      const req = await signedRequest(signer);
      const response = { status: 201, headers: { "content-type": "application/json" } };
      const responseBody = '{"id":"x"}';
      const extra = await signResponse(response, req, { signer, body: responseBody, created: NOW });
      const signed = { ...response, headers: { ...response.headers, ...extra } };
      const ok = await verifyResponse(signed, req, { keys, body: responseBody, now: NOW });
      expect(ok).toMatchObject({ ok: true });
      expect(ok.ok && ok.covered).toContain('"signature";key="govex";req');

      const otherRequest = await signedRequest(
        signer,
        request({ url: "https://node.example.gov.cn/v1/catalog/entries" }),
      );
      expect(
        await verifyResponse(signed, otherRequest, { keys, body: responseBody, now: NOW }),
      ).toMatchObject({ ok: false, code: "signature_invalid" });
      expect(
        await verifyResponse({ ...signed, status: 200 }, req, {
          keys,
          body: responseBody,
          now: NOW,
        }),
      ).toMatchObject({
        ok: false,
        code: "signature_invalid",
      });
      expect(
        await verifyResponse(signed, req, { keys, body: '{"id":"y"}', now: NOW }),
      ).toMatchObject({ ok: false, code: "content_digest_mismatch" });
    });
  },
);

describe("verification policy", () => {
  const { signer, keys } = setup("ed25519");

  it("refuses a replayed request with a nonce store, after it verified once", async () => {
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const signed = await signedRequest(signer);
    expect(await verifyRequest(signed, { keys, body, now: NOW, nonces })).toMatchObject({
      ok: true,
    });
    expect(await verifyRequest(signed, { keys, body, now: NOW + 1, nonces })).toMatchObject({
      ok: false,
      code: "signature_replayed",
    });
  });

  it("does not burn a nonce on a forged signature", async () => {
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const signed = await signedRequest(signer);
    const forged = { ...signed, method: "DELETE" };
    expect(await verifyRequest(forged, { keys, body, now: NOW, nonces })).toMatchObject({
      ok: false,
      code: "signature_invalid",
    });
    expect(await verifyRequest(signed, { keys, body, now: NOW, nonces })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    [NOW + GOVEX_SIGNATURE_LIFETIME + 31, "signature_expired"],
    [NOW - 31, "signature_created_in_future"],
    [NOW + 29, true],
    [NOW - 29, true],
  ])("at now=%i the result is %s", async (now, expected) => {
    const result = await verifyRequest(await signedRequest(signer), { keys, body, now });
    if (expected === true) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, code: expected });
  });

  it("refuses a signature older than maxAge even without expires", async () => {
    const result = await verifyRequest(await signedRequest(signer), {
      keys,
      body,
      now: NOW + 100,
      maxAge: 60,
    });
    expect(result).toMatchObject({ ok: false, code: "signature_too_old" });
  });

  it("refuses unknown keys, mismatched algorithms and missing signatures", async () => {
    const signed = await signedRequest(signer);
    expect(await verifyRequest(signed, { keys: new Map(), body, now: NOW })).toMatchObject({
      ok: false,
      code: "signature_unknown_key",
    });
    const other = setup("ecdsa-p256-sha256", signer.keyId);
    expect(await verifyRequest(signed, { keys: other.keys, body, now: NOW })).toMatchObject({
      ok: false,
      code: "signature_invalid",
    });
    const withAlg = {
      ...signed,
      headers: {
        ...signed.headers,
        "signature-input": `${(signed.headers as Record<string, string>)["signature-input"]};alg="ed25519"`,
      },
    };
    expect(await verifyRequest(withAlg, { keys: other.keys, body, now: NOW })).toMatchObject({
      ok: false,
      code: "signature_algorithm_mismatch",
    });
    expect(await verifyRequest(request(), { keys, now: NOW })).toMatchObject({
      ok: false,
      code: "signature_missing",
    });
  });

  it("localizes failure messages (zh-CN by default, English on request)", async () => {
    const zh = await verifyRequest(request(), { keys, now: NOW });
    const en = await verifyRequest(request(), { keys, now: NOW, locale: "en" });
    expect(!zh.ok && zh.message).toMatch(/没有签名/);
    expect(!en.ok && en.message).toMatch(/not signed/);
  });

  it.each([
    [
      "garbage Signature-Input",
      { "signature-input": "govex=(((", signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "a string signature",
      { "signature-input": 'govex=("@method");created=1;keyid="k"', signature: 'govex="x"' },
      "signature_malformed",
    ],
    [
      "no keyid",
      { "signature-input": 'govex=("@method");created=1', signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "a decimal created",
      { "signature-input": 'govex=("@method");created=1.5;keyid="k"', signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "an item as input",
      { "signature-input": 'govex="@method"', signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "a 1 MB field",
      { "signature-input": `govex=(${'"@method" '.repeat(100_000)})`, signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "control characters",
      { "signature-input": 'govex=("@method\u0000");keyid="k"', signature: "govex=:AAAA:" },
      "signature_malformed",
    ],
    [
      "a __proto__ label",
      {
        "signature-input": '__proto__=("@method");created=1;keyid="k"',
        signature: "__proto__=:AAAA:",
      },
      "signature_malformed",
    ],
  ])("refuses %s as data, without throwing", async (_label, headers, code) => {
    const message = request({ headers: { ...request().headers, ...headers } });
    expect(await verifyRequest(message, { keys, now: NOW })).toMatchObject({ ok: false, code });
  });

  it("keeps a bounded nonce store under a flood", () => {
    const store = new MemoryNonceStore({ maxEntries: 1000, now: () => NOW });
    for (let i = 0; i < 5000; i++) expect(store.claim("k", `n${i}`, NOW + 300)).toBe(true);
    expect(store.size).toBeLessThanOrEqual(1000);
    expect(store.claim("k", "n4999", NOW + 300)).toBe(false);
  });
});
