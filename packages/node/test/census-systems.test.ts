import { describe, expect, test } from "vitest";
import { fixedClock } from "../src/calendar/index.js";
import { censusHandlers as h } from "../src/census/index.js";
import type { Caller } from "../src/server/operation.js";
import type { Queryable } from "../src/store/index.js";
import {
  addMember,
  as,
  asOperator,
  type Call,
  call,
  expectProblem,
  expectSchema,
  services,
} from "./sharing-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

/** The spec's example record (specs/exchange v1 `SystemInventory`) for an owner. */
const inventory = (owner: string, extra: object = {}) => ({
  name: "山东省示例户籍管理系统",
  systemCode: "hukou",
  ownerDepartment: "山东省示例厅",
  ownerDepartmentCode: owner,
  function: "户籍登记、迁移、变更业务办理和人口信息查询。",
  scopeOfUse: ["本系统上下级", "跨部门"],
  deploymentLevel: "省级",
  frequencyOfUse: "每日",
  userCount: 12000,
  approvingDepartment: "山东省示例发展改革委",
  approvalNumber: "鲁示改〔2018〕12号",
  approvalDate: "2018-04-20",
  fundingSource: "地方财政资金",
  investment: "1280.5",
  networks: ["电子政务外网"],
  deployment: "政务云",
  deploymentLocation: "山东省政务云济南节点",
  securityLevel: "3",
  connectedToExchange: true,
  linkedCatalogResources: ["101001/000001"],
  status: "运行",
  onlineDate: "2019-09-01",
  developer: { name: "示例软件股份有限公司", uscc: "91370102MA3C00011F" },
  contact: { name: "李四", mobile: "13912345678" },
  inventoryDate: "2024-03-01",
  ...extra,
});

interface CensusRecord {
  id: string;
  record: { ownerDepartmentCode: string; name: string };
  submittedAt: string;
}

