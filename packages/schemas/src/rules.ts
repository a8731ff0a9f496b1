/**
 * Cross-field rules that JSON Schema cannot say, named in specs/data by `x-govex-rules`.
 * The validator runs them after the structural check; the generated zod schemas call the
 * same functions in `superRefine`. Every rule is total: it never throws, whatever the input.
 * @module
 */
import { lookupDivision } from "./divisions/lookup.js";
import { checkResidentId } from "./identifiers/resident-id.js";
import { type CheckIssue, issue, type Lang } from "./issues.js";

/** An issue found by a rule; `path` is relative to the object that carries the rule. */
export interface RuleIssue extends CheckIssue {
  path: (string | number)[];
}

export interface GovexRule {
  name: string;
  description: Record<Lang, string>;
  check(value: unknown): RuleIssue[];
}

const NONE: RuleIssue[] = [];

function field(value: unknown, key: string): unknown {
  return value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function text(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === "string" ? v : undefined;
}

function at(path: string, code: string, params: CheckIssue["params"]): RuleIssue {
  return { ...issue(code, params), path: [path] };
}

/** GB 11643-1999 §5.2–5.3: the birth date and sex a person record states agree with the resident ID. */
function personResidentId(value: unknown): RuleIssue[] {
  const id = text(value, "residentId");
  if (id === undefined) return NONE;
  const parsed = checkResidentId(id);
  if (!parsed.info || parsed.issues.some((i) => i.code === "invalid_birth_date")) return NONE;
  const out: RuleIssue[] = [];
  const birthDate = text(value, "birthDate");
  if (birthDate !== undefined && birthDate !== parsed.info.birthDate) {
    out.push(
      at("birthDate", "resident_id_birth_date_mismatch", {
        expected: parsed.info.birthDate,
        actual: birthDate,
      }),
    );
  }
  const sex = text(value, "sex");
  // GB/T 2261.1: 0 (unknown) and 9 (not stated) do not contradict the ID.
  if ((sex === "1" || sex === "2") && sex !== parsed.info.sex) {
    out.push(at("sex", "resident_id_sex_mismatch", { expected: parsed.info.sex, actual: sex }));
  }
  return out.length ? out : NONE;
}

function sameName(
  given: string,
  info: { name: string; history: { name: string }[]; alternateNames: string[] },
): boolean {
  return (
    given === info.name ||
    info.alternateNames.includes(given) ||
    info.history.some((h) => h.name === given)
  );
}

/** GB/T 2260: the division code of an address agrees with the province, city and county it names. */
function addressDivision(value: unknown): RuleIssue[] {
  const code = text(value, "divisionCode");
  if (code === undefined || !/^\d{6}$/.test(code)) return NONE;
  const out: RuleIssue[] = [];
  const province = lookupDivision(`${code.slice(0, 2)}0000`);
  const givenProvince = text(value, "province");
  if (province && givenProvince !== undefined && !sameName(givenProvince, province)) {
    out.push(
      at("province", "address_division_mismatch", {
        field: "province",
        code,
        expected: province.name,
        actual: givenProvince,
      }),
    );
  }
  const givenCity = text(value, "city");
  if (givenCity !== undefined && !code.endsWith("0000")) {
    const prefecture = lookupDivision(`${code.slice(0, 4)}00`);
    // Municipalities and 省直辖 counties have summary codes (市辖区, 县, 省直辖县级行政区划):
    // there the "city" is the municipality itself, so the province's name is accepted too.
    const summary = prefecture?.source === "summary";
    const ok =
      !prefecture ||
      sameName(givenCity, prefecture) ||
      ((summary || code.slice(2, 4) === "90") &&
        province !== null &&
        sameName(givenCity, province));
    if (!ok && prefecture) {
      out.push(
        at("city", "address_division_mismatch", {
          field: "city",
          code,
          expected: prefecture.name,
          actual: givenCity,
        }),
      );
    }
  }
  const givenCounty = text(value, "county");
  if (givenCounty !== undefined && !code.endsWith("00")) {
    const county = lookupDivision(code);
    if (county && !sameName(givenCounty, county)) {
      out.push(
        at("county", "address_division_mismatch", {
          field: "county",
          code,
          expected: county.name,
          actual: givenCounty,
        }),
      );
    }
  }
  return out.length ? out : NONE;
}

/** GB 32100-2015 §4: fields a legal-entity record repeats agree with its USCC. */
function legalEntityUscc(value: unknown): RuleIssue[] {
  const uscc = text(value, "uscc");
  if (uscc === undefined || uscc.length !== 18) return NONE;
  const out: RuleIssue[] = [];
  const orgCode = text(value, "orgCode");
  if (orgCode !== undefined && orgCode.replace("-", "") !== uscc.slice(8, 17)) {
    out.push(
      at("orgCode", "uscc_org_code_mismatch", { expected: uscc.slice(8, 17), actual: orgCode }),
    );
  }
  const authority = text(value, "registrationAuthority");
  if (authority !== undefined && authority !== uscc[0]) {
    out.push(
      at("registrationAuthority", "uscc_registration_authority_mismatch", {
        expected: uscc[0] as string,
        actual: authority,
      }),
    );
  }
  const type = text(value, "entityType");
  if (type !== undefined && type !== uscc.slice(0, 2)) {
    out.push(
      at("entityType", "uscc_entity_type_mismatch", { expected: uscc.slice(0, 2), actual: type }),
    );
  }
  return out.length ? out : NONE;
}

function rule(
  name: string,
  zh: string,
  en: string,
  check: (value: unknown) => RuleIssue[],
): GovexRule {
  // Totality guard: a rule that throws would crash a stream; report it as an issue instead.
  const total = (value: unknown): RuleIssue[] => {
    try {
      return check(value);
    } catch (cause) {
      return [
        { ...issue("rule_failed", { rule: name, reason: String(cause).slice(0, 200) }), path: [] },
      ];
    }
  };
  return Object.freeze({ name, description: { "zh-CN": zh, en }, check: total });
}

/** Every cross-field rule by the name specs/data uses in `x-govex-rules`. */
export const govexRules: Readonly<Record<string, GovexRule>> = Object.freeze({
  "person-resident-id": rule(
    "person-resident-id",
    "出生日期与性别须与公民身份号码一致(GB 11643-1999 §5.2、§5.3)。",
    "Birth date and sex agree with the resident ID (GB 11643-1999 §5.2, §5.3).",
    personResidentId,
  ),
  "address-division": rule(
    "address-division",
    "行政区划代码须与所填省、市、县名称一致(GB/T 2260)。",
    "The division code agrees with the province, city and county names (GB/T 2260).",
    addressDivision,
  ),
  "legal-entity-uscc": rule(
    "legal-entity-uscc",
    "组织机构代码、登记管理部门和机构类别须与统一社会信用代码一致(GB 32100-2015 §4)。",
    "Organization code, registration authority and entity type agree with the USCC (GB 32100-2015 §4).",
    legalEntityUscc,
  ),
});
