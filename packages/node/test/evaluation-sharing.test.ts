/**
 * The sharing evaluation as a pure function: a generated exchange of 30 departments whose every
 * number is known by construction, the 13 core elements, legal bases, deadlines, freshness.
 */
import { describe, expect, it } from "vitest";
import {
  type EvaluationInputs,
  evaluateSharing,
  filledCoreElements,
  INDICATORS,
} from "../src/evaluation/index.js";
import { validateAgainst } from "../src/server/spec.js";
import { seeded } from "./helpers/census-generator.js";
import { catalogEntry } from "./helpers/exchange.js";
import { memberCode } from "./sharing-fixtures.js";

const NOW = new Date("2026-06-01T02:00:00Z");
const DAY = 86_400_000;

/** A generated exchange with the expected counts per department. */
function generate(seed: number) {
  const rand = seeded(seed);
  const inputs: EvaluationInputs = {
    members: [],
    resources: [],
    shareRequests: [],
    lastChanges: [],
    batches: [],
    calls: [],
  };
  const expected = new Map<
    string,
    {
      shareable: number;
      total: number;
      onTime: number;
      due: number;
      fresh: number;
      checked: number;
    }
  >();
  for (let d = 0; d < 30; d++) {
    const code = memberCode(800_000 + d);
    inputs.members.push({ code, name: `示例部门${d}` });
    const e = { shareable: 0, total: 0, onTime: 0, due: 0, fresh: 0, checked: 0 };
    const resources = 1 + Math.floor(rand() * 6);
    for (let r = 0; r < resources; r++) {
      const type = ["无条件共享", "有条件共享", "不予共享"][Math.floor(rand() * 3)] as string;
      const resourceCode = `2${String(d).padStart(2, "0")}001/E${d}${r}`;
      inputs.resources.push({
        resourceCode,
        providerCode: code,
        status: "published",
        entry: { ...catalogEntry(resourceCode, type), providerCode: code } as Record<
          string,
          unknown
        >,
      });
      e.total++;
      if (type !== "不予共享") e.shareable++;
      if (rand() < 0.7) {
        const fresh = rand() < 0.6;
        inputs.lastChanges.push({
          resourceCode,
          at: new Date(NOW.getTime() - (fresh ? 0.5 : 5) * DAY).toISOString(),
        });
        e.checked++;
        if (fresh) e.fresh++;
      }
    }
    for (let q = 0; q < Math.floor(rand() * 5); q++) {
      const kind = Math.floor(rand() * 4);
      // 0 on time, 1 late, 2 pending past deadline, 3 pending not yet due.
      inputs.shareRequests.push({
        providerCode: code,
        status: kind >= 2 ? "pending" : "approved",
        answerDeadline: kind === 3 ? "2026-06-10" : "2026-05-20",
        ...(kind === 0 ? { decidedAt: "2026-05-19T03:00:00Z" } : {}),
        ...(kind === 1 ? { decidedAt: "2026-05-21T03:00:00Z" } : {}),
      });
      if (kind === 0) e.onTime++;
      if (kind <= 2) e.due++;
    }
    expected.set(code, e);
  }
  return { inputs, expected };
}

describe("evaluateSharing", () => {
  it("scores a generated exchange exactly as constructed", async () => {
    const { inputs, expected } = generate(42);
    const evaluation = evaluateSharing(inputs, { now: NOW, today: "2026-06-01" });
    expect(await validateAgainst("Evaluation", evaluation, "en")).toEqual([]);
    expect(evaluation.departments).toHaveLength(30);
    for (const department of evaluation.departments) {
      const e = expected.get(department.memberCode as string);
      const by = (code: string) => department.indicators.find((i) => i.code === code);
      expect(by("share_ratio")).toMatchObject({ numerator: e?.shareable, denominator: e?.total });
      if (e && e.due > 0)
        expect(by("request_timeliness")).toMatchObject({ numerator: e.onTime, denominator: e.due });
      else expect(by("request_timeliness")?.available).toBe(false);
      if (e && e.checked > 0)
        expect(by("data_freshness")).toMatchObject({ numerator: e.fresh, denominator: e.checked });
      // The test entries fill all 12 required core elements.
      expect(by("catalog_elements")?.score).toBe(100);
      expect(by("data_quality")?.available).toBe(false);
    }
    const total = [...expected.values()].reduce((n, e) => n + e.total, 0);
    expect(evaluation.exchange.indicators.find((i) => i.code === "share_ratio")?.denominator).toBe(
      total,
    );
    expect(INDICATORS.reduce((n, i) => n + i.weight, 0)).toBeCloseTo(1, 10);
  });

  it.each([
    ["《中华人民共和国个人信息保护法》第十三条", 100],
    ["依据国办发〔2017〕39号", 100],
    ["不方便共享", 0],
    ["<script>alert(1)</script>'; drop table members; --", 0],
  ])("checks the legal basis of 不予共享: %s", (condition, score) => {
    const code = memberCode(1);
    const entry = catalogEntry("101001/000009", "不予共享") as Record<string, unknown>;
    entry.sharing = { type: "不予共享", condition };
    const evaluation = evaluateSharing(
      {
        members: [{ code, name: "部门" }],
        resources: [
          { resourceCode: "101001/000009", providerCode: code, status: "published", entry },
        ],
        shareRequests: [],
        lastChanges: [],
        batches: [{ providerCode: code, received: 200, rejected: 3 }],
        calls: [],
      },
      { now: NOW, today: "2026-06-01" },
    );
    const department = evaluation.departments[0];
    expect(department?.indicators.find((i) => i.code === "refusal_basis")?.score).toBe(score);
    expect(department?.indicators.find((i) => i.code === "data_quality")).toMatchObject({
      score: 98.5,
      formula: "(1 − 3 / 200) × 100 = 98.5",
    });
  });

  it("counts the core elements an entry fills, hostile entries included", () => {
    const full = catalogEntry("101001/000001", "有条件共享") as Record<string, unknown>;
    expect(filledCoreElements(full)).toBe(12);
    expect(filledCoreElements({})).toBe(0);
    expect(filledCoreElements(JSON.parse('{"__proto__": {"name": "x"}, "items": "no"}'))).toBe(0);
    expect(filledCoreElements({ ...full, sharing: { type: "有条件共享" } })).toBe(11);
  });
});