async function world(db: Queryable) {
  const [operator, owner, other] = [
    await addMember(db, "运营方"),
    await addMember(db, "主管部门"),
    await addMember(db, "其他部门"),
  ] as [string, string, string];
  const clock = fixedClock("2024-03-01T10:00:00+08:00");
  const node = services(db, clock, operator);
  const run = (id: keyof typeof h & string, request: Call) => call(h[id], id, node, request);
  const submit = async (caller: Caller, record: object) => {
    const answer = await run("submitCensusSystem", { caller, body: record });
    expect(answer.status).toBe(201);
    await expectSchema("CensusRecord", answer.body);
    return answer.body as CensusRecord;
  };
  const list = async (caller: Caller, query: Record<string, unknown> = {}) => {
    const items: CensusRecord[] = [];
    let cursor: string | undefined;
    do {
      const answer = await run("listCensusSystems", {
        caller,
        query: { ...query, ...(cursor ? { cursor } : {}) },
      });
      expect(answer.status).toBe(200);
      await expectSchema("CensusPage", answer.body);
      const page = answer.body as { items: CensusRecord[]; nextCursor?: string };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return items;
  };
  return { db, operator, owner, other, clock, run, submit, list };
}

async function count(db: Queryable) {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from census_systems");
  return rows[0]?.n;
}

describe.each(DRIVERS)("the system census on %s", (driver) => {
  const store = sharedStore(driver);

  test("the owner department submits its system's record", async () => {
    const w = await world(store());
    const record = inventory(w.owner);
    const created = await w.submit(as(w.owner), record);
    expect(created).toEqual({
      id: expect.stringMatching(/^c-20240301-[0-9a-f]{16}$/),
      record,
      submittedAt: "2024-03-01T10:00:00.000+08:00",
    });
    const { rows } = await w.db.query("select * from census_systems where id = $1", [created.id]);
    expect(rows[0]).toMatchObject({ owner_code: w.owner, submitted_by: w.owner, record });
  });

  test("the operator submits on a department's behalf; the department sees it", async () => {
    const w = await world(store());
    const created = await w.submit(asOperator(w.operator), inventory(w.owner));
    const { rows } = await w.db.query("select submitted_by from census_systems where id = $1", [
      created.id,
    ]);
    expect(rows[0]?.submitted_by).toBe(w.operator);
    expect((await w.list(as(w.owner))).map((r) => r.id)).toEqual([created.id]);
  });

  test("another department's system: 403, nothing written", async () => {
    const w = await world(store());
    const before = await count(w.db);
    await expectProblem(
      w.run("submitCensusSystem", { caller: as(w.other), body: inventory(w.owner) }),
      {
        slug: "forbidden",
        status: 403,
        code: "census_not_owner",
      },
    );
    expect(await count(w.db)).toBe(before);
  });

  test.each<[string, object, string]>([
    ["U+0000 in a text", { function: "户籍\u0000登记" }, "/function"],
    [
      "a lone surrogate in a nested name",
      { developer: { name: "示例\uDC00公司" } },
      "/developer/name",
    ],
  ])("text that cannot be stored (%s): 422, nothing written", async (_, extra, path) => {
    const w = await world(store());
    const before = await count(w.db);
    const problem = await expectProblem(
      w.run("submitCensusSystem", { caller: as(w.owner), body: inventory(w.owner, extra) }),
      { slug: "validation-failed", status: 422, code: "validation_failed" },
    );
    expect(problem.errors?.map((e) => e.path)).toEqual([path]);
    expect(await count(w.db)).toBe(before);
  });

  test("hostile text is kept as data", async () => {
    const w = await world(store());
    const record = inventory(w.owner, {
      name: "'); drop table census_systems; --",
      function: `<img src=x onerror=alert(1)> ${"𠀀".repeat(1900)}`,
      deploymentLocation: "$1 $2 \\x00 %s %n",
    });
    const created = await w.submit(as(w.owner), record);
    const listed = await w.list(as(w.owner));
    expect(listed).toEqual([created]);
    expect(listed[0]?.record).toEqual(record);
  });

  test("members list their own records, the operator everyone's, newest first", async () => {
    const w = await world(store());
    const mine: string[] = [];
    for (const at of [
      "2024-03-01T10:00:00+08:00",
      "2024-03-01T10:00:00+08:00",
      "2024-03-02T09:00:00+08:00",
    ]) {
      w.clock.set(at);
      mine.push((await w.submit(as(w.owner), inventory(w.owner))).id);
    }
    const theirs = (await w.submit(as(w.other), inventory(w.other, { name: "其他系统" }))).id;

    const own = await w.list(as(w.owner), { limit: 1 });
    expect(own.map((r) => r.id).sort()).toEqual([...mine].sort());
    expect(own[0]?.submittedAt).toBe("2024-03-02T09:00:00.000+08:00");
    const order = own.map((r) => [r.submittedAt, r.id].join(" "));
    expect(order).toEqual([...order].sort().reverse());

    // A member asking for another department's records gets none of them.
    expect(await w.list(as(w.owner), { ownerDepartmentCode: w.other })).toEqual([]);
    expect((await w.list(as(w.owner), { ownerDepartmentCode: w.owner })).length).toBe(3);

    const byOwner = await w.list(asOperator(w.operator), { ownerDepartmentCode: w.other });
    expect(byOwner.map((r) => r.id)).toEqual([theirs]);
    const all = (await w.list(asOperator(w.operator), { limit: 500 })).map((r) => r.id);
    for (const id of [...mine, theirs]) expect(all).toContain(id);
  });

  test("a forged cursor: 400", async () => {
    const w = await world(store());
    await expectProblem(
      w.run("listCensusSystems", {
        caller: as(w.owner),
        query: {
          cursor: Buffer.from('["2024-13-01T00:00:00.000000Z","c-1"]').toString("base64url"),
        },
      }),
      { slug: "bad-request", status: 400, code: "cursor_invalid" },
    );
  });
});
