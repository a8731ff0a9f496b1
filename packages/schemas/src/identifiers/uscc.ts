/**
 * 统一社会信用代码 — GB 32100-2015 Unified social credit identifier (18 characters).
 * @see GB 32100-2015 §4 (structure), Annex B (check character)
 * @module
 */
import { divisionExistsAt } from "../divisions/lookup.js";
import { requireString } from "../errors.js";
import { type CheckResult, issue, type Lang, result } from "../issues.js";
import { MAX_SCANNED_LENGTH, normalizeIdentifier } from "./normalize.js";
import { isOrgCode, orgCodeCheckCharacter } from "./org-code.js";

// GB 32100-2015 §4: 31 symbols, no I, O, Z, S, V; each symbol's value is its index.
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// GB 32100-2015 Annex B: W_i = 3^(i-1) mod 31.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) VALUE[CHARSET.charCodeAt(i)] = i;

type Labels = Record<Lang, string>;

/** Position 1, 登记管理部门代码 (GB 32100-2015 §4.2). */
export const USCC_REGISTRATION_AUTHORITIES: Readonly<Record<string, Labels>> = {
  "1": { "zh-CN": "机构编制", en: "Institutional establishment authority" },
  "2": { "zh-CN": "外交", en: "Foreign affairs" },
  "3": { "zh-CN": "司法行政", en: "Judicial administration" },
  "4": { "zh-CN": "文化", en: "Culture" },
  "5": { "zh-CN": "民政", en: "Civil affairs" },
  "6": { "zh-CN": "旅游", en: "Tourism" },
  "7": { "zh-CN": "宗教", en: "Religious affairs" },
  "8": { "zh-CN": "工会", en: "Trade unions" },
  "9": { "zh-CN": "工商(市场监管)", en: "Industry and commerce (market regulation)" },
  A: { "zh-CN": "中央军委改革和编制办公室", en: "CMC Reform and Organization Office" },
  N: { "zh-CN": "农业", en: "Agriculture" },
  Y: { "zh-CN": "其他", en: "Other" },
};

/** Positions 1–2, 机构类别代码 (GB 32100-2015 §4.3 and the authorities' published tables). */
export const USCC_ENTITY_TYPES: Readonly<Record<string, Labels>> = {
  "11": { "zh-CN": "机关", en: "Government body" },
  "12": { "zh-CN": "事业单位", en: "Public institution" },
  "13": { "zh-CN": "中央编办直接管理机构编制的群众团体", en: "Mass organization" },
  "19": { "zh-CN": "其他(机构编制)", en: "Other (establishment authority)" },
  "21": { "zh-CN": "外国常驻新闻机构", en: "Resident office of a foreign news organization" },
  "29": { "zh-CN": "其他(外交)", en: "Other (foreign affairs)" },
  "31": { "zh-CN": "律师执业机构", en: "Law firm" },
  "32": { "zh-CN": "公证处", en: "Notary office" },
  "33": { "zh-CN": "基层法律服务所", en: "Grassroots legal service office" },
  "34": { "zh-CN": "司法鉴定机构", en: "Forensic appraisal institution" },
  "35": { "zh-CN": "仲裁委员会", en: "Arbitration commission" },
  "39": { "zh-CN": "其他(司法行政)", en: "Other (judicial administration)" },
  "41": { "zh-CN": "外国在华文化中心", en: "Foreign cultural centre in China" },
  "49": { "zh-CN": "其他(文化)", en: "Other (culture)" },
  "51": { "zh-CN": "社会团体", en: "Social organization" },
  "52": { "zh-CN": "民办非企业单位", en: "Private non-enterprise unit" },
  "53": { "zh-CN": "基金会", en: "Foundation" },
  "59": { "zh-CN": "其他(民政)", en: "Other (civil affairs)" },
  "61": {
    "zh-CN": "外国旅游部门常驻代表机构",
    en: "Resident office of a foreign tourism authority",
  },
  "62": {
    "zh-CN": "港澳台地区旅游部门常驻内地(大陆)代表机构",
    en: "Mainland office of a HK/Macao/Taiwan tourism authority",
  },
  "69": { "zh-CN": "其他(旅游)", en: "Other (tourism)" },
  "71": { "zh-CN": "宗教活动场所", en: "Venue for religious activities" },
  "72": { "zh-CN": "宗教院校", en: "Religious school" },
  "79": { "zh-CN": "其他(宗教)", en: "Other (religious affairs)" },
  "81": { "zh-CN": "基层工会", en: "Grassroots trade union" },
  "89": { "zh-CN": "其他(工会)", en: "Other (trade unions)" },
  "91": { "zh-CN": "企业", en: "Enterprise" },
  "92": { "zh-CN": "个体工商户", en: "Individual business" },
  "93": { "zh-CN": "农民专业合作社", en: "Farmers' specialized cooperative" },
  A1: { "zh-CN": "军队事业单位", en: "Military public institution" },
  A9: {
    "zh-CN": "其他(中央军委改革和编制办公室)",
    en: "Other (CMC Reform and Organization Office)",
  },
  N1: { "zh-CN": "组级集体经济组织", en: "Group-level collective economic organization" },
  N2: { "zh-CN": "村级集体经济组织", en: "Village-level collective economic organization" },
  N3: { "zh-CN": "乡镇级集体经济组织", en: "Township-level collective economic organization" },
  N9: { "zh-CN": "其他(农业)", en: "Other (agriculture)" },
  Y1: { "zh-CN": "其他", en: "Other" },
};

