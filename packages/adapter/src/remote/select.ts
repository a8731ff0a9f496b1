/**
 * Pieces every adapter over a remote service needs: secrets from the environment, request
 * templates ("{page}", "{key}"), field extraction (JSONata or RFC 6901 JSON Pointer), and
 * hostile-response hygiene (nesting depth, `__proto__` keys, integers beyond 2^53).
 *
 * Shared by @govex/adapter-rest and @govex/adapter-soap through `@govex/adapter/remote`.
 */

import jsonata from "jsonata";
import { z } from "zod";
import { AdapterError } from "../errors.js";
import type { SourceRow } from "../source.js";

// ---------------------------------------------------------------- configuration errors

/** Where configuration errors point: the mapping file's `source` block. */
export const SOURCE_PATH = "/source";

/** A configuration error at a JSON Pointer into the mapping file. */
export function configError(path: string, zh: string, en: string): AdapterError {
  return new AdapterError("config_invalid", { path, zh, en });
}

/** The department system failed or answered something unusable. */
export function unavailable(
  zh: string,
  en: string,
  params?: Record<string, unknown>,
  cause?: unknown,
): AdapterError {
  return new AdapterError("unavailable", {
    zh,
    en,
    ...(params ? { params } : {}),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A cause safe to keep on an error: name, code and message only. HTTP client errors carry
 * their request (headers, credentials) and must never be attached as they are.
 */
export function safeCause(error: unknown, secrets: readonly string[] = []): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  let message = source.message.slice(0, 500);
  for (const secret of secrets) if (secret.length > 0) message = message.split(secret).join("***");
  const cause = new Error(message);
  cause.name = source.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" || typeof code === "number") {
    Object.defineProperty(cause, "code", { value: code, enumerable: true });
  }
  return cause;
}

/** Turn a zod failure into `config_invalid`, with zod's zh-CN and English messages. */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  value: unknown,
  kind: string,
): z.output<T> {
  const en = schema.safeParse(value);
  if (en.success) return en.data;
  const zh = schema.safeParse(value, { error: z.locales.zhCN().localeError });
  const first = en.error.issues[0] as z.core.$ZodIssue;
  const zhFirst = zh.success ? undefined : zh.error.issues[0];
  const path = `${SOURCE_PATH}${first.path.map((p) => `/${escapePointer(String(p))}`).join("")}`;
  return failConfig(
    path,
    `${kind} 数据源配置错误（${path}）：${zhFirst?.message ?? first.message}`,
    `${kind} source configuration is invalid at ${path}: ${first.message}`,
  );
}

function failConfig(path: string, zh: string, en: string): never {
  throw configError(path, zh, en);
}

export function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

// ---------------------------------------------------------------- secrets from the environment

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `{ env: VAR }`: a value read from the environment, never written in the mapping file. */
export const envRefSchema = z.strictObject({ env: z.string().regex(ENV_NAME) });
export type EnvRef = z.output<typeof envRefSchema>;

export type Env = Readonly<Record<string, string | undefined>>;

export function isEnvRef(value: unknown): value is EnvRef {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { env?: unknown }).env === "string"
  );
}

/** Read `{ env: VAR }`; an unset or empty variable is a configuration error. */
export function resolveEnv(ref: EnvRef, env: Env, path: string): string {
  const value = env[ref.env];
  if (value === undefined || value === "")
    throw configError(
      path,
      `环境变量 ${ref.env} 未设置（${path}）。请在启动前设置它。`,
      `environment variable ${ref.env} is not set (${path}): set it before starting`,
    );
  return value;
}

/**
 * Names whose values are credentials: such a value must come from the environment. Matched
 * against header, query-parameter and body/input field names.
 */
const SECRET_NAME =
  /(authorization|cookie|password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|signature|ticket)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Whether a literal looks like a credential: an auth scheme with a value, or a long run of
 * token characters mixing letters and digits (API keys, JWTs, hex digests).
 */
export function looksSecret(value: string): boolean {
  if (/^\s*(bearer|basic|digest|token|apikey|hmac|negotiate)\s+\S/i.test(value)) return true;
  if (value.length >= 16 && /^[A-Za-z0-9+/=_\-.~:]+$/.test(value)) {
    return /[A-Za-z]/.test(value) && /[0-9]/.test(value);
  }
  return false;
}

