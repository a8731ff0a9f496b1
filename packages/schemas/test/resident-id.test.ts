import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { GovexSchemasError } from "../src/errors.js";
import {
  checkResidentId,
  isResidentId,
  residentId15To18,
  residentIdCheckCharacter,
} from "../src/identifiers/resident-id.js";

const today = new Date("2026-11-25T00:00:00Z");
/** An 18-digit ID with the right check character. */
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe("checkResidentId (GB 11643-1999)", () => {
  test.each([
    // The standard's own examples first (shared/testdata/identifiers.md).
    [
      "GB 11643 appendix example",
      "11010519491231002X",
      { valid: true, birthDate: "1949-12-31", sex: "2", divisionCode: "110105" },
    ],
    [
      "GB 11643 appendix example: historical address code 440524, born 1880",
      "440524188001010014",
      { valid: true, birthDate: "1880-01-01", sex: "1", divisionCode: "440524" },
    ],
    [
      "wrong check character",
      "110105194912310021",
      { valid: false, codes: ["invalid_check_character"] },
    ],
    ["17 characters", "11010519491231002", { valid: false, codes: ["invalid_length"] }],
    ["19 characters", "11010519491231002X1", { valid: false, codes: ["invalid_length"] }],
    ["letter in the body", "1101051949123100AX", { valid: false, codes: ["invalid_character"] }],
    ["X before position 18", "1101051949123100X2", { valid: false, codes: ["invalid_character"] }],
    ["space inside", "110105 9491231002X", { valid: false, codes: ["invalid_character"] }],
    ["February 30", id("11010519490230002"), { valid: false, codes: ["invalid_birth_date"] }],
    ["month 13", id("11010519491331002"), { valid: false, codes: ["invalid_birth_date"] }],
    ["day 00", id("11010519491200002"), { valid: false, codes: ["invalid_birth_date"] }],
    ["29 February 2000 (leap)", id("11010520000229002"), { valid: true, birthDate: "2000-02-29" }],
    ["29 February 1900 (not leap)", id("11010519000229002"), { valid: false }],
    [
      "born in the future",
      id("11010520990101002"),
      { valid: false, codes: ["birth_date_in_future"] },
    ],
    ["born today (UTC+8)", id("11010520261125002"), { valid: true }],
    ["born tomorrow (UTC+8)", id("11010520261126002"), { valid: false }],
    [
      "NBS statistical code 130171",
      id("13017119900101002"),
      { valid: false, codes: ["unknown_division_code"] },
    ],
    [
      "830000 (Taiwan residence permits) is not GB/T 2260",
      id("83000019900101002"),
      { valid: false, codes: ["unknown_division_code"] },
    ],
    ["810000 (Hong Kong residence permits)", id("81000019900101002"), { valid: true }],
    [
      "several faults are all reported",
      "13017120990230002X",
      {
        valid: false,
        codes: ["invalid_check_character", "invalid_birth_date", "unknown_division_code"],
      },
    ],
    [
      "legacy 15 digits refused by default",
      "110105491231002",
      { valid: false, codes: ["legacy_id_not_allowed"] },
    ],
    ["empty", "", { valid: false, codes: ["invalid_length"] }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkResidentId(input, { today });
    expect(r.valid).toBe(want.valid);
    if ("codes" in want) expect(r.issues.map((i) => i.code)).toEqual(want.codes);
    if ("birthDate" in want) expect(r.info?.birthDate).toBe(want.birthDate);
    if ("sex" in want) expect(r.info?.sex).toBe(want.sex);
    if ("divisionCode" in want) expect(r.info?.divisionCode).toBe(want.divisionCode);
  });

  test("the check-character issue says what was expected, as data", () => {
    expect(checkResidentId("110105194912310021").issues).toEqual([
      {
        code: "invalid_check_character",
        severity: "error",
        params: { expected: "X", actual: "1", position: 18 },
      },
    ]);
  });

  test("parsed info: division entry, sequence, sex", () => {
    const r = checkResidentId("11010519491231002X");
    expect(r.info).toMatchObject({
      division: { code: "110105", name: "朝阳区", province: "北京市" },
      sequence: "002",
      sex: "2",
      legacy15: false,
    });
    // 440524 was abolished in 1993: the entry says so, the number is still valid.
    expect(checkResidentId("440524188001010014").info?.division).toMatchObject({
      name: "潮阳县",
      inForce: false,
      to: 1993,
    });
  });

  test.each([
    // How a value is written is normalized with a warning; the number stays valid.
    ["lowercase x", "11010519491231002x", ["lowercase_letters"]],
    ["surrounding whitespace", " 11010519491231002X\t", ["surrounding_whitespace"]],
    ["ideographic space (U+3000)", "11010519491231002X\u3000", ["surrounding_whitespace"]],
    ["full-width digits", "１１０１０５１９４９１２３１００２Ｘ", ["full_width_characters"]],
    [
      "all three",
      " １１０１０５１９４９１２３１００２ｘ ",
      ["surrounding_whitespace", "full_width_characters", "lowercase_letters"],
    ],
  ])("%s: valid with warnings %j, value normalized", (_name, input, warnings) => {
    const r = checkResidentId(input);
    expect(r.valid).toBe(true);
    expect(r.value).toBe("11010519491231002X");
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual(warnings.map((w) => [w, "warning"]));
  });

  test("legacy numbers: accepted when asked (19xx), and converted to 18 digits", () => {
    const r = checkResidentId("110105491231002", { allowLegacy15: true });
    expect(r.valid).toBe(true);
    expect(r.info).toMatchObject({ legacy15: true, birthDate: "1949-12-31", sex: "2" });
    expect(
      checkResidentId("110105491231x02", { allowLegacy15: true }).issues.map((i) => i.code),
    ).toEqual(["lowercase_letters", "invalid_character"]);
    expect(checkResidentId("110105490230002", { allowLegacy15: true }).issues[0]?.code).toBe(
      "invalid_birth_date",
    );
  });

  test.each([
    ["110105491231002", "11010519491231002X"],
    ["440524800101001", "440524198001010013"],
    [" 110105491231002 ", "11010519491231002X"],
  ])("residentId15To18(%s) = %s", (id15, id18) => {
    expect(residentId15To18(id15)).toBe(id18);
    expect(checkResidentId(id18).valid).toBe(true);
  });

  test.each(["11010549123100", "11010549123100A", "11010519491231002X"])(
    "residentId15To18 refuses %s",
    (bad) => {
      expect(() => residentId15To18(bad)).toThrow(GovexSchemasError);
    },
  );

  describe("strictDivisionYear: the code was in force in some year from max(birth year, 1984) on", () => {
    test.each([
      // 110103 崇文区 1980–2010.
      ["born 2012, code abolished 2010", id("11010320120101002"), false],
      ["born 2010, the year of abolition", id("11010320100101002"), true],
      ["born 1970, code in force in 1984–2010", id("11010319700101002"), true],
      // 440524 潮阳县 1983–1993: the appendix example holds (issued in 1984–1993).
      ["the appendix example 440524188001010014", "440524188001010014", true],
      // 110110 燕山区 1980–1986: born 1960, the code was in force in 1984–1986.
      ["born 1960, code abolished 1986", id("11011019600101002"), true],
      // 110225 房山县 1980–1986: born 1990, abolished before birth.
      ["born 1990, code abolished 1986", id("11022519900101002"), false],
      ["a code still in force", id("11010120200101002"), true],
    ])("%s", (_name, value, valid) => {
      expect(checkResidentId(value, { today }).valid).toBe(true);
      const strict = checkResidentId(value, { today, strictDivisionYear: true });
      expect(strict.valid).toBe(valid);
      if (!valid) {
        expect(strict.issues[0]).toMatchObject({
          code: "division_not_in_force",
          params: { year: Number(value.slice(6, 10)) },
        });
      }
    });
  });

  test.each([
    [42, "number"],
    [null, "null"],
    [undefined, "undefined"],
    [["11010519491231002X"], "an array"],
    [{ toString: () => "11010519491231002X" }, "object"],
  ])("a non-string argument (%o) is a programmer error", (bad, described) => {
    expect(() => checkResidentId(bad as unknown as string)).toThrow(
      expect.objectContaining({ name: "GovexSchemasError", code: "invalid_argument" }),
    );
    expect(() => checkResidentId(bad as unknown as string)).toThrow(described);
    // The format is the hot path: it answers false, never throws.
    expect(isResidentId(bad as unknown as string)).toBe(false);
  });

  test("the format judges the future by the clock, in China Standard Time", () => {
    // Yesterday and the day after tomorrow (UTC+8) stay on their side of "today" whenever this runs.
    const day = (offsetDays: number) => {
      const t = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000);
      return t.toISOString().slice(0, 10).replaceAll("-", "");
    };
    const yesterday = id(`110105${day(-1)}002`);
    const later = id(`110105${day(2)}002`);
    expect(isResidentId(later)).toBe(false);
    expect(isResidentId(yesterday)).toBe(true);
    expect(isResidentId(later)).toBe(false);
    expect(checkResidentId(yesterday).valid).toBe(true);
    expect(checkResidentId(later).issues.map((i) => i.code)).toEqual(["birth_date_in_future"]);
  });

  test("an invalid `today` is a programmer error", () => {
    expect(() => checkResidentId("11010519491231002X", { today: new Date("nope") })).toThrow(
      expect.objectContaining({ code: "invalid_option" }),
    );
  });

  test("hostile input: a megabyte string is rejected at once with a short value", () => {
    const r = checkResidentId("1".repeat(1 << 20));
    expect(r.issues).toEqual([
      { code: "invalid_length", severity: "error", params: { expected: 18, actual: 1 << 20 } },
    ]);
    expect(r.value.length).toBeLessThanOrEqual(32);
  });

  test.each([
    ["lone surrogate", "11010519491231002\ud800"],
    ["emoji", "1101051949123100😀"],
    ["NUL", "11010519491231002\u0000"],
    ["Arabic-Indic digits", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"],
  ])("hostile input: %s is an issue, not a crash", (_name, input) => {
    const r = checkResidentId(input);
    expect(r.valid).toBe(false);
    expect(r.issues[0]?.severity).toBe("error");
  });

  const ids = fc
    .record({
      division: fc.constantFrom(
        "110101",
        "110105",
        "310104",
        "440305",
        "370102",
        "510104",
        "440524",
      ),
      date: fc.date({
        min: new Date("1900-01-01T00:00:00Z"),
        max: new Date("2020-12-31T00:00:00Z"),
        noInvalidDate: true,
      }),
      seq: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ division, date, seq }) => {
      const iso = date.toISOString().slice(0, 10);
      return {
        id: id(`${division}${iso.replaceAll("-", "")}${String(seq).padStart(3, "0")}`),
        date: iso,
        seq,
      };
    });

  test("property: every generated valid ID passes (check and format) and parses back", () => {
    fc.assert(
      fc.property(ids, ({ id, date, seq }) => {
        const r = checkResidentId(id, { today });
        expect(r.valid).toBe(true);
        expect(r.issues).toEqual([]);
        expect(isResidentId(id)).toBe(true);
        expect(r.info?.birthDate).toBe(date);
        expect(r.info?.sex).toBe(seq % 2 === 1 ? "1" : "2");
      }),
    );
  });

  test("property: MOD 11-2 detects every single-character substitution (the check fails)", () => {
    fc.assert(
      fc.property(
        ids,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 10 }),
        ({ id }, pos, delta) => {
          const alphabet = "0123456789X";
          const size = pos === 17 ? 11 : 10;
          const old = alphabet.indexOf(id[pos] as string);
          const next = alphabet[(old + delta) % size] as string;
          fc.pre(next !== id[pos]);
          const mutated = id.slice(0, pos) + next + id.slice(pos + 1);
          // Not just "invalid": the check character itself must catch it, whatever else breaks.
          expect(residentIdCheckCharacter(mutated) === mutated[17]).toBe(false);
          expect(checkResidentId(mutated, { today }).valid).toBe(false);
          expect(isResidentId(mutated)).toBe(false);
        },
      ),
    );
  });

  test("property: exhaustively, no single substitution of the appendix example keeps the check", () => {
    const base = "11010519491231002X";
    for (let pos = 0; pos < 18; pos++) {
      for (const c of pos === 17 ? "0123456789X" : "0123456789") {
        if (c === base[pos]) continue;
        const mutated = base.slice(0, pos) + c + base.slice(pos + 1);
        expect(residentIdCheckCharacter(mutated) === mutated[17]).toBe(false);
      }
    }
  });
});
