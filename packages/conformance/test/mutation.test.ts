import { describe, expect, test } from "vitest";
import { CHECK_IDS, type CheckId, renderJunit } from "../src/index.js";
import { check, failedIds } from "./helpers.js";
import type { Break } from "./provider.js";

// The kit's mutation test: each rule broken on its own, and the kit names exactly that rule.
const MUTATIONS: [Break, CheckId][] = [
  ...CHECK_IDS.map((id): [Break, CheckId] => [id, id]),
  ["signature-response-valid:unbound", "signature-response-valid"],
  ["signature-response-valid:wrong-key", "signature-response-valid"],
  ["bad-input-4xx:crash", "bad-input-4xx"],
  ["bad-body-4xx:crash", "bad-body-4xx"],
  ["injection-harmless:hang", "injection-harmless"],
];

describe("every check is proven to fail", () => {
  test.each(MUTATIONS)("break %s → only %s fails", async (broken, id) => {
    const result = await check(broken, { timeout: broken.endsWith(":hang") ? 1_500 : 10_000 });
    expect(failedIds(result)).toEqual([id]);
    const failed = result.checks.find((c) => c.id === id);
    expect(failed?.status).toBe("fail");
    expect(failed?.failures.length).toBeGreaterThan(0);
    for (const failure of failed?.failures ?? []) {
      expect(failure.message["zh-CN"]).not.toBe("");
      expect(failure.message.en).not.toBe("");
    }
    expect(result.summary.ok).toBe(false);
    // A hang is bounded by the per-request timeout and reported as such.
    if (broken === "injection-harmless:hang")
      expect(failed?.failures.every((f) => f.message.en.includes("no answer within 1500 ms"))).toBe(
        true,
      );
    // The JUnit output names the failed check and nothing else.
    const junit = renderJunit(result);
    expect(junit.match(/<failure /g)).toHaveLength(1);
    expect(junit).toContain(`<failure type="${id}"`);
  });

  test("the table covers every check id", () => {
    expect(new Set(MUTATIONS.map(([, id]) => id))).toEqual(new Set(CHECK_IDS));
  });
});
