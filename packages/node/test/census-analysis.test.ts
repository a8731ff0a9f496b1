import { describe, expect, test } from "vitest";
import { analyzeCensus } from "../src/census/analysis/analyze-census.js";
import {
  bigrams,
  cosine,
  normalizeText,
  tfidf,
  type WeightedTerms,
} from "../src/census/analysis/text-similarity.js";
import type { CensusAnalysis, CensusSystemInput } from "../src/census/analysis/types.js";
import { censusAnalysisFor } from "../src/census/analysis-route.js";
import { validateAgainst } from "../src/server/spec.js";
import { generateCensus } from "./helpers/census-generator.js";

const pairsOf = (ids: readonly string[]) => {
  const out: string[] = [];
  const sorted = [...ids].sort();
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length; j++) out.push(`${sorted[i]}|${sorted[j]}`);
  return out;
};

function score(predicted: Set<string>, truth: Set<string>) {
  let hit = 0;
  for (const p of predicted) if (truth.has(p)) hit++;
  return {
    precision: predicted.size === 0 ? 1 : hit / predicted.size,
    recall: truth.size === 0 ? 1 : hit / truth.size,
    predicted: predicted.size,
    truth: truth.size,
  };
}

describe("census analysis on a generated census of 1,200 systems", () => {
  const census = generateCensus({ systems: 1_200 });
  let result: CensusAnalysis;
  test("finds the planted zombies and shadows with measured precision and recall", async () => {
    const started = performance.now();
    result = analyzeCensus(census.inputs, { now: census.now });
    const ms = performance.now() - started;
    expect(result.summary.systems).toBeGreaterThanOrEqual(1_000);

    const zombies = score(
      new Set(result.cleanupList.filter((f) => f.kind === "zombie").map((f) => f.system.recordId)),
      census.zombies,
    );
    const predictedPairs = new Set(
      result.integrationPlan.flatMap((g) =>
        pairsOf([g.keep.recordId, ...g.systems.map((s) => s.recordId)]),
      ),
    );
    const shadows = score(
      predictedPairs,
      new Set(census.shadowFamilies.flatMap((f) => pairsOf(f))),
    );
    const elements = score(
      new Set(
        result.cleanupList.flatMap((f) =>
          f.rules
            .filter((r) => r.rule === "one_source_violation")
            .map((r) => String(r.facts?.element)),
        ),
      ),
      census.oneSourceElements,
    );
    console.log(
      `census analysis of ${result.summary.systems} systems in ${ms.toFixed(0)} ms\n` +
        `  zombies  precision ${zombies.precision.toFixed(3)} recall ${zombies.recall.toFixed(3)} (${zombies.predicted} listed, ${zombies.truth} planted)\n` +
        `  shadows  precision ${shadows.precision.toFixed(3)} recall ${shadows.recall.toFixed(3)} (pairs: ${shadows.predicted} grouped, ${shadows.truth} planted)\n` +
        `  一数一源 precision ${elements.precision.toFixed(3)} recall ${elements.recall.toFixed(3)} (${elements.predicted} found, ${elements.truth} planted)`,
    );
    // Floors this generator reaches (seeded, so stable): the subtle zombies, planted with weak
    // signs only, are the misses.
    expect(zombies.precision).toBeGreaterThanOrEqual(0.95);
    expect(zombies.recall).toBeGreaterThanOrEqual(0.8);
    expect(shadows.precision).toBeGreaterThanOrEqual(0.9);
    expect(shadows.recall).toBeGreaterThanOrEqual(0.95);
    expect(elements.recall).toBe(1);
  });

  test("answers in the spec's CensusAnalysis shape, whole and per department", async () => {
    expect(await validateAgainst("CensusAnalysis", result, "en")).toEqual([]);
    const member = result.cleanupList[0]?.system.ownerDepartmentCode as string;
    const own = censusAnalysisFor(result, member);
    expect(own.cleanupList.length).toBeGreaterThan(0);
    expect(own.cleanupList.every((f) => f.system.ownerDepartmentCode === member)).toBe(true);
    expect(await validateAgainst("CensusAnalysis", own, "en")).toEqual([]);
  });
});

const record = (id: string, extra: Partial<CensusSystemInput["record"]>): CensusSystemInput => ({
  id,
  record: {
    name: "示例系统",
    ownerDepartment: "市示例局",
    ownerDepartmentCode: "11370000MB1234562A",
    function: "示例功能。",
    networks: ["电子政务外网"],
    status: "运行",
    ...extra,
  },
});

