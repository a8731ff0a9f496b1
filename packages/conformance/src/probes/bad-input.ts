import { randomUUID } from "node:crypto";
import { msg } from "../errors.js";
import { PROVIDER_SPEC } from "../generated/provider-spec.js";
import type { Exchange, WireRequest } from "../wire.js";
import {
  type Context,
  isObject,
  keyOf,
  outcome,
  pool,
  type Resource,
  type Seen,
} from "./context.js";
import { recordPath } from "./get.js";
import { sendVerify } from "./verify.js";

type Params = [string, string][];

/** A schema limit of specs/provider v1, so the probes follow the spec when it changes. */
function limitOf(operation: string, parameter: string, keyword: string, fallback: number): number {
  const value = PROVIDER_SPEC.operations[operation]?.parameters.find((p) => p.name === parameter)
    ?.schema[keyword];
  return typeof value === "number" ? value : fallback;
}

const LIMIT_MAX = limitOf("query", "limit", "maximum", 1000);
const CURSOR_MAX = limitOf("query", "cursor", "maxLength", 512);
const FILTER_MAX = limitOf("query", "filter", "maxProperties", 10);
const FIELDS_MAX = limitOf("query", "fields", "maxItems", 100);
const PURPOSE_MAX = limitOf("query", "purpose", "maxLength", 200);
const KEY_MAX = limitOf("getByKey", "key", "maxLength", 128);

/** Strings that break naive SQL, NoSQL, LDAP, path, template and log handling. */
export const INJECTION_STRINGS = [
  "' OR '1'='1",
  "1' OR 1=1 --",
  '"; DROP TABLE records; --',
  "') OR ('x'='x",
  "' UNION SELECT NULL, NULL --",
  "1; SELECT pg_sleep(10) --",
  '{"$ne": null}',
  "*)(uid=*))(|(uid=*",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  // A log4j lookup, written out on purpose (not a template).
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the injection string itself
  "${jndi:ldap://127.0.0.1/a}",
  "{{7*7}}",
  "\u0000nul",
  "％' OR 1=1",
];

interface Probe {
  name: string;
  request: WireRequest;
  /** A connection closed before answering counts as refusal (an oversized body). */
  closeIsRefusal?: boolean;
  /** For 2xx answers: harmless when this says so (an injection filter that matches nothing). */
  harmless2xx?: (exchange: Exchange) => boolean;
}

/** Judge probes: 4xx (or harmless) passes; 5xx, 2xx, a hang or a dropped connection fails. */
async function judge(
  context: Context,
  check: "bad-input-4xx" | "bad-body-4xx" | "injection-harmless",
  probes: Probe[],
): Promise<void> {
  const exchanges = await pool(probes, context.concurrency, (probe) =>
    context.wire.send(probe.request),
  );
  for (const [index, exchange] of exchanges.entries()) {
    const probe = probes[index] as Probe;
    const status = exchange.status;
    const ok =
      (status !== undefined && status >= 400 && status < 500) ||
      (status !== undefined && status < 300 && probe.harmless2xx?.(exchange) === true) ||
      (exchange.error?.code === "network" && probe.closeIsRefusal === true);
    if (ok) {
      context.findings.pass(check);
      continue;
    }
    const o = outcome(exchange);
    const what =
      status === undefined
        ? msg("", "")
        : status >= 500
          ? msg("(服务端错误)", " (a server error)")
          : msg("(被接受)", " (accepted)");
    context.findings.fail(
      check,
      msg(
        `${probe.name}: 应答复 4xx problem+json,实为 ${o["zh-CN"]}${what["zh-CN"]}。`,
        `${probe.name}: expected a 4xx problem+json, got ${o.en}${what.en}.`,
      ),
      exchange.line,
    );
  }
}

/** A 2xx that is an empty page: the request matched nothing. */
function emptyPage(exchange: Exchange): boolean {
  return (
    isObject(exchange.json) &&
    Array.isArray(exchange.json.items) &&
    exchange.json.items.length === 0
  );
}

function query(context: Context, resource: Resource, params: Params, name: string): Probe {
  return {
    name,
    request: {
      operation: "bad-input",
      method: "GET",
      path: `${resource.path}/records`,
      query: params,
      headers: context.dataHeaders(),
    },
  };
}

