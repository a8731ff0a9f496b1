/**
 * Data masking (脱敏) per field kind and sensitivity grade.
 *
 * There is no single national masking rule (shared/standards/cn-standards.md §3). The
 * grade-2 rules below are the common conventions listed there [V as conventions]:
 * name keeps the first character, resident ID keeps the first 1 and last 2 (or first 6
 * and last 4), mobile keeps the first 3 and last 4, address hides the last 8
 * characters, e-mail keeps the first character of the local part, bank card keeps the
 * first 4 and last 4. Everything else, and the 1–4 scale itself, is govex-defined and
 * configurable: GB/T 43697-2024 defines 核心 / 重要 / 一般 data [V]; splitting 一般 into
 * sensitivity levels 1–4 is common practice [M] (GB/T 35273-2020, GB/T 37988-2019 [M]).
 *
 * Masking works on Unicode code points, never on UTF-16 code units, so a surrogate
 * pair is kept or hidden whole. A masked value keeps its length in code points.
 *
 * @module masking
 */
import { createHmac } from "node:crypto";

/** The field kinds a rule knows how to mask. */
export const MASK_KINDS = [
  "resident-id",
  "uscc",
  "mobile",
  "name",
  "address",
  "email",
  "bank-card",
  "plate",
  "date",
  "generic",
] as const;

/**
 * A field kind: `resident-id` 公民身份号码 (GB 11643-1999), `uscc` 统一社会信用代码
 * (GB 32100-2015), `mobile` 手机号码, `name` 姓名, `address` 地址, `email`, `bank-card`
 * 银行卡号, `plate` 机动车号牌, `date` 日期/时间, `generic` (keep first m and last n).
 */
export type MaskKind = (typeof MASK_KINDS)[number];

/** The sensitivity grades, lowest first. */
export const MASK_GRADES = [1, 2, 3, 4] as const;

/**
 * Sensitivity grade of a field (govex-defined scale; the 1–4 split of GB/T 43697-2024's
 * 一般数据 is common practice [M]). The higher the grade, the less is shown:
 * - 1 低敏感: light masking, shows the structure (division code, BIN, year and month).
 * - 2 中敏感 (default): the common conventions of cn-standards.md §3.
 * - 3 高敏感: shows at most what tells the kind apart; the length stays.
 * - 4 极敏感 (treat 重要/核心 data as 4): redacted whole by default, or a keyed hash.
 */
export type MaskGrade = (typeof MASK_GRADES)[number];

/** The grade of a rule that names none, and of a policy without `defaultGrade`. */
export const DEFAULT_MASK_GRADE: MaskGrade = 2;

/**
 * How a value is hidden: `mask` replaces hidden code points one by one (the length
 * stays), `redact` replaces the whole value by a fixed placeholder, `hash` replaces it by
 * a keyed hash so that equal values can be linked without being disclosed.
 */
export type MaskStrategy = "mask" | "redact" | "hash";

/** A masking rule for one field. */
export interface MaskRule {
  kind: MaskKind;
  /** Sensitivity grade; the policy's `defaultGrade`, else {@link DEFAULT_MASK_GRADE}. */
  grade?: MaskGrade;
  /**
   * Code points shown at the start, overriding the kind's default for the grade. For
   * `email` it counts in the local part; for kinds with separators (`resident-id`,
   * `uscc`, `mobile`, `bank-card`, `plate`, `date`, `name`) it counts non-separators.
   */
  keepStart?: number;
  /** Code points shown at the end; counted as `keepStart` is. */
  keepEnd?: number;
  /** One code point that replaces each hidden one (default `*`). */
  maskChar?: string;
  /** Default: `redact` at grade 4, else `mask`. */
  strategy?: MaskStrategy;
}

/** Options of {@link maskValue}. */
export interface MaskOptions {
  /** HMAC-SHA256 key for the `hash` strategy, at least {@link MASK_HMAC_KEY_MIN_BYTES} bytes. */
  hmacKey?: Uint8Array;
}

/** Options of {@link maskRecord}. */
export interface MaskRecordOptions extends MaskOptions {
  /** Deepest nesting copied (default {@link MASKING_MAX_DEPTH}); deeper throws `masking_too_deep`. */
  maxDepth?: number;
}

/** Which fields of a record to mask, and how. */
export interface MaskingPolicy {
  /**
   * Rules by path: a JSON Pointer (RFC 6901, `/people/0/mobile`) or a dotted path
   * (`people.0.mobile`, `people[0].mobile`). A `*` segment matches every element of an
   * array and every own property of an object; `""` is the whole record.
   */
  fields: Record<string, MaskRule>;
  defaultGrade?: MaskGrade;
}

