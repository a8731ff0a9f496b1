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
  seedShareRequest,
} from "./events-bulk-fixtures.js";
import { DRIVERS, must, sharedStore } from "./store-drivers.js";

const HOOK = "https://dept-b.example.gov.cn/hooks/govex";

describe.each(DRIVERS)("subscriptions on %s", (driver) => {
  const store = sharedStore(driver);
  let db: Db;
  beforeAll(async () => {
    db = store();
    await seedMembers(db);
  });

  const subscribe = (who: string, body: Record<string, unknown>) =>
    call(eventHandlers, request("createSubscription", who, { body }), nodeServices(db));

  test("life cycle: subscribe, read, list, count deliveries, unsubscribe", async () => {
    const node = nodeServices(db);
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    const created = await subscribe(CONSUMER, {
      resourceCode,
      url: HOOK,
      eventTypes: ["dev.govex.record.updated", "dev.govex.record.updated"],
    });
    expect(created.result.status).toBe(201);
    await expectSchema("Subscription", created.result.body);
    const sub = created.result.body as Record<string, unknown>;
    expect(sub).toMatchObject({
      resourceCode,
      url: HOOK,
      eventTypes: ["dev.govex.record.updated"],
      status: "active",
      pending: 0,
      deadLetters: 0,
    });
    expect(sub.id).toMatch(/^sub-[A-Za-z0-9_-]+$/);
    expect(Date.parse(sub.createdAt as string)).toBe(Date.parse(NOW));
    expect(created.facts).toEqual({ resourceCode, provider: PROVIDER });
    const id = sub.id as string;

    const read = await call(
      eventHandlers,
      request("getSubscription", CONSUMER, { path: { subscriptionId: id } }),
      node,
    );
    expect(read.result).toEqual({ status: 200, body: sub });

    // Deliveries in every state: pending and retrying count as pending, dead as dead letters.
    const ids = {
      pending: await seedDelivery(db, id, "pending"),
      delivered: await seedDelivery(db, id, "delivered"),
      retrying: await seedDelivery(db, id, "retrying"),
      dead: await seedDelivery(db, id, "dead"),
      cancelled: await seedDelivery(db, id, "cancelled"),
    };
    const counted = await call(
      eventHandlers,
      request("getSubscription", CONSUMER, { path: { subscriptionId: id } }),
      node,
    );
    expect(counted.result.body).toMatchObject({ pending: 2, deadLetters: 1 });

    // listDeliveries: cancelled rows are internal, pages follow the cursor.
    const seen: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const pageResult = await call(
        eventHandlers,
        request("listDeliveries", CONSUMER, {
          path: { subscriptionId: id },
          query: { limit: 3, ...(cursor === undefined ? {} : { cursor }) },
        }),
        node,
      );
      await expectSchema("DeliveryPage", pageResult.result.body);
      const body = pageResult.result.body as {
        items: Record<string, unknown>[];
        nextCursor?: string;
      };
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    expect(seen.map((d) => d.id)).toEqual([ids.pending, ids.delivered, ids.retrying, ids.dead]);
    expect(seen.map((d) => d.status)).toEqual(["pending", "delivered", "retrying", "dead"]);
    expect(seen[0]).toHaveProperty("nextAttemptAt");
    expect(seen[1]).not.toHaveProperty("nextAttemptAt");
    expect(seen[1]).toMatchObject({ lastStatusCode: 204, attempts: 3 });
    expect(seen[3]).toMatchObject({ lastStatusCode: 503, lastError: "订阅方返回 503" });

    // listSubscriptions: the caller's own only.
    const otherResource = await seedResource(db, { shareType: "无条件共享" });
    await subscribe(OTHER, { resourceCode: otherResource, url: HOOK });
    const listed = await call(
      eventHandlers,
      request("listSubscriptions", CONSUMER, { query: { limit: 500 } }),
      node,
    );
    await expectSchema("SubscriptionPage", listed.result.body);
    const items = (listed.result.body as { items: { id: string; resourceCode: string }[] }).items;
    expect(items.map((s) => s.id)).toContain(id);
    expect(items.every((s) => s.resourceCode !== otherResource)).toBe(true);

    // Unsubscribe: pending, retrying and dead deliveries are cancelled, delivered ones kept.
    const deleted = await call(
      eventHandlers,
      request("deleteSubscription", CONSUMER, { path: { subscriptionId: id } }),
      node,
    );
    expect(deleted.result).toEqual({ status: 204 });
    expect(deleted.facts).toEqual({ resourceCode });
    const { rows } = await db.query<{ id: string; status: string }>(
      "select id, status from deliveries where subscription_id = $1",
      [id],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [ids.pending]: "cancelled",
      [ids.delivered]: "delivered",
      [ids.retrying]: "cancelled",
      [ids.dead]: "cancelled",
      [ids.cancelled]: "cancelled",
    });
    for (const operationId of ["getSubscription", "listDeliveries", "deleteSubscription"])
      await expectProblem(
        call(eventHandlers, request(operationId, CONSUMER, { path: { subscriptionId: id } }), node),
        404,
        "not_found",
      );
    const after = await call(
      eventHandlers,
      request("listSubscriptions", CONSUMER, { query: { limit: 500 } }),
      node,
    );
    expect((after.result.body as { items: { id: string }[] }).items.map((s) => s.id)).not.toContain(
      id,
    );
    // The same webhook can subscribe again once the first subscription is gone.
    const again = await subscribe(CONSUMER, { resourceCode, url: HOOK });
    expect(again.result.status).toBe(201);
    expect((again.result.body as { id: string }).id).not.toBe(id);
  });

  test("share types decide who may subscribe", async () => {
    const unconditional = await seedResource(db, { shareType: "无条件共享" });
    const conditional = await seedResource(db, { shareType: "有条件共享" });
    const notShared = await seedResource(db, { shareType: "不予共享" });
    const withdrawn = await seedResource(db, { shareType: "无条件共享", status: "withdrawn" });

    // Share requests of the consumer for `conditional` that do not grant it.
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: conditional,
      status: "pending",
    });
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: conditional,
      status: "refused",
    });
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: conditional,
      status: "revoked",
    });
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: conditional,
      status: "approved",
      grantedTo: "2026-03-09", // the day before NOW
    });
    // An approved request of another member, and one of the consumer for another resource.
    await seedShareRequest(db, { requester: OTHER, resourceCode: conditional, status: "approved" });
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: unconditional,
      status: "approved",
    });

    const before = await count(db, "subscriptions");
    // [case, member, resource, status, code]
    const refused: [string, string, string, number, string][] = [
      ["unknown resource", CONSUMER, "101001/NOSUCH", 404, "not_found"],
      ["不予共享", CONSUMER, notShared, 403, "not_shared"],
      ["不予共享, even for the operator", OPERATOR, notShared, 403, "not_shared"],
      ["有条件共享 without a valid grant", CONSUMER, conditional, 403, "share_request_required"],
      ["有条件共享, the operator has none", OPERATOR, conditional, 403, "share_request_required"],
      ["withdrawn", CONSUMER, withdrawn, 403, "resource_withdrawn"],
    ];
    for (const [name, who, resourceCode, status, code] of refused) {
      const problem = await expectProblem(
        subscribe(who, { resourceCode, url: HOOK }),
        status,
        code,
      );
      expect(problem.toProblem("en").detail, name).toBeTruthy();
    }
    expect(await count(db, "subscriptions")).toBe(before);

    // Allowed: unconditional for anyone, conditional with a grant valid today (the last day
    // counts), the provider on its own resource whatever its share type.
    await seedShareRequest(db, {
      requester: CONSUMER,
      resourceCode: conditional,
      status: "approved",
      grantedTo: "2026-03-10",
    });
    for (const [who, resourceCode] of [
      [OTHER, unconditional],
      [CONSUMER, conditional],
      [PROVIDER, notShared],
      [PROVIDER, conditional],
    ] as const) {
      const { result, facts } = await subscribe(who, { resourceCode, url: HOOK });
      expect(result.status, `${who} ${resourceCode}`).toBe(201);
      expect(facts.provider).toBe(PROVIDER);
    }
  });

  test("webhook URLs and event types are checked, and one webhook subscribes once", async () => {
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    const before = await count(db, "subscriptions");
    // [case, body changes, code, path]
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        "user and password",
        { url: "https://user:secret@dept.example.gov.cn/hook" },
        "url_credentials",
        "/url",
      ],
      ["user only", { url: "https://token@dept.example.gov.cn/hook" }, "url_credentials", "/url"],
      [
        "password only",
        { url: "http://:secret@dept.example.gov.cn/hook" },
        "url_credentials",
        "/url",
      ],
      ["another scheme", { url: "ftp://dept.example.gov.cn/hook" }, "url_scheme", "/url"],
      ["javascript:", { url: "javascript:alert(1)" }, "url_scheme", "/url"],
      ["not a URL", { url: "https://" }, "url_invalid", "/url"],
      ["a fragment", { url: "https://dept.example.gov.cn/hook#x" }, "url_fragment", "/url"],
      ["huge", { url: `https://dept.example.gov.cn/${"a".repeat(5000)}` }, "url_too_long", "/url"],
      ["event type form", { eventTypes: ["Created"] }, "event_type_invalid", "/eventTypes/0"],
      [
        "__proto__ as a type",
        { eventTypes: ["dev.govex.a", "__proto__"] },
        "event_type_invalid",
        "/eventTypes/1",
      ],
      [
        "injection as a type",
        { eventTypes: ["x'; drop table subscriptions; --"] },
        "event_type_invalid",
        "/eventTypes/0",
      ],
    ];
    for (const [name, changes, code, path] of cases) {
      const problem = await expectProblem(
        subscribe(CONSUMER, { resourceCode, url: HOOK, ...changes }),
        422,
        "validation_failed",
      );
      expect(problem.errors, name).toEqual([expect.objectContaining({ path, code })]);
    }
    expect(await count(db, "subscriptions")).toBe(before);

    // Odd but valid URLs are stored as WHATWG serializes them; SQL in them is only text.
    const hostile = "https://dept.example.gov.cn/hook?q=1'; drop table subscriptions; --";
    const created = await subscribe(CONSUMER, { resourceCode, url: hostile, eventTypes: [] });
    await expectSchema("Subscription", created.result.body);
    expect(created.result.body).toMatchObject({ url: new URL(hostile).href });
    expect(created.result.body).not.toHaveProperty("eventTypes");

    // The same member, resource and URL (after normalization) again: 409, naming the first.
    const first = (await subscribe(CONSUMER, { resourceCode, url: HOOK })).result.body as {
      id: string;
    };
    const duplicate = await expectProblem(
      subscribe(CONSUMER, { resourceCode, url: "HTTPS://DEPT-B.example.gov.cn:443/hooks/govex" }),
      409,
      "subscription_exists",
    );
    expect(duplicate.toProblem("en").detail).toContain(first.id);
    // Another member may use the same webhook.
    expect((await subscribe(OTHER, { resourceCode, url: HOOK })).result.status).toBe(201);
  });

  test("a subscription is invisible to other members, visible to the operator", async () => {
    const node = nodeServices(db);
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    const { id } = (await subscribe(CONSUMER, { resourceCode, url: HOOK })).result.body as {
      id: string;
    };
    await seedDelivery(db, id, "pending");
    for (const operationId of ["getSubscription", "listDeliveries", "deleteSubscription"]) {
      for (const subscriptionId of [id, "sub-unknown", "x' or '1'='1", "__proto__"])
        await expectProblem(
          call(eventHandlers, request(operationId, OTHER, { path: { subscriptionId } }), node),
          404,
          "not_found",
        );
    }
    expect(
      await count(db, "deliveries where subscription_id = $1 and status = 'pending'", [id]),
    ).toBe(1);
    const asOperator = await call(
      eventHandlers,
      request("getSubscription", OPERATOR, { path: { subscriptionId: id } }),
      node,
    );
    expect(asOperator.result.body).toMatchObject({ id, pending: 1 });
    const deliveries = await call(
      eventHandlers,
      request("listDeliveries", OPERATOR, { path: { subscriptionId: id } }),
      node,
    );
    expect((deliveries.result.body as { items: unknown[] }).items).toHaveLength(1);
    // The operator's own list holds only the operator's subscriptions.
    const list = await call(eventHandlers, request("listSubscriptions", OPERATOR), node);
    expect((list.result.body as { items: { id: string }[] }).items.map((s) => s.id)).not.toContain(
      id,
    );
    // The operator may remove it.
    const removed = await call(
      eventHandlers,
      request("deleteSubscription", OPERATOR, { path: { subscriptionId: id } }),
      node,
    );
    expect(removed.result.status).toBe(204);
  });

  test("list pages follow the cursor; a forged cursor is a 400", async () => {
    const clock = fixedClock(NOW);
    const node = nodeServices(db, clock);
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Two share a creation time: the id breaks the tie.
      if (i !== 2) clock.advance(1000);
      const { result } = await call(
        eventHandlers,
        request("createSubscription", PROVIDER, {
          body: { resourceCode, url: `https://provider.example.gov.cn/hook/${i}` },
        }),
        node,
      );
      made.push((result.body as { id: string }).id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { result } = await call(
        eventHandlers,
        request("listSubscriptions", PROVIDER, {
          query: { limit: 2, ...(cursor === undefined ? {} : { cursor }) },
        }),
        node,
      );
      await expectSchema("SubscriptionPage", result.body);
      const body = result.body as { items: { id: string }[]; nextCursor?: string };
      seen.push(...body.items.map((s) => s.id));
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    expect(seen.filter((id) => made.includes(id)).sort()).toEqual([...made].sort());
    expect(new Set(seen).size).toBe(seen.length);

    for (const [operationId, extra] of [
      ["listSubscriptions", {}],
      ["listDeadLetters", {}],
      ["listDeliveries", { path: { subscriptionId: must(made[0]) } }],
    ] as const)
      for (const forged of ["not-base64!", Buffer.from('{"a":1}').toString("base64url"), "e30"])
        await expectProblem(
          call(
            eventHandlers,
            request(operationId, PROVIDER, { ...extra, query: { cursor: forged } }),
            node,
          ),
          400,
          "cursor_invalid",
        );
  });
});
