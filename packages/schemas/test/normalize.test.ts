import { describe, expect, test } from "vitest";
import { normalizeIdentifier } from "../src/identifiers/normalize.js";

describe("normalizeIdentifier: how a value is written, not what it says", () => {
  test.each([
    ["canonical", "ABC123", true, "ABC123", []],
    ["trimmed", "  ABC123\r\n", true, "ABC123", ["surrounding_whitespace"]],
    ["BOM and ideographic space", "\ufeffABC123\u3000", true, "ABC123", ["surrounding_whitespace"]],
    ["full-width", "ＡＢＣ１２３", true, "ABC123", ["full_width_characters"]],
    ["lowercase", "abc123", true, "ABC123", ["lowercase_letters"]],
    ["lowercase kept when not asked", "abc123", false, "abc123", []],
    ["full-width lowercase", "ａｂｃ", true, "ABC", ["full_width_characters", "lowercase_letters"]],
    ["inner spaces are not removed", "AB C", true, "AB C", []],
  ])("%s", (_name, input, upper, value, codes) => {
    const r = normalizeIdentifier(input, upper);
    expect(r.value).toBe(value);
    expect(r.warnings.map((w) => w.code)).toEqual(codes);
    for (const w of r.warnings) expect(w.severity).toBe("warning");
  });

  test("the position of the first change is a param", () => {
    expect(normalizeIdentifier("AB１2c", true).warnings).toEqual([
      { code: "full_width_characters", severity: "warning", params: { position: 3 } },
      { code: "lowercase_letters", severity: "warning", params: { position: 5 } },
    ]);
  });
});