/** A URL given in the file must not carry credentials (RFC 3986 §3.2.1 deprecates userinfo). */
export function checkUrl(text: string, path: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError(
      path,
      `${what} 不是有效的 URL（${path}）。`,
      `${what} is not a valid URL (${path})`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw configError(
      path,
      `${what} 必须是 http 或 https URL（${path}）。`,
      `${what} must be an http or https URL (${path})`,
    );
  if (url.username !== "" || url.password !== "")
    throw configError(
      path,
      `${what} 中不得包含用户名或密码（${path}）。请改用环境变量提供凭据。`,
      `${what} must not contain a user name or password (${path}): give credentials through the environment`,
    );
  return url;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** HTTP request headers: `{ env: VAR, prefix?: "Bearer " }`, or a literal that is no secret. */
export const headersSchema = z
  .record(
    z.string().regex(HEADER_NAME),
    z.union([z.string(), z.strictObject({ ...envRefSchema.shape, prefix: z.string().optional() })]),
  )
  .default({});

/**
 * Resolve request headers. A literal value under a credential-like name, or one that looks
 * like a credential, is a configuration error; values read from the environment are added
 * to `secrets` so that errors can scrub them.
 */
export function compileHeaders(
  headers: z.output<typeof headersSchema>,
  env: Env,
  path: string,
  secrets: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const at = `${path}/${escapePointer(name)}`;
    let resolved: string;
    if (typeof value === "string") {
      if (isSecretName(name) || looksSecret(value))
        throw configError(
          at,
          `请求头 ${name} 的值是凭据或像凭据，不得写在映射文件中（${at}）。请写作 { env: 变量名 }（可加 prefix: "Bearer "）。`,
          `header ${name} holds or looks like a credential, which must not be written in the mapping file (${at}): write { env: VAR_NAME } (with prefix: "Bearer " if needed)`,
        );
      resolved = value;
    } else {
      const secret = resolveEnv({ env: value.env }, env, at);
      resolved = (value.prefix ?? "") + secret;
      secrets.push(secret, resolved);
    }
    if (/[\r\n\0]/.test(resolved))
      throw configError(
        at,
        `请求头 ${name} 的值含有换行或空字符（${at}）。`,
        `header ${name} contains a line break or NUL (${at})`,
      );
    out[name.toLowerCase()] = resolved;
  }
  return out;
}

// ---------------------------------------------------------------- templates

/** Values a request template can use: "{page}", "{key}" and so on. */
export type TemplateVars = Readonly<Record<string, string | number | undefined>>;

type Part = string | { name: string };

/** A compiled string template. `{{` and `}}` stand for literal braces. */
export interface StringTemplate {
  readonly text: string;
  readonly names: readonly string[];
  /**
   * The expanded string, each value passed through `encode`; undefined when a value it
   * uses is undefined (the parameter is then left out).
   */
  render(vars: TemplateVars, encode?: (value: string) => string): string | undefined;
  /** The value itself (a number stays a number) when the template is exactly one "{name}". */
  renderValue(vars: TemplateVars): string | number | undefined;
}

export function compileTemplate(
  text: string,
  allowed: readonly string[],
  path: string,
): StringTemplate {
  const parts: Part[] = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if ((c === "{" || c === "}") && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === "{") {
      const end = text.indexOf("}", i);
      const name = end < 0 ? "" : text.slice(i + 1, end);
      if (!allowed.includes(name))
        throw configError(
          path,
          `模板 "${text}" 中的变量 {${name}} 在此处不可用（${path}）；可用：${allowed.map((a) => `{${a}}`).join(" ") || "无"}。字面花括号请写作 {{ 或 }}。`,
          `template "${text}" uses {${name}}, which is not available here (${path}); available: ${allowed.map((a) => `{${a}}`).join(" ") || "none"}. Write {{ or }} for a literal brace.`,
        );
      if (literal) parts.push(literal);
      literal = "";
      parts.push({ name });
      i = end;
    } else if (c === "}") {
      throw configError(
        path,
        `模板 "${text}" 中有未配对的 }（${path}）；字面花括号请写作 }}。`,
        `template "${text}" has an unmatched } (${path}): write }} for a literal brace`,
      );
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  const names = parts.flatMap((p) => (typeof p === "string" ? [] : [p.name]));
  const only = parts.length === 1 && typeof parts[0] !== "string" ? parts[0] : undefined;
  return {
    text,
    names,
    render(vars, encode = (v) => v) {
      let out = "";
      for (const part of parts) {
        if (typeof part === "string") {
          out += part;
          continue;
        }
        const value = vars[part.name];
        if (value === undefined) return undefined;
        out += encode(String(value));
      }
      return out;
    },
    renderValue(vars) {
      return only ? vars[only.name] : this.render(vars);
    },
  };
}

/** JSON-like request data (a query, a JSON body, a SOAP input) with templates in its strings. */
export type ValueTemplate = (vars: TemplateVars) => unknown;

/** A compiled JSON-like value, with the secrets it read from the environment (to scrub from errors). */
export interface CompiledValue {
  render: ValueTemplate;
  names: string[];
  secrets: string[];
}

/**
 * Compile a JSON-like value: strings are templates (a string that is exactly "{name}" keeps
 * the value's type), `{ env: VAR }` is read from the environment now, and a literal string
 * under a credential-like name is refused. A member whose template uses an undefined value is
 * left out.
 */
export function compileValueTemplate(
  value: unknown,
  allowed: readonly string[],
  path: string,
  env: Env,
  name = "",
): CompiledValue {
  if (isEnvRef(value)) {
    const resolved = resolveEnv(value, env, path);
    return { render: () => resolved, names: [], secrets: [resolved] };
  }
  if (typeof value === "string") {
    const template = compileTemplate(value, allowed, path);
    if (template.names.length === 0 && name !== "" && isSecretName(name))
      throw configError(
        path,
        `${name} 的值像是凭据，不得写在映射文件中（${path}）。请写作 { env: 变量名 } 从环境变量读取。`,
        `${name} holds a credential, which must not be written in the mapping file (${path}): write { env: VAR_NAME } to read it from the environment`,
      );
    return {
      render: (vars) => template.renderValue(vars),
      names: [...template.names],
      secrets: [],
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileValueTemplate(v, allowed, `${path}/${i}`, env, name));
    return {
      render: (vars) => items.map((i) => i.render(vars)).filter((v) => v !== undefined),
      names: items.flatMap((i) => i.names),
      secrets: items.flatMap((i) => i.secrets),
    };
  }
  if (typeof value === "object" && value !== null) {
    const members = Object.entries(value).map(
      ([key, v]) =>
        [key, compileValueTemplate(v, allowed, `${path}/${escapePointer(key)}`, env, key)] as const,
    );
    return {
      render: (vars) => {
        const out: Record<string, unknown> = {};
        for (const [key, member] of members) {
          const rendered = member.render(vars);
          if (rendered !== undefined) defineMember(out, key, rendered);
        }
        return out;
      },
      names: members.flatMap(([, m]) => m.names),
      secrets: members.flatMap(([, m]) => m.secrets),
    };
  }
  return { render: () => value, names: [], secrets: [] };
}

/** Set `path` ("a.b.c") in a JSON-like object, creating objects on the way. */
export function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const names = dotted.split(".");
  let node = target;
  for (const name of names.slice(0, -1)) {
    const next = Object.hasOwn(node, name) ? node[name] : undefined;
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      defineMember(node, name, created);
      node = created;
    }
  }
  defineMember(node, names[names.length - 1] as string, value);
}

