import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { orgCodeCheckCharacter } from "../src/identifiers/org-code.js";
import {
  checkUscc,
  isUscc,
  USCC_ENTITY_TYPES,
  USCC_REGISTRATION_AUTHORITIES,
  usccCheckCharacter,
} from "../src/identifiers/uscc.js";

const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** A USCC with a right embedded organization code and check character. */
const build = (type: string, division: string, body: string) => {
  const first17 = `${type}${division}${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
};

describe("checkUscc (GB 32100-2015)", () => {
  test.each([
    // The standard's own examples first (shared/testdata/identifiers.md).
    ["GB 32100 worked example", "91350100M000100Y43", { valid: true, codes: [] }],
    [
      "GB 32100 negative example: Z is no check character",
      "91350100M000100Y4Z",
      { valid: false, codes: ["invalid_check_character"] },
    ],
    [
      "wrong check character",
      "91350100M000100Y44",
      { valid: false, codes: ["invalid_check_character"] },
    ],
    [
      "letter I is not in the charset",
      "9I350100M000100Y43",
      { valid: false, codes: ["invalid_character"] },
    ],
    ["letter O in the body", "91350100M0O0100Y43", { valid: false, codes: ["invalid_character"] }],
    ["too short", "91350100M000100Y4", { valid: false, codes: ["invalid_length"] }],
    ["too long", "91350100M000100Y433", { valid: false, codes: ["invalid_length"] }],
    [
      "punctuation as check character",
      "91350100M000100Y4-",
      { valid: false, codes: ["invalid_character"] },
    ],
    [
      "national body (division 100000)",
      build("11", "100000", "00001234"),
      { valid: true, codes: [] },
    ],
    ["historical division 440524", build("91", "440524", "12345678"), { valid: true, codes: [] }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkUscc(input);
    expect(r.valid).toBe(want.valid);
    expect(r.issues.map((i) => i.code)).toEqual(want.codes);
    expect(isUscc(input)).toBe(want.valid);
  });

  test("parses registration authority, entity type (with labels), division and organization code", () => {
    expect(checkUscc("91350100M000100Y43").info).toEqual({
      registrationAuthority: {
        code: "9",
        labels: { "zh-CN": "工商(市场监管)", en: "Industry and commerce (market regulation)" },
      },
      entityType: { code: "91", labels: { "zh-CN": "企业", en: "Enterprise" } },
      divisionCode: "350100",
      orgCode: "M000100Y4",
      checkCharacter: "3",
    });
  });

  test("the check-character issue says what was expected, as data", () => {
    expect(checkUscc("91350100M000100Y4Z").issues).toEqual([
      {
        code: "invalid_check_character",
        severity: "error",
        params: { expected: "3", actual: "Z", position: 18 },
      },
    ]);
  });

  test.each(["91350100M000100Y44", "91350100M000100Y4Z"])(
    "lenient mode: %s is valid with a warning",
    (code) => {
      const r = checkUscc(code, { lenient: true });
      expect(r.valid).toBe(true);
      expect(r.issues).toEqual([
        {
          code: "invalid_check_character",
          severity: "warning",
          params: { expected: "3", actual: code[17], position: 18 },
        },
      ]);
    },
  );

  test("lenient mode: every other rule still applies", () => {
    expect(checkUscc("9I350100M000100Y43", { lenient: true }).valid).toBe(false);
    expect(checkUscc(build("94", "350100", "M000100Y"), { lenient: true }).valid).toBe(false);
  });

  test.each([
    [
      "unknown registration authority",
      build("B1", "350100", "M000100Y"),
      "unknown_registration_authority",
      { code: "B" },
    ],
    [
      "unknown entity type",
      build("94", "350100", "M000100Y"),
      "unknown_entity_type",
      { code: "94" },
    ],
    [
      "division segment is an NBS statistical code",
      build("91", "130171", "M000100Y"),
      "unknown_division_code",
      { code: "130171", position: 3 },
    ],
    [
      "division segment with a letter",
      build("91", "35A100", "M000100Y"),
      "unknown_division_code",
      { code: "35A100", position: 3 },
    ],
  ])("%s", (_name, code, want, params) => {
    expect(checkUscc(code).issues).toEqual([{ code: want, severity: "error", params }]);
  });

  test("an embedded organization code with a wrong check character is reported (GB 11714)", () => {
    const first17 = "91350100M000100Y5";
    expect(checkUscc(first17 + usccCheckCharacter(first17)).issues).toEqual([
      {
        code: "invalid_embedded_org_code",
        severity: "error",
        params: { orgCode: "M000100Y5", expected: "4", actual: "5" },
      },
    ]);
  });

  test.each([
    ["lowercase", "91350100m000100y43", ["lowercase_letters"]],
    ["full-width", "９１３５０１００Ｍ０００１００Ｙ４３", ["full_width_characters"]],
    ["surrounding whitespace", "\n91350100M000100Y43 ", ["surrounding_whitespace"]],
  ])("%s: normalized with a warning", (_name, input, warnings) => {
    const r = checkUscc(input);
    expect(r.valid).toBe(true);
    expect(r.value).toBe("91350100M000100Y43");
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual(warnings.map((w) => [w, "warning"]));
    expect(isUscc(input)).toBe(false);
  });

  test("every entity type belongs to a registration authority, and labels are bilingual", () => {
    for (const [type, labels] of Object.entries(USCC_ENTITY_TYPES)) {
      expect(Object.keys(USCC_REGISTRATION_AUTHORITIES)).toContain(type[0]);
      expect(labels["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(labels.en).toMatch(/^[\x20-\x7e]+$/);
      expect(checkUscc(build(type, "350100", "M000100Y")).valid).toBe(true);
    }
  });

  test("__proto__ and other inherited names are not entity types", () => {
    expect(checkUscc("__proto__ABCDEFGHJ").valid).toBe(false);
  });

  test.each([
    [42, "number"],
    [null, "null"],
  ])("a non-string argument (%o, %s) is a programmer error", (bad, _type) => {
    expect(() => checkUscc(bad as unknown as string)).toThrow(
      expect.objectContaining({ name: "GovexSchemasError", code: "invalid_argument" }),
    );
    expect(isUscc(bad as unknown as string)).toBe(false);
  });

  test("hostile input: a megabyte string is rejected at once", () => {
    const r = checkUscc("9".repeat(1 << 20));
    expect(r.issues[0]).toMatchObject({ code: "invalid_length", params: { actual: 1 << 20 } });
    expect(r.value.length).toBeLessThanOrEqual(32);
  });

  const usccs = fc
    .record({
      type: fc.constantFrom(...Object.keys(USCC_ENTITY_TYPES)),
      division: fc.constantFrom("110000", "110101", "350100", "440305", "440524", "100000"),
      body: fc
        .array(fc.constantFrom(...CHARSET), { minLength: 8, maxLength: 8 })
        .map((a) => a.join("")),
    })
    .map((parts) => ({ ...parts, code: build(parts.type, parts.division, parts.body) }));

  test("property: generated codes are valid and round-trip to their parts", () => {
    fc.assert(
      fc.property(usccs, ({ type, division, body, code }) => {
        const r = checkUscc(code);
        expect(r.valid).toBe(true);
        expect(isUscc(code)).toBe(true);
        expect(r.value).toBe(code);
        expect(r.info).toMatchObject({
          registrationAuthority: { code: type[0] },
          entityType: { code: type },
          divisionCode: division,
          orgCode: body + orgCodeCheckCharacter(body),
          checkCharacter: code[17],
        });
      }),
    );
  });

  test("property: MOD 31 detects every single substitution (the check character catches it)", () => {
    fc.assert(
      fc.property(
        usccs,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 30 }),
        ({ code }, pos, delta) => {
          const next = CHARSET[(CHARSET.indexOf(code[pos] as string) + delta) % 31] as string;
          const mutated = code.slice(0, pos) + next + code.slice(pos + 1);
          expect(usccCheckCharacter(mutated) === mutated[17]).toBe(false);
          expect(checkUscc(mutated).valid).toBe(false);
          expect(isUscc(mutated)).toBe(false);
        },
      ),
    );
  });

  test("property: exhaustively, no single substitution of the worked example keeps the check", () => {
    const base = "91350100M000100Y43";
    for (let pos = 0; pos < 18; pos++) {
      for (const c of CHARSET) {
        if (c === base[pos]) continue;
        const mutated = base.slice(0, pos) + c + base.slice(pos + 1);
        expect(usccCheckCharacter(mutated) === mutated[17]).toBe(false);
      }
    }
  });
});