/** Deepest object/array nesting {@link maskRecord} copies by default. */
export const MASKING_MAX_DEPTH = 64;
/** Code points of the `redact` placeholder (the mask character repeated). */
export const MASK_REDACTED_WIDTH = 6;
/** Bytes of HMAC-SHA256 output kept by the `hash` strategy (printed as hex). */
export const MASK_HASH_BYTES = 16;
/** Shortest accepted HMAC key, as for hmac-sha256 signatures in this package. */
export const MASK_HMAC_KEY_MIN_BYTES = 32;

// ---------------------------------------------------------------------------------
// Errors

/** Why masking refused to run. */
export type MaskingErrorCode =
  | "masking_invalid_rule"
  | "masking_invalid_value"
  | "masking_key_required"
  | "masking_invalid_path"
  | "masking_too_deep";

type Messages = { "zh-CN": string; en: string };

const MESSAGES: Record<MaskingErrorCode, (p: Record<string, unknown>) => Messages> = {
  masking_invalid_rule: (p) => ({
    "zh-CN": `脱敏规则无效：${String(p.reason)}。请按 MaskRule 的说明修正规则。`,
    en: `The masking rule is invalid: ${String(p.reason)}. Fix the rule as MaskRule documents.`,
  }),
  masking_invalid_value: (p) => ({
    "zh-CN": `待脱敏的值必须是字符串，实为 ${String(p.type)}。请先转换为字符串。`,
    en: `The value to mask must be a string, got ${String(p.type)}. Convert it to a string first.`,
  }),
  masking_key_required: (p) => ({
    "zh-CN": `哈希脱敏需要至少 ${MASK_HMAC_KEY_MIN_BYTES} 字节的 HMAC 密钥，实为 ${String(p.length)} 字节。请在 options.hmacKey 中提供密钥。`,
    en: `The hash strategy needs an HMAC key of at least ${MASK_HMAC_KEY_MIN_BYTES} bytes, got ${String(p.length)}. Pass one as options.hmacKey.`,
  }),
  masking_invalid_path: (p) => ({
    "zh-CN": `脱敏策略中的字段路径“${String(p.field)}”无效：${String(p.reason)}。请使用 JSON Pointer（/a/0/b）或点分路径（a.0.b）。`,
    en: `The policy field path "${String(p.field)}" is invalid: ${String(p.reason)}. Use a JSON Pointer (/a/0/b) or a dotted path (a.0.b).`,
  }),
  masking_too_deep: (p) => ({
    "zh-CN": `记录嵌套超过 ${String(p.maxDepth)} 层（或含循环引用），已停止脱敏。请检查数据，或调大 maxDepth。`,
    en: `The record nests deeper than ${String(p.maxDepth)} levels (or is cyclic); masking stopped. Check the data, or raise maxDepth.`,
  }),
};

/**
 * A masking failure: `code`, the JSON Pointer `path` where it happened (`""` when not in
 * a record), `params`, and zh-CN/English `messages` (what is wrong, then what to do).
 */
export class MaskingError extends Error {
  override name = "MaskingError";
  readonly messages: Messages;
  constructor(
    readonly code: MaskingErrorCode,
    readonly params: Record<string, unknown> = {},
    readonly path = "",
  ) {
    const messages = MESSAGES[code](params);
    super(`${messages["zh-CN"]} / ${messages.en}`);
    this.messages = messages;
  }
}

// ---------------------------------------------------------------------------------
// Rules

interface ResolvedRule {
  kind: MaskKind;
  grade: MaskGrade;
  strategy: MaskStrategy;
  keepStart: number | undefined;
  keepEnd: number | undefined;
  maskChar: string;
}

// One code point, and not a lone surrogate (the output must stay well-formed UTF-16).
const ONE_CODE_POINT = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])$/;

function invalidRule(reason: string, path?: string): MaskingError {
  return new MaskingError("masking_invalid_rule", { reason }, path);
}

function checkCount(value: unknown, name: string, path?: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw invalidRule(`${name} must be a non-negative integer, got ${String(value)}`, path);
  return value;
}