/** Own data property even for "__proto__" (plain assignment would set the prototype). */
function defineMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------- selection

/** A compiled field selection: a JSON Pointer (starts with "/") or a JSONata expression. */
export interface Selector {
  readonly text: string;
  evaluate(input: unknown): Promise<unknown>;
}

/**
 * Compile a selection. A string starting with "/" is an RFC 6901 JSON Pointer; anything
 * else is a JSONata expression ("$" is the whole document).
 */
export function compileSelector(text: string, path: string): Selector {
  if (text.startsWith("/")) {
    const tokens = text
      .slice(1)
      .split("/")
      .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
    if (/~(?![01])/.test(text))
      throw configError(
        path,
        `JSON 指针 "${text}" 中的 ~ 之后只能是 0 或 1（RFC 6901 §3）（${path}）。`,
        `JSON Pointer "${text}" has a ~ not followed by 0 or 1 (RFC 6901 §3) (${path})`,
      );
    return { text, evaluate: async (input) => pointerGet(input, tokens) };
  }
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    throw configError(
      path,
      `JSONata 表达式 "${text}" 有误（${path}，第 ${e.position ?? 0} 个字符）：${e.message ?? ""}`,
      `JSONata expression "${text}" is invalid (${path}, at character ${e.position ?? 0}): ${e.message ?? ""}`,
    );
  }
  return {
    text,
    evaluate: async (input) => {
      try {
        return await expression.evaluate(input);
      } catch (error) {
        throw unavailable(
          `JSONata 表达式 "${text}" 无法求值：${(error as Error).message}`,
          `JSONata expression "${text}" failed: ${(error as Error).message}`,
          undefined,
          safeCause(error),
        );
      }
    },
  };
}

