import { describe, expect, test } from "vitest";
import { govexFormats } from "../src/formats.js";
import { identifierCodes, identifierMessage } from "../src/locale/index.js";

describe("govexFormats: validate and explain agree", () => {
  test.each([
    ["cn-resident-id", "11010519491231002X", "110105194912310021"],
    ["cn-uscc", "91350100M000100Y43", "91350100M000100Y44"],
    ["cn-org-code", "M000100Y4", "M000100Y-4"],
    ["cn-admin-division", "110101", "130171"],
    ["cn-mobile", "13800138000", "+8613800138000"],
    ["date", "2024-02-29", "2023-02-29"],
    ["date-time", "2024-05-01T08:30:00+08:00", "2024-05-01 08:30:00"],
    ["date-time", "2016-12-31T23:59:60Z", "2016-12-31T22:59:60Z"],
    ["email", "zhang.san@example.gov.cn", "zhang san@example.cn"],
    ["uri", "https://govex.dev/specs/data/v1/person.schema.json", "/relative/path"],
  ] as const)("%s: %s is valid, %s is not", (name, good, bad) => {
    const f = govexFormats[name];
    expect(f.validate(good)).toBe(true);
    expect(f.explain(good)).toEqual([]);
    expect(f.validate(bad)).toBe(false);
    expect(f.explain(bad).length).toBeGreaterThan(0);
  });

  test("every format names the standard it encodes", () => {
    for (const f of Object.values(govexFormats)) expect(f.standard).toMatch(/GB|RFC|MIIT/);
  });
});

describe("messages", () => {
  test.each(identifierCodes.map((c) => [c]))("%s has a zh-CN and an English message", (code) => {
    const params = {
      expected: "X",
      actual: "2",
      position: 18,
      code: "110101",
      value: "v",
      field: "city",
      year: 2020,
      from: 1980,
      to: 2010,
      character: "?",
      orgCode: "M000100Y5",
      national: "13800138000",
      rule: "r",
      reason: "x",
    };
    const zh = identifierMessage(code, params, "zh-CN");
    const en = identifierMessage(code, params, "en");
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e–—…“”]+$/);
    expect(zh).not.toContain("undefined");
    expect(en).not.toContain("undefined");
  });

  test("the style guide's example message", () => {
    expect(
      identifierMessage(
        "invalid_check_character",
        { expected: "X", actual: "2", position: 18 },
        "en",
      ),
    ).toBe("check character is 2, expected X: check character 18 and the ones before it.");
  });
});