function resolveRule(rule: MaskRule, defaultGrade: MaskGrade, path?: string): ResolvedRule {
  if (typeof rule !== "object" || rule === null)
    throw invalidRule("a rule must be an object", path);
  if (!(MASK_KINDS as readonly unknown[]).includes(rule.kind))
    throw invalidRule(`unknown kind ${String(rule.kind)} (one of ${MASK_KINDS.join(", ")})`, path);
  const grade = rule.grade ?? defaultGrade;
  if (!(MASK_GRADES as readonly unknown[]).includes(grade))
    throw invalidRule(`grade must be 1, 2, 3 or 4, got ${String(grade)}`, path);
  const strategy = rule.strategy ?? (grade === 4 ? "redact" : "mask");
  if (strategy !== "mask" && strategy !== "redact" && strategy !== "hash")
    throw invalidRule(`strategy must be mask, redact or hash, got ${String(strategy)}`, path);
  const maskChar = rule.maskChar ?? "*";
  if (typeof maskChar !== "string" || !ONE_CODE_POINT.test(maskChar))
    throw invalidRule("maskChar must be exactly one Unicode code point", path);
  return {
    kind: rule.kind,
    grade,
    strategy,
    keepStart: checkCount(rule.keepStart, "keepStart", path),
    keepEnd: checkCount(rule.keepEnd, "keepEnd", path),
    maskChar,
  };
}

function checkKey(key: Uint8Array | undefined, path?: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < MASK_HMAC_KEY_MIN_BYTES)
    throw new MaskingError(
      "masking_key_required",
      { length: key instanceof Uint8Array ? key.length : 0 },
      path,
    );
  return key;
}

// ---------------------------------------------------------------------------------
// Per-kind plans: which code points are shown

type Window = readonly [start: number, end: number];

/** Shown [start, end] per grade 1, 2, 3 (grade 4 masks everything). */
const WINDOWS: Partial<Record<MaskKind, readonly [Window, Window, Window]>> = {
  // cn-standards.md §3 [V convention]: first 1 + last 2 at grade 2; first 6 + last 4
  // (the other common rule) at grade 1. GB 11643-1999: 6 address digits, check char last.
  "resident-id": [
    [6, 4],
    [1, 2],
    [0, 0],
  ],
  // govex-defined: GB 32100-2015 positions 1-2 (registration, category) + 3-8 (division).
  uscc: [
    [8, 2],
    [2, 2],
    [0, 0],
  ],
  // cn-standards.md §3 [V convention]: first 3 + last 4; grade 3 keeps the carrier prefix.
  mobile: [
    [3, 4],
    [3, 4],
    [3, 0],
  ],
  // cn-standards.md §3 [V convention]: first 4 + last 4; grade 1 is the card BIN (6) + 4.
  "bank-card": [
    [6, 4],
    [4, 4],
    [0, 4],
  ],
  // govex-defined: province character + issuing-authority letter (京A), then the tail.
  plate: [
    [2, 2],
    [2, 1],
    [1, 0],
  ],
  // govex-defined, counted in digits: YYYYMM, YYYY, nothing.
  date: [
    [6, 0],
    [4, 0],
    [0, 0],
  ],
  // govex-defined.
  generic: [
    [2, 2],
    [1, 1],
    [0, 0],
  ],
};

const ID_SEPARATORS = new Set([" ", "-"]);
const MOBILE_SEPARATORS = new Set([" ", "-", "(", ")"]);
const PLATE_SEPARATORS = new Set([" ", "-", ".", "·", "•", "・", "．"]);
const DATE_SEPARATORS = new Set(" -/.:,TtZz+年月日时分秒".split("").concat(["\u3000"]));
const NAME_SEPARATORS = new Set([" ", "\u3000", ".", "·", "•", "・", "‧", "．"]);
const NO_SEPARATORS = new Set<string>();

const SEPARATORS: Record<MaskKind, ReadonlySet<string>> = {
  "resident-id": ID_SEPARATORS,
  uscc: ID_SEPARATORS,
  mobile: MOBILE_SEPARATORS,
  "bank-card": ID_SEPARATORS,
  plate: PLATE_SEPARATORS,
  date: DATE_SEPARATORS,
  name: NAME_SEPARATORS,
  address: NO_SEPARATORS,
  email: NO_SEPARATORS,
  generic: NO_SEPARATORS,
};

