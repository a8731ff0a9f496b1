import { describe, expect, test } from "vitest";
import { answerDeadline } from "../src/calendar/index.js";
import { isShareRequestOverdue, loadGrant } from "../src/sharing/index.js";
import type { Queryable } from "../src/store/index.js";
import { APPROVE, as, expectProblem, expectSchema, type World, world } from "./sharing-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

const LATE_PERIOD = { period: { from: "2026-10-01", to: "2027-09-30" } };

async function stored(db: Queryable, id: string) {
  const { rows } = await db.query<{ deadline: string; estimated: boolean }>(
    `select to_char(answer_deadline, 'YYYY-MM-DD') as deadline, deadline_estimated as estimated
       from share_requests where id = $1`,
    [id],
  );
  return rows[0];
}

async function listed(w: World, query: Record<string, unknown>) {
  const answer = await w.run("listShareRequests", { caller: as(w.requester), query });
  await expectSchema("ShareRequestPage", answer.body);
  return (answer.body as { items: { id: string; status: string; overdue: boolean }[] }).items;
}

describe("isShareRequestOverdue", () => {
  test.each<[string, Parameters<typeof isShareRequestOverdue>[0]["status"], string, boolean]>([
    ["pending, before the deadline", "pending", "2026-10-15", false],
    ["pending, on the deadline (it ends at 24:00)", "pending", "2026-10-16", false],
    ["pending, the day after", "pending", "2026-10-17", true],
    ["pending, a year after", "pending", "2027-10-17", true],
    ["approved late", "approved", "2026-10-17", false],
    ["refused late", "refused", "2026-10-17", false],
    ["revoked", "revoked", "2026-10-17", false],
    ["expired", "expired", "2026-10-17", false],
  ])("%s", (_, status, today, want) => {
    expect(isShareRequestOverdue({ status, answerDeadline: "2026-10-16" }, today)).toBe(want);
  });
});

