import { randomBytes } from "node:crypto";
import { msg } from "../errors.js";
import {
  type Context,
  expectSpecAnswer,
  isObject,
  keyOf,
  outcome,
  type Resource,
  type Seen,
  safeCanonical,
  show,
} from "./context.js";

/** Most records fetched one by one per resource. */
const SAMPLES = 10;

/** `count` records spread evenly over a list: the first, the last, and between. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = (items.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => items[Math.round(i * step)] as T);
}

/** The encoded path of one record. */
export function recordPath(resource: Resource, key: string): string {
  return `${resource.path}/records/${encodeURIComponent(key)}`;
}

/**
 * getByKey: sampled records of the query walk fetched by key (get-schema, get-matches-query),
 * and a key that does not exist (get-unknown-404).
 */
export async function probeGet(context: Context, resource: Resource, seen: Seen): Promise<void> {
  const { findings } = context;
  const query = resource.operations.has("query");
  if (!query)
    findings.skip(
      "get-matches-query",
      msg("没有同时提供查询与按主键读取的资源。", "no resource offers both query and get."),
    );
  else if (seen.walked.length === 0)
    findings.missing(
      "get-matches-query",
      msg(
        "没有可按主键读取的记录。符合性检测需要每个提供查询的资源至少有一条记录。",
        "no record to get by key: the run needs at least one record in a resource that offers query.",
      ),
    );
  for (const record of spread(seen.walked, SAMPLES)) {
    const key = keyOf(resource, record);
    if (key === undefined) continue; // record-schema reports a record without its key
    const exchange = await context.wire.send({
      operation: "getByKey",
      method: "GET",
      path: recordPath(resource, key),
      query: [["purpose", context.purpose]],
      headers: context.dataHeaders(),
      retry: true,
    });
    const body = await expectSpecAnswer(context, "get-schema", exchange, "Record");
    if (isObject(body)) seen.all.push(body);
    if (
      exchange.status === 200 &&
      isObject(body) &&
      safeCanonical(body) === safeCanonical(record)
    ) {
      findings.pass("get-matches-query");
      continue;
    }
    const got = exchange.status === 200 ? show(body) : outcome(exchange).en;
    findings.fail(
      "get-matches-query",
      msg(
        `资源 ${resource.code} 主键 ${key}: 按主键读取的结果与查询结果不同。查询: ${show(record)};读取: ${exchange.status === 200 ? show(body) : outcome(exchange)["zh-CN"]}`,
        `resource ${resource.code} key ${key}: get by key differs from the query. query: ${show(record)}; get: ${got}`,
      ),
      exchange.line,
    );
  }

  const absent = `govex-conformance-absent-${randomBytes(6).toString("hex")}`;
  const exchange = await context.wire.send({
    operation: "getByKey",
    method: "GET",
    path: recordPath(resource, absent),
    query: [["purpose", context.purpose]],
    headers: context.dataHeaders(),
    retry: true,
  });
  if (exchange.status === 404) findings.pass("get-unknown-404");
  else {
    const o = outcome(exchange);
    findings.fail(
      "get-unknown-404",
      msg(
        `资源 ${resource.code} 不存在的主键应答复 404,实为 ${o["zh-CN"]}。`,
        `resource ${resource.code}: an unknown key should be 404, got ${o.en}.`,
      ),
      exchange.line,
    );
  }
}