/**
 * 复姓 (compound surnames) from 百家姓 and common use, simplified and traditional. Pairs
 * that 百家姓 merely lists together (仉督, 晋楚 …) are two single surnames, not here.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(
  (
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 " +
    "单于 太叔 申屠 公孙 仲孙 轩辕 令狐 钟离 锺离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 " +
    "司寇 子车 颛孙 端木 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 拓拔 夹谷 宰父 谷梁 段干 百里 " +
    "东郭 南门 呼延 归海 羊舌 微生 梁丘 左丘 东门 西门 南宫 第五 独孤 达奚 " +
    "萬俟 司馬 歐陽 諸葛 聞人 東方 赫連 尉遲 軒轅 令狐 鍾離 長孫 閭丘 顓孫 漆雕 樂正 東郭 東門"
  ).split(" "),
);

// Provincial-level divisions (GB/T 2260 first level), full names.
const PROVINCES = [
  "北京市",
  "天津市",
  "上海市",
  "重庆市",
  "河北省",
  "山西省",
  "内蒙古自治区",
  "辽宁省",
  "吉林省",
  "黑龙江省",
  "江苏省",
  "浙江省",
  "安徽省",
  "福建省",
  "江西省",
  "山东省",
  "河南省",
  "湖北省",
  "湖南省",
  "广东省",
  "广西壮族自治区",
  "海南省",
  "四川省",
  "贵州省",
  "云南省",
  "西藏自治区",
  "陕西省",
  "甘肃省",
  "青海省",
  "宁夏回族自治区",
  "新疆维吾尔自治区",
  "台湾省",
  "香港特别行政区",
  "澳门特别行政区",
];
const MUNICIPALITIES = new Set(["北京市", "天津市", "上海市", "重庆市"]);
// Bounded quantifiers only: a hostile 1e6-character address cannot make these backtrack.
const PREFECTURE_RE = /^(?:(?![省市区县旗盟])\p{Script=Han}){1,10}?(?:自治州|地区|盟|市)/u;
const COUNTY_RE =
  /^(?:(?![省区县旗])\p{Script=Han}){1,12}?(?:自治县|自治旗|林区|特区|区|县|旗|市)/u;
const TOWNSHIP_RE = /^(?:(?![区县镇乡])\p{Script=Han}){1,8}?(?:街道|镇|乡|苏木)/u;

/** Code points of the division prefix, by level: [province, +prefecture, +county, +township]. */
function divisionPrefix(value: string): [number, number, number, number] {
  let rest = value;
  let length = 0;
  const take = (part: string): void => {
    rest = rest.slice(part.length);
    length += Array.from(part).length;
  };
  const province = PROVINCES.find((p) => rest.startsWith(p));
  if (province) take(province);
  const p1 = length;
  if (!province || !MUNICIPALITIES.has(province)) {
    const m = PREFECTURE_RE.exec(rest);
    if (m) take(m[0]);
  }
  const p2 = length;
  const county = COUNTY_RE.exec(rest);
  if (county) take(county[0]);
  const p3 = length;
  const township = TOWNSHIP_RE.exec(rest);
  if (township) take(township[0]);
  return [p1, p2, p3, length];
}

