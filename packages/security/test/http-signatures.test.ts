import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createSignature,
  createSigner,
  createVerifier,
  generateNonce,
  type KeyMaterial,
  parseDictionary,
  type RequestMessage,
  type ResponseMessage,
  type SignatureAlgorithm,
  signatureBase,
  verifySignature,
} from "../src/index.js";
import { readVector } from "./vectors.js";

interface AppendixCase {
  id: string;
  label: string;
  alg: SignatureAlgorithm;
  keyid: string;
  message: "request" | "response" | "proxyForwardedRequest";
  signatureBase: string;
  signatureInput: string;
  signature: string;
  signatureBase64: string;
  deterministic: boolean;
}
interface AppendixB {
  keys: Record<string, { publicKeyPem?: string; privateKeyPem?: string; hex?: string }>;
  request: string;
  responseCorrected: string;
  proxyForwardedRequest: string;
  cases: AppendixCase[];
  extraCases: AppendixCase[];
}
const b = readVector<AppendixB>("http-signatures/rfc9421-appendix-b.json");

/** Parse the RFC's printed HTTP/1.1 message (LF line ends) into our message shape. */
function parseMessage(text: string): RequestMessage | ResponseMessage {
  const [head = ""] = text.split("\n\n");
  const [startLine = "", ...fieldLines] = head.split("\n");
  const headers: Record<string, string> = {};
  for (const line of fieldLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const [first = "", second = ""] = startLine.split(" ");
  if (first.startsWith("HTTP/")) return { status: Number(second), headers };
  return { method: first, url: `https://${headers.host}${second}`, headers };
}

const messages = {
  request: parseMessage(b.request),
  response: parseMessage(b.responseCorrected),
  proxyForwardedRequest: parseMessage(b.proxyForwardedRequest),
};

function keyMaterial(keyid: string, part: "public" | "private"): KeyMaterial {
  const key = b.keys[keyid];
  if (!key) throw new Error(`no key ${keyid}`);
  if (key.hex) return Buffer.from(key.hex, "hex");
  const pem = part === "public" ? key.publicKeyPem : key.privateKeyPem;
  if (!pem) throw new Error(`no ${part} key for ${keyid}`);
  return part === "public" ? createPublicKey(pem) : createPrivateKey(pem);
}

function inputOf(c: AppendixCase) {
  const member = parseDictionary(c.signatureInput).get(c.label);
  if (!member || !("items" in member)) throw new Error(`bad Signature-Input in ${c.id}`);
  return member;
}

const allCases = [...b.cases, ...b.extraCases];

describe("RFC 9421 Appendix B", () => {
  it("has every case the README lists", () => {
    expect(allCases.map((c) => c.id)).toEqual([
      "B.2.1",
      "B.2.2",
      "B.2.3",
      "B.2.4",
      "B.2.5",
      "B.2.6",
      "4.3-proxy_sig",
    ]);
  });

  it.each(allCases)("$id: builds the signature base byte for byte", (c) => {
    expect(signatureBase(inputOf(c), { message: messages[c.message] })).toBe(c.signatureBase);
  });

  it.each(allCases)("$id: verifies the published $alg signature", async (c) => {
    const message = messages[c.message];
    const headers = {
      ...message.headers,
      "signature-input": c.signatureInput,
      signature: c.signature,
    };
    const verifier = createVerifier({
      keyId: c.keyid,
      algorithm: c.alg,
      key: keyMaterial(c.keyid, "public"),
    });
    const created = inputOf(c).params.get("created") as number;
    const result = await verifySignature(
      { message: { ...message, headers } },
      { keys: new Map([[c.keyid, verifier]]), now: created },
    );
    expect(result).toMatchObject({ ok: true, label: c.label, keyId: c.keyid, algorithm: c.alg });

    const tampered = {
      ...headers,
      "content-type": "text/plain",
      date: "Wed, 21 Apr 2021 00:00:00 GMT",
      "content-length": "1",
    };
    const covers = c.signatureBase
      .split("\n")
      .some((line) => /^"(content-type|date|content-length)"/.test(line));
    const again = await verifySignature(
      { message: { ...message, headers: tampered } },
      { keys: new Map([[c.keyid, verifier]]), now: created },
    );
    expect(again.ok).toBe(!covers);
  });

  it.each(allCases.filter((c) => c.deterministic))(
    "$id: re-creates the published $alg signature exactly",
    async (c) => {
      const input = inputOf(c);
      const signer = createSigner({
        keyId: c.keyid,
        algorithm: c.alg,
        key: keyMaterial(c.keyid, "private"),
      });
      const params = input.params;
      const signed = await createSignature(
        { message: messages[c.message] },
        {
          signer,
          label: c.label,
          components: input.items,
          parameters: params,
        },
      );
      expect(signed.base).toBe(c.signatureBase);
      expect(signed.signature).toBe(c.signature);
      expect(signed.signatureInput).toBe(c.signatureInput);
    },
  );

  it.each(allCases.filter((c) => !c.deterministic))(
    "$id: a fresh $alg signature over the same base verifies",
    async (c) => {
      const input = inputOf(c);
      const signer = createSigner({
        keyId: c.keyid,
        algorithm: c.alg,
        key: keyMaterial(c.keyid, "private"),
      });
      const verifier = createVerifier({
        keyId: c.keyid,
        algorithm: c.alg,
        key: keyMaterial(c.keyid, "public"),
      });
      const signed = await createSignature(
        { message: messages[c.message] },
        { signer, label: c.label, components: input.items, created: 1618884473 },
      );
      const headers = {
        ...messages[c.message].headers,
        "signature-input": signed.signatureInput,
        signature: signed.signature,
      };
      const result = await verifySignature(
        { message: { ...messages[c.message], headers } },
        { keys: () => verifier, now: 1618884473 },
      );
      expect(result.ok).toBe(true);
    },
  );
});

describe("derived components (RFC 9421 §2.2)", () => {
  const request: RequestMessage = {
    method: "GET",
    url: "https://www.Example.com:443/path/%E6%A1%A3?param=value&foo=bar&baz=batman&qux=&var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something#frag",
    headers: {
      "x-dup": ["a ", " b"],
      "x-bad": "=oops",
      "example-dict": " a=1,    b=2;x=1;y=2,   c=(a   b   c)",
    },
  };
  const base = (components: string) => {
    const member = parseDictionary(`s=(${components})`).get("s");
    if (!member || !("items" in member)) throw new Error("bad components");
    return signatureBase(member, { message: request }).split("\n").slice(0, -1);
  };

  it.each([
    ['"@method"', '"@method": GET'],
    [
      '"@target-uri"',
      '"@target-uri": https://www.example.com/path/%E6%A1%A3?param=value&foo=bar&baz=batman&qux=&var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something',
    ],
    ['"@authority"', '"@authority": www.example.com'],
    ['"@scheme"', '"@scheme": https'],
    ['"@path"', '"@path": /path/%E6%A1%A3'],
    ['"@query-param";name="baz"', '"@query-param";name="baz": batman'],
    ['"@query-param";name="qux"', '"@query-param";name="qux": '],
    ['"@query-param";name="var"', '"@query-param";name="var": this%20is%20a%20big%0Avalue'],
    ['"@query-param";name="bar"', '"@query-param";name="bar": with%20plus%20whitespace'],
    [
      '"@query-param";name="fa%C3%A7ade%22%3A%20"',
      '"@query-param";name="fa%C3%A7ade%22%3A%20": something',
    ],
    ['"x-dup"', '"x-dup": a, b'],
    ['"example-dict";sf', '"example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c)'],
    ['"example-dict";key="b"', '"example-dict";key="b": 2;x=1;y=2'],
    ['"x-dup";bs', '"x-dup";bs: :YQ==:, :Yg==:'],
  ])("%s", (component, line) => {
    expect(base(component)).toEqual([line]);
  });

  it.each([
    ['"@status"', "signature_component_invalid"],
    ['"@unknown"', "signature_component_invalid"],
    ['"Content-Type"', "signature_component_invalid"],
    ['"absent-field"', "signature_component_missing"],
    ['"@query-param";name="nope"', "signature_component_missing"],
    ['"@query-param"', "signature_component_invalid"],
    ['"@method" "@method"', "signature_component_invalid"],
    ['"@method";req', "signature_component_invalid"],
    ['"x-dup";bs;sf', "signature_component_invalid"],
    ['"x-bad";sf', "signature_component_invalid"],
  ])("refuses %s with %s", (component, code) => {
    expect(() => base(component)).toThrow(expect.objectContaining({ code }));
  });

  it("refuses a component covered twice in a long list too", () => {
    const fields = Array.from({ length: 20 }, (_, i) => `x-f${i}`);
    const headers = Object.fromEntries(fields.map((f) => [f, "v"]));
    const member = parseDictionary(`s=(${fields.map((f) => `"${f}"`).join(" ")} "x-f3")`).get("s");
    if (!member || !("items" in member)) throw new Error("bad components");
    expect(() => signatureBase(member, { message: { ...request, headers } })).toThrow(
      expect.objectContaining({
        code: "signature_component_invalid",
        message: '"x-f3" is covered twice',
      }),
    );
    member.items.pop();
    expect(signatureBase(member, { message: { ...request, headers } }).split("\n")).toHaveLength(
      21,
    );
  });

  it("refuses a repeated query parameter (§2.2.8)", () => {
    const member = parseDictionary('s=("@query-param";name="a")').get("s");
    if (!member || !("items" in member)) throw new Error("bad components");
    expect(() =>
      signatureBase(member, { message: { ...request, url: "https://x.example/?a=1&a=2" } }),
    ).toThrow(/more than once/);
  });
});

describe("signing and verifying (RFC 9421 §3.1, §3.2)", () => {
  it("makes 128-bit base64url nonces, never the same one twice", () => {
    // More than one refill of the nonce pool.
    const nonces = Array.from({ length: 2000 }, () => generateNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(nonce, "base64url")).toHaveLength(16);
    }
  });

  it("works with a signer, a verifier and a key lookup that answer asynchronously (an HSM)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const inner = createSigner({ keyId: "hsm-1", algorithm: "ed25519", key: privateKey });
    const innerVerifier = createVerifier({ keyId: "hsm-1", algorithm: "ed25519", key: publicKey });
    const signer = { ...inner, sign: async (data: Uint8Array) => inner.sign(data) };
    const verifier = {
      ...innerVerifier,
      verify: async (data: Uint8Array, sig: Uint8Array) => innerVerifier.verify(data, sig),
    };
    const message: RequestMessage = {
      method: "POST",
      url: "https://node.example/v1/catalog",
      headers: { "content-type": "application/json" },
    };
    const signed = await createSignature(
      { message },
      {
        signer,
        label: "govex",
        components: ['"@method"', '"content-type"'],
        created: 1_790_000_000,
      },
    );
    expect(signed.signatureInput).toBe(
      'govex=("@method" "content-type");created=1790000000;keyid="hsm-1"',
    );
    const headers = {
      ...message.headers,
      "signature-input": signed.signatureInput,
      signature: signed.signature,
    };
    const keys = async (keyId: string) => (keyId === "hsm-1" ? verifier : undefined);
    expect(
      await verifySignature({ message: { ...message, headers } }, { keys, now: 1_790_000_000 }),
    ).toMatchObject({ ok: true, keyId: "hsm-1", covered: ['"@method"', '"content-type"'] });
    expect(
      await verifySignature(
        { message: { ...message, method: "PUT", headers } },
        { keys, now: 1_790_000_000 },
      ),
    ).toMatchObject({ ok: false, code: "signature_invalid" });
  });
});
