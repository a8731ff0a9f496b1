import { describe, expect, test } from "vitest";
import type { Caller } from "../src/server/operation.js";
import {
  APPROVE,
  addMember,
  addResource,
  as,
  asOperator,
  expectProblem,
  expectSchema,
  type World,
  world,
} from "./sharing-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

interface Item {
  id: string;
  status: string;
  requester: string;
  provider: string;
  createdAt: string;
}

/** One page, checked against the spec. */
async function listPage(w: World, caller: Caller, query: Record<string, unknown> = {}) {
  const answer = await w.run("listShareRequests", { caller, query });
  expect(answer.status).toBe(200);
  await expectSchema("ShareRequestPage", answer.body);
  return answer.body as { items: Item[]; nextCursor?: string };
}

/** Every page, following nextCursor. */
async function listAll(w: World, caller: Caller, query: Record<string, unknown> = {}) {
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listPage(w, caller, { ...query, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === undefined) return items;
  }
  throw new Error("more than 100 pages");
}

const newestFirst = (a: Item, b: Item) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

describe.each(DRIVERS)("listing share requests on %s", (driver) => {
  const store = sharedStore(driver);

  test("newest first with a stable cursor, ties on the same instant included", async () => {
    const w = await world(store());
    const ids: string[] = [];
    for (const at of ["2026-03-20T09:30:00+08:00", "2026-03-20T10:00:00+08:00"]) {
      w.clock.set(at);
      for (let i = 0; i < 3; i++) ids.push((await w.create()).id);
    }
    w.clock.set("2026-03-21T08:00:00.123+08:00");
    ids.push((await w.create()).id);

    const all = await listAll(w, as(w.requester), { limit: 2 });
    expect(all.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(all).toEqual([...all].sort(newestFirst));
    expect(all[0]?.createdAt).toBe("2026-03-21T08:00:00.123+08:00");

    // A cursor stays valid while rows are added before it: the next page is unchanged.
    const first = await listPage(w, as(w.requester), { limit: 3 });
    w.clock.set("2026-03-22T08:00:00+08:00");
    await w.create();
    const second = await listPage(w, as(w.requester), { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((r) => r.id)).toEqual(all.slice(3, 6).map((r) => r.id));
  });

  test("roles and statuses filter; others see none of it", async () => {
    const w = await world(store());
    const pending = await w.create();
    const approved = await w.create();
    const refused = await w.create();
    const revoked = await w.create();
    await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: approved.id },
      body: APPROVE,
    });
    await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: refused.id },
      body: { outcome: "refused", reason: "不符合共享条件" },
    });
    await w.run("revokeShareRequest", {
      caller: as(w.requester),
      path: { shareRequestId: revoked.id },
      body: { reason: "撤回" },
    });
    const mine = [pending, approved, refused, revoked].map((r) => r.id).sort();

    const ids = (items: Item[]) => items.map((r) => r.id).sort();
    expect(ids(await listAll(w, as(w.requester)))).toEqual(mine);
    expect(ids(await listAll(w, as(w.requester), { role: "requester" }))).toEqual(mine);
    expect(await listAll(w, as(w.requester), { role: "provider" })).toEqual([]);
    expect(ids(await listAll(w, as(w.provider), { role: "provider" }))).toEqual(mine);
    expect(await listAll(w, as(w.provider))).toEqual([]);
    expect(await listAll(w, as(w.stranger))).toEqual([]);
    expect(await listAll(w, as(w.stranger), { role: "provider" })).toEqual([]);
    for (const [status, id] of [
      ["pending", pending.id],
      ["approved", approved.id],
      ["refused", refused.id],
      ["revoked", revoked.id],
    ] as const) {
      const items = await listAll(w, as(w.provider), { role: "provider", status });
      expect(items.map((r) => [r.id, r.status])).toEqual([[id, status]]);
    }
    expect(await listAll(w, as(w.requester), { status: "expired" })).toEqual([]);

    // The operator sees every request, and its own by role.
    const everything = ids(await listAll(w, asOperator(w.operator), { limit: 500 }));
    for (const id of mine) expect(everything).toContain(id);
    expect(await listAll(w, asOperator(w.operator), { role: "requester" })).toEqual([]);
    const other = await addResource(w.db, w.provider);
    const own = await w.create({ resourceCode: other }, w.operator);
    expect(ids(await listAll(w, asOperator(w.operator), { role: "requester" }))).toEqual([own.id]);
  });

  test("a page holds 50 requests unless told otherwise", async () => {
    const w = await world(store());
    const requester = await addMember(w.db, "大量申请方");
    for (let i = 0; i < 51; i++) await w.create({}, requester);
    const first = await listPage(w, as(requester));
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toBeDefined();
    const rest = await listPage(w, as(requester), { cursor: first.nextCursor });
    expect(rest.items).toHaveLength(1);
    expect(rest).not.toHaveProperty("nextCursor");
  });

  test.each<[string, string]>([
    ["not base64 JSON", "not a cursor!"],
    ["a JSON object", Buffer.from('{"__proto__":{"polluted":1}}').toString("base64url")],
    ["a number", Buffer.from("42").toString("base64url")],
    ["no date", Buffer.from('["yesterday","sr-1"]').toString("base64url")],
    [
      "a date that does not exist",
      Buffer.from('["2026-02-30T00:00:00.000000Z","sr-1"]').toString("base64url"),
    ],
    [
      "an injection as id",
      Buffer.from(`["2026-03-20T01:30:00.000000Z","x' or 1=1 --"]`).toString("base64url"),
    ],
    ["a huge value", "A".repeat(512)],
  ])("a cursor that is %s: 400, never a crash", async (_, cursor) => {
    const w = await world(store());
    await expectProblem(
      w.run("listShareRequests", { caller: as(w.requester), query: { cursor } }),
      {
        slug: "bad-request",
        status: 400,
        code: "cursor_invalid",
      },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
