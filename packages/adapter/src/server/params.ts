/**
 * The parameters of specs/provider v1, one JSON Schema per operation, and their collection from a
 * request: path, query (form and deepObject styles, OpenAPI 3.1 §4.8.12.4), header fields and the
 * verify body. The constraints are the spec's, copied here because the runtime does not ship the
 * spec; a test checks them against specs/provider/v1/openapi.yaml. Issues are rendered by
 * @govex/validator in zh-CN or English.
 */
import { getValidator, type Validator } from "@govex/validator";
import type { VerifyInput } from "../adapter.js";
import type { Lang, ProblemIssue } from "./problems.js";

export type OperationId = "describe" | "check" | "query" | "getByKey" | "verify" | "changesSince";

/** Item codes (信息项代码): the spec's pattern for `fields` items. */
const ITEM_CODE = "^[A-Za-z][A-Za-z0-9_]{0,63}$";

const annotate = (zh: string, en: string) => ({ title: zh, "x-title-en": en });

/** specs/provider v1 `components.parameters`, with titles for the messages. */
export const PARAMETER_SCHEMAS = {
  prefix: {
    type: "string",
    pattern: "^[1-3][0-9]{2}[0-9A-Z]{0,29}$",
    ...annotate("信息资源代码前段码", "resource code prefix"),
  },
  suffix: {
    type: "string",
    pattern: "^[0-9A-Z]{1,32}$",
    ...annotate("信息资源代码后段码", "resource code suffix"),
  },
  key: { type: "string", minLength: 1, maxLength: 128, ...annotate("记录主键", "record key") },
  purpose: {
    type: "string",
    minLength: 2,
    maxLength: 200,
    ...annotate("使用用途", "purpose of use"),
  },
  "Govex-Share-Request": {
    type: "string",
    pattern: "^[A-Za-z0-9_-]{1,64}$",
    ...annotate("共享申请编号", "share request id"),
  },
  cursor: { type: "string", maxLength: 512, ...annotate("游标", "cursor") },
  limit: {
    type: "integer",
    minimum: 1,
    maximum: 1000,
    default: 100,
    ...annotate("每页条数", "page size"),
  },
  // Filter names and verify value names are item codes too; the spec leaves them open, so a
  // name no item can have (`__proto__`, `a b`) is refused here rather than by each adapter.
  filter: {
    type: "object",
    maxProperties: 10,
    propertyNames: { pattern: ITEM_CODE },
    additionalProperties: { type: "string", maxLength: 200 },
    ...annotate("过滤条件", "filter"),
  },
  fields: {
    type: "array",
    maxItems: 100,
    items: { type: "string", pattern: ITEM_CODE },
    ...annotate("返回字段", "fields"),
  },
  "Idempotency-Key": {
    type: "string",
    minLength: 8,
    maxLength: 128,
    ...annotate("幂等键", "idempotency key"),
  },
} as const;

/** specs/exchange v1 `VerifyInput`. */
export const VERIFY_INPUT_SCHEMA = {
  type: "object",
  required: ["key", "values"],
  additionalProperties: false,
  properties: {
    key: { type: "string", minLength: 1, maxLength: 128, ...annotate("记录主键", "record key") },
    values: {
      type: "object",
      minProperties: 1,
      maxProperties: 50,
      propertyNames: { pattern: ITEM_CODE },
      additionalProperties: { type: ["string", "number", "boolean"] },
      ...annotate("核验字段", "values to verify"),
    },
  },
  ...annotate("核验内容", "verify input"),
} as const;

type ParameterName = keyof typeof PARAMETER_SCHEMAS;
type Location = "path" | "query" | "headers";

interface OperationParameters {
  path: readonly ParameterName[];
  query: readonly ParameterName[];
  headers: readonly ParameterName[];
  required: readonly ParameterName[];
  body?: boolean;
}

const RESOURCE = ["prefix", "suffix"] as const;
const SHARE = ["Govex-Share-Request"] as const;

