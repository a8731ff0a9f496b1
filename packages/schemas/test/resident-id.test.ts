import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  checkResidentId,
  residentId15To18,
  residentIdCheckCharacter,
} from "../src/identifiers/resident-id.js";

const today = new Date("2026-11-25T00:00:00Z");

describe("checkResidentId (GB 11643-1999)", () => {
  test.each([
    // The standard's own examples first (shared/testdata/identifiers.md).
    [
      "GB 11643 appendix example",
      "11010519491231002X",
      { valid: true, birthDate: "1949-12-31", sex: "2" },
    ],
    [
      "historical address code 440524, born 1880",
      "440524188001010014",
      { valid: true, birthDate: "1880-01-01", sex: "1" },
    ],
    [
      "wrong check character",
      "110105194912310021",
      { valid: false, code: "invalid_check_character" },
    ],
    ["lowercase x", "11010519491231002x", { valid: false, code: "lowercase_check_character" }],
    ["17 characters", "11010519491231002", { valid: false, code: "invalid_length" }],
    ["letter in the body", "1101051949123100AX", { valid: false, code: "invalid_character" }],
    ["full-width digit", "１1010519491231002X", { valid: false, code: "invalid_character" }],
    [
      "February 30",
      `11010519490230002${residentIdCheckCharacter("11010519490230002")}`,
      { valid: false, code: "invalid_birth_date" },
    ],
    [
      "born in the future",
      `11010520990101002${residentIdCheckCharacter("11010520990101002")}`,
      { valid: false, code: "birth_date_in_future" },
    ],
    [
      "NBS statistical code 130171",
      `13017119900101002${residentIdCheckCharacter("13017119900101002")}`,
      { valid: false, code: "unknown_division_code" },
    ],
    [
      "legacy 15 digits refused by default",
      "110105491231002",
      { valid: false, code: "legacy_id_not_allowed" },
    ],
    ["empty", "", { valid: false, code: "invalid_length" }],
  ] as const)("%s", (_name, input, want) => {
    const r = checkResidentId(input, { today });
    expect(r.valid).toBe(want.valid);
    if ("code" in want) expect(r.issues.map((i) => i.code)).toContain(want.code);
    if ("birthDate" in want)
      expect(r.info).toMatchObject({ birthDate: want.birthDate, sex: want.sex });
  });

  test("the check-character issue says what was expected", () => {
    expect(checkResidentId("110105194912310021").issues[0]).toEqual({
      code: "invalid_check_character",
      severity: "error",
      params: { expected: "X", actual: "1", position: 18 },
    });
  });

  test("legacy numbers: accepted when asked, and converted to 18 digits", () => {
    const r = checkResidentId("110105491231002", { allowLegacy15: true });
    expect(r.valid).toBe(true);
    expect(r.info).toMatchObject({ legacy15: true, birthDate: "1949-12-31", sex: "2" });
    expect(residentId15To18("110105491231002")).toBe("11010519491231002X");
  });

  test("strictDivisionYear: a code abolished before the holder was born fails", () => {
    // 110103 崇文区 was abolished in 2010; someone born in 2012 cannot hold it.
    const id = `11010320120101002`;
    const full = id + residentIdCheckCharacter(id);
    expect(checkResidentId(full, { today }).valid).toBe(true);
    expect(checkResidentId(full, { today, strictDivisionYear: true }).issues[0]?.code).toBe(
      "division_not_in_force",
    );
  });

  test("non-string input is an issue, not a crash", () => {
    expect(checkResidentId(42 as unknown as string).issues[0]?.code).toBe("invalid_type");
  });

  const ids = fc
    .record({
      division: fc.constantFrom("110101", "110105", "310104", "440305", "370102", "510104"),
      date: fc.date({
        min: new Date("1900-01-01T00:00:00Z"),
        max: new Date("2020-12-31T00:00:00Z"),
        noInvalidDate: true,
      }),
      seq: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ division, date, seq }) => {
      const first17 = `${division}${date.toISOString().slice(0, 10).replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
      return {
        id: first17 + residentIdCheckCharacter(first17),
        date: date.toISOString().slice(0, 10),
        seq,
      };
    });

  test("property: every generated valid ID passes and parses back its birth date and sex", () => {
    fc.assert(
      fc.property(ids, ({ id, date, seq }) => {
        const r = checkResidentId(id, { today });
        expect(r.valid).toBe(true);
        expect(r.info?.birthDate).toBe(date);
        expect(r.info?.sex).toBe(seq % 2 === 1 ? "1" : "2");
      }),
    );
  });

  test("property: MOD 11-2 detects every single-character substitution", () => {
    fc.assert(
      fc.property(
        ids,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 10 }),
        ({ id }, pos, delta) => {
          const alphabet = pos === 17 ? "0123456789X" : "0123456789";
          const old = alphabet.indexOf(id[pos] as string);
          const next = alphabet[(old + delta) % alphabet.length] as string;
          fc.pre(next !== id[pos]);
          const mutated = id.slice(0, pos) + next + id.slice(pos + 1);
          expect(checkResidentId(mutated, { today }).valid).toBe(false);
        },
      ),
    );
  });

  test("hostile input: a megabyte string is rejected at once with a short param", () => {
    const r = checkResidentId("1".repeat(1 << 20));
    expect(r.issues[0]).toMatchObject({ code: "invalid_length", params: { actual: 1 << 20 } });
    expect(r.value.length).toBeLessThanOrEqual(32);
  });
});
