/**
 * The transforms of a mapping file (specs/adapter/v1 `$defs/transform`), compiled once per
 * field into one function. A transform either returns the new value or reports why the source
 * value cannot be turned into a standard one; the record is then withheld and logged.
 */
import { CountryCodes, EthnicityCodes, SexCodes } from "@govex/schemas";

export type TransformSpec =
  | "trim"
  | "halfwidth"
  | "upper"
  | "lower"
  | "collapseSpace"
  | "number"
  | "string"
  | "emptyToNull"
  | { date: { from: string; to?: "date" | "date-time"; timezone?: string } }
  | {
      codeTable: {
        table?: CodeTableName;
        map: Record<string, string>;
        unmapped?: "reject" | "keep";
      };
    }
  | { nullIf: string[] };

/** The national code tables a `codeTable` transform may target. */
export const CODE_TABLES = {
  /** GB/T 2261.1-2003 人的性别代码 */
  sex: SexCodes,
  /** GB 3304-1991 中国各民族名称的罗马字母拼写法和代码 */
  ethnicity: EthnicityCodes,
  /** GB/T 2659-2000 世界各国和地区名称代码 */
  country: CountryCodes,
} as const;
export type CodeTableName = keyof typeof CODE_TABLES;

/** Why a value could not be transformed: a code and zh-CN/English messages, never the value. */
export interface TransformFailure {
  code: "not_a_number" | "date_invalid" | "code_unmapped" | "not_a_string";
  zh: string;
  en: string;
}

export type TransformResult =
  | { ok: true; value: unknown }
  | { ok: false; failure: TransformFailure };
export type CompiledTransform = (value: unknown) => TransformResult;

const ok = (value: unknown): TransformResult => ({ ok: true, value });
const fail = (code: TransformFailure["code"], zh: string, en: string): TransformResult => ({
  ok: false,
  failure: { code, zh, en },
});

/** Full-width forms U+FF01–U+FF5E to ASCII, and the ideographic space U+3000 to a space. */
export function toHalfwidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

function onString(f: (s: string) => string): CompiledTransform {
  return (value) => ok(typeof value === "string" ? f(value) : value);
}

const DATE_TOKENS = /yyyy|MM|dd|HH|mm|ss/g;

/** Check a date pattern: only yyyy, MM, dd, HH, mm, ss and literal separators; or "excel". */
export function dateFormatProblem(pattern: string): string | undefined {
  if (pattern === "excel") return undefined;
  const tokens: string[] = pattern.match(DATE_TOKENS) ?? [];
  if (!tokens.includes("yyyy") || !tokens.includes("MM") || !tokens.includes("dd"))
    return "yyyy, MM and dd";
  if (new Set(tokens).size !== tokens.length) return "each token once";
  if (/[A-Za-z]/.test(pattern.replace(DATE_TOKENS, ""))) return "yyyy MM dd HH mm ss";
  return undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function partsFromPattern(pattern: string): (text: string) => Parts | undefined {
  const order: string[] = [];
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(DATE_TOKENS, (token) => {
    order.push(token);
    return token === "yyyy" ? "(\\d{4})" : "(\\d{2})";
  });
  const re = new RegExp(`^${source}$`);
  return (text) => {
    const m = re.exec(text.trim());
    if (!m) return undefined;
    const parts: Parts = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
    order.forEach((token, i) => {
      const n = Number(m[i + 1]);
      if (token === "yyyy") parts.y = n;
      else if (token === "MM") parts.mo = n;
      else if (token === "dd") parts.d = n;
      else if (token === "HH") parts.h = n;
      else if (token === "mm") parts.mi = n;
      else parts.s = n;
    });
    return parts;
  };
}

function validParts(p: Parts): boolean {
  const probe = new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s));
  return (
    p.y >= 1 &&
    probe.getUTCFullYear() === p.y &&
    probe.getUTCMonth() === p.mo - 1 &&
    probe.getUTCDate() === p.d &&
    p.h < 24 &&
    p.mi < 60 &&
    p.s < 60
  );
}

/** Parts of a Date in a fixed offset ("+08:00"): sources hand over instants, records want local dates. */
function partsOfInstant(date: Date, offset: string): Parts {
  const sign = offset.startsWith("-") ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const t = new Date(date.getTime() + minutes * 60_000);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
  };
}

/** Excel's serial day (1900 system, with its 1900-02-29): day 25569 is 1970-01-01. */
function partsOfExcelSerial(serial: number): Parts | undefined {
  if (!Number.isFinite(serial) || serial < 61 || serial > 2958465) return undefined;
  return partsOfInstant(new Date(Math.round((serial - 25569) * 86400) * 1000), "+00:00");
}