describe.each(DRIVERS)("answer deadlines, overdue and expiry on %s", (driver) => {
  const store = sharedStore(driver);

  // Counted by hand from the State Council notice for 2026 (国办发明电〔2025〕7号: 中秋 9-25..27,
  // 国庆 10-01..07 off, Sunday 9-20 and Saturday 10-10 worked); the day of receipt is day 0.
  test.each<[string, string, string]>([
    // Mon 9-28: Tue 9-29 (1), Wed 9-30 (2), 10-01..07 off, Thu 10-08 (3), Fri 10-09 (4),
    // Sat 10-10 worked (5), Mon 10-12 .. Fri 10-16 (6..10).
    ["Monday before 国庆", "2026-09-28T10:00:00+08:00", "2026-10-16"],
    // 00:30 in Beijing is still Monday 9-28 there, though Sunday in UTC.
    ["Monday 00:30 in Beijing, Sunday in UTC", "2026-09-27T16:30:00Z", "2026-10-16"],
    // Wed 9-30 23:30: 10-08 (1), 10-09 (2), Sat 10-10 (3), 10-12..16 (4..8), 10-19 (9), 10-20 (10).
    ["the evening before 国庆", "2026-09-30T23:30:00+08:00", "2026-10-20"],
    // Fri 2-13: Sat 2-14 worked (1), 2-15..23 off, 2-24..27 (2..5), Sat 2-28 worked (6),
    // 3-02..05 (7..10).
    ["the Friday before 春节", "2026-02-13T09:00:00+08:00", "2026-03-05"],
    // Sat 3-21 (received on a weekend, counting starts after it): 3-23..27 (1..5), 3-30..4-03.
    ["a Saturday", "2026-03-21T11:00:00+08:00", "2026-04-03"],
  ])("received %s (%s): due %s", async (_, at, due) => {
    const w = await world(store(), "有条件共享", at);
    const created = await w.create({ period: { from: "2026-03-21", to: "2027-09-30" } });
    expect(created).toMatchObject({ answerDeadline: due, answerDeadlineEstimated: false });
    expect(answerDeadline(at).dueOn).toBe(due);
    expect(await stored(w.db, created.id)).toEqual({ deadline: due, estimated: false });
  });

  test("a year without a holiday notice (2031): Monday to Friday, flagged as estimated", async () => {
    const w = await world(store(), "有条件共享", "2031-03-03T10:00:00+08:00");
    const created = await w.create({ period: { from: "2031-04-01", to: "2031-12-31" } });
    // Mon 3-03: Tue 3-04 .. Fri 3-07 (1..4), 3-10..14 (5..9), Mon 3-17 (10).
    expect(created).toMatchObject({ answerDeadline: "2031-03-17", answerDeadlineEstimated: true });
    expect(created.id).toMatch(/^sr-20310303-/);
    expect(await stored(w.db, created.id)).toEqual({ deadline: "2031-03-17", estimated: true });
  });

  test("overdue from 00:00 in Beijing the day after the deadline, until answered", async () => {
    const w = await world(store(), "有条件共享", "2026-09-28T10:00:00+08:00");
    const { id } = await w.create(LATE_PERIOD);
    const get = async () => {
      const answer = await w.run("getShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
      });
      await expectSchema("ShareRequest", answer.body);
      return answer.body as { status: string; overdue: boolean };
    };

    w.clock.set("2026-10-16T23:59:59.999+08:00");
    expect(await get()).toMatchObject({ status: "pending", overdue: false });
    expect(await listed(w, { overdue: true })).toEqual([]);
    expect((await listed(w, { overdue: false })).map((r) => r.id)).toEqual([id]);

    w.clock.advance(1);
    expect(await get()).toMatchObject({ status: "pending", overdue: true });
    expect(await listed(w, { overdue: true })).toMatchObject([{ id, overdue: true }]);
    expect(await listed(w, { overdue: "true" })).toMatchObject([{ id, overdue: true }]);
    expect(await listed(w, { status: "pending" })).toMatchObject([{ id, overdue: true }]);
    expect(await listed(w, { overdue: false })).toEqual([]);

    // A late answer is still an answer; the request is no longer overdue.
    const decided = await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: id },
      body: { ...APPROVE, grantedPeriod: { from: "2026-10-17", to: "2027-06-30" } },
    });
    expect(decided.body).toMatchObject({ status: "approved", overdue: false });
    expect(await listed(w, { overdue: true })).toEqual([]);
  });

  test("a grant reads as expired from the day after its period, everywhere", async () => {
    const w = await world(store());
    const { id } = await w.create();
    await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: id },
      body: APPROVE,
    });

    w.clock.set("2026-12-31T23:59:59.999+08:00");
    expect((await loadGrant(w.db, id, "2026-12-31"))?.status).toBe("approved");
    expect(await listed(w, { status: "approved" })).toMatchObject([{ id, status: "approved" }]);
    expect(await listed(w, { status: "expired" })).toEqual([]);

    w.clock.advance(1);
    const got = await w.run("getShareRequest", {
      caller: as(w.requester),
      path: { shareRequestId: id },
    });
    await expectSchema("ShareRequest", got.body);
    expect(got.body).toMatchObject({ status: "expired", decision: { outcome: "approved" } });
    expect(await listed(w, { status: "expired" })).toMatchObject([{ id, status: "expired" }]);
    expect(await listed(w, { status: "approved" })).toEqual([]);
    expect(await loadGrant(w.db, id, "2027-01-01")).toMatchObject({
      status: "expired",
      grantedTo: "2026-12-31",
    });
    // Without a date the stored status comes back; the access rules then check the period.
    expect((await loadGrant(w.db, id))?.status).toBe("approved");

    await expectProblem(
      w.run("revokeShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: { reason: "终止" },
      }),
      { slug: "conflict", status: 409, code: "share_request_expired" },
    );
    await expectProblem(
      w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: { outcome: "refused", reason: "改为拒绝" },
      }),
      { slug: "conflict", status: 409, code: "share_request_expired" },
    );
    const { rows } = await w.db.query("select status from share_requests where id = $1", [id]);
    expect(rows[0]?.status).toBe("approved");
  });
});
