/**
 * Change events end to end on PGlite, over real sockets: the test provider's changes feed →
 * the poller's transactional outbox (event, audit leaf, cursor in one transaction) → the
 * delivery worker → a real webhook receiver; signed CloudEvents in binary mode verified with
 * @govex/client's subscriber helpers; per-key order, retries (500, dropped connections,
 * timeouts), the retry limit, dead letters and replay, the access rules at delivery time
 * (masking, a revoked share request), and a claim left by a dead worker taken over.
 */

import type { ProviderRecord } from "@govex/adapter";
import { createDeduplicator, verifyDelivery } from "@govex/client";
import { createVerifier } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../src/calendar/index.js";
import {
  createDeliveryWorker,
  type DeliveryWorker,
  fullJitterDelay,
  RECORD_UPDATED,
} from "../src/events/index.js";
import { validateAgainst } from "../src/server/spec.js";
import { type Receiver, startReceiver } from "./events-webhook-receiver.js";
import { CONDITIONAL, CONSUMER, type Party, PROVIDER, UNCONDITIONAL } from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";

const PURPOSE = "办理社会保险登记时核对参保人身份";

interface DeliveryJson {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastErrorCode?: string;
  nextAttemptAt?: string;
  event: { id: string; source: string; type: string; data?: unknown };
}