/** Marks `shown` for the first `start` and last `end` of `positions`; never all of them. */
function showWindow(shown: Uint8Array, positions: readonly number[], start: number, end: number) {
  const n = positions.length;
  if (n === 0) return;
  if (start + end >= n) {
    // The rule would show the whole value: show at most the first third instead, so a
    // value shorter than its rule never appears in clear (e.g. a one-character name).
    start = Math.floor(n / 3);
    end = 0;
  }
  for (let i = 0; i < start; i++) shown[positions[i] as number] = 1;
  for (let i = n - end; i < n; i++) shown[positions[i] as number] = 1;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function windowFor(rule: ResolvedRule, defaults: Window): Window {
  return [rule.keepStart ?? defaults[0], rule.keepEnd ?? defaults[1]];
}

/** Shown [start, end] of an e-mail's local part per grade 1-4. */
const EMAIL_LOCAL: readonly Window[] = [
  [3, 0],
  [1, 0],
  [0, 0],
  [0, 0],
];

function planEmail(cps: string[], rule: ResolvedRule, shown: Uint8Array): void {
  const at = cps.lastIndexOf("@");
  if (at <= 0) {
    // Not an address: mask as generic text.
    const [s, e] = windowFor(rule, EMAIL_LOCAL[rule.grade - 1] ?? [0, 0]);
    showWindow(shown, range(0, cps.length), s, e);
    return;
  }
  // cn-standards.md §3 [V convention]: keep the first character of the local part.
  const [s, e] = windowFor(rule, EMAIL_LOCAL[rule.grade - 1] ?? [0, 0]);
  showWindow(shown, range(0, at), s, e);
  shown[at] = 1;
  if (rule.grade <= 2) {
    for (let i = at + 1; i < cps.length; i++) shown[i] = 1;
  } else if (rule.grade === 3) {
    // Only the top-level domain and the dots stay.
    const lastDot = cps.lastIndexOf(".");
    for (let i = at + 1; i < cps.length; i++) if (cps[i] === "." || i > lastDot) shown[i] = 1;
    if (lastDot <= at) for (let i = at + 1; i < cps.length; i++) shown[i] = 0;
  }
}

function planName(cps: string[], sig: number[], rule: ResolvedRule, shown: Uint8Array): void {
  if (rule.grade >= 3 && rule.keepStart === undefined && rule.keepEnd === undefined) return;
  const separated = sig.length !== cps.length;
  if (separated && rule.keepStart === undefined && rule.keepEnd === undefined) {
    // Names in words (John Smith, 阿依古丽·买买提): which word is the surname is unknown,
    // so grade 1 shows each word's first letter and grade 2 the first word's.
    const firsts = sig.filter((i, k) => k === 0 || sig[k - 1] !== i - 1);
    const show = rule.grade === 1 ? firsts : firsts.slice(0, 1);
    if (show.length >= sig.length) {
      showWindow(shown, sig, sig.length, 0);
      return;
    }
    for (const i of show) shown[i] = 1;
    return;
  }
  const compound =
    sig.length >= 3 && COMPOUND_SURNAMES.has(`${cps[sig[0] as number]}${cps[sig[1] as number]}`);
  const surname = compound ? 2 : 1;
  // Grade 1 also shows the given name's last character when the given name has two or more.
  const tail = rule.grade === 1 && sig.length - surname >= 2 ? 1 : 0;
  const [s, e] = windowFor(rule, rule.grade >= 3 ? [0, 0] : [surname, tail]);
  showWindow(shown, sig, s, e);
}

function planAddress(cps: string[], value: string, rule: ResolvedRule, shown: Uint8Array): void {
  const n = cps.length;
  if (rule.keepStart !== undefined || rule.keepEnd !== undefined || rule.grade === 4) {
    const [s, e] = windowFor(rule, [0, 0]);
    showWindow(shown, range(0, n), s, e);
    return;
  }
  // Grade 1 down to township, 2 down to county, 3 down to prefecture.
  const levels = divisionPrefix(value).slice(0, 5 - rule.grade);
  // cn-standards.md §3 [V convention]: hide (at least) the last 8 characters, cutting
  // back to a whole division level rather than into one.
  const limit = rule.grade === 1 ? n - 1 : n - 8;
  let keep = Math.max(0, ...levels.filter((level) => level <= limit));
  if (levels.every((level) => level === 0)) {
    // No division recognised: hide the last 8 code points, and at least half (a quarter
    // shown at grade 3).
    keep = Math.max(0, Math.min(n - 8, Math.floor(n / (rule.grade === 3 ? 4 : 2))));
  }
  showWindow(shown, range(0, n), keep, 0);
}

const MOBILE_PREFIX = /^(?:\+\s?86|0086|86(?=[\s-]?1\d{10}$))[\s-]?/;

/** 1 where the code point is shown, 0 where it is replaced by the mask character. */
function plan(cps: string[], value: string, rule: ResolvedRule): Uint8Array {
  const shown = new Uint8Array(cps.length);
  const { kind } = rule;
  if (kind === "email") {
    planEmail(cps, rule, shown);
    return shown;
  }
  if (kind === "address") {
    planAddress(cps, value, rule, shown);
    return shown;
  }
  const separators = SEPARATORS[kind];
  let from = 0;
  if (kind === "mobile") {
    // The country code (+86, 0086) is not personal: show it and mask the number.
    const m = MOBILE_PREFIX.exec(value);
    if (m) from = m[0].length;
  }
  const sig: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    if (i < from || separators.has(cps[i] as string)) shown[i] = 1;
    else sig.push(i);
  }
  // Nothing but separators (e.g. a "date" of "Z"): show nothing rather than the whole value.
  if (sig.length === 0) return new Uint8Array(cps.length);
  if (kind === "name") {
    planName(cps, sig, rule, shown);
    return shown;
  }
  const windows = WINDOWS[kind] as readonly [Window, Window, Window];
  const [s, e] = windowFor(rule, rule.grade === 4 ? [0, 0] : (windows[rule.grade - 1] as Window));
  showWindow(shown, sig, s, e);
  return shown;
}

const ID_KINDS = new Set<MaskKind>(["resident-id", "uscc", "mobile", "bank-card", "plate"]);