function pointerGet(input: unknown, tokens: readonly string[]): unknown {
  let node = input;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (typeof node === "object" && node !== null && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/** A selection's result as rows: nothing, one object or an array of objects. */
export function asRows(selected: unknown, what: string, maxDepth: number): SourceRow[] {
  if (selected === undefined || selected === null) return [];
  const list = Array.isArray(selected) ? selected : [selected];
  return list.map((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw unavailable(
        `${what} 选出的第 ${i + 1} 项不是对象，无法作为一行数据。请检查 items / item 表达式。`,
        `${what} selected a value that is not an object (item ${i + 1}); check the items / item expression`,
      );
    return toPlainData(item, maxDepth) as SourceRow;
  });
}

/**
 * The record for a key among the rows a "get" call selected: rows that carry the key field
 * must carry this key; a lone row without the key field is taken as the answer.
 */
export function pickByKey(
  rows: readonly SourceRow[],
  keyField: string,
  key: string,
): SourceRow | undefined {
  const candidates = rows.filter((row) => {
    if (!Object.hasOwn(row, keyField)) return rows.length === 1;
    const value = row[keyField];
    return value !== null && value !== undefined && String(value) === key;
  });
  if (candidates.length > 1)
    throw unavailable(
      "服务对同一个键返回了多条记录。键必须唯一。",
      "the service returned more than one record for one key; keys must be unique",
    );
  return candidates[0];
}

// ---------------------------------------------------------------- hostile responses

/**
 * A deep copy as plain JSON-like data: null-prototype and class objects become plain
 * objects, `__proto__` members are dropped, dates become RFC 3339 strings. Nesting beyond
 * `maxDepth` is refused, and so is a value of more than `maxNodes` members in all: shared
 * references (SOAP multiRef, SOAP 1.1 §5.4) could otherwise expand a small answer without
 * bound.
 */
export function toPlainData(
  value: unknown,
  limits: number | { maxDepth: number; maxNodes?: number },
): unknown {
  const { maxDepth, maxNodes = Number.POSITIVE_INFINITY } =
    typeof limits === "number" ? { maxDepth: limits } : limits;
  let nodes = 0;
  const copy = (v: unknown, depth: number): unknown => {
    if (++nodes > maxNodes)
      throw unavailable(
        `应答展开后超过 ${maxNodes} 个值，已拒收（可能是共享引用的膨胀攻击）。`,
        `the response expands to more than ${maxNodes} values and was refused (possibly an expansion attack through shared references)`,
        { maxNodes },
      );
    if (v === null || typeof v !== "object") {
      if (typeof v === "function" || typeof v === "symbol") return undefined;
      if (typeof v === "bigint") return v.toString();
      return v;
    }
    if (depth >= maxDepth) throw tooDeep(maxDepth);
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (Array.isArray(v)) return v.map((item) => copy(item, depth + 1) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (key === "__proto__") continue;
      const member = copy((v as Record<string, unknown>)[key], depth + 1);
      if (member !== undefined) out[key] = member;
    }
    return out;
  };
  return copy(value, 0);
}

function tooDeep(maxDepth: number): AdapterError {
  return unavailable(
    `应答的嵌套层数超过 ${maxDepth}，已拒收。如确有需要，请调大 maxDepth。`,
    `the response is nested deeper than ${maxDepth} levels and was refused; raise maxDepth if this is expected`,
    { maxDepth },
  );
}

/**
 * Parse a JSON text from a remote system. Nesting deeper than `maxDepth` is refused before
 * parsing; `__proto__` members are dropped; integers beyond ±(2^53 − 1), which JSON numbers
 * cannot carry exactly in JavaScript (RFC 8259 §6), are kept as their decimal strings.
 */
export function parseJsonText(text: string, maxDepth: number): unknown {
  let out = "";
  let copied = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: find its closing quote, not escaped by an odd run of backslashes.
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) {
          j = text.length;
          break;
        }
        let backslashes = 0;
        for (let k = j - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        j++;
      }
      i = j;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw tooDeep(maxDepth);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j] as string)) j++;
      const literal = text.slice(i, j);
      if (/^-?[0-9]{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(copied, i)}"${literal}"`;
        copied = j;
      }
      i = j - 1;
    }
  }
  const source = copied === 0 ? text : out + text.slice(copied);
  return JSON.parse(source, (key, value) => (key === "__proto__" ? undefined : value));
}

// ---------------------------------------------------------------- keys

/** How keys sort: "text" by UTF-16 code units (as the core's memory source), "numeric" as integers. */
export type KeyOrder = "text" | "numeric";

/** The key of a row, as the core reads it (`String(row[keyField])`). */
export function keyOf(row: SourceRow, keyField: string): string {
  const value = Object.hasOwn(row, keyField) ? row[keyField] : undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    const key = String(value);
    if (key !== "") return key;
  }
  throw unavailable(
    `数据源返回的一行没有可用的键字段 ${keyField}。请检查 items 表达式和映射文件的 key。`,
    `the source returned a row without a usable key field ${keyField}; check the items expression and the mapping's key`,
    { keyField },
  );
}

