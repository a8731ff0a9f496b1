import { describe, expect, test } from "vitest";
import {
  createIdempotencyStore,
  type IdempotencyBegin,
  idempotencyFingerprint,
  isValidIdempotencyKey,
  openStore,
  StoreError,
} from "../src/store/index.js";
import { DRIVERS, fresh, freshLocation, must, sharedStore } from "./store-drivers.js";

const KEY = "4f1c6a4e-2d0e-4d7e-9a51-2f0c4e2c8b11";
const post = (body: string) =>
  idempotencyFingerprint({ method: "POST", target: "/v1/share-requests", body });
const response = {
  status: 201,
  headers: { "content-type": "application/json", location: "/v1/share-requests/sr-1" },
  body: new Uint8Array([0x7b, 0x7d, 0x00, 0xff]),
};

function claimOf(begun: IdempotencyBegin) {
  expect(begun.kind).toBe("claimed");
  if (begun.kind !== "claimed") throw new Error("not claimed");
  return begun.claim;
}

describe("idempotency keys (no database)", () => {
  test.each<[string, unknown, boolean]>([
    ["the spec's example", KEY, true],
    ["8 characters", "abcdefgh", true],
    ["128 characters", "k".repeat(128), true],
    ["7 characters", "abcdefg", false],
    ["129 characters", "k".repeat(129), false],
    ["a space", "abcd efgh", false],
    ["non-ASCII", "幂等键幂等键幂等键", false],
    ["a NUL", "abcdefgh\u0000", false],
    ["a number", 12345678, false],
  ])("isValidIdempotencyKey: %s", (_, value, want) => {
    expect(isValidIdempotencyKey(value)).toBe(want);
  });

  test("fingerprints tell method, target and body apart, without running them together", () => {
    const prints = [
      idempotencyFingerprint({ method: "POST", target: "/a", body: "b" }),
      idempotencyFingerprint({ method: "POST", target: "/ab", body: "" }),
      idempotencyFingerprint({ method: "PUT", target: "/a", body: "b" }),
      idempotencyFingerprint({ method: "POST", target: "/a", body: "c" }),
      idempotencyFingerprint({ method: "POST", target: "/a" }),
    ].map((p) => Buffer.from(p).toString("hex"));
    expect(new Set(prints).size).toBe(prints.length);
    expect(idempotencyFingerprint({ method: "post", target: "/a", body: "b" })).toEqual(
      idempotencyFingerprint({ method: "POST", target: "/a", body: new TextEncoder().encode("b") }),
    );
  });
});