/** The text that is hashed: NFC, and identifiers without separators, in upper case. */
function canonical(value: string, kind: MaskKind): string {
  let text = value.normalize("NFC").trim();
  if (kind === "mobile") text = text.replace(MOBILE_PREFIX, "");
  if (ID_KINDS.has(kind)) {
    const separators = SEPARATORS[kind];
    text = Array.from(text)
      .filter((c) => !separators.has(c))
      .join("")
      .toUpperCase();
  }
  if (kind === "email") {
    const at = text.lastIndexOf("@");
    if (at > 0) text = text.slice(0, at + 1) + text.slice(at + 1).toLowerCase();
  }
  return text;
}

function applyRule(
  value: string,
  rule: ResolvedRule,
  options: MaskOptions | undefined,
  path?: string,
): string {
  if (rule.strategy === "redact") return rule.maskChar.repeat(MASK_REDACTED_WIDTH);
  if (rule.strategy === "hash") {
    const key = checkKey(options?.hmacKey, path);
    // Domain-separated by kind, so one key does not link a value across kinds.
    const mac = createHmac("sha256", key)
      .update(`govex-mask-v1\u0000${rule.kind}\u0000`)
      .update(canonical(value, rule.kind))
      .digest();
    return mac.subarray(0, MASK_HASH_BYTES).toString("hex");
  }
  const cps = Array.from(value);
  const shown = plan(cps, value, rule);
  for (let i = 0; i < cps.length; i++) if (!shown[i]) cps[i] = rule.maskChar;
  return cps.join("");
}

/**
 * Mask one value by a rule. `mask` keeps the value's length in code points and shows
 * only what the kind and grade allow; `redact` returns a fixed placeholder; `hash`
 * returns the first 16 bytes of HMAC-SHA256 (hex) under `options.hmacKey`, the same for
 * equal values under one key and unlinkable without it.
 *
 * A value shorter than its rule is never shown whole: at most its first third shows.
 *
 * @throws {MaskingError} `masking_invalid_rule`, `masking_invalid_value`, or
 *   `masking_key_required` for `hash` without a key of 32 bytes or more.
 *
 * @example
 * maskValue("11010519491231002X", { kind: "resident-id" }); // "1***************2X"
 * maskValue("18012341999", { kind: "mobile" });             // "180****1999"
 * maskValue("欧阳锋", { kind: "name" });                     // "欧阳*"
 * maskValue("北京市海淀区中关村大街27号", { kind: "address" }); // "北京市海淀区********"
 * maskValue("11010519491231002X", { kind: "resident-id", grade: 4 }); // "******"
 */
export function maskValue(value: string, rule: MaskRule, options?: MaskOptions): string {
  if (typeof value !== "string")
    throw new MaskingError("masking_invalid_value", {
      type: value === null ? "null" : typeof value,
    });
  return applyRule(value, resolveRule(rule, DEFAULT_MASK_GRADE), options);
}

// ---------------------------------------------------------------------------------
// Records

interface PathNode {
  children: Map<string, PathNode>;
  wildcard: PathNode | undefined;
  rule: ResolvedRule | undefined;
}

function newNode(): PathNode {
  return { children: new Map(), wildcard: undefined, rule: undefined };
}

function parsePath(field: string): string[] {
  const bad = (reason: string) => new MaskingError("masking_invalid_path", { field, reason });
  if (field === "") return [];
  if (field.startsWith("/")) {
    // RFC 6901 §3-4: "/"-separated, "~1" is "/", "~0" is "~".
    return field
      .slice(1)
      .split("/")
      .map((segment) => {
        if (/~(?![01])/.test(segment)) throw bad("'~' must be followed by 0 or 1 (RFC 6901 §3)");
        return segment.replace(/~1/g, "/").replace(/~0/g, "~");
      });
  }
  const segments = field.replace(/\[(\*|\d+)\]/g, ".$1").split(".");
  if (segments.some((s) => s === "")) throw bad("an empty segment");
  if (segments.some((s) => s.includes("[") || s.includes("]")))
    throw bad("brackets may hold only an index or *");
  return segments;
}

/** The stricter of two rules on one value: the higher grade; on a tie, the first. */
function stricter(a: ResolvedRule | undefined, b: ResolvedRule): ResolvedRule {
  return a === undefined || b.grade > a.grade ? b : a;
}

