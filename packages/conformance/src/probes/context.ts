import { canonicalJson } from "@govex/security";
import type { Validator } from "@govex/validator";
import type { CheckId } from "../checks.js";
import { msg } from "../errors.js";
import type { Findings } from "../findings.js";
import { describeIssues, type SpecSchemaName, specValidator } from "../spec-schemas.js";
import type { Localized } from "../types.js";
import type { Exchange, Wire } from "../wire.js";

export type Operation = "query" | "get" | "verify" | "changes";
export const OPERATIONS: readonly Operation[] = ["query", "get", "verify", "changes"];

/** A resource of the provider's describe answer, as far as the kit could read it. */
export interface Resource {
  /** `prefix/suffix`. */
  code: string;
  /** `resources/{prefix}/{suffix}`, encoded, relative to the base URL. */
  path: string;
  keyField: string;
  recordSchema: unknown;
  /** The 信息项 codes of the catalog entry. */
  items: string[];
  /** The property names of the record schema. */
  properties: string[];
  operations: ReadonlySet<Operation>;
  validator?: Validator;
}

export type ProviderRecord = Record<string, unknown>;

/** Records a resource showed the kit, for the checks that compare. */
export interface Seen {
  /** The records of the full walk (query), in order. */
  walked: ProviderRecord[];
  /** Every record returned by any operation, for record-schema. */
  all: ProviderRecord[];
  /** Records whose last change is an upsert (from changes), for a resource without query. */
  live: ProviderRecord[];
}

export interface Context {
  wire: Wire;
  findings: Findings;
  maxRecords: number;
  concurrency: number;
  purpose: string;
  /** Headers of data requests (the share request id, when given). */
  dataHeaders(): Record<string, string>;
}

/** How an exchange ended, for messages: `HTTP 500`, or why no answer came. */
export function outcome(exchange: Exchange): Localized {
  if (exchange.error?.code === "timeout")
    return msg(
      `${exchange.error.detail} 毫秒内未答复`,
      `no answer within ${exchange.error.detail} ms`,
    );
  if (exchange.error?.code === "response_too_large")
    return msg("答复过大(超过 8 MiB)", "the answer is too large (over 8 MiB)");
  if (exchange.error)
    return msg(`连接失败: ${exchange.error.detail}`, `connection failed: ${exchange.error.detail}`);
  return msg(`HTTP ${exchange.status}`, `HTTP ${exchange.status}`);
}

/**
 * Check a success answer as the spec declares it: status 200, `application/json`, a body valid
 * against the operation's schema. Passes or fails `check`; returns the body whenever it is JSON,
 * so that the other checks go on with what the provider did send.
 */
export async function expectSpecAnswer(
  context: Context,
  check: CheckId,
  exchange: Exchange,
  schema: SpecSchemaName,
): Promise<unknown> {
  const { findings } = context;
  if (exchange.status !== 200) {
    const o = outcome(exchange);
    findings.fail(
      check,
      msg(`应答复 200,实为 ${o["zh-CN"]}。`, `expected 200, got ${o.en}.`),
      exchange.line,
    );
    return undefined;
  }
  if (exchange.mediaType !== "application/json") {
    findings.fail(
      check,
      msg(
        `Content-Type 应为 application/json,实为 ${exchange.mediaType ?? "(无)"}。`,
        `Content-Type should be application/json, got ${exchange.mediaType ?? "(none)"}.`,
      ),
      exchange.line,
    );
  } else if (!exchange.isJson) {
    findings.fail(
      check,
      msg("答复体不是有效的 UTF-8 JSON。", "the body is not valid UTF-8 JSON."),
      exchange.line,
    );
    return undefined;
  }
  if (!exchange.isJson) return undefined;
  const issues = describeIssues(await specValidator(schema), exchange.json);
  if (issues)
    findings.fail(
      check,
      msg(
        `答复不符合 ${schema} 模式: ${issues["zh-CN"]}`,
        `the body does not match ${schema}: ${issues.en}`,
      ),
      exchange.line,
    );
  else findings.pass(check);
  return exchange.json;
}

/** Run tasks with at most `limit` in flight, in order of the results. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A record's identity: its key when it has one, else its canonical JSON. */
export function identity(resource: Resource, record: ProviderRecord): string {
  const key = record[resource.keyField];
  if (typeof key === "string" || typeof key === "number") return `key:${String(key)}`;
  return `json:${safeCanonical(record)}`;
}

export function keyOf(resource: Resource, record: ProviderRecord): string | undefined {
  const key = record[resource.keyField];
  return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
}

/** Canonical JSON, or a marker for values JSON cannot hold (a hostile record never throws). */
export function safeCanonical(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch {
    return "\u0000unserialisable";
  }
}

/** A value for messages: JSON, cut to 80 characters. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : safeCanonical(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