/**
 * bad-input-4xx: malformed and oversized parameters of query, getByKey and changesSince, each
 * beyond a limit of specs/provider v1.
 */
export async function probeBadInput(context: Context, resources: Resource[]): Promise<void> {
  const probes: Probe[] = [];
  const purpose: [string, string] = ["purpose", context.purpose];
  const garbage = "garbage:!*'();@&=+$,/?#[]\u00ff";
  const q = resources.find((r) => r.operations.has("query"));
  if (q) {
    const other = q.properties.find((p) => p !== q.keyField) ?? q.keyField;
    const table: [string, Params][] = [
      ["limit=0", [purpose, ["limit", "0"]]],
      ["limit=-1", [purpose, ["limit", "-1"]]],
      ["limit=1.5", [purpose, ["limit", "1.5"]]],
      ["limit=abc", [purpose, ["limit", "abc"]]],
      [`limit=${LIMIT_MAX + 1}`, [purpose, ["limit", String(LIMIT_MAX + 1)]]],
      ["limit=100000", [purpose, ["limit", "100000"]]],
      ["cursor of 10000 characters", [purpose, ["cursor", "A".repeat(10_000)]]],
      [`cursor of ${CURSOR_MAX + 1} characters`, [purpose, ["cursor", "A".repeat(CURSOR_MAX + 1)]]],
      ["garbage cursor", [purpose, ["cursor", garbage]]],
      ["fields naming an unknown field", [purpose, ["fields", `${q.keyField},govexNoSuchField`]]],
      ["fields not matching the pattern", [purpose, ["fields", "1bad-name"]]],
      [
        `${FIELDS_MAX + 1} fields`,
        [purpose, ["fields", Array.from({ length: FIELDS_MAX + 1 }, (_, i) => `f${i}`).join(",")]],
      ],
      [
        `${FILTER_MAX + 1} filters`,
        [
          purpose,
          ...Array.from({ length: FILTER_MAX + 1 }, (_, i): [string, string] => [
            `filter[f${i}]`,
            "x",
          ]),
        ],
      ],
      ["filter value of 201 characters", [purpose, [`filter[${other}]`, "x".repeat(201)]]],
      ["purpose missing", [["limit", "1"]]],
      [
        "purpose of 1 character",
        [
          ["purpose", "x"],
          ["limit", "1"],
        ],
      ],
      [
        `purpose of ${PURPOSE_MAX + 1} characters`,
        [
          ["purpose", "x".repeat(PURPOSE_MAX + 1)],
          ["limit", "1"],
        ],
      ],
    ];
    for (const [name, params] of table) probes.push(query(context, q, params, `query ${name}`));
    // No record has an unknown field, so an empty page is as right as a 400.
    probes.push({
      ...query(
        context,
        q,
        [purpose, ["filter[govexNoSuchField]", "x"]],
        "query filter on an unknown field",
      ),
      harmless2xx: emptyPage,
    });
    probes.push({
      name: "query with a malformed Govex-Share-Request",
      request: {
        operation: "bad-input",
        method: "GET",
        path: `${q.path}/records`,
        query: [purpose, ["limit", "1"]],
        headers: { "govex-share-request": "not a valid id!" },
      },
    });
  }
  const g = resources.find((r) => r.operations.has("get"));
  if (g) {
    probes.push(
      {
        name: `get with a key of ${KEY_MAX + 1} characters`,
        request: {
          operation: "bad-input",
          method: "GET",
          path: recordPath(g, "k".repeat(KEY_MAX + 1)),
          query: [purpose],
          headers: context.dataHeaders(),
        },
      },
      {
        name: "get without purpose",
        request: {
          operation: "bad-input",
          method: "GET",
          path: recordPath(g, "govex-conformance"),
          headers: context.dataHeaders(),
        },
      },
    );
  }
  const c = resources.find((r) => r.operations.has("changes"));
  if (c) {
    const table: [string, Params][] = [
      ["limit=0", [["limit", "0"]]],
      ["limit=abc", [["limit", "abc"]]],
      ["limit=100000", [["limit", "100000"]]],
      ["cursor of 10000 characters", [["cursor", "A".repeat(10_000)]]],
      ["garbage cursor", [["cursor", garbage]]],
    ];
    for (const [name, params] of table)
      probes.push({
        name: `changes ${name}`,
        request: {
          operation: "bad-input",
          method: "GET",
          path: `${c.path}/changes`,
          query: params,
        },
      });
  }
  if (probes.length === 0) {
    context.findings.skip(
      "bad-input-4xx",
      msg("没有资源提供查询、读取或增量变更。", "no resource offers query, get or changes."),
    );
    return;
  }
  await judge(context, "bad-input-4xx", probes);
}