function dateTransform(spec: { from: string; to?: string; timezone?: string }): CompiledTransform {
  const offset = spec.timezone ?? "+08:00";
  const parse = spec.from === "excel" ? undefined : partsFromPattern(spec.from);
  const toDateTime = spec.to === "date-time";
  return (value) => {
    if (value === null || value === undefined || value === "") return ok(value);
    let parts: Parts | undefined;
    if (value instanceof Date)
      parts = Number.isNaN(value.getTime()) ? undefined : partsOfInstant(value, offset);
    else if (spec.from === "excel") parts = partsOfExcelSerial(Number(value));
    else if (typeof value === "string" && parse) parts = parse(value);
    else if (typeof value === "number" && parse) parts = parse(String(value));
    if (!parts || !validParts(parts))
      return fail(
        "date_invalid",
        `日期不符合格式 ${spec.from}:请核对源数据。`,
        `date does not match ${spec.from}: check the source data`,
      );
    const date = `${pad(parts.y, 4)}-${pad(parts.mo)}-${pad(parts.d)}`;
    return ok(
      toDateTime ? `${date}T${pad(parts.h)}:${pad(parts.mi)}:${pad(parts.s)}${offset}` : date,
    );
  };
}

function codeTableTransform(spec: {
  table?: CodeTableName;
  map: Record<string, string>;
  unmapped?: "reject" | "keep";
}): CompiledTransform {
  const map = new Map(Object.entries(spec.map));
  const keep = spec.unmapped === "keep";
  return (value) => {
    if (value === null || value === undefined || value === "") return ok(value);
    const mapped = map.get(String(value));
    if (mapped !== undefined) return ok(mapped);
    if (keep) return ok(value);
    return fail(
      "code_unmapped",
      `本地代码未在代码表映射中${spec.table ? `(${spec.table})` : ""}:请在映射文件中补充。`,
      `local code has no mapping${spec.table ? ` to ${spec.table}` : ""}: add it to the mapping file`,
    );
  };
}

function numberTransform(value: unknown): TransformResult {
  if (value === null || value === undefined || value === "") return ok(value);
  if (typeof value === "number") return ok(value);
  const n = typeof value === "bigint" ? Number(value) : Number(String(value).trim());
  return Number.isFinite(n)
    ? ok(n)
    : fail("not_a_number", "不是数值:请核对源数据。", "not a number: check the source data");
}

function stringTransform(value: unknown): TransformResult {
  if (value === null || value === undefined) return ok(value);
  if (value instanceof Date) return ok(value.toISOString());
  if (typeof value === "object") return fail("not_a_string", "不是标量值。", "not a scalar value");
  return ok(String(value));
}

/** Compile one field's transforms into one function, applied in order. */
export function compileTransforms(specs: readonly TransformSpec[]): CompiledTransform {
  const steps: CompiledTransform[] = specs.map((spec) => {
    if (typeof spec === "string") {
      switch (spec) {
        case "trim":
          return onString((s) => s.trim());
        case "halfwidth":
          return onString(toHalfwidth);
        case "upper":
          return onString((s) => s.toUpperCase());
        case "lower":
          return onString((s) => s.toLowerCase());
        case "collapseSpace":
          return onString((s) => s.replace(/\s+/g, " "));
        case "number":
          return numberTransform;
        case "string":
          return stringTransform;
        case "emptyToNull":
          return (value) => ok(value === "" ? null : value);
      }
    }
    if ("date" in spec) return dateTransform(spec.date);
    if ("codeTable" in spec) return codeTableTransform(spec.codeTable);
    const nulls = new Set(spec.nullIf);
    return (value) => ok(value !== null && nulls.has(String(value)) ? null : value);
  });
  return (value) => {
    let current = value;
    for (const step of steps) {
      const result = step(current);
      if (!result.ok) return result;
      current = result.value;
    }
    return ok(current);
  };
}

/**
 * The source values a standard value may come from, for pushing a filter down; undefined when
 * the transforms cannot be inverted exactly (then the runtime filters the mapped records).
 */
export function invertTransforms(
  specs: readonly TransformSpec[],
  value: string,
): string[] | undefined {
  let candidates = [value];
  for (const spec of [...specs].reverse()) {
    if (spec === "string" || spec === "number") continue;
    if (typeof spec === "object" && "codeTable" in spec) {
      const next: string[] = [];
      for (const c of candidates) {
        const locals = Object.entries(spec.codeTable.map)
          .filter(([, to]) => to === c)
          .map(([from]) => from);
        next.push(...locals);
        if (spec.codeTable.unmapped === "keep" && !Object.hasOwn(spec.codeTable.map, c))
          next.push(c);
      }
      candidates = next;
      continue;
    }
    return undefined;
  }
  return candidates;
}
