/**
 * The census analysis and the sharing evaluation over HTTP on the demo exchange (the test
 * provider, its three resources, a consumer and a company): real node, real sockets, signed
 * requests, every answer checked against specs/exchange v1.
 */
import { ProblemError } from "@govex/client";
import { describe, expect, it } from "vitest";
import {
  CONDITIONAL,
  CONSUMER,
  NOT_SHARED,
  PROVIDER,
  specViolations,
  UNCONDITIONAL,
} from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";

const PURPOSE = "办理社会保险登记时核对参保人身份";
const [uPrefix, uSuffix] = UNCONDITIONAL.split("/") as [string, string];

const system = (extra: object) => ({
  ownerDepartment: "山东省示例厅",
  ownerDepartmentCode: PROVIDER,
  networks: ["电子政务外网"],
  status: "运行",
  ...extra,
});

describe("census analysis and evaluation on the demo exchange", () => {
  const running = useTestExchange("pglite");

  it("lists the planted zombie and shadow, by who may see them", async () => {
    const { exchange } = running;
    const dept = exchange.client(exchange.provider);
    for (const record of [
      system({
        name: "示例户籍管理系统",
        systemCode: "hukou",
        function: "户籍登记、迁移、变更业务办理和人口信息查询。",
        scopeOfUse: ["本系统上下级", "跨部门"],
        frequencyOfUse: "每日",
        userCount: 12000,
        connectedToExchange: true,
        linkedCatalogResources: [CONDITIONAL, UNCONDITIONAL, NOT_SHARED],
      }),
      system({
        name: "示例户籍信息综合管理平台",
        systemCode: "hukou2",
        function: "户籍登记、迁移、变更业务办理和人口信息检索。",
        scopeOfUse: ["本部门"],
        frequencyOfUse: "每月",
        userCount: 40,
      }),
      system({
        name: "示例旧版出生登记系统",
        systemCode: "oldbirth",
        function: "出生医学证明信息录入。",
        scopeOfUse: ["本部门"],
        frequencyOfUse: "长期未使用",
        userCount: 0,
        status: "停用",
      }),
    ])
      await dept.request("post", "/census/systems", { body: record as never });
    // A data call on the unconditional resource: the 户籍 system is in use.
    await exchange.client(exchange.other).request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { purpose: PURPOSE, limit: 2 } },
    });

    const all = await exchange.client(exchange.operator).request("get", "/census/analysis", {});
    const byName = (kind: string) =>
      all.data.cleanupList.filter((f) => f.kind === kind).map((f) => f.system.name);
    expect(byName("zombie")).toEqual(["示例旧版出生登记系统"]);
    expect(byName("shadow")).toEqual(["示例户籍信息综合管理平台"]);
    expect(all.data.integrationPlan).toHaveLength(1);
    expect(all.data.integrationPlan[0]?.keep.name).toBe("示例户籍管理系统");
    const zombie = all.data.cleanupList.find((f) => f.kind === "zombie");
    expect(zombie?.rules.map((r) => r.rule).sort()).toEqual([
      "maintenance_stopped",
      "narrow_low_frequency",
      "resources_idle",
      "usage_detached",
    ]);

    // The provider sees its own; the consumer has no system in the census; nobody else's.
    const own = await dept.request("get", "/census/analysis", {
      params: { query: { idleMonths: 3 } },
    });
    expect(own.data.cleanupList).toHaveLength(2);
    expect(own.data.parameters.idleMonths).toBe(3);
    const consumer = await exchange
      .client(exchange.consumer)
      .request("get", "/census/analysis", {});
    expect(consumer.data.cleanupList).toEqual([]);
    expect(consumer.data.summary.systems).toBe(0);
    await expect(
      exchange.client(exchange.consumer).request("get", "/census/analysis", {
        params: { query: { member: PROVIDER } },
      }),
    ).rejects.toSatisfy((e) => e instanceof ProblemError && e.status === 403);
  });

  it("evaluates the provider department and the exchange, with formulas", async () => {
    const { exchange } = running;
    const consumer = exchange.client(exchange.consumer);
    const dept = exchange.client(exchange.provider);
    const created = await consumer.request("post", "/share-requests", {
      body: {
        resourceCode: CONDITIONAL,
        fields: ["residentId", "name"],
        purpose: PURPOSE,
        legalBasis: "《社会保险法》第五十八条",
        period: { from: "2026-01-01", to: "2099-12-31" },
      },
    });
    await dept.request("post", "/share-requests/{shareRequestId}/decision", {
      params: { path: { shareRequestId: created.data.id } },
      body: {
        outcome: "approved",
        grantedFields: ["residentId", "name"],
        grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
        clearText: false,
      },
    });

    const all = await exchange.client(exchange.operator).request("get", "/evaluation", {});
    expect(all.data.indicators.every((i) => i.own)).toBe(true);
    const provider = all.data.departments.find((d) => d.memberCode === PROVIDER);
    const score = (code: string) => provider?.indicators.find((i) => i.code === code);
    expect(score("share_ratio")).toMatchObject({ score: 66.67, numerator: 2, denominator: 3 });
    expect(score("share_ratio")?.formula).toBe("2 / 3 × 100 = 66.67");
    expect(score("refusal_basis")).toMatchObject({ score: 100, numerator: 1, denominator: 1 });
    expect(score("request_timeliness")).toMatchObject({ score: 100, numerator: 1, denominator: 1 });
    expect(score("resource_use")).toMatchObject({ numerator: 1, denominator: 2 });
    expect(score("item_standardization")).toMatchObject({ score: 0, denominator: 12 });
    expect(score("catalog_elements")?.denominator).toBe(36);
    expect(score("data_quality")).toMatchObject({ available: false });
    expect(score("data_freshness")).toMatchObject({ available: false });
    expect(provider?.score).toBeGreaterThan(0);
    expect(all.data.exchange.score).toBeGreaterThan(0);

    const own = await dept.request("get", "/evaluation", {});
    expect(own.data.departments.map((d) => d.memberCode)).toEqual([PROVIDER]);
    const mine = await consumer.request("get", "/evaluation", {});
    expect(mine.data.departments).toEqual([]);
    await expect(
      consumer.request("get", "/evaluation", { params: { query: { member: PROVIDER } } }),
    ).rejects.toSatisfy((e) => e instanceof ProblemError && e.status === 403);
    const one = await exchange
      .client(exchange.operator)
      .request("get", "/evaluation", { params: { query: { member: CONSUMER } } });
    expect(one.data.departments).toEqual([]);
  });

  it("kept every answer to the spec", async () => {
    expect(await specViolations(running.exchange.recorded)).toEqual([]);
    expect(running.exchange.recorded.some((r) => r.operationId === "getEvaluation")).toBe(true);
  });
});
