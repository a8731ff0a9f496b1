import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkOrgCode, orgCodeCheckCharacter } from "../src/identifiers/org-code.js";
import { checkUscc, usccCheckCharacter } from "../src/identifiers/uscc.js";

const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

describe("checkUscc (GB 32100-2015)", () => {
  test.each([
    ["GB 32100 worked example", "91350100M000100Y43", { valid: true }],
    [
      "GB 32100 negative example (Z is outside the charset)",
      "91350100M000100Y4Z",
      { valid: false, code: "invalid_character" },
    ],
    [
      "wrong check character",
      "91350100M000100Y44",
      { valid: false, code: "invalid_check_character" },
    ],
    [
      "letter I is not in the charset",
      "9I350100M000100Y43",
      { valid: false, code: "invalid_character" },
    ],
    ["lowercase", "91350100m000100y43", { valid: false, code: "invalid_character" }],
    ["too short", "91350100M000100Y4", { valid: false, code: "invalid_length" }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkUscc(input);
    expect(r.valid).toBe(want.valid);
    if ("code" in want) expect(r.issues.map((i) => i.code)).toContain(want.code);
  });

  test("parses registration authority, entity type, division and the embedded organization code", () => {
    expect(checkUscc("91350100M000100Y43").info).toMatchObject({
      registrationAuthority: { code: "9", labels: { "zh-CN": "工商(市场监管)" } },
      entityType: { code: "91", labels: { "zh-CN": "企业" } },
      divisionCode: "350100",
      orgCode: "M000100Y4",
      checkCharacter: "3",
    });
  });

  test("lenient mode: a wrong check character is a warning and the code stays valid", () => {
    const r = checkUscc("91350100M000100Y44", { lenient: true });
    expect(r.valid).toBe(true);
    expect(r.issues).toEqual([
      {
        code: "invalid_check_character",
        severity: "warning",
        params: { expected: "3", actual: "4", position: 18 },
      },
    ]);
    // Every other rule still applies in lenient mode.
    expect(checkUscc("9I350100M000100Y43", { lenient: true }).valid).toBe(false);
  });

  const build = (first: string, division: string, body: string) => {
    const first17 = `${first}${division}${body}${orgCodeCheckCharacter(body)}`;
    return first17 + usccCheckCharacter(first17);
  };

  test.each([
    [
      "unknown registration authority",
      build("B1", "350100", "M000100Y"),
      "unknown_registration_authority",
    ],
    ["unknown entity type", build("94", "350100", "M000100Y"), "unknown_entity_type"],
    [
      "division segment not in GB/T 2260",
      build("91", "130171", "M000100Y"),
      "unknown_division_code",
    ],
  ])("%s", (_name, code, want) => {
    expect(checkUscc(code).issues.map((i) => i.code)).toEqual([want]);
  });

  test("an embedded organization code with a wrong check character is reported", () => {
    const first17 = "91350100M000100Y5";
    expect(checkUscc(first17 + usccCheckCharacter(first17)).issues.map((i) => i.code)).toEqual([
      "invalid_embedded_org_code",
    ]);
  });

  const usccs = fc
    .record({
      type: fc.constantFrom("11", "12", "51", "52", "91", "92", "93", "N1", "Y1"),
      division: fc.constantFrom("110000", "110101", "350100", "440305", "100000"),
      body: fc
        .array(fc.constantFrom(..."0123456789ABCDEFGHJKLMNPQRTUWXY"), {
          minLength: 8,
          maxLength: 8,
        })
        .map((a) => a.join("")),
    })
    .map(({ type, division, body }) => build(type, division, body));

  test("property: generated codes are valid, and every single substitution is detected (MOD 31)", () => {
    fc.assert(
      fc.property(
        usccs,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 30 }),
        (code, pos, delta) => {
          expect(checkUscc(code).valid).toBe(true);
          const next = CHARSET[(CHARSET.indexOf(code[pos] as string) + delta) % 31] as string;
          expect(checkUscc(code.slice(0, pos) + next + code.slice(pos + 1)).valid).toBe(false);
        },
      ),
    );
  });
});

describe("checkOrgCode (GB 11714-1997)", () => {
  test.each([
    ["embedded in the GB 32100 example", "M000100Y4", true],
    ["written with a hyphen", "M000100Y-4", true],
    ["wrong check character", "M000100Y5", false],
    ["lowercase body", "m000100y4", false],
    ["too long", "M000100Y44", false],
  ])("%s", (_name, input, valid) => {
    expect(checkOrgCode(input).valid).toBe(valid);
  });

  test("check character 10 is written X and 11 is written 0", () => {
    const bodies = Array.from({ length: 2000 }, (_, i) => String(i).padStart(8, "0"));
    const checks = new Set(bodies.map(orgCodeCheckCharacter));
    expect(checks.has("X")).toBe(true);
    expect(checks.has("0")).toBe(true);
    for (const b of bodies) expect(checkOrgCode(b + orgCodeCheckCharacter(b)).valid).toBe(true);
  });
});
