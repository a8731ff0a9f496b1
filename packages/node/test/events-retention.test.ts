/**
 * Retention of change events: delivered and cancelled deliveries past the retention are deleted,
 * then the outbox events no delivery refers to; dead letters, pending and retrying deliveries
 * and their events stay, on both drivers.
 */
import { describe, expect, it } from "vitest";
import { pruneEvents } from "../src/events/index.js";
import { createExchangeNode, type ExchangeNodeOptions } from "../src/index.js";
import {
  CONSUMER,
  count,
  seedMembers,
  seedResource,
  writeChanges,
} from "./events-bulk-fixtures.js";
import { DRIVERS, fresh } from "./store-drivers.js";

const OLD = new Date("2026-01-05T00:00:00Z");
const CUTOFF = new Date("2026-02-01T00:00:00Z");
const RECENT = new Date("2026-03-01T00:00:00Z");

describe.each(DRIVERS)("event retention on %s", (driver) => {
  it("deletes finished deliveries past the retention, then the events nothing refers to", async () => {
    const db = await fresh(driver);
    await seedMembers(db);
    const subscribed = await seedResource(db, { shareType: "无条件共享" });
    const unsubscribed = await seedResource(db, { shareType: "无条件共享" });
    await db.query(
      `insert into subscriptions (id, member_code, resource_code, url, status, created_at)
       values ('sub-r', $1, $2, 'http://127.0.0.1:9/hook', 'active', $3)`,
      [CONSUMER, subscribed, OLD],
    );
    const states = {
      "old-delivered-1": ["delivered", OLD],
      "old-delivered-2": ["delivered", OLD],
      "old-cancelled": ["cancelled", OLD],
      "recent-delivered": ["delivered", RECENT],
      "old-dead": ["dead", OLD],
      "old-retrying": ["retrying", OLD],
      "old-pending": ["pending", OLD],
    } as const;
    await writeChanges(db, subscribed, Object.keys(states), OLD);
    for (const [key, [status, at]] of Object.entries(states))
      await db.query(
        `update deliveries set status = $1, updated_at = $2
          where outbox_seq = (select seq from event_outbox where ordering_key like '%' || $3)`,
        [status, at, key],
      );
    // Events of a resource nobody subscribes to: no delivery refers to them.
    await writeChanges(db, unsubscribed, ["nobody-old", "nobody-recent"], OLD);
    await db.query(
      `update event_outbox set created_at = $1 where ordering_key like '%nobody-recent'`,
      [RECENT],
    );
    expect(await count(db, "deliveries")).toBe(7);
    expect(await count(db, "event_outbox")).toBe(9);

    // Two rows a statement: the batches loop until a short one.
    expect(await pruneEvents(db, { before: CUTOFF, batch: 2 })).toEqual({
      deliveries: 3,
      events: 4,
    });
    const left = await db.query<{ key: string; status: string }>(
      `select o.ordering_key as key, d.status from event_outbox o
         left join deliveries d on d.outbox_seq = o.seq order by o.seq`,
    );
    expect(left.rows.map((r) => [r.key.split(/\s/).pop(), r.status])).toEqual([
      ["recent-delivered", "delivered"],
      ["old-dead", "dead"],
      ["old-retrying", "retrying"],
      ["old-pending", "pending"],
      ["nobody-recent", null],
    ]);
    // Nothing more is due; the audit log keeps every leaf.
    expect(await pruneEvents(db, { before: CUTOFF })).toEqual({ deliveries: 0, events: 0 });
    expect(await count(db, "audit_entries")).toBe(9);
  });
});

describe("the node's event retention option", () => {
  it.each([0, 1000, Number.NaN, Number.POSITIVE_INFINITY])(
    "%s ms is refused before anything is opened",
    async (retentionMs) => {
      await expect(
        createExchangeNode({ events: { retentionMs } } as unknown as ExchangeNodeOptions),
      ).rejects.toMatchObject({ code: "config_invalid", params: { retentionMs } });
    },
  );
});
