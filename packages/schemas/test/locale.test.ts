import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { identifierCodes, identifierMessage } from "../src/locale/index.js";

// Every param any code uses, so that no message shows "undefined".
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
  prefix: "+86",
  format: "cn-mobile",
  rule: "r",
  reason: "x",
};

describe("identifierMessage", () => {
  test.each(identifierCodes.map((c) => [c]))("%s has a zh-CN and an English message", (code) => {
    const zh = identifierMessage(code, params, "zh-CN");
    const en = identifierMessage(code, params, "en");
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e–—…]+$/);
    for (const m of [zh, en]) {
      expect(m).not.toMatch(/undefined|null|NaN|\[object/);
      // What is wrong, then what to do: a sentence break before the advice.
      expect(m).toMatch(/[:：。.]/);
    }
    expect(zh).toMatch(/。$/);
    expect(en).toMatch(/\.$/);
  });

  test("every code the source emits has messages", () => {
    const src = join(import.meta.dirname, "..", "src");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("generated") && !f.startsWith("locale"),
    );
    const emitted = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(src, f), "utf8");
      for (const m of text.matchAll(/\b(?:issue|warning)\(\s*"([a-z_]+)"/g))
        emitted.add(m[1] as string);
      for (const m of text.matchAll(/\bat\(\s*[^,()]+,\s*"([a-z_]+)"/g))
        emitted.add(m[1] as string);
    }
    expect(emitted.size).toBeGreaterThan(25);
    expect(emitted).toContain("address_division_mismatch");
    for (const code of emitted)
      expect([code, identifierCodes.includes(code)]).toEqual([code, true]);
  });

  test.each([
    // The messages other packages show verbatim (validator and CLI fixtures) stay stable.
    [
      "invalid_check_character",
      { expected: "X", actual: "2", position: 18 },
      "校验位错误：应为 X，实为 2。请核对第 18 位及前面各位。",
      "check character is 2, expected X: check character 18 and the ones before it.",
    ],
    [
      "division_not_in_force",
      { code: "110103", year: 2015, from: 1980, to: 2010 },
      "行政区划代码 110103 在 2015 年不在使用期内（1980—2010 年使用）。请使用当时有效的代码。",
      "division code 110103 was not in force in 2015 (in force 1980–2010): use the code in force then.",
    ],
    [
      "division_not_in_force",
      { code: "659010", year: 2010, from: 2019 },
      "行政区划代码 659010 在 2010 年不在使用期内（2019 年起使用）。请使用当时有效的代码。",
      "division code 659010 was not in force in 2010 (in force from 2019 on): use the code in force then.",
    ],
  ])("%s %o", (code, p, zh, en) => {
    expect(identifierMessage(code, p, "zh-CN")).toBe(zh);
    expect(identifierMessage(code, p, "en")).toBe(en);
  });

  test.each(["no_such_code", "__proto__", "constructor", "toString", ""])(
    "%s is not a code this package emits",
    (code) => {
      expect(identifierMessage(code, {}, "en")).toBeUndefined();
    },
  );

  test("an unknown language falls back to zh-CN", () => {
    expect(identifierMessage("invalid_mobile", { value: "1" }, "fr" as "en")).toMatch(/手机号码/);
  });
});