describe("change events on PGlite", () => {
  const ctx = useTestExchange("pglite");
  let receiver: Receiver;
  let worker: DeliveryWorker;
  let serial = 0;

  beforeAll(async () => {
    // The node's own loops are stopped: these tests drive the poller and a worker by hand.
    await ctx.exchange.node.events.poller.stop();
    await ctx.exchange.node.events.worker.stop();
    receiver = await startReceiver();
    worker = createDeliveryWorker({
      db: ctx.exchange.node.store,
      signer: ctx.exchange.node.services.signer,
      clock: systemClock,
      audit: ctx.exchange.node.services.audit,
      // Retries are due at once (the jitter is tested on its own): rounds need no waiting.
      retryBaseMs: 1,
      retryCapMs: 1,
      maxAttempts: 3,
      timeoutMs: 1500,
      concurrency: 4,
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await receiver?.close();
  });

  const node = () => ctx.exchange.node;
  const db = () => ctx.exchange.node.store;

  async function subscribe(who: Party, resourceCode: string, path: string): Promise<string> {
    const { data } = await ctx.exchange.client(who).request("post", "/subscriptions", {
      body: { resourceCode, url: `${receiver.url}${path}` },
    });
    // The first poll of a newly watched resource walks the feed without making events.
    await poll();
    return data.id;
  }

  async function unsubscribe(who: Party, id: string): Promise<void> {
    await ctx.exchange.client(who).request("delete", "/subscriptions/{subscriptionId}", {
      params: { path: { subscriptionId: id } },
    });
  }

  async function poll() {
    await node().events.poller.dueNow();
    return node().events.poller.pollOnce();
  }

  /** A change of a record in the provider's feed (a new version of `residentId`'s record). */
  function change(residentId: string, city: string): ProviderRecord {
    const record = {
      residentId,
      name: `李${++serial}`,
      mobile: "13912345678",
      city,
    };
    ctx.provider.records.push(record);
    return record;
  }

  async function deliveries(who: Party, subscriptionId: string): Promise<DeliveryJson[]> {
    const { data } = await ctx.exchange
      .client(who)
      .request("get", "/subscriptions/{subscriptionId}/deliveries", {
        params: { path: { subscriptionId }, query: { limit: 500 } },
      });
    expect(await validateAgainst("DeliveryPage", data, "en")).toEqual([]);
    return data.items as DeliveryJson[];
  }

  /** Worker rounds until `done` holds (each round is a real attempt; bounded). */
  async function roundsUntil(done: () => Promise<boolean> | boolean, max = 20): Promise<number> {
    for (let i = 1; i <= max; i++) {
      await worker.runOnce();
      if (await done()) return i;
    }
    throw new Error(`not done after ${max} rounds`);
  }

  const keys = () =>
    new Map([
      [
        ctx.exchange.nodeKey.keyId,
        createVerifier({
          keyId: ctx.exchange.nodeKey.keyId,
          algorithm: "ed25519",
          key: ctx.exchange.nodeKey.publicPem,
        }),
      ],
    ]);

  it("turns a provider change into a signed, masked CloudEvent that the subscriber verifies and dedupes", async () => {
    const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, "/e2e");
    try {
      const record = change("370102198001019991", "济南");
      const round = await poll();
      expect(round).toMatchObject({ events: 1, deliveries: 1, failed: 0 });

      // The outbox row, its audit leaf and the delivery were written together.
      const outbox = await db().query<{
        event: { id: string; data: unknown };
        audit_leaf_index: number;
      }>(
        "select event, audit_leaf_index from event_outbox where resource_code = $1 order by seq desc limit 1",
        [UNCONDITIONAL],
      );
      const stored = outbox.rows[0];
      expect(stored?.event.data).toMatchObject({ op: "upsert", key: record.residentId, record });
      const leaf = await db().query<{ operation: string; request_id: string }>(
        "select operation, request_id from audit_entries where leaf_index = $1",
        [stored?.audit_leaf_index],
      );
      expect(leaf.rows[0]).toEqual({ operation: "changesSince", request_id: stored?.event.id });

      await worker.drain();
      const got = receiver.acknowledged("/e2e");
      expect(got).toHaveLength(1);
      const request = got[0] as (typeof got)[number];
      expect(request.headers["ce-specversion"]).toBe("1.0");
      expect(request.headers["ce-type"]).toBe(RECORD_UPDATED);
      expect(request.headers["ce-source"]).toMatch(
        new RegExp(`^urn:govex:CN-370000/GOV/${PROVIDER}/hukou/[^/]+$`),
      );
      expect(request.headers["ce-subject"]).toBe(UNCONDITIONAL);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["idempotency-key"]).toMatch(/^dlv-/);

      const verified = await verifyDelivery(
        { url: `${receiver.url}/e2e`, headers: request.headers, body: request.body },
        { keys: keys() },
      );
      if (!verified.ok) throw new Error(verified.message);
      expect(verified.event.id).toBe(stored?.event.id);
      // 无条件共享 with grade-2 masks: the record comes masked, and the key (a masked field) is
      // not disclosed beside it.
      const data = verified.event.data as {
        record: Record<string, string>;
        key?: string;
        op: string;
      };
      expect(data.op).toBe("upsert");
      expect(data.key).toBeUndefined();
      expect(data.record.city).toBe("济南");
      expect(data.record.residentId).not.toBe(record.residentId);
      expect(data.record.name).not.toBe(record.name);
      expect(JSON.stringify(data)).not.toContain(record.residentId);

      // A tampered body, a wrong key, a re-labelled event: refused.
      const tampered = await verifyDelivery(
        {
          url: `${receiver.url}/e2e`,
          headers: request.headers,
          body: Buffer.from(`${request.body}x`),
        },
        { keys: keys() },
      );
      expect(tampered).toMatchObject({ ok: false, code: expect.stringMatching(/^content_digest/) });
      const relabelled = await verifyDelivery(
        {
          url: `${receiver.url}/e2e`,
          headers: { ...request.headers, "ce-id": "another-id" },
          body: request.body,
        },
        { keys: keys() },
      );
      expect(relabelled.ok).toBe(false);
      const elsewhere = await verifyDelivery(
        { url: `${receiver.url}/other`, headers: request.headers, body: request.body },
        { keys: keys() },
      );
      expect(elsewhere.ok).toBe(false);
      const stranger = await verifyDelivery(
        { url: `${receiver.url}/e2e`, headers: request.headers, body: request.body },
        { keys: new Map() },
      );
      expect(stranger.ok).toBe(false);

      const dedup = createDeduplicator();
      expect(await dedup.firstTime(verified.event)).toBe(true);
      expect(await dedup.firstTime(verified.event)).toBe(false);

      const listed = await deliveries(ctx.exchange.consumer, id);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 204 });
      // The listing shows the event's attributes, never the provider's clear record.
      expect(JSON.stringify(listed)).not.toContain(record.residentId);
      // The delivery is an access of the subscriber, in the audit log.
      const audited = await db().query<{ n: number }>(
        "select count(*) as n from audit_entries where operation = 'deliverEvent' and caller = $1 and request_id = $2",
        [CONSUMER, listed[0]?.id],
      );
      expect(Number(audited.rows[0]?.n)).toBe(1);
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });

  it("delivers the events of one record key in order, holding later ones while an earlier one is retried", async () => {
    const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, "/order");
    try {
      receiver.script("/order", [500, 204], "青岛");
      for (const city of ["青岛", "烟台", "威海"]) change("370102198001018882", city);
      change("370102198001017773", "淄博");
      expect((await poll()).deliveries).toBe(4);
      await roundsUntil(async () =>
        (await deliveries(ctx.exchange.consumer, id)).every((d) => d.status === "delivered"),
      );
      const requests = receiver.received.filter((r) => r.path === "/order");
      const cities = (r: (typeof requests)[number]) =>
        (JSON.parse(r.body.toString()) as { record: { city: string } }).record.city;
      const sameKey = requests.filter((r) => cities(r) !== "淄博");
      // The first attempt of 青岛 failed: nothing of its key went out before its retry succeeded.
      expect(sameKey.map((r) => [cities(r), r.answered])).toEqual([
        ["青岛", 500],
        ["青岛", 204],
        ["烟台", 204],
        ["威海", 204],
      ]);
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });

  it.each([
    ["500 then 200", 500, "http_status"],
    ["a dropped connection", "drop", "connection_failed"],
    ["a receiver that never answers (timeout)", "hang", "timeout"],
  ] as const)(
    "retries after %s, then delivers",
    async (_name, failure, code) => {
      const path = `/retry-${code}`;
      const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, path);
      try {
        receiver.script(path, [failure, 204]);
        change("370102198001016664", "日照");
        await poll();
        await worker.runOnce();
        const [failed] = await deliveries(ctx.exchange.consumer, id);
        expect(failed).toMatchObject({ status: "retrying", attempts: 1, lastErrorCode: code });
        expect(failed?.nextAttemptAt).toBeDefined();
        if (failure === 500) expect(failed?.lastStatusCode).toBe(500);
        await worker.runOnce();
        const [done] = await deliveries(ctx.exchange.consumer, id);
        expect(done).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 204 });
        expect(done?.lastErrorCode).toBeUndefined();
        // Both attempts carried the same event id: the subscriber's dedup sees one event.
        const sent = receiver.received.filter((r) => r.path === path);
        expect(new Set(sent.map((r) => r.headers["ce-id"])).size).toBe(1);
      } finally {
        await unsubscribe(ctx.exchange.consumer, id);
      }
    },
    30_000,
  );

  it("dead-letters after the retry limit; a replay by the operator delivers it, the limit counting again", async () => {
    const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, "/dead");
    try {
      receiver.script("/dead", [503]);
      change("370102198001015555", "临沂");
      await poll();
      await roundsUntil(
        async () => (await deliveries(ctx.exchange.consumer, id))[0]?.status === "dead",
      );
      const [dead] = await deliveries(ctx.exchange.consumer, id);
      expect(dead).toMatchObject({ status: "dead", attempts: 3, lastStatusCode: 503 });
      const operator = ctx.exchange.client(ctx.exchange.operator);
      const letters = await operator.request("get", "/dead-letters", {
        params: { query: { subscriptionId: id } },
      });
      expect(letters.data.items.map((d) => d.id)).toEqual([dead?.id]);

      receiver.script("/dead", [503, 503, 204]);
      await operator.request("post", "/dead-letters/{deliveryId}/replay", {
        params: { path: { deliveryId: dead?.id as string } },
      });
      await roundsUntil(
        async () => (await deliveries(ctx.exchange.consumer, id))[0]?.status !== "retrying",
      );
      // Three more attempts were allowed after the replay (the third succeeded).
      const [replayed] = await deliveries(ctx.exchange.consumer, id);
      expect(replayed).toMatchObject({ status: "delivered", attempts: 6 });
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });

  it("applies the share request at delivery time: granted fields only, masked; revoked stops deliveries", async () => {
    const consumer = ctx.exchange.client(ctx.exchange.consumer);
    const dept = ctx.exchange.client(ctx.exchange.provider);
    const created = await consumer.request("post", "/share-requests", {
      body: {
        resourceCode: CONDITIONAL,
        fields: ["residentId", "name"],
        purpose: PURPOSE,
        legalBasis: "《社会保险法》第五十八条",
        period: { from: "2026-01-01", to: "2099-12-31" },
      },
    });
    const grant = created.data.id;
    await dept.request("post", "/share-requests/{shareRequestId}/decision", {
      params: { path: { shareRequestId: grant } },
      body: {
        outcome: "approved",
        grantedFields: ["residentId", "name"],
        grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
        clearText: false,
      },
    });
    const id = await subscribe(ctx.exchange.consumer, CONDITIONAL, "/granted");
    try {
      const record = change("370102198001014446", "德州");
      await poll();
      await worker.drain();
      const [got] = receiver.acknowledged("/granted");
      const data = JSON.parse(String(got?.body)) as { record: Record<string, string> };
      expect(Object.keys(data.record).sort()).toEqual(["name", "residentId"]);
      expect(data.record.residentId).not.toBe(record.residentId);
      expect(data.record.name).not.toBe(record.name);

      await dept.request("post", "/share-requests/{shareRequestId}/revoke", {
        params: { path: { shareRequestId: grant } },
        body: { reason: "合作期满" } as never,
      });
      change("370102198001013337", "聊城");
      await poll();
      const round = await worker.runOnce();
      expect(round).toMatchObject({ claimed: 1, dead: 1, delivered: 0 });
      expect(receiver.received.filter((r) => r.path === "/granted")).toHaveLength(1);
      const listed = await deliveries(ctx.exchange.consumer, id);
      expect(listed[1]).toMatchObject({
        status: "dead",
        attempts: 0,
        lastErrorCode: "access_denied",
      });
      expect(listed[1]?.lastError).toMatch(/share_request_invalid|revoked/);
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });

  it("takes over a delivery whose worker died holding it, once the lease has run out", async () => {
    const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, "/takeover");
    try {
      change("370102198001012228", "滨州");
      await poll();
      // A worker claimed it and was killed (-9): its lease stands, the status is unchanged.
      await db().query(
        `update deliveries set lease_owner = 'killed-node', lease_until = now() + interval '5 minutes',
         attempts = attempts + 1 where subscription_id = $1`,
        [id],
      );
      expect((await worker.runOnce()).claimed).toBe(0);
      const later = createDeliveryWorker({
        db: db(),
        signer: node().services.signer,
        clock: { now: () => new Date(Date.now() + 6 * 60_000) },
        audit: node().services.audit,
      });
      try {
        expect(await later.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      } finally {
        await later.close();
      }
      const [taken] = await deliveries(ctx.exchange.consumer, id);
      expect(taken).toMatchObject({ status: "delivered", attempts: 2 });
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });

  it("keeps hostile values as data: a change with injection strings and __proto__ keys", async () => {
    const id = await subscribe(ctx.exchange.consumer, UNCONDITIONAL, "/hostile");
    try {
      const record = {
        residentId: "370102198001011119",
        name: "'); drop table deliveries; --",
        mobile: "13900000000",
        city: '"><script>alert(1)</script>',
        ["__proto__"]: { polluted: true },
      };
      Object.defineProperty(record, "__proto__", {
        value: { polluted: true },
        enumerable: true,
      });
      ctx.provider.records.push(record as unknown as ProviderRecord);
      await poll();
      await worker.drain();
      const [got] = receiver.acknowledged("/hostile");
      const data = JSON.parse(String(got?.body)) as { record: Record<string, unknown> };
      expect(data.record.city).toBe(record.city);
      expect(Object.hasOwn(data.record, "__proto__")).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(
        Number(
          (await db().query<{ n: number }>("select count(*) as n from deliveries")).rows[0]?.n,
        ),
      ).toBeGreaterThan(0);
    } finally {
      await unsubscribe(ctx.exchange.consumer, id);
    }
  });
});

describe("full jitter", () => {
  it.each([
    // [attempt, random, base, cap, expected]
    [1, 0, 1000, 60_000, 0],
    [1, 0.5, 1000, 60_000, 500],
    [2, 0.5, 1000, 60_000, 1000],
    [5, 0.999, 1000, 60_000, 15_984],
    [30, 0.5, 1000, 60_000, 30_000],
    [10_000, 0.5, 1000, 60_000, 30_000],
    [3, 1, 1000, 60_000, 3999],
    [3, -1, 1000, 60_000, 0],
  ])(
    "attempt %i with random %f waits within [0, min(cap, base·2^(n−1)))",
    (attempt, r, base, cap, want) => {
      expect(fullJitterDelay(attempt, base, cap, () => r)).toBe(want);
    },
  );
});
