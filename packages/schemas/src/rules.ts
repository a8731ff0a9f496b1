/**
 * Cross-field rules that JSON Schema cannot say, named in specs/data by `x-govex-rules`.
 * The validator runs them after the structural check; the generated zod schemas call the
 * same functions in `superRefine`. Every rule is total: it never throws, whatever the input.
 * @module
 */
import { divisionPlace } from "./divisions/lookup.js";
import { residentIdCheckCharacter } from "./identifiers/resident-id.js";
import { isUscc, usccCheckCharacter } from "./identifiers/uscc.js";
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An own string property (never one inherited through a polluted prototype). */
function text(value: Record<string, unknown>, key: string): string | undefined {
  if (!Object.hasOwn(value, key)) return undefined;
  const v = value[key];
  return typeof v === "string" ? v : undefined;
}

function at(path: string, code: string, params: CheckIssue["params"]): RuleIssue {
  return { ...issue(code, params), path: [path] };
}

function digitsAt(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** "YYYY-MM-DD" equals the ID's characters 7–14 (compared in place: no allocation). */
function sameBirthDate(date: string, id: string): boolean {
  if (date.length !== 10 || date[4] !== "-" || date[7] !== "-") return false;
  for (let i = 0; i < 4; i++) if (date.charCodeAt(i) !== id.charCodeAt(6 + i)) return false;
  return (
    date.charCodeAt(5) === id.charCodeAt(10) &&
    date.charCodeAt(6) === id.charCodeAt(11) &&
    date.charCodeAt(8) === id.charCodeAt(12) &&
    date.charCodeAt(9) === id.charCodeAt(13)
  );
}

/** GB 11643-1999 §5.2–5.3: the birth date and sex a person record states agree with the resident ID. */
function personResidentId(value: unknown): RuleIssue[] {
  if (!isRecord(value)) return NONE;
  const id = text(value, "residentId");
  // Only an ID whose check character is right is compared: a typo in the ID is the format's to
  // report, and comparing with it would blame the birth date or sex for it as well.
  if (
    id === undefined ||
    id.length !== 18 ||
    !digitsAt(id, 0, 17) ||
    id.charCodeAt(17) !== residentIdCheckCharacter(id).charCodeAt(0)
  ) {
    return NONE;
  }
  let out: RuleIssue[] | undefined;
  const birthDate = text(value, "birthDate");
  if (birthDate !== undefined && !sameBirthDate(birthDate, id)) {
    const expected = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    out = [at("birthDate", "resident_id_birth_date_mismatch", { expected, actual: birthDate })];
  }
  const sex = text(value, "sex");
  // §5.3: odd sequence = male ("1"), even = female ("2"); GB/T 2261.1 0 and 9 never conflict.
  const expectedSex = (id.charCodeAt(16) - 48) % 2 === 1 ? "1" : "2";
  if ((sex === "1" || sex === "2") && sex !== expectedSex) {
    out = add(out, at("sex", "resident_id_sex_mismatch", { expected: expectedSex, actual: sex }));
  }
  return out ?? NONE;
}

/** Appends to a lazily created list: valid records allocate nothing. */
function add(list: RuleIssue[] | undefined, item: RuleIssue): RuleIssue[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

function mismatch(fieldName: string, code: string, expected: string, actual: string): RuleIssue {
  return at(fieldName, "address_division_mismatch", { field: fieldName, code, expected, actual });
}

/** GB/T 2260: the division code of an address agrees with the province, city and county it names. */
function addressDivision(value: unknown): RuleIssue[] {
  if (!isRecord(value)) return NONE;
  const code = text(value, "divisionCode");
  if (code === undefined || code.length !== 6 || !digitsAt(code, 0, 6)) return NONE;
  const place = divisionPlace(code);
  let out: RuleIssue[] | undefined;
  const province = text(value, "province");
  if (province !== undefined && place.province && !place.province.names.has(province)) {
    out = add(out, mismatch("province", code, place.province.name, province));
  }
  const city = text(value, "city");
  if (city !== undefined && place.prefecture) {
    // Municipalities and 省直辖 counties have summary codes (市辖区, 县, 省直辖县级行政区划):
    // there the "city" is the municipality itself, so the province's names are accepted too.
    const ok =
      place.prefecture.names.has(city) ||
      ((place.prefecture.summary || code.slice(2, 4) === "90") &&
        place.province?.names.has(city) === true);
    if (!ok) out = add(out, mismatch("city", code, place.prefecture.name, city));
  }
  const county = text(value, "county");
  if (county !== undefined && !code.endsWith("00") && place.self && !place.self.names.has(county)) {
    out = add(out, mismatch("county", code, place.self.name, county));
  }
  return out ?? NONE;
}

/** The organization code as written ("M000100Y4" or "M000100Y-4") equals USCC positions 9–17. */
function sameOrgCode(orgCode: string, uscc: string): boolean {
  const hyphen = orgCode.length === 10 && orgCode.charCodeAt(8) === 45;
  if (orgCode.length !== 9 && !hyphen) return false;
  for (let i = 0; i < 8; i++) if (orgCode.charCodeAt(i) !== uscc.charCodeAt(8 + i)) return false;
  return orgCode.charCodeAt(hyphen ? 9 : 8) === uscc.charCodeAt(16);
}

/**
 * GB 32100-2015 §4: fields a legal-entity record repeats agree with its USCC — the organization
 * code with positions 9–17 (§4.5), the registration authority with position 1 (§4.2) and the
 * entity type with positions 1–2 (§4.3). Only a USCC that passes the format (strictly) is
 * compared; a USCC whose only fault is its check character (lenient mode) is compared too.
 */
function legalEntityUscc(value: unknown): RuleIssue[] {
  if (!isRecord(value)) return NONE;
  const uscc = text(value, "uscc");
  if (uscc === undefined || !(isUscc(uscc) || isUsccButCheck(uscc))) return NONE;
  let out: RuleIssue[] | undefined;
  const orgCode = text(value, "orgCode");
  if (orgCode !== undefined && !sameOrgCode(orgCode, uscc)) {
    out = add(
      out,
      at("orgCode", "uscc_org_code_mismatch", { expected: uscc.slice(8, 17), actual: orgCode }),
    );
  }
  const authority = text(value, "registrationAuthority");
  if (authority !== undefined && (authority.length !== 1 || authority[0] !== uscc[0])) {
    out = add(
      out,
      at("registrationAuthority", "uscc_registration_authority_mismatch", {
        expected: uscc[0] as string,
        actual: authority,
      }),
    );
  }
  const type = text(value, "entityType");
  if (type !== undefined && !(type.length === 2 && uscc.startsWith(type))) {
    out = add(
      out,
      at("entityType", "uscc_entity_type_mismatch", { expected: uscc.slice(0, 2), actual: type }),
    );
  }
  return out ?? NONE;
}

/** A USCC that would pass the format with its check character replaced (lenient mode). */
function isUsccButCheck(uscc: string): boolean {
  if (uscc.length !== 18) return false;
  const fixed = uscc.slice(0, 17) + usccCheckCharacter(uscc);
  return isUscc(fixed);
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
