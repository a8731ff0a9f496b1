import { generateKeyPairSync } from "node:crypto";
import {
  createSigner,
  createVerifier,
  MemoryNonceStore,
  signRequest,
  verifyRequest,
} from "@govex/security";
import { describe, expect, test } from "vitest";
import { createNonceStore, openStore, StoreError } from "../src/store/index.js";
import { DRIVERS, fresh, freshLocation, must, sharedStore } from "./store-drivers.js";

describe.each(DRIVERS)("the nonce store on %s", (driver) => {
  // Tests on the shared database use key ids of their own.
  const shared = sharedStore(driver);

  test("a nonce is claimed once until it expires, as MemoryNonceStore does", async () => {
    const db = shared();
    let now = 1_000;
    const store = createNonceStore(db, { now: () => now });
    const memory = new MemoryNonceStore({ now: () => now });
    // [step, keyId, nonce, expiresAt, clock, want]
    const steps: [string, string, string, number, number, boolean][] = [
      ["first use", "k1", "n1", 1_300, 1_000, true],
      ["replay", "k1", "n1", 1_300, 1_000, false],
      ["same nonce, another key", "k2", "n1", 1_300, 1_000, true],
      ["another nonce", "k1", "n2", 1_300, 1_000, true],
      ["replay at the last second of validity", "k1", "n1", 1_300, 1_300, false],
      ["reuse once expired", "k1", "n1", 1_700, 1_301, true],
      ["then refused again", "k1", "n1", 1_700, 1_302, false],
    ];
    for (const [step, keyId, nonce, expiresAt, clock, want] of steps) {
      now = clock;
      expect(await store.claim(keyId, nonce, expiresAt), step).toBe(want);
      expect(memory.claim(keyId, nonce, expiresAt), `${step} (memory)`).toBe(want);
    }
  });

  test("hostile key ids and nonces are just bytes", async () => {
    const db = await fresh(driver);
    const store = createNonceStore(db, { now: () => 1_000 });
    const hostile = [
      "'; drop table signature_nonces; --",
      "\u0000",
      "a\u0000b",
      "\uD800",
      "\uDC00",
      "__proto__",
      "界".repeat(100_000),
      "",
    ];
    for (const value of hostile) {
      expect(await store.claim("k", value, 2_000), JSON.stringify(value.slice(0, 8))).toBe(true);
      expect(await store.claim("k", value, 2_000)).toBe(false);
    }
    // No merging: NUL as a separator, lone surrogates turned into U+FFFD.
    expect(await store.claim("a\u0000", "b", 2_000)).toBe(true);
    expect(await store.claim("a", "\u0000b", 2_000)).toBe(true);
    const { rows } = await db.query<{ n: number }>("select count(*) as n from signature_nonces");
    expect(rows[0]?.n).toBe(hostile.length + 2);
  });

  test.each([
    ["NaN", Number.NaN],
    ["a string", "1700" as unknown as number],
  ])("an expiry that is %s is refused", async (_, expiresAt) => {
    const db = shared();
    const error = await createNonceStore(db)
      .claim("k", "n", expiresAt)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("invalid_argument");
  });

  test("huge and negative expiries are clamped, not overflowed", async () => {
    const db = shared();
    const store = createNonceStore(db, { now: () => 1_000, sweepEverySeconds: 0 });
    expect(await store.claim("clamp", "far", 1e300)).toBe(true);
    expect(await store.claim("clamp", "far", 1e300)).toBe(false);
    expect(await store.claim("clamp", "past", -5)).toBe(true);
    // Already expired: claimable again (the signature check refuses expired signatures first).
    expect(await store.claim("clamp", "past", -5)).toBe(true);
  });

  test("expired nonces are swept, explicitly and every sweepEverySeconds", async () => {
    const db = await fresh(driver);
    let now = 1_000;
    const store = createNonceStore(db, { now: () => now, sweepEverySeconds: 60 });
    for (let i = 0; i < 5; i++) await store.claim("k", `short-${i}`, 1_010);
    for (let i = 0; i < 3; i++) await store.claim("k", `long-${i}`, 5_000);
    const count = async () =>
      (await db.query<{ n: number }>("select count(*) as n from signature_nonces")).rows[0]?.n;
    expect(await count()).toBe(8);
    now = 1_020; // expired, but the last sweep (at 1 000) is recent
    await store.claim("k", "x", 5_000);
    expect(await count()).toBe(9);
    now = 1_061; // a minute later: this claim sweeps first
    await store.claim("k", "y", 5_000);
    expect(await count()).toBe(5);
    now = 6_000;
    expect(await store.sweep()).toBe(5);
    expect(await count()).toBe(0);
  });

  test("two nodes claiming one nonce at once: exactly one wins", async () => {
    const location = await freshLocation(driver);
    const [a, b] = await Promise.all([openStore(location), openStore(location)]);
    try {
      const stores = [createNonceStore(must(a)), createNonceStore(must(b))];
      const expires = Math.floor(Date.now() / 1000) + 300;
      for (let round = 0; round < 10; round++) {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            must(stores[i % 2]).claim("k", `race-${round}`, expires),
          ),
        );
        expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
      }
    } finally {
      await Promise.all([must(a).close(), must(b).close()]);
    }
  });

  test("a replayed signed request is refused by verifyRequest with the database store", async () => {
    const db = shared();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const signer = createSigner({ keyId: "dept-a", algorithm: "ed25519", key: privateKey });
    const verifier = createVerifier({ keyId: "dept-a", algorithm: "ed25519", key: publicKey });
    const request = { method: "GET", url: "https://node.example/v1/catalog", headers: {} };
    const headers = { ...request.headers, ...(await signRequest(request, { signer })) };
    const signed = { ...request, headers };
    const options = { keys: new Map([["dept-a", verifier]]), nonces: createNonceStore(db) };
    expect((await verifyRequest(signed, options)).ok).toBe(true);
    const replay = await verifyRequest(signed, options);
    expect(replay.ok).toBe(false);
    expect(replay.ok === false && replay.code).toBe("signature_replayed");
  });
});