export function compareKeys(a: string, b: string, order: KeyOrder): number {
  if (order === "numeric") {
    const x = numericKey(a);
    const y = numericKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function numericKey(key: string): bigint {
  if (!isNumericKey(key))
    throw unavailable(
      "数据源返回的键不是整数，而配置按数值排序键（keyOrder: numeric）。请改用 keyOrder: text。",
      "the source returned a key that is not an integer, but keys are ordered as numbers (keyOrder: numeric); use keyOrder: text",
    );
  return BigInt(key);
}

function isNumericKey(key: string): boolean {
  return /^-?[0-9]{1,40}$/.test(key);
}

/** Refuse a cursor key that cannot be compared (a `bad_request`, not the source's fault). */
export function checkAfterKey(key: string, order: KeyOrder): void {
  if (order === "numeric" && !isNumericKey(key))
    throw new AdapterError("bad_request", {
      zh: "游标中的键不是整数。",
      en: "the cursor's key is not an integer",
      path: "/cursor",
    });
}

/** Whether a row matches equality filters on source fields (values compared as strings). */
export function matchesFilter(row: SourceRow, filter: Readonly<Record<string, string>>): boolean {
  for (const [field, wanted] of Object.entries(filter)) {
    const value = Object.hasOwn(row, field) ? row[field] : undefined;
    if (value === undefined || value === null || String(value) !== wanted) return false;
  }
  return true;
}

// ---------------------------------------------------------------- answer checks

/** Body-level status of legacy services: `{ "code": 0, "msg": "成功", "data": … }`. */
export interface AnswerChecks {
  /** True when the answer is a success; a false answer is `unavailable`. */
  success?: Selector;
  /** The service's own error message, quoted in the error (at most 200 characters). */
  message?: Selector;
}

export async function checkAnswer(
  body: unknown,
  checks: AnswerChecks,
  what: string,
): Promise<void> {
  if (!checks.success) return;
  const ok = await checks.success.evaluate(body);
  if (ok === true) return;
  let said = "";
  if (checks.message) {
    const message = await checks.message.evaluate(body);
    if (typeof message === "string" || typeof message === "number")
      said = String(message).slice(0, 200);
  }
  throw unavailable(
    `${what}应答表示失败（success 表达式 "${checks.success.text}" 不为 true）${said ? `：${said}` : "。"}`,
    `${what} answered a failure (success expression "${checks.success.text}" is not true)${said ? `: ${said}` : ""}`,
    said ? { message: said } : undefined,
  );
}
