/**
 * The subscriber helpers: deliveries signed as an exchange node signs them (the govex profile of
 * RFC 9421 over an RFC 9530 Content-Digest, ce-id/ce-source/ce-type covered), received over a
 * real socket, verified and read; refusals for every tampering; the dedup window. The node's
 * own end-to-end test (packages/node/test/events-delivery.test.ts) verifies real deliveries of
 * a running node with these same helpers.
 */
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createSigner,
  createVerifier,
  generateSm2KeyPair,
  MemoryNonceStore,
  type Signer,
  signRequest,
  type Verifier,
} from "@govex/security";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import {
  createDeduplicator,
  type DedupStore,
  memoryDedupStore,
  parseBinaryEvent,
  verifyDelivery,
} from "../src/index.js";

function ed25519(keyId: string): { signer: Signer; verifier: Verifier } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    signer: createSigner({ keyId, algorithm: "ed25519", key: privateKey }),
    verifier: createVerifier({ keyId, algorithm: "ed25519", key: publicKey }),
  };
}

const exchange = ed25519("exchange-2026");
const sm2 = generateSm2KeyPair();
const exchangeSm2 = {
  signer: createSigner({ keyId: "exchange-sm2", algorithm: "sm2-sm3", key: sm2.privateKey }),
  verifier: createVerifier({ keyId: "exchange-sm2", algorithm: "sm2-sm3", key: sm2.publicKey }),
};
const keys = new Map([
  [exchange.verifier.keyId, exchange.verifier],
  [exchangeSm2.verifier.keyId, exchangeSm2.verifier],
]);

const URL_ = "https://hr.example.gov.cn/hooks/hukou";
const DATA = { resourceCode: "101001/000001", op: "upsert", record: { name: "张*", city: "济南" } };

/** A delivery as the exchange node makes it (delivery-worker.ts): headers and body. */
async function delivery(
  options: {
    signer?: Signer;
    body?: string;
    ce?: Record<string, string>;
    /** Headers added after signing (not covered). */
    after?: Record<string, string>;
    url?: string;
  } = {},
): Promise<{ headers: Record<string, string>; body: string }> {
  const body = options.body ?? JSON.stringify(DATA);
  const headers: Record<string, string> = {
    "ce-specversion": "1.0",
    "ce-id": "6f1c2a8e-9d3b-4c57-8f0e-1b2a3c4d5e6f",
    "ce-source": "urn:govex:CN-370000/GOV/11370000MB1234562A/hukou/101001%2F000001",
    "ce-type": "dev.govex.record.updated",
    "ce-subject": "101001/000001",
    "ce-time": "2026-03-01T08:00:00+08:00",
    "content-type": "application/json",
    "idempotency-key": "dlv-0123456789abcdef",
    ...options.ce,
  };
  Object.assign(
    headers,
    await signRequest(
      { method: "POST", url: options.url ?? URL_, headers },
      { signer: options.signer ?? exchange.signer, body },
    ),
    options.after,
  );
  return { headers, body };
}