// Entity types as a bit per pair of symbol values (31 × 31): the format tests it in place.
const ENTITY_TYPE_BITS = new Uint8Array(31 * 31);
for (const type of Object.keys(USCC_ENTITY_TYPES)) {
  ENTITY_TYPE_BITS[
    (VALUE[type.charCodeAt(0)] as number) * 31 + (VALUE[type.charCodeAt(1)] as number)
  ] = 1;
}

/**
 * Division segment of bodies registered at national level. "100000" (中华人民共和国) is not a
 * GB/T 2260 list entry but is what central bodies carry in positions 3–8 [I].
 */
const NATIONAL_DIVISION = "100000";

export interface UsccInfo {
  registrationAuthority: { code: string; labels: Labels | null };
  entityType: { code: string; labels: Labels | null };
  divisionCode: string;
  /** Positions 9–17: the GB 11714 organization code (主体标识码). */
  orgCode: string;
  checkCharacter: string;
}

export interface UsccOptions {
  /**
   * Some issued codes reportedly fail the check (cn-standards.md §2). In lenient mode a wrong
   * check character is a warning and the code stays valid; every other rule still applies.
   */
  lenient?: boolean;
}

// GB 32100-2015 Annex B: C18 = (31 − Σ Ci·Wi mod 31) mod 31, over the first 17 characters.
function checkValue(text: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = text.charCodeAt(i);
    sum += (c < 128 ? (VALUE[c] as number) : -1) * (WEIGHTS[i] as number);
  }
  return (31 - (((sum % 31) + 31) % 31)) % 31;
}

/**
 * The check character of the first 17 characters (which must be charset symbols):
 * C18 = (31 − Σ mod 31) mod 31 (GB 32100-2015 Annex B).
 *
 * @example
 * usccCheckCharacter("91350100M000100Y4"); // "3"
 */
export function usccCheckCharacter(first17: string): string {
  return CHARSET[checkValue(first17)] as string;
}

function divisionOk(text: string): boolean {
  return text.startsWith(NATIONAL_DIVISION, 2) || divisionExistsAt(text, 2);
}

/**
 * Fast boolean check with the default (strict) options: the `cn-uscc` format. No allocation.
 * Use {@link checkUscc} to learn why a value fails.
 */
export function isUscc(value: string): boolean {
  if (typeof value !== "string" || value.length !== 18) return false;
  for (let i = 0; i < 18; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || (VALUE[c] as number) < 0) return false;
  }
  if (value.charCodeAt(17) !== CHARSET.charCodeAt(checkValue(value))) return false;
  const type = (VALUE[value.charCodeAt(0)] as number) * 31 + (VALUE[value.charCodeAt(1)] as number);
  if (ENTITY_TYPE_BITS[type] !== 1) return false;
  return isOrgCode(value, 8) && divisionOk(value);
}