/**
 * bad-body-4xx: verify requests that are not a VerifyInput — wrong media type, broken JSON,
 * prototype keys, deep nesting, a huge body, missing or oversized members, no Idempotency-Key.
 * The provider must still answer afterwards.
 */
export async function probeBadBodies(
  context: Context,
  resource: Resource,
  seen: Seen,
): Promise<void> {
  const sample = seen.walked[0] ?? seen.all[0];
  const key = (sample && keyOf(resource, sample)) ?? "govex-conformance";
  const field = resource.properties.find((p) => p !== resource.keyField) ?? resource.keyField;
  /** A verify request; a header given as "" is left out. */
  const post = (
    name: string,
    body: Uint8Array | string,
    headers: Record<string, string>,
    extra: Partial<Probe> = {},
  ): Probe => {
    const all: Record<string, string> = {
      ...context.dataHeaders(),
      "idempotency-key": randomUUID(),
      ...headers,
    };
    return {
      name: `verify ${name}`,
      request: {
        operation: "bad-body",
        method: "POST",
        path: `${resource.path}/verify`,
        query: [["purpose", context.purpose]],
        headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== "")),
        body,
      },
      ...extra,
    };
  };
  const json = { "content-type": "application/json" };
  const valid = JSON.stringify({ key, values: { [field]: "x" } });
  const k = JSON.stringify(key);
  const f = JSON.stringify(field);
  const deep = `{"key":${k},"values":{${f}:${"[".repeat(5000)}${"]".repeat(5000)}}}`;
  const huge = `{"key":${k},"values":{${f}:"${"A".repeat(4 * 1024 * 1024)}"}}`;
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, "x"]));
  const probes: Probe[] = [
    post("with Content-Type text/plain", valid, { "content-type": "text/plain" }),
    post("without Content-Type", new TextEncoder().encode(valid), {}),
    post("with invalid JSON", '{"key": ', json),
    post("with a JSON null", "null", json),
    post("with a JSON array", "[]", json),
    post("with a JSON string", '"x"', json),
    post(
      "with a top-level __proto__ key",
      `{"__proto__":{"polluted":"yes"},"key":${k},"values":{${f}:"x"}}`,
      json,
    ),
    post("with a __proto__ value", `{"key":${k},"values":{"__proto__":{"polluted":"yes"}}}`, json),
    post(
      "with constructor.prototype",
      `{"key":${k},"values":{"constructor":{"prototype":{"polluted":"yes"}}}}`,
      json,
    ),
    post("nested 5000 levels deep", deep, json),
    post("of 4 MiB", huge, json, { closeIsRefusal: true }),
    post("that is not UTF-8", Uint8Array.of(0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d), json),
    post("without key", JSON.stringify({ values: { [field]: "x" } }), json),
    post("without values", JSON.stringify({ key }), json),
    post("with an empty key", JSON.stringify({ key: "", values: { [field]: "x" } }), json),
    post(
      `with a key of ${KEY_MAX + 1} characters`,
      JSON.stringify({ key: "k".repeat(KEY_MAX + 1), values: { [field]: "x" } }),
      json,
    ),
    post("with empty values", JSON.stringify({ key, values: {} }), json),
    post("with 51 values", JSON.stringify({ key, values: many }), json),
    post("with an object value", JSON.stringify({ key, values: { [field]: { x: 1 } } }), json),
    post("with a null value", JSON.stringify({ key, values: { [field]: null } }), json),
    post("without Idempotency-Key", valid, { ...json, "idempotency-key": "" }),
    post("with a 3-character Idempotency-Key", valid, { ...json, "idempotency-key": "abc" }),
  ];
  await judge(context, "bad-body-4xx", probes);

  const alive = await context.wire.send({
    operation: "describe",
    method: "GET",
    path: "describe",
    retry: true,
  });
  if (alive.status !== 200)
    context.findings.fail(
      "bad-body-4xx",
      msg(
        `发送不合规范的请求体后,提供方不再正常答复(describe: ${outcome(alive)["zh-CN"]})。`,
        `after the malformed bodies the provider no longer answers (describe: ${outcome(alive).en}).`,
      ),
      alive.line,
    );
}

