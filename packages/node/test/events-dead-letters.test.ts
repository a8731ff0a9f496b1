import { beforeAll, describe, expect, test } from "vitest";
import { fixedClock } from "../src/calendar/index.js";
import { eventHandlers } from "../src/events/index.js";
import type { Db } from "../src/store/index.js";
import {
  CONSUMER,
  call,
  count,
  expectProblem,
  expectSchema,
  NOW,
  nodeServices,
  OPERATOR,
  OTHER,
  PROVIDER,
  request,
  seedDelivery,
  seedMembers,
  seedResource,
} from "./events-bulk-fixtures.js";
import { DRIVERS, must, sharedStore } from "./store-drivers.js";

interface DeliveryJson {
  id: string;
  subscriptionId: string;
  status: string;
  attempts: number;
  nextAttemptAt?: string;
}

describe.each(DRIVERS)("dead letters on %s", (driver) => {
  const store = sharedStore(driver);
  let db: Db;
  beforeAll(async () => {
    db = store();
    await seedMembers(db);
  });

  async function subscription(member: string): Promise<string> {
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    const { result } = await call(
      eventHandlers,
      request("createSubscription", member, {
        body: { resourceCode, url: `https://${member.toLowerCase()}.example.gov.cn/hook` },
      }),
      nodeServices(db),
    );
    return (result.body as { id: string }).id;
  }

  async function deadLetters(
    who: string,
    query: Record<string, unknown> = {},
  ): Promise<DeliveryJson[]> {
    const all: DeliveryJson[] = [];
    let cursor: string | undefined;
    do {
      const { result } = await call(
        eventHandlers,
        request("listDeadLetters", who, {
          query: { limit: 2, ...query, ...(cursor === undefined ? {} : { cursor }) },
        }),
        nodeServices(db),
      );
      expect(result.status).toBe(200);
      await expectSchema("DeliveryPage", result.body);
      const body = result.body as { items: DeliveryJson[]; nextCursor?: string };
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    return all;
  }

  test("the operator lists every dead letter, a member those of its own subscriptions", async () => {
    const mine = await subscription(CONSUMER);
    const theirs = await subscription(OTHER);
    const deadMine = [await seedDelivery(db, mine, "dead"), await seedDelivery(db, mine, "dead")];
    const deadTheirs = await seedDelivery(db, theirs, "dead");
    await seedDelivery(db, mine, "pending");
    await seedDelivery(db, mine, "delivered");
    await seedDelivery(db, theirs, "retrying");

    const operatorSees = (await deadLetters(OPERATOR)).map((d) => d.id);
    expect(operatorSees).toEqual(expect.arrayContaining([...deadMine, deadTheirs]));
    const consumerSees = await deadLetters(CONSUMER);
    expect(consumerSees.map((d) => d.id)).toEqual(deadMine);
    expect(consumerSees.every((d) => d.status === "dead" && d.attempts === 3)).toBe(true);
    expect((await deadLetters(OTHER)).map((d) => d.id)).toEqual([deadTheirs]);

    // The filter narrows; another member's subscription id gives nothing away.
    expect((await deadLetters(OPERATOR, { subscriptionId: theirs })).map((d) => d.id)).toEqual([
      deadTheirs,
    ]);
    expect(await deadLetters(CONSUMER, { subscriptionId: theirs })).toEqual([]);
    expect(await deadLetters(CONSUMER, { subscriptionId: "x' or '1'='1" })).toEqual([]);
    expect(await deadLetters(PROVIDER)).toEqual([]);
  });

  test("replay: operator only, dead letters only, the event queued again as it was", async () => {
    const clock = fixedClock(NOW);
    const node = nodeServices(db, clock);
    const sub = await subscription(CONSUMER);
    const dead = await seedDelivery(db, sub, "dead", 8);
    const replay = (who: string, deliveryId: string) =>
      call(eventHandlers, request("replayDeadLetter", who, { path: { deliveryId } }), node);
    const stateOf = async (id: string) =>
      must(
        (
          await db.query<{ status: string; attempts: number; next_attempt_at: Date | null }>(
            "select status, attempts, next_attempt_at from deliveries where id = $1",
            [id],
          )
        ).rows[0],
      );

    // Members may not, even for their own subscription: nothing changes.
    for (const who of [CONSUMER, PROVIDER, OTHER])
      await expectProblem(replay(who, dead), 403, "operator_only");
    expect(await stateOf(dead)).toMatchObject({
      status: "dead",
      attempts: 8,
      next_attempt_at: null,
    });

    clock.advance(60_000);
    const { result, facts } = await replay(OPERATOR, dead);
    expect(result.status).toBe(202);
    await expectSchema("Delivery", result.body);
    const body = result.body as DeliveryJson & { event: { id: string } };
    expect(body).toMatchObject({ id: dead, subscriptionId: sub, status: "pending", attempts: 8 });
    expect(Date.parse(must(body.nextAttemptAt))).toBe(clock.now().getTime());
    expect(facts.resourceCode).toMatch(/^101001\//);
    const stored = await stateOf(dead);
    expect(stored).toMatchObject({ status: "pending", attempts: 8 });
    expect(stored.next_attempt_at?.getTime()).toBe(clock.now().getTime());
    // The event keeps its id, so the subscriber still deduplicates.
    const { rows } = await db.query<{ event_id: string }>(
      "select event ->> 'id' as event_id from deliveries where id = $1",
      [dead],
    );
    expect(rows[0]?.event_id).toBe(body.event.id);
    // It left the dead letters and counts as pending again.
    expect((await deadLetters(CONSUMER, { subscriptionId: sub })).map((d) => d.id)).toEqual([]);
    const read = await call(
      eventHandlers,
      request("getSubscription", CONSUMER, { path: { subscriptionId: sub } }),
      node,
    );
    expect(read.result.body).toMatchObject({ pending: 1, deadLetters: 0 });

    // Again: no longer dead. Other states too. Unknown ids: 404.
    await expectProblem(replay(OPERATOR, dead), 409, "not_dead");
    await expectProblem(
      replay(OPERATOR, await seedDelivery(db, sub, "delivered")),
      409,
      "not_dead",
    );
    await expectProblem(replay(OPERATOR, await seedDelivery(db, sub, "retrying")), 409, "not_dead");
    for (const unknown of [
      "d-unknown",
      "x'; update deliveries set status = 'dead'; --",
      "__proto__",
    ])
      await expectProblem(replay(OPERATOR, unknown), 404, "not_found");
  });

  test("two concurrent replays of one dead letter: one queues it, the other gets 409", async () => {
    const node = nodeServices(db);
    const sub = await subscription(CONSUMER);
    const dead = await seedDelivery(db, sub, "dead");
    const outcomes = await Promise.allSettled(
      [0, 1].map(() =>
        call(
          eventHandlers,
          request("replayDeadLetter", OPERATOR, { path: { deliveryId: dead } }),
          node,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === "rejected");
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: "not_dead" });
  });

  test("deleting a subscription cancels its dead letters: they cannot be replayed", async () => {
    const node = nodeServices(db);
    const sub = await subscription(OTHER);
    const dead = await seedDelivery(db, sub, "dead");
    await call(
      eventHandlers,
      request("deleteSubscription", OTHER, { path: { subscriptionId: sub } }),
      node,
    );
    expect(await deadLetters(OPERATOR, { subscriptionId: sub })).toEqual([]);
    await expectProblem(
      call(
        eventHandlers,
        request("replayDeadLetter", OPERATOR, { path: { deliveryId: dead } }),
        node,
      ),
      404,
      "not_found",
    );
    expect(await count(db, "deliveries where id = $1 and status = 'cancelled'", [dead])).toBe(1);
  });
});
