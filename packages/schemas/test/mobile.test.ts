import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkMobile, isMobile } from "../src/identifiers/mobile.js";

describe("checkMobile (MIIT numbering plan, mobile segments 13x–19x)", () => {
  test.each([
    ["plain 11 digits", "13800138000", { valid: true, value: "13800138000", codes: [] }],
    ["segment 19x", "19912345678", { valid: true, value: "19912345678", codes: [] }],
    [
      "+86 prefix",
      "+8613800138000",
      { valid: true, value: "13800138000", codes: ["mobile_country_prefix"] },
    ],
    [
      "0086 prefix",
      "008613800138000",
      { valid: true, value: "13800138000", codes: ["mobile_country_prefix"] },
    ],
    [
      "86 prefix",
      "8613800138000",
      { valid: true, value: "13800138000", codes: ["mobile_country_prefix"] },
    ],
    [
      "prefix and separators",
      "+86 138-0013-8000",
      { valid: true, value: "13800138000", codes: ["mobile_country_prefix", "mobile_separators"] },
    ],
    [
      "separators only",
      "138 0013 8000",
      { valid: true, value: "13800138000", codes: ["mobile_separators"] },
    ],
    [
      "full-width digits",
      "１３８００１３８０００",
      { valid: true, value: "13800138000", codes: ["full_width_characters"] },
    ],
    ["segment 12x does not exist", "12912345678", { valid: false, codes: ["invalid_mobile"] }],
    ["segment 10x", "10086123456", { valid: false, codes: ["invalid_mobile"] }],
    ["10 digits", "1380013800", { valid: false, codes: ["invalid_mobile"] }],
    ["12 digits", "138001380001", { valid: false, codes: ["invalid_mobile"] }],
    ["+1 prefix", "+113800138000", { valid: false, codes: ["invalid_mobile"] }],
    ["landline", "010-12345678", { valid: false, codes: ["invalid_mobile"] }],
    ["letters", "1380013800O", { valid: false, codes: ["invalid_mobile"] }],
    ["empty", "", { valid: false, codes: ["invalid_mobile"] }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkMobile(input);
    expect(r.valid).toBe(want.valid);
    expect(r.issues.map((i) => i.code)).toEqual(want.codes);
    if ("value" in want) {
      expect(r.value).toBe(want.value);
      expect(r.info).toEqual({ carrierPrefix: want.value.slice(0, 3) });
    }
    // The format accepts the exchange form only: 11 digits.
    expect(isMobile(input)).toBe(want.valid && want.codes.length === 0);
  });

  test("normalizations are warnings with the national number as a param", () => {
    expect(checkMobile("+8613800138000").issues).toEqual([
      {
        code: "mobile_country_prefix",
        severity: "warning",
        params: { prefix: "+86", national: "13800138000" },
      },
    ]);
  });

  test("a non-string argument is a programmer error", () => {
    expect(() => checkMobile(13800138000 as unknown as string)).toThrow(
      expect.objectContaining({ code: "invalid_argument" }),
    );
    expect(isMobile(13800138000 as unknown as string)).toBe(false);
  });

  test("hostile input: a megabyte string is rejected at once with a short param", () => {
    const r = checkMobile("1".repeat(1 << 20));
    expect(r.valid).toBe(false);
    expect(String(r.issues[0]?.params.value).length).toBeLessThanOrEqual(32);
  });

  test("property: every 1[3-9] + 9 digits number is valid, with or without +86", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (s, n) => {
          const number = `1${s}${String(n).padStart(9, "0")}`;
          expect(isMobile(number)).toBe(true);
          expect(checkMobile(`+86${number}`).value).toBe(number);
        },
      ),
    );
  });
});
