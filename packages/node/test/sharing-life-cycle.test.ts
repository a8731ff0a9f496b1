import { describe, expect, test } from "vitest";
import { decideAccess } from "../src/access/index.js";
import { loadGrant } from "../src/sharing/index.js";
import type { Queryable } from "../src/store/index.js";
import {
  APPROVE,
  addResource,
  as,
  asOperator,
  expectProblem,
  expectSchema,
  INPUT,
  ITEMS,
  type World,
  world,
} from "./sharing-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

async function rowOf(db: Queryable, id: string) {
  const { rows } = await db.query("select * from share_requests where id = $1", [id]);
  return rows[0];
}

async function count(db: Queryable) {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from share_requests");
  return rows[0]?.n;
}

describe.each(DRIVERS)("share requests on %s", (driver) => {
  const store = sharedStore(driver);

  test("create, read by each party, approve, use, end: the whole life of a grant", async () => {
    const w = await world(store());
    const created = await w.create();
    expect(created).toMatchObject({
      status: "pending",
      requester: w.requester,
      provider: w.provider,
      request: { resourceCode: w.resource, ...INPUT },
      createdAt: "2026-03-20T09:30:00.000+08:00",
      // 2026-03-20 is a Friday; ten working days later, no holiday between: Friday 2026-04-03.
      answerDeadline: "2026-04-03",
      overdue: false,
      answerDeadlineEstimated: false,
    });
    expect(created.id).toMatch(/^sr-20260320-[0-9a-f]{16}$/);
    expect(created).not.toHaveProperty("decision");

    for (const who of [as(w.requester), as(w.provider), asOperator(w.operator)]) {
      const got = await w.run("getShareRequest", {
        caller: who,
        path: { shareRequestId: created.id },
      });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created);
      await expectSchema("ShareRequest", got.body);
    }
    const pending = await loadGrant(w.db, created.id);
    expect(pending).toMatchObject({
      id: created.id,
      status: "pending",
      requesterCode: w.requester,
    });
    expect(pending).not.toHaveProperty("grantedFields");

    w.clock.set("2026-03-25T15:00:00+08:00");
    const decided = await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: created.id },
      body: APPROVE,
    });
    expect(decided.status).toBe(200);
    await expectSchema("ShareRequest", decided.body);
    expect(decided.body).toMatchObject({
      id: created.id,
      status: "approved",
      decision: { ...APPROVE, clearText: false },
      decidedAt: "2026-03-25T15:00:00.000+08:00",
    });
    expect(decided.facts).toEqual({
      resourceCode: w.resource,
      provider: w.provider,
      shareRequestId: created.id,
      purpose: INPUT.purpose,
      fields: APPROVE.grantedFields,
    });
    const stored = await rowOf(w.db, created.id);
    expect(stored).toMatchObject({ decided_by: w.provider, clear_text: false });

    // The access rules accept the grant from loadGrant as is.
    const grant = await loadGrant(w.db, created.id, "2026-04-02");
    expect(grant).toEqual({
      id: created.id,
      requesterCode: w.requester,
      resourceCode: w.resource,
      status: "approved",
      grantedFields: ["name", "residentId"],
      grantedFrom: "2026-04-01",
      grantedTo: "2026-12-31",
      clearText: false,
    });
    const resource = {
      resourceCode: w.resource,
      providerCode: w.provider,
      shareType: "有条件共享" as const,
      status: "published" as const,
      fields: [...ITEMS],
      masks: {},
    };
    const access = decideAccess({
      resource,
      caller: w.requester,
      shareRequestId: created.id,
      ...(grant === undefined ? {} : { grant }),
      today: "2026-04-02",
      kind: "read",
    });
    expect(access).toMatchObject({ allowed: true, fields: ["name", "residentId"], basis: "grant" });

    w.clock.set("2026-06-01T08:00:00+08:00");
    const ended = await w.run("revokeShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: created.id },
      body: { reason: "业务已办结，不再需要。" },
    });
    expect(ended.status).toBe(200);
    await expectSchema("ShareRequest", ended.body);
    expect(ended.body).toMatchObject({ status: "revoked", decision: { outcome: "approved" } });
    expect(await rowOf(w.db, created.id)).toMatchObject({
      status: "revoked",
      revoked_by: w.provider,
      revoke_reason: "业务已办结，不再需要。",
      revoked_at: new Date("2026-06-01T00:00:00Z"),
    });
    const revoked = await loadGrant(w.db, created.id, "2026-06-01");
    expect(revoked?.status).toBe("revoked");
    const after = decideAccess({
      resource,
      caller: w.requester,
      shareRequestId: created.id,
      ...(revoked === undefined ? {} : { grant: revoked }),
      today: "2026-06-01",
      kind: "read",
    });
    expect(after).toMatchObject({ allowed: false, code: "share_request_invalid" });

    await expectProblem(
      w.run("revokeShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: created.id },
        body: { reason: "再次终止" },
      }),
      { slug: "conflict", status: 409, code: "share_request_revoked" },
    );
  });

  test("the facts of a create name the resource, provider, request and purpose", async () => {
    const w = await world(store());
    const answer = await w.run("createShareRequest", {
      caller: as(w.requester),
      body: { resourceCode: w.resource, ...INPUT },
    });
    const body = answer.body as { id: string };
    expect(answer.facts).toEqual({
      resourceCode: w.resource,
      provider: w.provider,
      shareRequestId: body.id,
      purpose: INPUT.purpose,
      fields: INPUT.fields,
    });
  });

  test("a refusal is final: no approval after it, nothing to revoke", async () => {
    const w = await world(store());
    const { id } = await w.create();
    const refused = await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: id },
      body: { outcome: "refused", reason: "申请用途与该资源的共享条件不符。" },
    });
    await expectSchema("ShareRequest", refused.body);
    expect(refused.body).toMatchObject({
      status: "refused",
      decision: { outcome: "refused", reason: "申请用途与该资源的共享条件不符。" },
    });
    expect((await loadGrant(w.db, id))?.status).toBe("refused");
    await expectProblem(
      w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: APPROVE,
      }),
      { slug: "conflict", status: 409, code: "share_request_refused" },
    );
    await expectProblem(
      w.run("revokeShareRequest", {
        caller: as(w.requester),
        path: { shareRequestId: id },
        body: { reason: "撤回" },
      }),
      { slug: "conflict", status: 409, code: "share_request_refused" },
    );
  });

  test("the requester withdraws a pending request; it can no longer be answered", async () => {
    const w = await world(store());
    const { id } = await w.create();
    const withdrawn = await w.run("revokeShareRequest", {
      caller: as(w.requester),
      path: { shareRequestId: id },
      body: { reason: "申请有误，撤回。" },
    });
    await expectSchema("ShareRequest", withdrawn.body);
    expect(withdrawn.body).toMatchObject({ status: "revoked" });
    expect(withdrawn.body).not.toHaveProperty("decision");
    expect(withdrawn.facts).toMatchObject({ shareRequestId: id, provider: w.provider });
    await expectProblem(
      w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: APPROVE,
      }),
      { slug: "conflict", status: 409, code: "share_request_revoked" },
    );
  });

  test("the operator decides and revokes on anyone's behalf", async () => {
    const w = await world(store());
    const { id } = await w.create();
    const decided = await w.run("decideShareRequest", {
      caller: asOperator(w.operator),
      path: { shareRequestId: id },
      body: { ...APPROVE, clearText: true },
    });
    expect(decided.body).toMatchObject({ status: "approved", decision: { clearText: true } });
    expect(await rowOf(w.db, id)).toMatchObject({ decided_by: w.operator, clear_text: true });
    const ended = await w.run("revokeShareRequest", {
      caller: asOperator(w.operator),
      path: { shareRequestId: id },
      body: { reason: "平台终止" },
    });
    expect(ended.body).toMatchObject({ status: "revoked" });
    const second = await w.create();
    const withdrawn = await w.run("revokeShareRequest", {
      caller: asOperator(w.operator),
      path: { shareRequestId: second.id },
      body: { reason: "平台撤回" },
    });
    expect(withdrawn.body).toMatchObject({ status: "revoked" });
  });

  test("无条件共享: a request is accepted (it is how clear text is asked for)", async () => {
    const w = await world(store(), "无条件共享");
    const { id } = await w.create();
    const decided = await w.run("decideShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: id },
      body: { ...APPROVE, clearText: true },
    });
    await expectSchema("ShareRequest", decided.body);
    const grant = await loadGrant(w.db, id, "2026-05-01");
    expect(grant).toMatchObject({ status: "approved", clearText: true });
  });

  describe("create refusals write nothing", () => {
    test.each<
      [string, (w: World) => Promise<object>, { slug: string; status: number; code: string }]
    >([
      [
        "an unknown resource",
        async () => ({ resourceCode: "101001/NOSUCH1" }),
        { slug: "not-found", status: 404, code: "not_found" },
      ],
      [
        "a withdrawn resource",
        async (w) => ({
          resourceCode: await addResource(w.db, w.provider, "有条件共享", "withdrawn"),
        }),
        { slug: "conflict", status: 409, code: "resource_withdrawn" },
      ],
      [
        "a resource that is not shared (不予共享)",
        async (w) => ({ resourceCode: await addResource(w.db, w.provider, "不予共享") }),
        { slug: "not-shared", status: 403, code: "not_shared" },
      ],
      [
        "the requester's own resource",
        async (w) => ({ resourceCode: await addResource(w.db, w.requester) }),
        { slug: "validation-failed", status: 422, code: "share_request_own_resource" },
      ],
      [
        "a period that ends before it begins",
        async () => ({ period: { from: "2026-05-01", to: "2026-04-30" } }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "a period already over",
        async () => ({ period: { from: "2025-01-01", to: "2026-03-19" } }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "a purpose holding U+0000",
        async () => ({ purpose: "核对\u0000身份" }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "a field with a lone surrogate",
        async () => ({ fields: ["name", "\uD800x"] }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
    ])("%s", async (_, body, want) => {
      const w = await world(store());
      const before = await count(w.db);
      const extra = await body(w);
      await expectProblem(
        w.run("createShareRequest", {
          caller: as(w.requester),
          body: { resourceCode: w.resource, ...INPUT, ...extra },
        }),
        want,
      );
      expect(await count(w.db)).toBe(before);
    });

    test("every requested field that is not an item is named, hostile names included", async () => {
      const w = await world(store());
      const before = await count(w.db);
      const hostile = [
        "name",
        "__proto__",
        "'; drop table share_requests; --",
        "constructor",
        "𠀀".repeat(64),
        "residentId",
        "$1",
      ];
      const problem = await expectProblem(
        w.run("createShareRequest", {
          caller: as(w.requester),
          body: { resourceCode: w.resource, ...INPUT, fields: hostile },
          lang: "en",
        }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      );
      expect(problem.errors?.map((e) => [e.path, e.code])).toEqual([
        ["/fields/1", "unknown_field"],
        ["/fields/2", "unknown_field"],
        ["/fields/3", "unknown_field"],
        ["/fields/4", "unknown_field"],
        ["/fields/6", "unknown_field"],
      ]);
      expect(problem.errors?.[3]?.message).toContain("𠀀𠀀𠀀");
      expect(await count(w.db)).toBe(before);
      const { rows } = await w.db.query("select to_regclass('share_requests') as t");
      expect(rows[0]?.t).toBe("share_requests");
    });

    test("unknown fields and a bad period are reported together", async () => {
      const w = await world(store());
      const problem = await expectProblem(
        w.run("createShareRequest", {
          caller: as(w.requester),
          body: {
            resourceCode: w.resource,
            ...INPUT,
            fields: ["nope"],
            period: { from: "2026-05-01", to: "2026-04-01" },
          },
        }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(["/fields/0", "/period/to"]);
    });
  });

  test("hostile text is stored and returned as data", async () => {
    const w = await world(store());
    const purpose = `'); delete from share_requests; -- ${"政务".repeat(230)}`;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, as data
    const legalBasis = "<script>alert(1)</script> ${process.exit()} \\u0000";
    const created = await w.create({ purpose, legalBasis });
    const got = await w.run("getShareRequest", {
      caller: as(w.provider),
      path: { shareRequestId: created.id },
    });
    expect(got.body).toMatchObject({ request: { purpose, legalBasis } });
    expect(await count(w.db)).toBeGreaterThan(0);
  });

  describe("who may do what", () => {
    test("a stranger finds no request: 404 on get, decide and revoke, as for an unknown id", async () => {
      const w = await world(store());
      const { id } = await w.create();
      const before = await rowOf(w.db, id);
      for (const shareRequestId of [id, "sr-20260320-0000000000000000", "x".repeat(65), "a'--"]) {
        await expectProblem(
          w.run("getShareRequest", { caller: as(w.stranger), path: { shareRequestId } }),
          { slug: "not-found", status: 404, code: "not_found" },
        );
        await expectProblem(
          w.run("decideShareRequest", {
            caller: as(w.stranger),
            path: { shareRequestId },
            body: APPROVE,
          }),
          { slug: "not-found", status: 404, code: "not_found" },
        );
        await expectProblem(
          w.run("revokeShareRequest", {
            caller: as(w.stranger),
            path: { shareRequestId },
            body: { reason: "无权撤回" },
          }),
          { slug: "not-found", status: 404, code: "not_found" },
        );
      }
      expect(await rowOf(w.db, id)).toEqual(before);
    });

    test("the requester cannot answer its own request", async () => {
      const w = await world(store());
      const { id } = await w.create();
      const before = await rowOf(w.db, id);
      await expectProblem(
        w.run("decideShareRequest", {
          caller: as(w.requester),
          path: { shareRequestId: id },
          body: APPROVE,
        }),
        { slug: "forbidden", status: 403, code: "not_provider" },
      );
      expect(await rowOf(w.db, id)).toEqual(before);
    });

    test("the provider refuses a pending request instead of revoking it", async () => {
      const w = await world(store());
      const { id } = await w.create();
      const before = await rowOf(w.db, id);
      await expectProblem(
        w.run("revokeShareRequest", {
          caller: as(w.provider),
          path: { shareRequestId: id },
          body: { reason: "不同意" },
        }),
        { slug: "forbidden", status: 403, code: "not_requester" },
      );
      expect(await rowOf(w.db, id)).toEqual(before);
    });

    test("the requester cannot end an approved grant; the provider can", async () => {
      const w = await world(store());
      const { id } = await w.create();
      await w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: APPROVE,
      });
      const before = await rowOf(w.db, id);
      await expectProblem(
        w.run("revokeShareRequest", {
          caller: as(w.requester),
          path: { shareRequestId: id },
          body: { reason: "不再需要" },
        }),
        { slug: "forbidden", status: 403, code: "not_provider" },
      );
      expect(await rowOf(w.db, id)).toEqual(before);
    });
  });

  describe("decision refusals write nothing", () => {
    test.each<[string, object, string[]]>([
      [
        "a granted field that was not requested",
        { ...APPROVE, grantedFields: ["name", "heightCm", "__proto__"] },
        ["/grantedFields/1", "/grantedFields/2"],
      ],
      [
        "a granted period beginning before the requested one",
        { ...APPROVE, grantedPeriod: { from: "2026-03-31", to: "2026-12-31" } },
        ["/grantedPeriod"],
      ],
      [
        "a granted period ending after the requested one",
        { ...APPROVE, grantedPeriod: { from: "2026-04-01", to: "2027-04-01" } },
        ["/grantedPeriod"],
      ],
      [
        "a reversed granted period",
        { ...APPROVE, grantedPeriod: { from: "2026-12-31", to: "2026-04-01" } },
        ["/grantedPeriod/to"],
      ],
      [
        "a refusal reason holding U+0000",
        { outcome: "refused", reason: "不符\u0000合" },
        ["/reason"],
      ],
    ])("%s", async (_, body, paths) => {
      const w = await world(store());
      const { id } = await w.create();
      const before = await rowOf(w.db, id);
      const problem = await expectProblem(
        w.run("decideShareRequest", { caller: as(w.provider), path: { shareRequestId: id }, body }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(paths);
      expect(await rowOf(w.db, id)).toEqual(before);
    });

    test("a granted period already over when answered", async () => {
      const w = await world(store());
      const { id } = await w.create({ period: { from: "2026-03-20", to: "2026-12-31" } });
      w.clock.set("2026-05-01T10:00:00+08:00");
      const problem = await expectProblem(
        w.run("decideShareRequest", {
          caller: as(w.provider),
          path: { shareRequestId: id },
          body: { ...APPROVE, grantedPeriod: { from: "2026-03-20", to: "2026-04-30" } },
        }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      );
      expect(problem.errors?.[0]).toMatchObject({ path: "/grantedPeriod/to", code: "period_past" });
      expect((await rowOf(w.db, id))?.status).toBe("pending");
    });

    test("approving after the resource was withdrawn is a conflict; refusing is not", async () => {
      const w = await world(store());
      const { id } = await w.create();
      await w.db.query(
        "update catalog_resources set status = 'withdrawn' where resource_code = $1",
        [w.resource],
      );
      await expectProblem(
        w.run("decideShareRequest", {
          caller: as(w.provider),
          path: { shareRequestId: id },
          body: APPROVE,
        }),
        { slug: "conflict", status: 409, code: "resource_withdrawn" },
      );
      expect((await rowOf(w.db, id))?.status).toBe("pending");
      const refused = await w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: { outcome: "refused", reason: "资源已撤销发布。" },
      });
      expect(refused.body).toMatchObject({ status: "refused" });
    });

    test("a request is answered once", async () => {
      const w = await world(store());
      const { id } = await w.create();
      await w.run("decideShareRequest", {
        caller: as(w.provider),
        path: { shareRequestId: id },
        body: APPROVE,
      });
      const before = await rowOf(w.db, id);
      await expectProblem(
        w.run("decideShareRequest", {
          caller: as(w.provider),
          path: { shareRequestId: id },
          body: { outcome: "refused", reason: "改为拒绝" },
        }),
        { slug: "conflict", status: 409, code: "share_request_approved" },
      );
      expect(await rowOf(w.db, id)).toEqual(before);
    });

    test("two answers at once: exactly one wins", async () => {
      const w = await world(store());
      const { id } = await w.create();
      const results = await Promise.allSettled([
        w.run("decideShareRequest", {
          caller: as(w.provider),
          path: { shareRequestId: id },
          body: APPROVE,
        }),
        w.run("decideShareRequest", {
          caller: asOperator(w.operator),
          path: { shareRequestId: id },
          body: { outcome: "refused", reason: "同时拒绝" },
        }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect((rejected as PromiseRejectedResult).reason).toMatchObject({ slug: "conflict" });
    });
  });

  test("loadGrant: undefined for an unknown or impossible id", async () => {
    const w = await world(store());
    for (const id of ["sr-none", "", "x".repeat(1000), "' or 1=1 --", "__proto__"])
      expect(await loadGrant(w.db, id)).toBeUndefined();
  });
});