describe("verifyDelivery", () => {
  it.each([
    ["Ed25519", exchange.signer],
    ["SM2 with SM3", exchangeSm2.signer],
  ])("verifies a delivery signed with %s and reads its event", async (_name, signer) => {
    const { headers, body } = await delivery({ signer });
    const verified = await verifyDelivery({ url: URL_, headers, body }, { keys });
    expect(verified).toMatchObject({
      ok: true,
      keyId: signer.keyId,
      event: {
        specversion: "1.0",
        id: "6f1c2a8e-9d3b-4c57-8f0e-1b2a3c4d5e6f",
        source: "urn:govex:CN-370000/GOV/11370000MB1234562A/hukou/101001/000001",
        type: "dev.govex.record.updated",
        subject: "101001/000001",
        datacontenttype: "application/json",
        data: DATA,
      },
    });
  });

  it("verifies a delivery received over a real socket (raw body, Node's header map)", async () => {
    const got: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = 204;
        res.end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/hukou?a=1`;
    try {
      const sent = await delivery({ url, ce: { "ce-subject": encodeURIComponent("户籍/变更") } });
      const response = await request(url, {
        method: "POST",
        headers: sent.headers,
        body: sent.body,
      });
      await response.body.dump();
      expect(response.statusCode).toBe(204);
    } finally {
      server.close();
    }
    const [received] = got;
    const verified = await verifyDelivery(
      { url, headers: received?.headers ?? {}, body: received?.body ?? Buffer.alloc(0) },
      { keys },
    );
    if (!verified.ok) throw new Error(verified.message);
    expect(verified.event.subject).toBe("户籍/变更");
    expect(verified.event.data).toEqual(DATA);
  });

  it.each([
    [
      "a changed body",
      async () => ({ ...(await delivery()), body: JSON.stringify({ ...DATA, op: "delete" }) }),
      /^content_digest/,
    ],
    [
      "a re-labelled event id",
      async () => {
        const d = await delivery();
        return { ...d, headers: { ...d.headers, "ce-id": "another" } };
      },
      /^signature/,
    ],
    [
      "a key the subscriber does not know",
      async () => delivery({ signer: ed25519("someone-else").signer }),
      /^signature/,
    ],
    [
      "event attributes added after signing",
      async () => {
        // Signed without the event's identity, which is then added: the signature covers no ce-id.
        const body = JSON.stringify(DATA);
        const headers: Record<string, string> = { "content-type": "application/json" };
        Object.assign(
          headers,
          await signRequest(
            { method: "POST", url: URL_, headers },
            { signer: exchange.signer, body },
          ),
          {
            "ce-specversion": "1.0",
            "ce-id": "x",
            "ce-source": "urn:x",
            "ce-type": "dev.govex.record.updated",
          },
        );
        return { headers, body };
      },
      /^signature_not_covered$/,
    ],
  ])("refuses %s", async (_name, make, code) => {
    const { headers, body } = await make();
    const verified = await verifyDelivery({ url: URL_, headers, body }, { keys, locale: "en" });
    expect(verified.ok).toBe(false);
    if (!verified.ok) {
      expect(verified.code).toMatch(code);
      expect(verified.message.length).toBeGreaterThan(0);
    }
  });

  it("refuses a delivery posted to another URL, an expired one, and a replayed nonce", async () => {
    const { headers, body } = await delivery();
    const other = await verifyDelivery(
      { url: "https://evil.example/hooks", headers, body },
      { keys },
    );
    expect(other.ok).toBe(false);
    const late = await verifyDelivery(
      { url: URL_, headers, body },
      { keys, now: Math.floor(Date.now() / 1000) + 3600 },
    );
    expect(late.ok).toBe(false);
    const nonces = new MemoryNonceStore();
    expect((await verifyDelivery({ url: URL_, headers, body }, { keys, nonces })).ok).toBe(true);
    expect((await verifyDelivery({ url: URL_, headers, body }, { keys, nonces })).ok).toBe(false);
  });
});

describe("parseBinaryEvent", () => {
  const base = {
    "ce-specversion": "1.0",
    "ce-id": "1",
    "ce-source": "urn:x",
    "ce-type": "dev.govex.record.updated",
    "content-type": "application/json",
  };
  it.each([
    ["no ce-id", { ...base, "ce-id": undefined }, "{}"],
    ["CloudEvents 0.3", { ...base, "ce-specversion": "0.3" }, "{}"],
    ["broken percent-encoding", { ...base, "ce-subject": "%E4%B8" }, "{}"],
    ["a body that is not JSON", base, "{not json"],
    ["a body that is not UTF-8", base, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])("refuses %s with event_invalid", (_name, headers, body) => {
    const parsed = parseBinaryEvent(headers as Record<string, string>, body, "en");
    expect(parsed).toMatchObject({ ok: false, code: "event_invalid" });
  });

  it("keeps hostile values as data: __proto__ keys and huge attributes", () => {
    const parsed = parseBinaryEvent(
      { ...base, "ce-__proto__": "x", "ce-subject": "a".repeat(100_000) },
      '{"__proto__":{"polluted":true},"record":{"name":"\'); drop table x;--"}}',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.event.subject).toHaveLength(100_000);
    expect(Object.keys(parsed.event)).not.toContain("__proto__");
  });
});

describe("createDeduplicator", () => {
  it("lets an event through once per (source, id) and keeps sources apart", async () => {
    const dedup = createDeduplicator();
    expect(await dedup.firstTime({ source: "urn:a", id: "1" })).toBe(true);
    expect(await dedup.firstTime({ source: "urn:a", id: "1" })).toBe(false);
    expect(await dedup.firstTime({ source: "urn:b", id: "1" })).toBe(true);
    // No concatenation can make two different pairs one key.
    expect(await dedup.firstTime({ source: "urn:a1", id: "" })).toBe(true);
    await dedup.forget({ source: "urn:a", id: "1" });
    expect(await dedup.firstTime({ source: "urn:a", id: "1" })).toBe(true);
  });

  it("bounds the window in time and in entries", () => {
    let t = 0;
    const store = memoryDedupStore({ maxEntries: 3, now: () => t });
    expect(store.claim("a", 100)).toBe(true);
    expect(store.claim("a", 100)).toBe(false);
    t = 100;
    expect(store.claim("a", 100)).toBe(true); // expired: seen again
    for (const k of ["b", "c", "d"]) expect(store.claim(k, 1000)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.claim("a", 1000)).toBe(true); // evicted as the oldest
    for (let i = 0; i < 10_000; i++) store.claim(`k${i}`, 1000);
    expect(store.size).toBe(3);
  });

  it("runs on a subscriber's own store", async () => {
    const seen = new Set<string>();
    const store: DedupStore = {
      async claim(key) {
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
      async release(key) {
        seen.delete(key);
      },
    };
    const dedup = createDeduplicator({ store });
    expect(await dedup.firstTime({ source: "urn:a", id: "1" })).toBe(true);
    expect(await dedup.firstTime({ source: "urn:a", id: "1" })).toBe(false);
    expect(seen.size).toBe(1);
  });
});
