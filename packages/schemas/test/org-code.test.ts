import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkOrgCode, isOrgCode, orgCodeCheckCharacter } from "../src/identifiers/org-code.js";

const BODY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

describe("checkOrgCode (GB 11714-1997)", () => {
  test.each([
    // The code inside the GB 32100 worked example first (shared/testdata/identifiers.md).
    [
      "embedded in the GB 32100 example",
      "M000100Y4",
      { valid: true, value: "M000100Y4", codes: [] },
    ],
    ["written form with a hyphen", "M000100Y-4", { valid: true, value: "M000100Y4", codes: [] }],
    [
      "wrong check character",
      "M000100Y5",
      { valid: false, value: "M000100Y5", codes: ["invalid_check_character"] },
    ],
    [
      "lowercase body",
      "m000100y4",
      { valid: true, value: "M000100Y4", codes: ["lowercase_letters"] },
    ],
    [
      "full-width hyphen form",
      "Ｍ０００１００Ｙ－４",
      { valid: true, value: "M000100Y4", codes: ["full_width_characters"] },
    ],
    ["too long", "M000100Y44", { valid: false, codes: ["invalid_length"] }],
    ["hyphen in the wrong place", "M000100-Y4", { valid: false, codes: ["invalid_length"] }],
    ["check character A", "M000100YA", { valid: false, codes: ["invalid_character"] }],
    ["punctuation in the body", "M000.00Y4", { valid: false, codes: ["invalid_character"] }],
    ["empty", "", { valid: false, codes: ["invalid_length"] }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkOrgCode(input);
    expect(r.valid).toBe(want.valid);
    expect(r.issues.map((i) => i.code)).toEqual(want.codes);
    if ("value" in want) expect(r.value).toBe(want.value);
  });

  test("parsed info and the check-character issue", () => {
    expect(checkOrgCode("M000100Y-4").info).toEqual({ body: "M000100Y", check: "4" });
    expect(checkOrgCode("M000100Y5").issues).toEqual([
      {
        code: "invalid_check_character",
        severity: "error",
        params: { expected: "4", actual: "5", position: 9 },
      },
    ]);
  });

  test("check value 10 is written X and 11 is written 0 (§5)", () => {
    const bodies = Array.from({ length: 2000 }, (_, i) => String(i).padStart(8, "0"));
    const checks = new Set(bodies.map(orgCodeCheckCharacter));
    expect([...checks].sort()).toEqual([..."0123456789X"].sort());
    for (const b of bodies) expect(checkOrgCode(b + orgCodeCheckCharacter(b)).valid).toBe(true);
  });

  test("isOrgCode reads in place at an offset (the USCC's positions 9–17)", () => {
    expect(isOrgCode("91350100M000100Y43", 8)).toBe(true);
    expect(isOrgCode("91350100M000100Y53", 8)).toBe(false);
    expect(isOrgCode("M000100Y", 0)).toBe(false);
  });

  test("a non-string argument is a programmer error", () => {
    expect(() => checkOrgCode(7 as unknown as string)).toThrow(
      expect.objectContaining({ code: "invalid_argument" }),
    );
    expect(isOrgCode(7 as unknown as string)).toBe(false);
  });

  test("hostile input: a megabyte string is rejected at once", () => {
    expect(checkOrgCode("M".repeat(1 << 20)).issues[0]?.code).toBe("invalid_length");
  });

  const bodies = fc
    .array(fc.constantFrom(...BODY_CHARS), { minLength: 8, maxLength: 8 })
    .map((a) => a.join(""));

  test("property: generated codes pass in both written forms", () => {
    fc.assert(
      fc.property(bodies, (body) => {
        const code = body + orgCodeCheckCharacter(body);
        expect(isOrgCode(code)).toBe(true);
        expect(checkOrgCode(code).valid).toBe(true);
        expect(checkOrgCode(`${body}-${code[8]}`).value).toBe(code);
      }),
    );
  });

  test("property: a substitution of one digit of the body changes the check character", () => {
    // GB 11714's weights are units mod 11, so any change of a body value by 1–10 is detected.
    fc.assert(
      fc.property(
        bodies,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 10 }),
        (body, pos, delta) => {
          const old = BODY_CHARS.indexOf(body[pos] as string);
          const value = old + delta;
          fc.pre(value < 36 && (value - old) % 11 !== 0);
          const mutated = body.slice(0, pos) + BODY_CHARS[value] + body.slice(pos + 1);
          expect(orgCodeCheckCharacter(mutated)).not.toBe(orgCodeCheckCharacter(body));
        },
      ),
    );
  });
});