function compilePolicy(policy: MaskingPolicy, options: MaskOptions | undefined): PathNode {
  if (
    typeof policy !== "object" ||
    policy === null ||
    typeof policy.fields !== "object" ||
    policy.fields === null
  )
    throw invalidRule("a policy needs a fields object");
  const defaultGrade = policy.defaultGrade ?? DEFAULT_MASK_GRADE;
  const root = newNode();
  for (const [field, raw] of Object.entries(policy.fields)) {
    const rule = resolveRule(raw, defaultGrade, field);
    if (rule.strategy === "hash") checkKey(options?.hmacKey, field);
    let node = root;
    for (const segment of parsePath(field)) {
      if (segment === "*") {
        node.wildcard ??= newNode();
        node = node.wildcard;
      } else {
        let next = node.children.get(segment);
        if (!next) {
          next = newNode();
          node.children.set(segment, next);
        }
        node = next;
      }
    }
    node.rule = stricter(node.rule, rule);
  }
  return root;
}

function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function childNodes(nodes: readonly PathNode[], key: string): PathNode[] {
  const out: PathNode[] = [];
  for (const node of nodes) {
    const exact = node.children.get(key);
    if (exact) out.push(exact);
    if (node.wildcard) out.push(node.wildcard);
  }
  return out;
}

interface Walk {
  options: MaskRecordOptions | undefined;
  maxDepth: number;
  trail: (string | number)[];
}

