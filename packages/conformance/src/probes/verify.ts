import { randomBytes, randomUUID } from "node:crypto";
import { msg } from "../errors.js";
import type { Exchange } from "../wire.js";
import {
  type Context,
  expectSpecAnswer,
  isObject,
  keyOf,
  outcome,
  type ProviderRecord,
  type Resource,
  type Seen,
  show,
} from "./context.js";

type Scalar = string | number | boolean;
const ANSWERS = new Set(["match", "no_match", "not_available"]);

/** A value that differs from `value` and has its type. */
function wrong(value: Scalar): Scalar {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") return value + 1;
  return `${value}〇govex`;
}

/** Send one verify request with a fresh Idempotency-Key. */
export function sendVerify(
  context: Context,
  resource: Resource,
  body: unknown,
  operation = "verify",
): Promise<Exchange> {
  return context.wire.send({
    operation,
    method: "POST",
    path: `${resource.path}/verify`,
    query: [["purpose", context.purpose]],
    headers: { ...context.dataHeaders(), "idempotency-key": randomUUID() },
    body: body as object,
    retry: operation === "verify",
  });
}

/**
 * verify: the right values match, a wrong one does not, an unknown key is not found
 * (verify-answers); every answer is a VerifyResult (verify-schema) that names only the fields
 * asked and carries no value of the record (verify-discloses-nothing).
 */
export async function probeVerify(context: Context, resource: Resource, seen: Seen): Promise<void> {
  const { findings } = context;
  const sample = [...seen.walked, ...seen.live].find((r) => keyOf(resource, r) !== undefined);
  if (!sample) {
    if (resource.operations.has("query") || resource.operations.has("changes"))
      findings.missing(
        "verify-answers",
        msg(
          "没有可用于核验的记录。符合性检测需要至少一条记录。",
          "no record to verify against: the run needs at least one record.",
        ),
      );
    else
      findings.skip(
        "verify-answers",
        msg(
          "提供核验的资源都不提供查询或增量变更,无从得知可核验的值。",
          "the resources that offer verify offer neither query nor changes, so no value is known to verify.",
        ),
      );
  }
  const key = sample
    ? (keyOf(resource, sample) as string)
    : `govex-conformance-${randomBytes(6).toString("hex")}`;
  const scalars = sample
    ? Object.entries(sample).filter(
        (entry): entry is [string, Scalar] =>
          entry[0] !== resource.keyField &&
          (typeof entry[1] === "string" ||
            typeof entry[1] === "number" ||
            typeof entry[1] === "boolean") &&
          entry[1] !== "",
      )
    : [];
  const fields: [string, Scalar][] = (
    scalars.length > 0 ? scalars : [[resource.keyField, key] as [string, Scalar]]
  ).slice(0, 3);
  const [firstField] = fields[0] as [string, Scalar];

  const names = fields.map(([f]) => f);
  const answering = (want: (field: string) => string) =>
    Object.fromEntries(names.map((f) => [f, want(f)]));
  const cases: Case[] = [];
  if (sample) {
    cases.push(
      {
        name: "right values",
        key,
        values: Object.fromEntries(fields),
        truthful: names,
        found: true,
        want: answering(() => "match"),
      },
      {
        name: "one wrong value",
        key,
        values: Object.fromEntries(fields.map(([f, v]) => [f, f === firstField ? wrong(v) : v])),
        truthful: names.filter((f) => f !== firstField),
        found: true,
        want: answering((f) => (f === firstField ? "no_match" : "match")),
      },
      {
        name: "all values wrong",
        key,
        values: Object.fromEntries(fields.map(([f, v]) => [f, wrong(v)])),
        truthful: [],
        found: true,
        want: answering(() => "no_match"),
      },
    );
  }
  cases.push({
    name: "unknown key",
    key: `govex-conformance-absent-${randomBytes(6).toString("hex")}`,
    values: Object.fromEntries(fields),
    truthful: [],
    found: false,
  });

  for (const c of cases) {
    const exchange = await sendVerify(context, resource, { key: c.key, values: c.values });
    const body = await expectSpecAnswer(context, "verify-schema", exchange, "VerifyResult");
    checkDisclosure(context, resource, exchange, c.values, c.truthful, sample);
    const answers = isObject(body) && isObject(body.fields) ? body.fields : undefined;
    const problem =
      exchange.status !== 200 || !isObject(body) || !answers
        ? `no readable answer (${outcome(exchange).en})`
        : expectation(c, body.found, answers);
    if (problem)
      findings.fail(
        "verify-answers",
        msg(
          `资源 ${resource.code} 核验「${c.name}」: ${problem}。答复: ${show(body ?? outcome(exchange)["zh-CN"])}`,
          `resource ${resource.code} verify "${c.name}": ${problem}. answer: ${show(body ?? outcome(exchange).en)}`,
        ),
        exchange.line,
      );
    else if (sample) findings.pass("verify-answers");
  }
}

