/**
 * The per-kind maskers: for each field kind and grade, which code points are shown
 * (windows, separators, compound surnames, administrative-division prefixes of
 * addresses), and the canonical form a value is hashed in.
 *
 * @module masking/kinds
 */
import type { MaskKind, ResolvedRule } from "./rules.js";

export type Window = readonly [start: number, end: number];

/** Shown [start, end] per grade 1, 2, 3 (grade 4 masks everything). */
export const WINDOWS: Partial<Record<MaskKind, readonly [Window, Window, Window]>> = {
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

export const ID_SEPARATORS = new Set([" ", "-"]);
export const MOBILE_SEPARATORS = new Set([" ", "-", "(", ")"]);
export const PLATE_SEPARATORS = new Set([" ", "-", ".", "·", "•", "・", "．"]);
export const DATE_SEPARATORS = new Set(" -/.:,TtZz+年月日时分秒".split("").concat(["\u3000"]));
export const NAME_SEPARATORS = new Set([" ", "\u3000", ".", "·", "•", "・", "‧", "．"]);
export const NO_SEPARATORS = new Set<string>();

export const SEPARATORS: Record<MaskKind, ReadonlySet<string>> = {
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
export const PROVINCES = [
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
export const MUNICIPALITIES = new Set(["北京市", "天津市", "上海市", "重庆市"]);
// Bounded quantifiers only: a hostile 1e6-character address cannot make these backtrack.
export const PREFECTURE_RE = /^(?:(?![省市区县旗盟])\p{Script=Han}){1,10}?(?:自治州|地区|盟|市)/u;
export const COUNTY_RE =
  /^(?:(?![省区县旗])\p{Script=Han}){1,12}?(?:自治县|自治旗|林区|特区|区|县|旗|市)/u;
export const TOWNSHIP_RE = /^(?:(?![区县镇乡])\p{Script=Han}){1,8}?(?:街道|镇|乡|苏木)/u;

/** Code points of the division prefix, by level: [province, +prefecture, +county, +township]. */
export function divisionPrefix(value: string): [number, number, number, number] {
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
export function showWindow(
  shown: Uint8Array,
  positions: readonly number[],
  start: number,
  end: number,
) {
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

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

export function windowFor(rule: ResolvedRule, defaults: Window): Window {
  return [rule.keepStart ?? defaults[0], rule.keepEnd ?? defaults[1]];
}

/** Shown [start, end] of an e-mail's local part per grade 1-4. */
export const EMAIL_LOCAL: readonly Window[] = [
  [3, 0],
  [1, 0],
  [0, 0],
  [0, 0],
];

export function planEmail(cps: string[], rule: ResolvedRule, shown: Uint8Array): void {
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

export function planName(
  cps: string[],
  sig: number[],
  rule: ResolvedRule,
  shown: Uint8Array,
): void {
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

export function planAddress(
  cps: string[],
  value: string,
  rule: ResolvedRule,
  shown: Uint8Array,
): void {
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

export const MOBILE_PREFIX = /^(?:\+\s?86|0086|86(?=[\s-]?1\d{10}$))[\s-]?/;

/** 1 where the code point is shown, 0 where it is replaced by the mask character. */
export function plan(cps: string[], value: string, rule: ResolvedRule): Uint8Array {
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

export const ID_KINDS = new Set<MaskKind>(["resident-id", "uscc", "mobile", "bank-card", "plate"]);

/** The text that is hashed: NFC, and identifiers without separators, in upper case. */
export function canonical(value: string, kind: MaskKind): string {
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