/** Each operation's parameters as specs/provider v1 `paths` lists them. */
export const OPERATION_PARAMETERS: Record<OperationId, OperationParameters> = {
  describe: { path: [], query: [], headers: [], required: [] },
  check: { path: [], query: [], headers: [], required: [] },
  query: {
    path: RESOURCE,
    query: ["purpose", "filter", "fields", "cursor", "limit"],
    headers: SHARE,
    required: [...RESOURCE, "purpose"],
  },
  getByKey: {
    path: [...RESOURCE, "key"],
    query: ["purpose"],
    headers: SHARE,
    required: [...RESOURCE, "key", "purpose"],
  },
  verify: {
    path: RESOURCE,
    query: ["purpose"],
    headers: ["Idempotency-Key", ...SHARE],
    required: [...RESOURCE, "purpose", "Idempotency-Key"],
    body: true,
  },
  changesSince: {
    path: RESOURCE,
    query: ["cursor", "limit"],
    headers: [],
    required: RESOURCE,
  },
};

function locationSchema(operation: OperationParameters, location: Location, closed: boolean) {
  const names = operation[location];
  return {
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, PARAMETER_SCHEMAS[name]])),
    required: names.filter((name) => operation.required.includes(name)),
    // Unknown query parameters are refused (a misspelt `limt` must not pass silently);
    // header fields and the path are open, since proxies and HTTP add their own.
    additionalProperties: !closed,
  };
}

/** The JSON Schema of one operation's input: `{ path, query, headers, body? }`. */
export function operationSchema(id: OperationId): Record<string, unknown> {
  const operation = OPERATION_PARAMETERS[id];
  return {
    type: "object",
    required: ["path", "query", "headers", ...(operation.body ? ["body"] : [])],
    properties: {
      path: locationSchema(operation, "path", false),
      query: locationSchema(operation, "query", true),
      headers: locationSchema(operation, "headers", false),
      ...(operation.body ? { body: VERIFY_INPUT_SCHEMA } : {}),
    },
  };
}

let compiled: Promise<Record<OperationId, Validator>> | undefined;

/** The validators of all operations, compiled once per process. */
export function operationValidators(): Promise<Record<OperationId, Validator>> {
  compiled ??= (async () => {
    const ids = Object.keys(OPERATION_PARAMETERS) as OperationId[];
    const validators = await Promise.all(ids.map((id) => getValidator(operationSchema(id))));
    return Object.fromEntries(ids.map((id, i) => [id, validators[i]])) as Record<
      OperationId,
      Validator
    >;
  })();
  compiled.catch(() => {
    compiled = undefined;
  });
  return compiled;
}

/** A request's input, valid for its operation. */
export interface OperationInput {
  prefix: string;
  suffix: string;
  key?: string;
  purpose?: string;
  shareRequest?: string;
  filter: Record<string, string>;
  fields?: string[];
  cursor?: string;
  limit: number;
  body?: VerifyInput;
}

export type CollectedInput =
  | { ok: true; input: OperationInput }
  | { ok: false; issues: ProblemIssue[]; idempotencyKeyMissing: boolean };

const QUERY_MESSAGES = {
  invalid_encoding: {
    "zh-CN": (name: string) =>
      `查询参数「${name}」的百分号编码无效或不是 UTF-8。请按 RFC 3986 以 UTF-8 编码。`,
    en: (name: string) =>
      `Query parameter ${name} has an invalid percent-encoding or is not UTF-8: encode it as UTF-8 per RFC 3986.`,
  },
  repeated_parameter: {
    "zh-CN": (name: string) => `查询参数「${name}」出现了多次。请只传一次（多个字段以逗号分隔）。`,
    en: (name: string) =>
      `Query parameter "${name}" occurs more than once: send it once (list fields comma-separated).`,
  },
} as const;

const pointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

function queryIssue(
  code: keyof typeof QUERY_MESSAGES,
  name: string,
  lang: Lang,
  member?: string,
): ProblemIssue {
  const path = `/query/${member === undefined ? pointer(name) : `filter/${pointer(member)}`}`;
  return { path, code, message: QUERY_MESSAGES[code][lang](name) };
}

function decode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}

const DEEP_OBJECT = /^filter\[([^[\]]*)\]$/;

