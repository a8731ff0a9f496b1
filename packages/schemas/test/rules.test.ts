import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { orgCodeCheckCharacter } from "../src/identifiers/org-code.js";
import { residentIdCheckCharacter } from "../src/identifiers/resident-id.js";
import { usccCheckCharacter } from "../src/identifiers/uscc.js";
import { govexRules } from "../src/rules.js";

const codes = (rule: string, value: unknown) =>
  govexRules[rule]?.check(value).map((i) => [i.path.join("/"), i.code]);

describe("person-resident-id (GB 11643-1999 §5.2, §5.3)", () => {
  test.each([
    [
      "agreeing record (the appendix example)",
      { residentId: "11010519491231002X", birthDate: "1949-12-31", sex: "2" },
      [],
    ],
    [
      "birth date differs",
      { residentId: "11010519491231002X", birthDate: "1949-12-30" },
      [["birthDate", "resident_id_birth_date_mismatch"]],
    ],
    [
      "birth date written another way",
      { residentId: "11010519491231002X", birthDate: "19491231" },
      [["birthDate", "resident_id_birth_date_mismatch"]],
    ],
    [
      "sex differs",
      { residentId: "11010519491231002X", sex: "1" },
      [["sex", "resident_id_sex_mismatch"]],
    ],
    [
      "both differ",
      { residentId: "440524188001010014", birthDate: "1880-01-02", sex: "2" },
      [
        ["birthDate", "resident_id_birth_date_mismatch"],
        ["sex", "resident_id_sex_mismatch"],
      ],
    ],
    ["sex 0 (unknown) never conflicts", { residentId: "11010519491231002X", sex: "0" }, []],
    ["sex 9 (not stated) never conflicts", { residentId: "11010519491231002X", sex: "9" }, []],
    ["no resident ID", { birthDate: "1949-12-30", sex: "1" }, []],
    // A wrong check character is the format's to report; the rule does not pile on.
    ["ID with a wrong check character", { residentId: "110105194912310021", sex: "1" }, []],
    ["ID of the wrong length", { residentId: "1101051949123100", sex: "1" }, []],
    ["resident ID not a string", { residentId: 11010519491231002, sex: "1" }, []],
    ["birth date not a string", { residentId: "11010519491231002X", birthDate: 19491231 }, []],
  ])("%s", (_name, value, want) => {
    expect(codes("person-resident-id", value)).toEqual(want);
  });

  test("the mismatch issue says what was expected, as data", () => {
    expect(
      govexRules["person-resident-id"]?.check({
        residentId: "11010519491231002X",
        birthDate: "1949-12-30",
      }),
    ).toEqual([
      {
        code: "resident_id_birth_date_mismatch",
        severity: "error",
        path: ["birthDate"],
        params: { expected: "1949-12-31", actual: "1949-12-30" },
      },
    ]);
  });

  test("property: a record built from a valid ID agrees with it", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1900-01-01"), max: new Date("2020-12-31"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        (d, seq) => {
          const date = d.toISOString().slice(0, 10);
          const first17 = `370102${date.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
          const residentId = first17 + residentIdCheckCharacter(first17);
          const sex = seq % 2 === 1 ? "1" : "2";
          expect(
            govexRules["person-resident-id"]?.check({ residentId, birthDate: date, sex }),
          ).toEqual([]);
          expect(codes("person-resident-id", { residentId, sex: sex === "1" ? "2" : "1" })).toEqual(
            [["sex", "resident_id_sex_mismatch"]],
          );
        },
      ),
    );
  });
});

describe("address-division (GB/T 2260)", () => {
  test.each([
    [
      "county-level code with names",
      { divisionCode: "370102", province: "山东省", city: "济南市", county: "历下区" },
      [],
    ],
    [
      "municipality: city written as the municipality",
      { divisionCode: "110105", province: "北京市", city: "北京市", county: "朝阳区" },
      [],
    ],
    [
      "municipality: city written as the summary 市辖区",
      { divisionCode: "110105", province: "北京市", city: "市辖区", county: "朝阳区" },
      [],
    ],
    [
      "municipality: city left out",
      { divisionCode: "500103", province: "重庆市", county: "渝中区" },
      [],
    ],
    [
      "municipality: a wrong city",
      { divisionCode: "110105", city: "天津市" },
      [["city", "address_division_mismatch"]],
    ],
    [
      "county directly under a province (省直辖县级行政区划)",
      { divisionCode: "429004", province: "湖北省", city: "湖北省", county: "仙桃市" },
      [],
    ],
    [
      "wrong province",
      { divisionCode: "370102", province: "河南省" },
      [["province", "address_division_mismatch"]],
    ],
    [
      "wrong city",
      { divisionCode: "370102", city: "青岛市" },
      [["city", "address_division_mismatch"]],
    ],
    [
      "wrong county",
      { divisionCode: "370102", county: "市中区" },
      [["county", "address_division_mismatch"]],
    ],
    [
      "every name wrong",
      { divisionCode: "370102", province: "河南省", city: "郑州市", county: "金水区" },
      [
        ["province", "address_division_mismatch"],
        ["city", "address_division_mismatch"],
        ["county", "address_division_mismatch"],
      ],
    ],
    ["alternate spelling (the table's `a` field)", { divisionCode: "371702", city: "荷泽市" }, []],
    ["a former name (history)", { divisionCode: "120110", county: "东郊区" }, []],
    [
      "historical code with its names",
      { divisionCode: "440524", province: "广东省", county: "潮阳县" },
      [],
    ],
    [
      "province-level code: city and county are not compared",
      { divisionCode: "370000", province: "山东省", county: "历下区" },
      [],
    ],
    [
      "unknown code: its province prefix is still compared",
      { divisionCode: "130171", province: "河南省", city: "石家庄市" },
      [["province", "address_division_mismatch"]],
    ],
    [
      "an object without a prototype is a record like any other",
      Object.assign(Object.create(null), { divisionCode: "370102", city: "青岛市" }),
      [["city", "address_division_mismatch"]],
    ],
    ["division code not a string", { divisionCode: 370102, province: "河南省" }, []],
  ])("%s", (_name, value, want) => {
    expect(codes("address-division", value)).toEqual(want);
  });

  test("the mismatch issue names the field and the expected name", () => {
    expect(
      govexRules["address-division"]?.check({ divisionCode: "370102", city: "青岛市" }),
    ).toEqual([
      {
        code: "address_division_mismatch",
        severity: "error",
        path: ["city"],
        params: { field: "city", code: "370102", expected: "济南市", actual: "青岛市" },
      },
    ]);
  });
});

describe("legal-entity-uscc (GB 32100-2015 §4)", () => {
  const uscc = (first: string, division: string, body: string) => {
    const first17 = `${first}${division}${body}${orgCodeCheckCharacter(body)}`;
    return first17 + usccCheckCharacter(first17);
  };

  test.each([
    [
      "agreeing record (the worked example)",
      {
        uscc: "91350100M000100Y43",
        orgCode: "M000100Y4",
        registrationAuthority: "9",
        entityType: "91",
      },
      [],
    ],
    [
      "organization code in its written form",
      { uscc: "91350100M000100Y43", orgCode: "M000100Y-4" },
      [],
    ],
    [
      "every repeated field differs",
      {
        uscc: "91350100M000100Y43",
        orgCode: "M000100Y5",
        registrationAuthority: "5",
        entityType: "51",
      },
      [
        ["orgCode", "uscc_org_code_mismatch"],
        ["registrationAuthority", "uscc_registration_authority_mismatch"],
        ["entityType", "uscc_entity_type_mismatch"],
      ],
    ],
    [
      "entity type of another authority",
      { uscc: uscc("52", "110101", "12345678"), entityType: "51" },
      [["entityType", "uscc_entity_type_mismatch"]],
    ],
    [
      "a USCC whose only fault is its check character is still compared (lenient mode)",
      { uscc: "91350100M000100Y4Z", orgCode: "M000100Y5" },
      [["orgCode", "uscc_org_code_mismatch"]],
    ],
    ["a malformed USCC is not compared", { uscc: "91350100M0O0100Y43", orgCode: "M000100Y5" }, []],
    ["no USCC", { orgCode: "M000100Y5", entityType: "51" }, []],
  ])("%s", (_name, value, want) => {
    expect(codes("legal-entity-uscc", value)).toEqual(want);
  });
});

describe("every rule", () => {
  test("has a name and a bilingual description", () => {
    for (const [name, rule] of Object.entries(govexRules)) {
      expect(rule.name).toBe(name);
      expect(rule.description["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.description.en).toMatch(/^[\x20-\x7e–—§]+$/);
    }
  });

  test.each([
    ["null", null],
    ["undefined", undefined],
    ["an array", [{ residentId: "11010519491231002X", sex: "1" }]],
    ["a string", "11010519491231002X"],
    ["a number", 42],
    ["inherited fields only", Object.create({ residentId: "11010519491231002X", sex: "1" })],
    [
      "a getter that throws",
      {
        get residentId() {
          throw new Error("boom");
        },
      },
    ],
    [
      "a Proxy that throws",
      new Proxy(
        {},
        {
          has: () => {
            throw new Error("trap");
          },
          get: () => {
            throw new Error("trap");
          },
          getOwnPropertyDescriptor: () => {
            throw new Error("trap");
          },
        },
      ),
    ],
  ])("is total on %s", (_name, value) => {
    for (const rule of Object.values(govexRules)) {
      const issues = rule.check(value);
      expect(Array.isArray(issues)).toBe(true);
      for (const i of issues) expect(i.code).toBe("rule_failed");
    }
  });

  test("property: every rule is total — it never throws, whatever the input", () => {
    const field = fc.constantFrom(
      "__proto__",
      "constructor",
      "residentId",
      "birthDate",
      "sex",
      "divisionCode",
      "province",
      "city",
      "county",
      "uscc",
      "orgCode",
      "registrationAuthority",
      "entityType",
    );
    const hostile = fc.oneof(
      fc.anything(),
      fc.dictionary(field, fc.anything()),
      fc.dictionary(field, fc.string({ unit: "binary", maxLength: 20 })),
      fc.record({
        residentId: fc.constantFrom(
          "11010519491231002X",
          "440524188001010014",
          "110105194912310021",
        ),
        uscc: fc.constantFrom("91350100M000100Y43", "91350100M000100Y4Z"),
        divisionCode: fc.constantFrom("110105", "370102", "429004", "130171", "110100"),
        birthDate: fc.string(),
        sex: fc.string(),
        city: fc.string(),
        orgCode: fc.string(),
      }),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        for (const rule of Object.values(govexRules)) {
          const issues = rule.check(value);
          expect(Array.isArray(issues)).toBe(true);
          for (const i of issues) {
            expect(i.code).not.toBe("rule_failed");
            expect(Array.isArray(i.path)).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