/**
 * Checks a 统一社会信用代码 (GB 32100-2015) and returns what it encodes: the registration
 * authority (position 1, §4.2) and entity type (positions 1–2, §4.3) with their zh-CN and English
 * labels, the division code of the registering office (positions 3–8, GB/T 2260, historical codes
 * included; "100000" for national bodies), the embedded GB 11714 organization code (positions
 * 9–17, whose own check character must be right) and the check character (position 18, Annex B).
 *
 * A check character outside the charset but an uppercase letter (Z in the standard's negative
 * example) is reported as a wrong check character. Surrounding whitespace, full-width characters
 * and lowercase letters are normalized with a warning; the `cn-uscc` format accepts only the
 * canonical form.
 *
 * @throws {GovexSchemasError} `invalid_argument` when `input` is not a string.
 * @example
 * checkUscc("91350100M000100Y43").info?.entityType.labels?.["zh-CN"]; // "企业"
 * checkUscc("91350100M000100Y4Z").issues[0]?.code;                     // "invalid_check_character"
 * checkUscc("91350100M000100Y4Z", { lenient: true }).valid;             // true, with a warning
 */
export function checkUscc(input: string, opts: UsccOptions = {}): CheckResult<UsccInfo> {
  requireString(input, "checkUscc: input");
  if (input.length > MAX_SCANNED_LENGTH) {
    return result(input.slice(0, 32), [
      issue("invalid_length", { expected: 18, actual: input.length }),
    ]);
  }
  const { value, warnings: issues } = normalizeIdentifier(input, true);
  if (value.length !== 18) {
    issues.push(issue("invalid_length", { expected: 18, actual: value.length }));
    return result(value, issues);
  }
  // §4: every character is one of the 31 symbols; position 18 only has to be an uppercase
  // letter or digit here, so that a wrong one is reported as a check character error.
  for (let i = 0; i < 18; i++) {
    const c = value.charCodeAt(i);
    const ok = (c < 128 && (VALUE[c] as number) >= 0) || (i === 17 && c >= 65 && c <= 90);
    if (!ok) {
      issues.push(issue("invalid_character", { position: i + 1, character: value[i] as string }));
      return result(value, issues);
    }
  }
  const expected = usccCheckCharacter(value);
  if (value[17] !== expected) {
    issues.push(
      issue(
        "invalid_check_character",
        { expected, actual: value[17] as string, position: 18 },
        opts.lenient ? "warning" : "error",
      ),
    );
  }
  const authority = value[0] as string;
  const type = value.slice(0, 2);
  const authorityLabels = Object.hasOwn(USCC_REGISTRATION_AUTHORITIES, authority)
    ? (USCC_REGISTRATION_AUTHORITIES[authority] as Labels)
    : null;
  const typeLabels = Object.hasOwn(USCC_ENTITY_TYPES, type)
    ? (USCC_ENTITY_TYPES[type] as Labels)
    : null;
  if (!authorityLabels) issues.push(issue("unknown_registration_authority", { code: authority }));
  else if (!typeLabels) issues.push(issue("unknown_entity_type", { code: type }));
  const divisionCode = value.slice(2, 8);
  if (!divisionOk(value)) {
    issues.push(issue("unknown_division_code", { code: divisionCode, position: 3 }));
  }
  const orgCode = value.slice(8, 17);
  if (!isOrgCode(orgCode)) {
    // The USCC charset has no letters the organization code forbids, so the body always has a
    // check character to compare with.
    issues.push(
      issue("invalid_embedded_org_code", {
        orgCode,
        expected: orgCodeCheckCharacter(orgCode.slice(0, 8)),
        actual: orgCode[8] as string,
      }),
    );
  }
  return result(value, issues, {
    registrationAuthority: { code: authority, labels: authorityLabels },
    entityType: { code: type, labels: typeLabels },
    divisionCode,
    orgCode,
    checkCharacter: value[17] as string,
  });
}