describe.each(DRIVERS)("the Idempotency-Key store on %s", (driver) => {
  // Tests on the shared database use scopes (callers) of their own.
  const shared = sharedStore(driver);

  test("claim, complete, then replay; another body is 422; a running one is 409", async () => {
    const db = shared();
    const store = createIdempotencyStore(db);
    const claim = claimOf(
      await store.begin({ scope: "dept-a", key: KEY, fingerprint: post("{}") }),
    );
    expect(await store.begin({ scope: "dept-a", key: KEY, fingerprint: post("{}") })).toEqual({
      kind: "in_flight",
    });
    expect(await store.begin({ scope: "dept-a", key: KEY, fingerprint: post('{"x":1}') })).toEqual({
      kind: "mismatch",
    });
    expect(await store.complete(claim, response)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const replay = await store.begin({ scope: "dept-a", key: KEY, fingerprint: post("{}") });
      expect(replay.kind).toBe("replay");
      if (replay.kind === "replay") {
        expect(replay.response.status).toBe(201);
        expect(replay.response.headers).toEqual(response.headers);
        expect([...replay.response.body]).toEqual([...response.body]);
      }
    }
    expect(await store.begin({ scope: "dept-a", key: KEY, fingerprint: post('{"x":1}') })).toEqual({
      kind: "mismatch",
    });
    // Keys are per client: another caller's identical key is its own.
    claimOf(await store.begin({ scope: "dept-b", key: KEY, fingerprint: post('{"x":1}') }));
  });

  test("a released claim lets the retry run", async () => {
    const db = shared();
    const store = createIdempotencyStore(db);
    const claim = claimOf(
      await store.begin({ scope: "release", key: KEY, fingerprint: post("a") }),
    );
    await store.release(claim);
    const again = claimOf(
      await store.begin({ scope: "release", key: KEY, fingerprint: post("a") }),
    );
    expect(again.token).not.toBe(claim.token);
    // The old claim can neither complete nor release the new one.
    expect(await store.complete(claim, response)).toBe(false);
    await store.release(claim);
    expect((await store.begin({ scope: "release", key: KEY, fingerprint: post("a") })).kind).toBe(
      "in_flight",
    );
  });

  test("an abandoned claim is taken over after its lease, by the same request only", async () => {
    const db = shared();
    let now = 1_000_000;
    const store = createIdempotencyStore(db, { now: () => now, leaseMs: 10_000 });
    const first = claimOf(await store.begin({ scope: "lease", key: KEY, fingerprint: post("a") }));
    now += 9_999;
    expect((await store.begin({ scope: "lease", key: KEY, fingerprint: post("a") })).kind).toBe(
      "in_flight",
    );
    now += 2; // the lease is over: the node that claimed it is taken to be gone
    expect((await store.begin({ scope: "lease", key: KEY, fingerprint: post("b") })).kind).toBe(
      "mismatch",
    );
    const second = claimOf(await store.begin({ scope: "lease", key: KEY, fingerprint: post("a") }));
    expect(await store.complete(first, response)).toBe(false);
    expect(await store.complete(second, response)).toBe(true);
  });

  test("after the retention the key is free again, and swept", async () => {
    const db = await fresh(driver);
    let now = 1_000_000;
    const store = createIdempotencyStore(db, {
      now: () => now,
      leaseMs: 1_000,
      retentionMs: 60_000,
    });
    const claim = claimOf(await store.begin({ scope: "s", key: KEY, fingerprint: post("a") }));
    await store.complete(claim, response);
    claimOf(await store.begin({ scope: "s", key: "other-key-1", fingerprint: post("a") }));
    now += 60_001;
    expect(await store.sweep()).toBe(2);
    claimOf(await store.begin({ scope: "s", key: KEY, fingerprint: post("b") }));
    now += 60_001;
    // Not swept yet, but past its retention: a new request takes the key.
    claimOf(await store.begin({ scope: "s", key: KEY, fingerprint: post("c") }));
  });

  test("many requests with one key on two nodes at once: one runs, the rest are told 409", async () => {
    const location = await freshLocation(driver);
    const [a, b] = await Promise.all([openStore(location), openStore(location)]);
    try {
      const stores = [createIdempotencyStore(must(a)), createIdempotencyStore(must(b))];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          must(stores[i % 2]).begin({ scope: "s", key: KEY, fingerprint: post("a") }),
        ),
      );
      expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "in_flight")).toHaveLength(11);
    } finally {
      await Promise.all([must(a).close(), must(b).close()]);
    }
  });

  test("hostile scopes are data; bad keys, fingerprints and statuses are refused", async () => {
    const db = shared();
    const store = createIdempotencyStore(db);
    const scope = "'); delete from idempotency_keys; --";
    const claim = claimOf(await store.begin({ scope, key: KEY, fingerprint: post("a") }));
    expect(claim.scope).toBe(scope);
    const refusals: [string, () => Promise<unknown>][] = [
      ["short key", () => store.begin({ scope: "s", key: "short", fingerprint: post("a") })],
      ["NUL scope", () => store.begin({ scope: "a\u0000", key: KEY, fingerprint: post("a") })],
      ["empty scope", () => store.begin({ scope: "", key: KEY, fingerprint: post("a") })],
      [
        "huge scope",
        () => store.begin({ scope: "s".repeat(513), key: KEY, fingerprint: post("a") }),
      ],
      [
        "short fingerprint",
        () => store.begin({ scope: "s", key: KEY, fingerprint: new Uint8Array(4) }),
      ],
      ["status 42", () => store.complete(claim, { ...response, status: 42 })],
    ];
    for (const [name, run] of refusals) {
      const error = await run().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(StoreError);
      expect((error as StoreError).code, name).toBe("invalid_argument");
    }
    const { rows } = await db.query<{ n: number }>(
      "select count(*) as n from idempotency_keys where scope = $1",
      [scope],
    );
    expect(rows[0]?.n).toBe(1);
  });
});