describe("text similarity", () => {
  test.each([
    [
      "strips generic words and the owner's name",
      "市民政局婚姻登记管理系统",
      ["市民政局"],
      ["婚姻登记"],
    ],
    ["folds full-width and splits on punctuation", "ＡＢＣ（二期）平台", [], ["abc"]],
    ["keeps nothing of only generic words", "信息系统管理平台", [], []],
  ])("%s", (_name, text, strip, want) => {
    expect(normalizeText(text, strip)).toEqual(want);
  });

  test("near-duplicates score higher than same-object different work", () => {
    const doc = (t: string): WeightedTerms => {
      const d: WeightedTerms = new Map();
      for (const b of bigrams(normalizeText(t))) d.set(b, (d.get(b) ?? 0) + 1);
      return d;
    };
    const [a, b, c] = tfidf([
      doc("殡葬服务管理系统 殡仪馆和公墓登记"),
      doc("智慧殡葬服务平台 殡仪馆和公墓登记"),
      doc("殡葬统计分析系统 按月汇总报表"),
    ]);
    expect(cosine(a as never, b as never)).toBeGreaterThan(cosine(a as never, c as never));
  });
});

describe("census analysis rules", () => {
  const now = new Date("2026-06-01T00:00:00Z");

  test("the newest record of a system wins; done systems are out of scope", () => {
    const result = analyzeCensus(
      {
        systems: [
          {
            ...record("c-1", { systemCode: "a", status: "停用", frequencyOfUse: "长期未使用" }),
            submittedAt: "2026-01-01T00:00:00Z",
          },
          {
            ...record("c-2", { systemCode: "a", status: "运行", frequencyOfUse: "每日" }),
            submittedAt: "2026-05-01T00:00:00Z",
          },
          record("c-3", { systemCode: "b", status: "已清理", frequencyOfUse: "长期未使用" }),
        ],
      },
      { now },
    );
    expect(result.summary.systems).toBe(2);
    expect(result.cleanupList).toEqual([]);
    expect(result.notes?.[0]?.en).toMatch(/No audit data/);
  });

  test("each zombie criterion is a named rule with evidence and facts", () => {
    const result = analyzeCensus(
      {
        systems: [
          record("c-1", {
            systemCode: "z",
            frequencyOfUse: "长期未使用",
            scopeOfUse: ["本部门"],
            userCount: 0,
            status: "停用",
            linkedCatalogResources: ["101001/000001"],
          }),
        ],
        catalog: [
          {
            resourceCode: "101001/000001",
            providerCode: "11370000MB1234562A",
            name: "x",
            status: "withdrawn",
            elements: [],
          },
        ],
        usage: [
          {
            resourceCode: "101001/000001",
            recentCalls: 0,
            calls: 4,
            consumers: 1,
            lastCall: "2025-01-02T00:00:00Z",
          },
        ],
        auditSince: "2024-01-01T00:00:00Z",
      },
      { now },
    );
    const finding = result.cleanupList[0];
    expect(finding).toMatchObject({ kind: "zombie", action: "清理" });
    expect(finding?.rules.map((r) => r.rule)).toEqual([
      "usage_detached",
      "resources_idle",
      "maintenance_stopped",
      "narrow_low_frequency",
    ]);
    expect(finding?.rules[0]?.evidence.zh).toContain("最近一次 2025-01-02");
    expect(finding?.confidence).toBeGreaterThan(0.85);
  });

  test("hostile text is data: huge, injection and __proto__ records", async () => {
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": true}, "name": "<script>alert(1)</script>\\u0000", "ownerDepartment": "\'; drop table x; --", "ownerDepartmentCode": "11370000MB1234562A", "function": "' +
        "重复".repeat(50_000) +
        '", "networks": ["互联网"], "status": "运行"}',
    );
    const result = analyzeCensus(
      {
        systems: [
          { id: "c-1", record: hostile },
          { id: "c-2", record: { ...hostile, name: `${hostile.name}2` } },
        ],
      },
      { now },
    );
    expect(result.summary.systems).toBe(2);
    // Identical huge functions are near-duplicates: one is grouped under the other.
    expect(result.integrationPlan).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await validateAgainst("CensusAnalysis", result, "en")).toEqual([]);
  });
});
