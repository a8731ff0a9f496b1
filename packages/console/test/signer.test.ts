/**
 * The browser signer (Web Crypto) against the verifier the node uses (@govex/security, RFC 9421
 * and RFC 9530): what the console signs, the node accepts; what is altered after signing, it
 * refuses.
 */
import { generateKeyPairSync } from "node:crypto";
import { createVerifier, contentDigest as nodeContentDigest, verifyRequest } from "@govex/security";
import { describe, expect, it } from "vitest";
import { pemBody, toPem } from "../src/lib/bytes.js";
import { contentDigest, importPrivateKey, signatureBase, signRequest } from "../src/lib/signer.js";

function keyPair(keyId: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    keyId,
    pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwk: JSON.stringify(privateKey.export({ format: "jwk" })),
    verifier: createVerifier({
      keyId,
      algorithm: "ed25519",
      key: publicKey.export({ type: "spki", format: "pem" }).toString(),
    }),
  };
}

const seen = new Set<string>();
const nonces = {
  claim: async (keyId: string, nonce: string) => {
    const key = `${keyId} ${nonce}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  },
};

async function verify(
  pair: ReturnType<typeof keyPair>,
  request: { method: string; url: string; headers: Record<string, string> },
  body?: Uint8Array,
) {
  return verifyRequest(request, {
    keys: new Map([[pair.keyId, pair.verifier]]),
    nonces,
    locale: "en",
    ...(body === undefined ? {} : { body }),
  });
}

describe("browser RFC 9421 signer", () => {
  const cases: [string, { method: string; url: string; body?: string; idempotent?: boolean }][] = [
    [
      "GET with a query",
      {
        method: "GET",
        url: "http://127.0.0.1:8700/v1/catalog/entries?q=%E6%88%B7%E7%B1%8D&limit=50",
      },
    ],
    [
      "GET with path escapes",
      { method: "GET", url: "http://127.0.0.1:8700/v1/members/11370000MB1234562A/keys" },
    ],
    [
      "POST with a JSON body",
      {
        method: "POST",
        url: "http://127.0.0.1:8700/v1/share-requests/sr-1/decision",
        body: JSON.stringify({ outcome: "refused", reason: '无法律依据 "quoted" \\ ☃' }),
        idempotent: true,
      },
    ],
    [
      "POST without a body",
      { method: "POST", url: "http://[::1]:8700/v1/dead-letters/d-1/replay", idempotent: true },
    ],
  ];

  for (const [name, given] of cases)
    it(`the node's verifier accepts: ${name}`, async () => {
      const pair = keyPair("console-0123456789abcdef");
      const key = await importPrivateKey(pair.pkcs8);
      expect(typeof key).not.toBe("string");
      const headers: Record<string, string> = {};
      const body = given.body === undefined ? undefined : new TextEncoder().encode(given.body);
      if (body) headers["content-type"] = "application/json";
      if (given.idempotent) headers["idempotency-key"] = crypto.randomUUID();
      const extra = await signRequest(
        { keyId: pair.keyId, privateKey: key as CryptoKey },
        { method: given.method, url: given.url, headers, ...(body ? { body } : {}) },
      );
      const request = { method: given.method, url: given.url, headers: { ...headers, ...extra } };
      const result = await verify(pair, request, body);
      expect(result).toMatchObject({ ok: true, keyId: pair.keyId });

      // Replayed: the nonce is spent (RFC 9421 §7.2.2).
      expect((await verify(pair, request, body)).ok).toBe(false);
    });

  it("refuses what changed after signing: method, URL, body, idempotency key", async () => {
    const pair = keyPair("k1");
    const key = (await importPrivateKey(pair.jwk)) as CryptoKey;
    const url = "http://127.0.0.1:8700/v1/share-requests/sr-2/decision";
    const body = new TextEncoder().encode('{"outcome":"refused","reason":"原因"}');
    const headers = { "content-type": "application/json", "idempotency-key": "abcdefgh-1234" };
    const alterations: [
      string,
      (r: { method: string; url: string; headers: Record<string, string> }) => void,
    ][] = [
      [
        "method",
        (r) => {
          r.method = "PUT";
        },
      ],
      [
        "url",
        (r) => {
          r.url = url.replace("sr-2", "sr-3");
        },
      ],
      [
        "idempotency key",
        (r) => {
          r.headers["idempotency-key"] = "abcdefgh-9999";
        },
      ],
    ];
    for (const [what, alter] of alterations) {
      const extra = await signRequest(
        { keyId: pair.keyId, privateKey: key },
        { method: "POST", url, headers, body },
      );
      const request = { method: "POST", url, headers: { ...headers, ...extra } };
      alter(request);
      expect((await verify(pair, request, body)).ok, what).toBe(false);
    }
    const extra = await signRequest(
      { keyId: pair.keyId, privateKey: key },
      { method: "POST", url, headers, body },
    );
    const tampered = new TextEncoder().encode('{"outcome":"refused","reason":"别的"}');
    expect(
      (await verify(pair, { method: "POST", url, headers: { ...headers, ...extra } }, tampered)).ok,
    ).toBe(false);
  });

  it("builds the base RFC 9421 §2.5 describes, with sf-string escapes", () => {
    const { base, signatureParams } = signatureBase(
      {
        method: "post",
        url: "https://node.example/v1/x",
        headers: { "Content-Type": " application/json ", "Idempotency-Key": "k-12345678" },
      },
      { created: 1700000000, expires: 1700000300, nonce: "n", keyId: 'a"b\\c' },
    );
    expect(base).toBe(
      [
        '"@method": POST',
        '"@target-uri": https://node.example/v1/x',
        '"content-type": application/json',
        '"idempotency-key": k-12345678',
        `"@signature-params": ("@method" "@target-uri" "content-type" "idempotency-key");created=1700000000;expires=1700000300;nonce="n";keyid="a\\"b\\\\c";tag="govex-exchange-v1"`,
      ].join("\n"),
    );
    expect(signatureParams.startsWith("(")).toBe(true);
    expect(() =>
      signatureBase(
        { method: "GET", url: "https://x/", headers: {} },
        { created: 1, expires: 2, nonce: "n", keyId: "钥匙" },
      ),
    ).toThrow(RangeError);
  });

  it("RFC 9530 digest of the empty body and of UTF-8 text", async () => {
    expect(await contentDigest(new Uint8Array())).toBe(
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
    );
    // RFC 9530 Appendix B's example body.
    expect(await contentDigest(new TextEncoder().encode('{"hello": "world"}\n'))).toBe(
      "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
    );
    const text = new TextEncoder().encode("共享申请 ☃ 𝄞");
    expect(await contentDigest(text)).toBe(nodeContentDigest(text, ["sha-256"]));
  });

  it("refuses key files that are not Ed25519 private keys", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const table: [string, string, string][] = [
      ["an RSA key", rsa, "key_not_ed25519"],
      ["a public key", toPem(new Uint8Array(44), "PUBLIC KEY"), "key_file_unreadable"],
      [
        "garbage",
        "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
        "key_file_unreadable",
      ],
      [
        "a JWK of another curve",
        JSON.stringify({ kty: "OKP", crv: "X25519", d: "AA", x: "AA" }),
        "key_not_ed25519",
      ],
      ["JSON with __proto__", '{"__proto__":{"kty":"OKP"},"crv":"Ed25519"}', "key_not_ed25519"],
      ["empty", "", "key_file_unreadable"],
    ];
    for (const [name, text, want] of table) expect(await importPrivateKey(text), name).toBe(want);
    expect(pemBody("nothing", "PRIVATE KEY")).toBeUndefined();
  });
});