/**
 * injection-harmless: injection strings as filter values, filter names, fields, keys and verify
 * keys. An answer is a 4xx, or a 2xx that matches nothing; never a 5xx, a hang, or records.
 */
export async function probeInjection(context: Context, resources: Resource[]): Promise<void> {
  const probes: Probe[] = [];
  const purpose: [string, string] = ["purpose", context.purpose];
  const empty = emptyPage;
  const notFound = (exchange: Exchange) => isObject(exchange.json) && exchange.json.found === false;
  const q = resources.find((r) => r.operations.has("query"));
  const g = resources.find((r) => r.operations.has("get"));
  const v = resources.find((r) => r.operations.has("verify"));
  for (const text of INJECTION_STRINGS) {
    const shown = JSON.stringify(text);
    if (q) {
      const other = q.properties.find((p) => p !== q.keyField);
      for (const field of other ? [q.keyField, other] : [q.keyField])
        probes.push({
          ...query(
            context,
            q,
            [purpose, [`filter[${field}]`, text]],
            `query filter[${field}]=${shown}`,
          ),
          harmless2xx: empty,
        });
    }
    if (g)
      probes.push({
        name: `get key ${shown}`,
        request: {
          operation: "injection",
          method: "GET",
          path: recordPath(g, text),
          query: [purpose],
          headers: context.dataHeaders(),
        },
      });
    if (v)
      probes.push({
        name: `verify key ${shown}`,
        request: {
          operation: "injection",
          method: "POST",
          path: `${v.path}/verify`,
          query: [purpose],
          headers: { ...context.dataHeaders(), "idempotency-key": randomUUID() },
          body: { key: text, values: { [v.keyField]: text } },
        },
        harmless2xx: notFound,
      });
  }
  if (q) {
    probes.push(
      {
        ...query(
          context,
          q,
          [purpose, ["filter[name' OR '1'='1]", "x"]],
          "query with an injection filter name",
        ),
        harmless2xx: empty,
      },
      query(
        context,
        q,
        [purpose, ["fields", `${q.keyField},name' OR '1'='1`]],
        "query fields with an injection",
      ),
    );
  }
  if (probes.length === 0) {
    context.findings.skip(
      "injection-harmless",
      msg("没有资源提供查询、读取或核验。", "no resource offers query, get or verify."),
    );
    return;
  }
  await judge(context, "injection-harmless", probes);
}

/** unknown-resource-404: every data operation on a resource code the provider did not describe. */
export async function probeUnknownResource(context: Context, resources: Resource[]): Promise<void> {
  const codes = new Set(resources.map((r) => r.code));
  let suffix = "GOVEXABSENT";
  while (codes.has(`399999/${suffix}`)) suffix += "X";
  const absent: Resource = {
    code: `399999/${suffix}`,
    path: `resources/399999/${suffix}`,
    keyField: "id",
    recordSchema: {},
    items: [],
    properties: [],
    operations: new Set(),
  };
  const exchanges = [
    await context.wire.send({
      operation: "query",
      method: "GET",
      path: `${absent.path}/records`,
      query: [["purpose", context.purpose]],
      headers: context.dataHeaders(),
    }),
    await context.wire.send({
      operation: "getByKey",
      method: "GET",
      path: recordPath(absent, "govex-conformance"),
      query: [["purpose", context.purpose]],
      headers: context.dataHeaders(),
    }),
    await sendVerify(
      context,
      absent,
      { key: "govex-conformance", values: { id: "x" } },
      "unknown-resource",
    ),
    await context.wire.send({
      operation: "changesSince",
      method: "GET",
      path: `${absent.path}/changes`,
    }),
  ];
  for (const exchange of exchanges) {
    if (exchange.status === 404) context.findings.pass("unknown-resource-404");
    else
      context.findings.fail(
        "unknown-resource-404",
        msg(
          `不存在的资源 ${absent.code} 应答复 404,实为 ${outcome(exchange)["zh-CN"]}。`,
          `the unknown resource ${absent.code} should be 404, got ${outcome(exchange).en}.`,
        ),
        exchange.line,
      );
  }
}
