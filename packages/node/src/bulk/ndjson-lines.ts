/**
 * The lines of a pushed NDJSON batch and the checks every line passes before its schema: strict
 * UTF-8 (RFC 8259 §8.1), valid JSON, an object, bounded nesting, no prototype-changing member
 * names, and only values PostgreSQL's jsonb can hold (no U+0000, no lone surrogates, finite
 * numbers). A bad line is a rejection of that line, never of the batch.
 *
 * Framing as @govex/validator reads NDJSON: lines end at LF, a trailing CR is dropped, a UTF-8
 * BOM at the start is ignored, blank lines are counted for line numbers but are not records.
 */
import { isUtf8 } from "node:buffer";
import { isPrototypeChangingMember, jsonNestingExceeds } from "@govex/adapter";
import type { Lang } from "../server/problem.js";

/** Deepest nesting of a record; catalog records are flat, so this is generous. */
export const MAX_RECORD_DEPTH = 64;

/** One reason a line is rejected (specs/exchange v1 `BatchReceipt.rejections[]`, less `line`). */
export interface LineIssue {
  /** JSON Pointer into the record; "" for the whole line. */
  path: string;
  code: string;
  message: string;
}

export type CheckedLine =
  | {
      ok: true;
      value: Record<string, unknown>;
      /** The line as sent (decoded): valid JSON of `value`, storable as jsonb as it is. */
      text: string;
    }
  | { ok: false; issues: LineIssue[] };

/** A non-blank line of the body: its 1-based number and bytes (CR and BOM removed). */
export interface RawLine {
  line: number;
  bytes: Buffer;
}

/** The non-blank lines of an NDJSON body, in order. */
export function* ndjsonLines(body: Buffer): Generator<RawLine> {
  let start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  let line = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    const next = end < 0 ? body.length : end + 1;
    if (end < 0) end = body.length;
    line++;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    let s = start;
    while (s < stop && (body[s] === 0x20 || body[s] === 0x09 || body[s] === 0x0d)) s++;
    if (s < stop) yield { line, bytes: body.subarray(start, stop) };
    start = next;
  }
}

const MESSAGES = {
  invalid_encoding: [
    "该行不是有效的 UTF-8。请以 UTF-8 编码导出数据(RFC 8259 §8.1)。",
    "The line is not valid UTF-8: export the data encoded as UTF-8 (RFC 8259 §8.1).",
  ],
  invalid_json: [
    "该行不是合法的 JSON:{0}。每行须为一个完整的 JSON 对象。",
    "The line is not valid JSON ({0}): each line must be one complete JSON object.",
  ],
  not_an_object: [
    "该行不是 JSON 对象。每行须为一条记录，即一个 JSON 对象。",
    "The line is not a JSON object: each line must be one record, a JSON object.",
  ],
  nesting_too_deep: [
    `该行嵌套超过 ${MAX_RECORD_DEPTH} 层。请检查数据是否被错误地嵌套。`,
    `The line nests deeper than ${MAX_RECORD_DEPTH} levels: check that the data is not wrapped by mistake.`,
  ],
  forbidden_key: [
    "记录含有禁止使用的字段名“{0}”。请删除该字段。",
    'The record has the forbidden member name "{0}": remove it.',
  ],
  unsupported_character: [
    "记录含有无法保存的字符(U+0000 或孤立的代理项)。请删除或替换该字符。",
    "The record holds a character that cannot be stored (U+0000 or a lone surrogate): remove or replace it.",
  ],
  number_out_of_range: [
    "数值超出双精度浮点数范围。请检查该值。",
    "The number is beyond the range of a double: check the value.",
  ],
} as const;

type MessageCode = keyof typeof MESSAGES;

/** A line issue in the request's language. */
export function lineIssue(code: MessageCode, lang: Lang, path = "", arg = ""): LineIssue {
  const [zh, en] = MESSAGES[code];
  return { path, code, message: (lang === "en" ? en : zh).replace("{0}", arg) };
}

// U+0000 (jsonb refuses it, even escaped) and lone surrogates (no UTF-8 form).
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to find U+0000
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const pointer = (path: string, key: string) =>
  `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;

/** The first value of a parsed record that must not be stored, as an issue. */
function findUnsafe(value: unknown, path: string, lang: Lang): LineIssue | undefined {
  if (typeof value === "string")
    return UNSTORABLE.test(value) ? lineIssue("unsupported_character", lang, path) : undefined;
  if (typeof value === "number")
    return Number.isFinite(value) ? undefined : lineIssue("number_out_of_range", lang, path);
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafe(value[i], `${path}/${i}`, lang);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const here = pointer(path, key);
    if (isPrototypeChangingMember(key, inner)) return lineIssue("forbidden_key", lang, here, key);
    if (UNSTORABLE.test(key)) return lineIssue("unsupported_character", lang, here);
    const found = findUnsafe(inner, here, lang);
    if (found) return found;
  }
  return undefined;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const MAYBE_UNSAFE = /\\u|__proto__|prototype|[eE][+-]?\d{3}/;
/** A double overflows from 309 integer digits; shorter lines cannot hold such a number. */
const LONG_NUMBER = /\d{309}/;

/**
 * Check one line up to its schema. `knownUtf8` skips the UTF-8 check when the caller already
 * checked the bytes (e.g. the whole body at once). Never throws.
 */
export function checkLine(bytes: Buffer, lang: Lang, knownUtf8 = false): CheckedLine {
  let text: string;
  if (knownUtf8) text = bytes.toString("utf8");
  else if (!isUtf8(bytes)) return { ok: false, issues: [lineIssue("invalid_encoding", lang)] };
  else text = decoder.decode(bytes);
  if (text.length > 2 * MAX_RECORD_DEPTH && jsonNestingExceeds(text, MAX_RECORD_DEPTH))
    return { ok: false, issues: [lineIssue("nesting_too_deep", lang)] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.slice(0, 200);
    return { ok: false, issues: [lineIssue("invalid_json", lang, "", reason)] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, issues: [lineIssue("not_an_object", lang)] };
  // Without a \u escape, a member named __proto__ or prototype, or a number long enough to
  // overflow a double, nothing can be unsafe (a raw U+0000 or surrogate is not valid JSON or
  // UTF-8): most lines skip the walk.
  if (MAYBE_UNSAFE.test(text) || (text.length >= 309 && LONG_NUMBER.test(text))) {
    const unsafe = findUnsafe(value, "", lang);
    if (unsafe) return { ok: false, issues: [unsafe] };
  }
  return { ok: true, value: value as Record<string, unknown>, text };
}