interface Case {
  name: string;
  key: string;
  values: Record<string, Scalar>;
  /** Fields whose true value is sent (may be echoed without disclosing anything). */
  truthful: string[];
  found: boolean;
  /** The answer wanted per field; without it, no field may match. */
  want?: Record<string, string>;
}

function expectation(
  c: Case,
  found: unknown,
  answers: Record<string, unknown>,
): string | undefined {
  if (found !== c.found) return `found should be ${c.found}`;
  if (!c.want) return Object.values(answers).includes("match") ? "no field may match" : undefined;
  const field = Object.keys(c.want).find((f) => answers[f] !== c.want?.[f]);
  return field === undefined ? undefined : `${field} should be ${c.want[field]}`;
}

function checkDisclosure(
  context: Context,
  resource: Resource,
  exchange: Exchange,
  sent: Record<string, Scalar>,
  truthful: string[],
  record: ProviderRecord | undefined,
): void {
  const { findings } = context;
  const fail = (zh: string, en: string) =>
    findings.fail(
      "verify-discloses-nothing",
      msg(`资源 ${resource.code}: ${zh}`, `resource ${resource.code}: ${en}`),
      exchange.line,
    );
  if (exchange.status !== 200 && exchange.status !== undefined && exchange.status >= 400) return;
  const body = exchange.json;
  let faults = 0;
  if (isObject(body)) {
    const extra = Object.keys(body).filter((k) => k !== "found" && k !== "fields");
    if (extra.length > 0) {
      faults++;
      fail(
        `核验答复含有 found 与 fields 以外的成员 ${extra.join("、")}。核验只答复一致与否。`,
        `the verify answer has members other than found and fields: ${extra.join(", ")}. Verify answers match or no match only.`,
      );
    }
    if (isObject(body.fields)) {
      const asked = Object.keys(sent);
      const unasked = Object.keys(body.fields).filter((f) => !asked.includes(f));
      if (unasked.length > 0) {
        faults++;
        fail(
          `核验答复了未询问的字段 ${unasked.join("、")}。`,
          `the verify answer speaks of fields not asked: ${unasked.join(", ")}.`,
        );
      }
    }
  }
  if (record) {
    const allowed = new Set(["found", "fields", ...ANSWERS, ...Object.keys(sent)]);
    const tokens: string[] = [];
    collectTokens(body, tokens, 0);
    const visible = tokens.filter((t) => !allowed.has(t));
    const raw = Buffer.from(exchange.body).toString("utf8");
    for (const [field, value] of Object.entries(record)) {
      if (truthful.includes(field)) continue;
      for (const secret of scalarsOf(value)) {
        const leaked =
          visible.some((t) => t === secret || (secret.length >= 4 && t.includes(secret))) ||
          (secret.length >= 6 && raw.includes(secret));
        if (leaked) {
          faults++;
          fail(
            `核验答复泄露了记录字段 ${field} 的值。`,
            `the verify answer discloses the value of the record's field ${field}.`,
          );
          break;
        }
      }
    }
  }
  if (faults === 0) findings.pass("verify-discloses-nothing");
}

function scalarsOf(value: unknown): string[] {
  if (typeof value === "string") return value.length >= 2 ? [value] : [];
  if (typeof value === "number") return String(value).length >= 2 ? [String(value)] : [];
  if (Array.isArray(value)) return value.flatMap(scalarsOf);
  if (isObject(value)) return Object.values(value).flatMap(scalarsOf);
  return [];
}

function collectTokens(value: unknown, out: string[], depth: number): void {
  if (depth > 32 || out.length > 10_000) return;
  if (typeof value === "string" || typeof value === "number") out.push(String(value));
  else if (Array.isArray(value)) for (const item of value) collectTokens(item, out, depth + 1);
  else if (isObject(value))
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      collectTokens(item, out, depth + 1);
    }
}