function walk(
  value: unknown,
  nodes: readonly PathNode[],
  inherited: ResolvedRule | undefined,
  depth: number,
  w: Walk,
): unknown {
  let rule: ResolvedRule | undefined;
  for (const node of nodes) if (node.rule) rule = stricter(rule, node.rule);
  // A rule on a container applies to every leaf beneath it that has no rule of its own.
  rule ??= inherited;
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return rule ? applyRule(String(value), rule, w.options, pointer(w.trail)) : value;
    case "object":
      break;
    default:
      return value; // functions and symbols are not data
  }
  if (value instanceof Date)
    return rule
      ? applyRule(
          Number.isNaN(value.getTime()) ? "" : value.toISOString(),
          rule,
          w.options,
          pointer(w.trail),
        )
      : new Date(value.getTime());
  if (ArrayBuffer.isView(value))
    return rule
      ? applyRule("", { ...rule, strategy: "redact" }, w.options)
      : structuredClone(value);
  if (depth >= w.maxDepth)
    throw new MaskingError("masking_too_deep", { maxDepth: w.maxDepth }, pointer(w.trail));
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      w.trail.push(i);
      out[i] = walk(value[i], childNodes(nodes, String(i)), rule, depth + 1, w);
      w.trail.pop();
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    w.trail.push(key);
    const masked = walk(source[key], childNodes(nodes, key), rule, depth + 1, w);
    w.trail.pop();
    // defineProperty, not assignment: an own "__proto__" key stays data and never
    // becomes the copy's prototype.
    Object.defineProperty(out, key, {
      value: masked,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Deep-copy a JSON-shaped record with the policy's fields masked. The input is never
 * mutated. Only own properties are followed (a `__proto__`, `constructor` or
 * `prototype` path reaches data, never a prototype). A rule on an object or array masks
 * every leaf beneath it; where several rules select one value, the highest grade wins.
 * Numbers and booleans under a rule come back as masked strings; null stays null.
 * Class instances come back as plain objects.
 *
 * @throws {MaskingError} `masking_too_deep` beyond `options.maxDepth` (default 64)
 *   levels or on a cycle, `masking_invalid_path`, `masking_invalid_rule`,
 *   `masking_key_required`.
 *
 * @example
 * maskRecord(
 *   { name: "段誉", contacts: [{ mobile: "18012341999" }] },
 *   { fields: { "/name": { kind: "name" }, "contacts.*.mobile": { kind: "mobile" } } },
 * );
 * // { name: "段*", contacts: [{ mobile: "180****1999" }] }
 */
export function maskRecord<T>(record: T, policy: MaskingPolicy, options?: MaskRecordOptions): T {
  const root = compilePolicy(policy, options);
  const maxDepth = options?.maxDepth ?? MASKING_MAX_DEPTH;
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 0)
    throw invalidRule(`maxDepth must be a non-negative integer, got ${String(maxDepth)}`);
  return walk(record, [root], undefined, 0, { options, maxDepth, trail: [] }) as T;
}

// ---------------------------------------------------------------------------------
// Explanations

/** The locales of {@link explainMask}. */
export type MaskLocale = "zh-CN" | "en";

function countText(start: number, end: number, zh: boolean): string {
  if (start === 0 && end === 0) return zh ? "无（仅保留长度）" : "nothing but the length";
  const unit = (count: number) => (count === 1 ? "character" : "characters");
  if (end === 0) return zh ? `前 ${start} 位` : `the first ${start} ${unit(start)}`;
  if (start === 0) return zh ? `后 ${end} 位` : `the last ${end} ${unit(end)}`;
  return zh ? `前 ${start} 位和后 ${end} 位` : `the first ${start} and last ${end} ${unit(end)}`;
}

function shownText(rule: ResolvedRule, zh: boolean): string {
  const { kind, grade } = rule;
  const overridden = rule.keepStart !== undefined || rule.keepEnd !== undefined;
  if (grade === 4 && !overridden) return zh ? "无（仅保留长度）" : "nothing but the length";
  if (kind === "name" && !overridden) {
    if (grade === 1)
      return zh
        ? "姓氏（含欧阳、司马等复姓）和名字的最后一个字；分词书写的姓名显示每个词的首字母"
        : "the surname (compound ones such as 欧阳 included) and the given name's last character; for names in words, each word's first letter";
    if (grade === 2)
      return zh
        ? "姓氏（含欧阳、司马等复姓）；分词书写的姓名只显示第一个词的首字母"
        : "the surname (compound ones such as 欧阳 included); for names in words, the first word's first letter";
    return zh ? "无（仅保留长度）" : "nothing but the length";
  }
  if (kind === "address" && !overridden) {
    const level = [
      ["省、市、县（区）和乡镇（街道）级区划名称", "the province, city, county and township names"],
      [
        "省、市、县（区）级区划名称，且至少隐藏最后 8 个字",
        "the province, city and county names, hiding at least the last 8 characters",
      ],
      [
        "省、市级区划名称，且至少隐藏最后 8 个字",
        "the province and city names, hiding at least the last 8 characters",
      ],
    ][grade - 1] as [string, string];
    return zh ? level[0] : level[1];
  }
  if (kind === "email") {
    const [s, e] = windowFor(rule, EMAIL_LOCAL[grade - 1] ?? [0, 0]);
    const local = countText(s, e, zh);
    const domain =
      grade <= 2
        ? zh
          ? "完整域名"
          : "the whole domain"
        : zh
          ? "顶级域名"
          : "the top-level domain";
    return zh ? `用户名的${local}，以及${domain}` : `${local} of the local part, and ${domain}`;
  }
  const defaults =
    kind === "name" || kind === "address"
      ? ([0, 0] as Window)
      : ((WINDOWS[kind] as readonly Window[])[grade - 1] ?? [0, 0]);
  const [s, e] = windowFor(rule, grade === 4 ? [0, 0] : defaults);
  const unit = kind === "date" ? (zh ? "（按数字计）" : " (counting digits)") : "";
  const separators =
    SEPARATORS[kind].size > 0 && kind !== "name"
      ? zh
        ? "；分隔符照原样保留"
        : "; separators stay as they are"
      : "";
  return `${countText(s, e, zh)}${unit}${separators}`;
}

/**
 * What a rule shows and hides, in zh-CN (default) or English, for documentation and UI.
 *
 * @example
 * explainMask({ kind: "mobile" }, "en");
 * // { shown: "the first 3 and last 4 characters; separators stay as they are",
 * //   hidden: 'every other character, each replaced by "*"; the length is kept' }
 */
export function explainMask(
  rule: MaskRule,
  locale: MaskLocale = "zh-CN",
): { shown: string; hidden: string } {
  const r = resolveRule(rule, DEFAULT_MASK_GRADE);
  const zh = locale === "zh-CN";
  if (r.strategy === "redact")
    return zh
      ? {
          shown: "无",
          hidden: `整个值，以固定的“${r.maskChar.repeat(MASK_REDACTED_WIDTH)}”代替，不保留长度`,
        }
      : {
          shown: "nothing",
          hidden: `the whole value, replaced by a fixed "${r.maskChar.repeat(MASK_REDACTED_WIDTH)}"; the length is not kept`,
        };
  if (r.strategy === "hash")
    return zh
      ? {
          shown: `带密钥的哈希（HMAC-SHA256 前 ${MASK_HASH_BYTES} 字节，十六进制）：同一密钥下相同的值结果相同，可用于关联比对`,
          hidden: "原值本身",
        }
      : {
          shown: `a keyed hash (HMAC-SHA256, first ${MASK_HASH_BYTES} bytes, hex): equal values give equal results under one key, for linkage`,
          hidden: "the value itself",
        };
  return {
    shown: shownText(r, zh),
    hidden: zh
      ? `其余字符，每个以“${r.maskChar}”代替，保留长度；短于规则的值最多显示前三分之一`
      : `every other character, each replaced by "${r.maskChar}"; the length is kept, and a value shorter than the rule shows at most its first third`,
  };
}
