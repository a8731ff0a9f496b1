/**
 * The `source` block of a mapping file for `kind: rest`: a department's existing JSON API.
 * Checked with zod, then compiled once (templates, JSONata, environment secrets) into a plan.
 */
import type { SourceContext } from "@govex/adapter";
import {
  type AnswerChecks,
  CHANGES_VARS,
  type ChangesPlan,
  type CompiledValue,
  changesShape,
  checkUrl,
  compileChangesPlan,
  compileHeaders,
  compileSelector,
  compileTemplate,
  compileValueTemplate,
  configError,
  envRefSchema,
  headersSchema,
  LIST_VARS,
  type ListPlan,
  listShape,
  pagingStyle,
  parseConfig,
  resolveEnv,
  type Selector,
  SOURCE_PATH,
  type StringTemplate,
} from "@govex/adapter/remote";
import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Members of every call: method, path (with templates), query parameters, JSON body. */
const callShape = {
  method: z.enum(["GET", "POST"]).default("GET"),
  /** Path below `baseUrl`, starting with "/"; "{key}" and other values are URL-encoded. */
  path: z.string().startsWith("/"),
  /** Query parameters; values are templates, or `{ env: VAR }` for a token in the query. */
  query: z.record(z.string().min(1), z.union([scalar, envRefSchema])).default({}),
  /** JSON body (POST only), with templates in its strings. */
  body: z.unknown().optional(),
};

/** The `source` block for `kind: rest`. */
export const restSourceSchema = z.strictObject({
  kind: z.literal("rest").optional(),
  /** Base URL of the API (http or https), or `{ env: VAR }`. */
  baseUrl: z.union([z.string().min(1), envRefSchema]),
  /** Request headers: `{ env: VAR, prefix?: "Bearer " }`; a literal only when it is no secret. */
  headers: headersSchema,
  /** Milliseconds for one call, connection to last byte (default 10 000). */
  timeout: z.int().min(1).max(600_000).default(10_000),
  /** Largest answer body accepted, in bytes (default 16 MiB). */
  maxBytes: z
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Deepest JSON nesting accepted (default 64). */
  maxDepth: z.int().min(2).max(1000).default(64),
  /** JSONata on every answer body that is true when the API reports success, e.g. "code = 0". */
  success: z.string().min(1).optional(),
  /** Where the API's own error message is, quoted in errors, e.g. "msg". */
  message: z.string().min(1).optional(),
  list: z.strictObject({ ...callShape, ...listShape }),
  get: z
    .strictObject({
      ...callShape,
      /** Selection of the record in the answer. */
      item: z.string().min(1),
      /** HTTP statuses that mean "no such record" (default [404]). */
      notFound: z.array(z.int().min(100).max(599)).default([404]),
      /** JSONata on the answer body that is true when the record does not exist, e.g. "code = 404". */
      notFoundWhen: z.string().min(1).optional(),
    })
    .optional(),
  health: z.strictObject({ ...callShape }).optional(),
  changes: z.strictObject({ ...callShape, ...changesShape }).optional(),
});

/** The `source` block for `kind: rest`, as written in a mapping file. */
export type RestSourceConfig = z.input<typeof restSourceSchema>;

/** A call, compiled. */
export interface RestCall {
  /** "GET /marriages/{key}", for messages (never the expanded URL, which may hold personal data). */
  readonly label: string;
  readonly method: "GET" | "POST";
  readonly path: StringTemplate;
  readonly query: CompiledValue;
  readonly body: CompiledValue | undefined;
}

export interface RestPlan {
  baseUrl: URL;
  headers: Readonly<Record<string, string>>;
  /** Values from the environment, scrubbed from every error message. */
  secrets: readonly string[];
  timeout: number;
  maxBytes: number;
  maxDepth: number;
  checks: AnswerChecks;
  list: { call: RestCall; plan: ListPlan };
  get?: {
    call: RestCall;
    item: Selector;
    notFound: readonly number[];
    notFoundWhen?: Selector | undefined;
  };
  health?: RestCall;
  changes?: { call: RestCall; plan: ChangesPlan };
}

