import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { govexRules } from "../src/rules.js";

const codes = (rule: string, value: unknown) =>
  govexRules[rule]?.check(value).map((i) => [i.path.join("/"), i.code]);

describe("person-resident-id (GB 11643-1999 §5.2, §5.3)", () => {
  test.each([
    [
      "agreeing record",
      { residentId: "11010519491231002X", birthDate: "1949-12-31", sex: "2" },
      [],
    ],
    [
      "birth date differs",
      { residentId: "11010519491231002X", birthDate: "1949-12-30" },
      [["birthDate", "resident_id_birth_date_mismatch"]],
    ],
    [
      "sex differs",
      { residentId: "11010519491231002X", sex: "1" },
      [["sex", "resident_id_sex_mismatch"]],
    ],
    ["sex 9 (not stated) never conflicts", { residentId: "11010519491231002X", sex: "9" }, []],
    ["no resident ID", { birthDate: "1949-12-30", sex: "1" }, []],
  ])("%s", (_name, value, want) => {
    expect(codes("person-resident-id", value)).toEqual(want);
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
    ["alternate spelling accepted", { divisionCode: "371702", city: "荷泽市" }, []],
  ])("%s", (_name, value, want) => {
    expect(codes("address-division", value)).toEqual(want);
  });
});

describe("legal-entity-uscc (GB 32100-2015 §4)", () => {
  test.each([
    [
      "agreeing record",
      {
        uscc: "91350100M000100Y43",
        orgCode: "M000100Y-4",
        registrationAuthority: "9",
        entityType: "91",
      },
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
  ])("%s", (_name, value, want) => {
    expect(codes("legal-entity-uscc", value)).toEqual(want);
  });
});

test("property: every rule is total — it never throws, whatever the input", () => {
  const hostile = fc.oneof(
    fc.anything(),
    fc.dictionary(
      fc.constantFrom("__proto__", "constructor", "residentId", "divisionCode", "uscc", "city"),
      fc.anything(),
    ),
  );
  fc.assert(
    fc.property(hostile, (value) => {
      for (const rule of Object.values(govexRules))
        expect(Array.isArray(rule.check(value))).toBe(true);
    }),
    { numRuns: 2000 },
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
