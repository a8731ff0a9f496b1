/**
 * The request body as bytes and as JSON: the provider keeps the raw bytes for the Content-Digest
 * check (RFC 9530 §2) and parses them only after the signature verified, with bounds that hold
 * for any input: strict UTF-8, a nesting limit checked before parsing, and no `__proto__` keys.
 */
import type { Lang, ProblemIssue } from "./problems.js";

/** Deepest nesting accepted; a verify body needs 2. */
export const MAX_JSON_DEPTH = 32;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const MESSAGES = {
  body_required: {
    "zh-CN": () => "缺少请求体。请以 application/json 发送核验内容。",
    en: () => "The request body is missing: send the verify input as application/json.",
  },
  invalid_encoding: {
    "zh-CN": () => "请求体不是有效的 UTF-8。请以 UTF-8 编码发送 JSON（RFC 8259 §8.1）。",
    en: () => "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259 §8.1).",
  },
  invalid_json: {
    "zh-CN": (reason: string) => `请求体不是合法的 JSON：${reason}。请修正 JSON 语法。`,
    en: (reason: string) => `The request body is not valid JSON (${reason}): fix its syntax.`,
  },
  nesting_too_deep: {
    "zh-CN": () => `请求体嵌套超过 ${MAX_JSON_DEPTH} 层。请检查数据是否被错误地嵌套。`,
    en: () => `The request body nests deeper than ${MAX_JSON_DEPTH} levels: flatten it.`,
  },
  forbidden_key: {
    "zh-CN": (key: string) => `请求体含有禁止使用的字段名「${key}」。请删除该字段。`,
    en: (key: string) => `The request body has the forbidden member name "${key}": remove it.`,
  },
} as const;

function issue(path: string, code: keyof typeof MESSAGES, lang: Lang, arg = ""): ProblemIssue {
  return { path, code, message: MESSAGES[code][lang](arg) };
}

/** Whether a JSON text nests deeper than `limit`, counted outside strings; stops once past it. */
export function jsonNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * A member name that changes an object's prototype when code later assigns it
 * (`target[name] = …`): `__proto__`, and `constructor` holding `prototype`.
 */
export function isPrototypeChangingMember(key: string, value: unknown): boolean {
  return (
    key === "__proto__" ||
    (key === "constructor" &&
      typeof value === "object" &&
      value !== null &&
      Object.hasOwn(value, "prototype"))
  );
}

function findForbiddenKey(value: unknown, path: string): { path: string; key: string } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const here = `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (isPrototypeChangingMember(key, inner)) return { path: here, key };
    const found = findForbiddenKey(inner, here);
    if (found) return found;
  }
  return undefined;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; issue: ProblemIssue };

/**
 * Parse a JSON request body (RFC 8259): UTF-8 only (a BOM is ignored, §8.1), at most
 * {@link MAX_JSON_DEPTH} levels, no prototype-changing member names. Never throws.
 */
export function parseJsonBody(bytes: Uint8Array | undefined, lang: Lang): JsonBody {
  if (bytes === undefined || bytes.length === 0)
    return { ok: false, issue: issue("/body", "body_required", lang) };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, issue: issue("/body", "invalid_encoding", lang) };
  }
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH))
    return { ok: false, issue: issue("/body", "nesting_too_deep", lang) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, issue: issue("/body", "invalid_json", lang, (error as Error).message) };
  }
  const forbidden = findForbiddenKey(value, "/body");
  if (forbidden)
    return { ok: false, issue: issue(forbidden.path, "forbidden_key", lang, forbidden.key) };
  return { ok: true, value };
}