/**
 * Parse a query string (application/x-www-form-urlencoded, WHATWG URL §5.1) into the spec's
 * shapes: `filter[name]=value` into an object (deepObject), `fields=a,b` into an array (form,
 * explode false), `limit` into a number when it is an integer. Repeats are issues, since each
 * parameter has one value.
 */
function parseQuery(
  search: string,
  lang: Lang,
): { query: Record<string, unknown>; issues: ProblemIssue[] } {
  const query = new Map<string, unknown>();
  const filter = new Map<string, string>();
  const issues: ProblemIssue[] = [];
  for (const piece of search.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const name = decode(rawName);
    const value = decode(eq < 0 ? "" : piece.slice(eq + 1));
    if (name === undefined || value === undefined) {
      issues.push(queryIssue("invalid_encoding", name ?? rawName, lang));
      continue;
    }
    const member = DEEP_OBJECT.exec(name)?.[1];
    const target = member === undefined ? query : filter;
    const key = member ?? name;
    if (target.has(key)) {
      issues.push(queryIssue("repeated_parameter", name, lang, member));
      continue;
    }
    target.set(key, value);
  }
  const fields = query.get("fields");
  if (typeof fields === "string") query.set("fields", fields.split(","));
  const limit = query.get("limit");
  if (typeof limit === "string" && /^-?\d{1,16}$/.test(limit)) query.set("limit", Number(limit));
  if (filter.size > 0) {
    if (query.has("filter")) issues.push(queryIssue("repeated_parameter", "filter", lang));
    else query.set("filter", Object.fromEntries(filter));
  }
  // Object.fromEntries defines own properties, so a `__proto__` name stays a name.
  return { query: Object.fromEntries(query), issues };
}

export interface RequestParts {
  /** Path parameters as the router decoded them. */
  params: Record<string, string | undefined>;
  /** The raw request target, e.g. `/v1/resources/101001/000001/records?purpose=x`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (verify only). */
  body?: unknown;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Collect and validate one operation's input (path, query, header fields, body). */
export async function collectInput(
  id: OperationId,
  parts: RequestParts,
  lang: Lang,
): Promise<CollectedInput> {
  const operation = OPERATION_PARAMETERS[id];
  const search = parts.url.indexOf("?");
  const { query, issues } = parseQuery(search < 0 ? "" : parts.url.slice(search + 1), lang);
  const path: Record<string, string> = {};
  for (const name of operation.path) {
    const value = parts.params[name];
    if (value !== undefined) path[name] = value;
  }
  const headers: Record<string, string> = {};
  for (const name of operation.headers) {
    const value = headerValue(parts.headers[name.toLowerCase()]);
    if (value !== undefined) headers[name] = value;
  }
  const input = { path, query, headers, ...(operation.body ? { body: parts.body } : {}) };
  const found = (await operationValidators())[id].validate(input, { lang, maxErrors: 100 });
  for (const item of found)
    issues.push({ path: item.path, code: item.code, message: item.message });
  if (issues.length > 0) {
    const idempotencyKeyMissing = issues.some(
      (item) => item.path === "/headers/Idempotency-Key" && item.code === "required",
    );
    return { ok: false, issues, idempotencyKeyMissing };
  }
  const text = (name: string) => query[name] as string | undefined;
  return {
    ok: true,
    input: {
      prefix: path.prefix ?? "",
      suffix: path.suffix ?? "",
      ...(path.key === undefined ? {} : { key: path.key }),
      ...(text("purpose") === undefined ? {} : { purpose: text("purpose") }),
      ...(headers["Govex-Share-Request"] === undefined
        ? {}
        : { shareRequest: headers["Govex-Share-Request"] }),
      filter: (query.filter as Record<string, string> | undefined) ?? {},
      ...(query.fields === undefined ? {} : { fields: query.fields as string[] }),
      ...(text("cursor") === undefined ? {} : { cursor: text("cursor") }),
      limit: (query.limit as number | undefined) ?? PARAMETER_SCHEMAS.limit.default,
      ...(operation.body ? { body: parts.body as VerifyInput } : {}),
    },
  };
}
