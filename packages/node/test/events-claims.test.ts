/**
 * Two delivery workers on two connections to one PostgreSQL database, as two nodes would run
 * them: every delivery is claimed by one worker at a time (FOR UPDATE SKIP LOCKED and a lease),
 * so each is acknowledged exactly once and attempted exactly as often as its `attempts` says;
 * the events of one record key still arrive in order while both workers retry failures.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createSigner } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../src/audit/index.js";
import { systemClock } from "../src/calendar/index.js";
import { createDeliveryWorker, type DeliveryWorker, orderingKey } from "../src/events/index.js";
import { openStore, type Store } from "../src/store/index.js";
import { CONSUMER, seedMembers, seedResource } from "./events-bulk-fixtures.js";
import { type Receiver, startReceiver } from "./events-webhook-receiver.js";
import { freshPostgresUrl } from "./store-drivers.js";

const KEYS = 30;
const PER_KEY = 5;

describe("two delivery workers on one PostgreSQL", () => {
  const stores: Store[] = [];
  const workers: DeliveryWorker[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let receiver: Receiver;
  let subscriptionId: string;

  beforeAll(async () => {
    const url = await freshPostgresUrl("govex_events", "C.UTF-8", (fn) => cleanups.push(fn));
    stores.push(await openStore({ url }), await openStore({ url }));
    const db = stores[0] as Store;
    await seedMembers(db);
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    receiver = await startReceiver();
    subscriptionId = `sub-${randomUUID()}`;
    await db.query(
      `insert into subscriptions (id, member_code, resource_code, url, status, created_at)
       values ($1, $2, $3, $4, 'active', now())`,
      [subscriptionId, CONSUMER, resourceCode, `${receiver.url}/pg`],
    );
    // The outbox's fan-out, as the poller writes it: PER_KEY versions of KEYS records.
    for (let version = 1; version <= PER_KEY; version++)
      for (let k = 0; k < KEYS; k++) {
        const key = `3701021980010${String(10000 + k).slice(-5)}`;
        const event = {
          specversion: "1.0",
          id: randomUUID(),
          source: "urn:govex:CN-370000/GOV/11370000MB1234562A/hukou/test",
          type: "dev.govex.record.updated",
          subject: resourceCode,
          datacontenttype: "application/json",
          data: {
            resourceCode,
            op: "upsert",
            key,
            // Every third record's first version is refused once by the receiver.
            record: {
              residentId: key,
              name: `v${version}${k % 3 === 0 && version === 1 ? "-fail" : ""}`,
            },
          },
        };
        await db.query(
          `insert into deliveries (id, subscription_id, event, status, attempts, next_attempt_at,
             ordering_key, created_at, updated_at)
           values ($1, $2, $3::jsonb, 'pending', 0, now(), $4, now(), now())`,
          [
            `dlv-${randomUUID().replaceAll("-", "")}`,
            subscriptionId,
            JSON.stringify(event),
            orderingKey(resourceCode, key),
          ],
        );
      }
    const { privateKey } = generateKeyPairSync("ed25519");
    const signer = createSigner({ keyId: "exchange-test", algorithm: "ed25519", key: privateKey });
    for (const store of stores)
      workers.push(
        createDeliveryWorker({
          db: store,
          signer,
          clock: systemClock,
          audit: createAuditLog(store),
          retryBaseMs: 1,
          retryCapMs: 1,
          batchSize: 8,
          concurrency: 4,
        }),
      );
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await receiver?.close();
    for (const store of stores) await store.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  it("delivers each event once, in order per key, with attempts matching the requests", async () => {
    receiver.script("/pg", [...Array.from({ length: 8 }, () => 500), 204], "-fail");
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    receiver.onRequest = (r) => {
      const id = String(r.headers["idempotency-key"]);
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
    };
    receiver.onAnswered = (r) => inFlight.delete(String(r.headers["idempotency-key"]));

    const db = stores[0] as Store;
    const remaining = async () =>
      Number(
        (
          await db.query<{ n: number }>(
            "select count(*) as n from deliveries where subscription_id = $1 and status <> 'delivered'",
            [subscriptionId],
          )
        ).rows[0]?.n,
      );
    const rounds = await Promise.all(
      workers.map(async (worker) => {
        let claimed = 0;
        for (let i = 0; i < 200 && (await remaining()) > 0; i++)
          claimed += (await worker.runOnce()).claimed;
        return claimed;
      }),
    );
    expect(await remaining()).toBe(0);
    expect((rounds[0] ?? 0) + (rounds[1] ?? 0)).toBeGreaterThanOrEqual(KEYS * PER_KEY);
    expect(overlaps).toEqual([]);

    // Each delivery acknowledged exactly once; its attempts are the requests that carried it.
    const requests = receiver.received.filter((r) => r.path === "/pg");
    const byDelivery = new Map<string, typeof requests>();
    for (const r of requests) {
      const id = String(r.headers["idempotency-key"]);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), r]);
    }
    const { rows } = await db.query<{ id: string; attempts: number }>(
      "select id, attempts from deliveries where subscription_id = $1",
      [subscriptionId],
    );
    expect(rows).toHaveLength(KEYS * PER_KEY);
    for (const row of rows) {
      const got = byDelivery.get(row.id) ?? [];
      expect(got.filter((r) => r.answered === 204)).toHaveLength(1);
      expect(got).toHaveLength(row.attempts);
    }
    // Per key, the acknowledged versions arrive 1, 2, … PER_KEY.
    const versions = new Map<string, number[]>();
    for (const r of receiver.acknowledged("/pg")) {
      const data = JSON.parse(r.body.toString()) as {
        record: { residentId: string; name: string };
      };
      const list = versions.get(data.record.residentId) ?? [];
      list.push(Number(/^v(\d+)/.exec(data.record.name)?.[1]));
      versions.set(data.record.residentId, list);
    }
    expect(versions.size).toBe(KEYS);
    for (const list of versions.values())
      expect(list).toEqual(Array.from({ length: PER_KEY }, (_, i) => i + 1));
  });
});