/** Check a `source` block and compile it; every error is `config_invalid` with its path. */
export function compileRestSource(config: unknown, context: SourceContext): RestPlan {
  const c = parseConfig(restSourceSchema, config, "REST");
  const p = SOURCE_PATH;
  const secrets: string[] = [];

  const baseText =
    typeof c.baseUrl === "string" ? c.baseUrl : resolveEnv(c.baseUrl, context.env, `${p}/baseUrl`);
  if (typeof c.baseUrl !== "string") secrets.push(baseText);
  const baseUrl = checkUrl(baseText, `${p}/baseUrl`, "baseUrl");
  if (baseUrl.search !== "" || baseUrl.hash !== "")
    throw configError(
      `${p}/baseUrl`,
      `baseUrl 不得包含查询串或片段（${p}/baseUrl）；查询参数请写在各调用的 query 中。`,
      `baseUrl must not contain a query or fragment (${p}/baseUrl); put query parameters in each call's query`,
    );

  const headers = compileHeaders(c.headers, context.env, `${p}/headers`, secrets);

  const call = (
    block: { method: "GET" | "POST"; path: string; query: unknown; body?: unknown },
    path: string,
    vars: readonly string[],
  ): RestCall => {
    if (block.body !== undefined && block.method !== "POST")
      throw configError(
        `${path}/body`,
        `只有 method: POST 的调用才能带 body（${path}/body）。`,
        `only a call with method: POST can have a body (${path}/body)`,
      );
    if (block.path.startsWith("//") || block.path.includes("://"))
      throw configError(
        `${path}/path`,
        `path 必须是 baseUrl 之下的路径，不能指向别的主机（${path}/path）。`,
        `path must be a path below baseUrl, not another host (${path}/path)`,
      );
    const query = compileValueTemplate(block.query, vars, `${path}/query`, context.env);
    const body =
      block.body === undefined
        ? undefined
        : compileValueTemplate(block.body, vars, `${path}/body`, context.env);
    secrets.push(...query.secrets, ...(body?.secrets ?? []));
    return {
      label: `${block.method} ${block.path}`,
      method: block.method,
      path: compileTemplate(block.path, vars, `${path}/path`),
      query,
      body,
    };
  };
  const names = (x: RestCall) => [...x.path.names, ...x.query.names, ...(x.body?.names ?? [])];

  const listCall = call(c.list, `${p}/list`, LIST_VARS);
  const { style, order } = pagingStyle(names(listCall), c.list, `${p}/list`);
  for (const param of Object.keys(c.list.filterParams)) {
    if (param.startsWith("body.") && c.list.method !== "POST")
      throw configError(
        `${p}/list/filterParams/${param}`,
        `过滤参数 ${param} 要放进请求体，但 list 调用不是 POST（${p}/list/filterParams）。`,
        `filter parameter ${param} goes in the body, but the list call is not a POST (${p}/list/filterParams)`,
      );
  }
  const plan: RestPlan = {
    baseUrl,
    headers,
    secrets,
    timeout: c.timeout,
    maxBytes: c.maxBytes,
    maxDepth: c.maxDepth,
    checks: {
      ...(c.success ? { success: compileSelector(c.success, `${p}/success`) } : {}),
      ...(c.message ? { message: compileSelector(c.message, `${p}/message`) } : {}),
    },
    list: {
      call: listCall,
      plan: {
        style,
        order,
        items: compileSelector(c.list.items, `${p}/list/items`),
        next:
          c.list.next === undefined ? undefined : compileSelector(c.list.next, `${p}/list/next`),
        pageSize: c.list.pageSize,
        firstPage: c.list.firstPage,
        keyOrder: c.list.keyOrder,
        maxRows: c.list.maxRows,
        snapshotTtl: c.list.snapshotTtl,
        maxDepth: c.maxDepth,
        filterParams: c.list.filterParams,
      },
    },
  };
  if (c.get) {
    const getCall = call(c.get, `${p}/get`, ["key"]);
    if (!names(getCall).includes("key"))
      throw configError(
        `${p}/get`,
        `get 调用必须在 path、query 或 body 中使用 {key}（${p}/get）。`,
        `the get call must use {key} in its path, query or body (${p}/get)`,
      );
    plan.get = {
      call: getCall,
      item: compileSelector(c.get.item, `${p}/get/item`),
      notFound: c.get.notFound,
      notFoundWhen:
        c.get.notFoundWhen === undefined
          ? undefined
          : compileSelector(c.get.notFoundWhen, `${p}/get/notFoundWhen`),
    };
  }
  if (c.health) plan.health = call(c.health, `${p}/health`, []);
  if (c.changes) {
    const ch = c.changes;
    const path = `${p}/changes`;
    plan.changes = {
      call: call(ch, path, CHANGES_VARS),
      plan: compileChangesPlan(ch, path, c.maxDepth),
    };
  }
  return plan;
}
