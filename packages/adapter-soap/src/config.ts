/**
 * The `source` block of a mapping file for `kind: soap`: a legacy WSDL/SOAP web service.
 * Checked with zod, then compiled once (input templates, JSONata, environment secrets) into a
 * plan; the WSDL itself is read when the source is created.
 */
import { isAbsolute, resolve } from "node:path";
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
} from "@govex/adapter/remote";
import { z } from "zod";

/** Members of every call: the WSDL operation and its input, with templates in its strings. */
const callShape = {
  /** Operation name as the WSDL's portType names it. */
  operation: z.string().min(1),
  /** The operation's input message as a JSON-like object; "{page}", "{key}"… in its strings. */
  input: z.record(z.string(), z.unknown()).default({}),
};

// Literal strings pass the schema so that compileSoapSource can say what to do instead.
const credentials = z.strictObject({
  username: z.union([z.string(), envRefSchema]),
  password: z.union([z.string(), envRefSchema]),
});

/** The `source` block for `kind: soap`. */
export const soapSourceSchema = z.strictObject({
  kind: z.literal("soap").optional(),
  /** The WSDL: a file (relative to the mapping file) or an http(s) URL, or `{ env: VAR }`. */
  wsdl: z.union([z.string().min(1), envRefSchema]),
  /** The service address, overriding the WSDL's soap:address; a URL or `{ env: VAR }`. */
  endpoint: z.union([z.string().min(1), envRefSchema]).optional(),
  /** Credentials, from the environment only. */
  auth: z
    .strictObject({
      /** HTTP Basic (RFC 7617). */
      basic: credentials.optional(),
      /** WS-Security UsernameToken (OASIS WSS UsernameToken Profile 1.1). */
      wsSecurity: credentials
        .extend({
          passwordType: z.enum(["PasswordText", "PasswordDigest"]).default("PasswordText"),
        })
        .optional(),
    })
    .default({}),
  /** Extra HTTP headers: `{ env: VAR, prefix?: "…" }`, or a literal that is no secret. */
  headers: headersSchema,
  /** "1.1" (the default) or "1.2" (SOAP 1.2 envelope and content type). */
  soapVersion: z.enum(["1.1", "1.2"]).default("1.1"),
  /** Milliseconds for one call, connection to last byte (default 10 000); also bounds reading a WSDL URL. */
  timeout: z.int().min(1).max(600_000).default(10_000),
  /** Largest answer accepted, in bytes (default 16 MiB). */
  maxBytes: z
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Deepest nesting accepted in an answer (default 64). */
  maxDepth: z.int().min(2).max(1000).default(64),
  /** JSONata on every answer that is true when the service reports success, e.g. "ResultCode = '0'". */
  success: z.string().min(1).optional(),
  /** Where the service's own error message is, quoted in errors, e.g. "ResultMsg". */
  message: z.string().min(1).optional(),
  list: z.strictObject({ ...callShape, ...listShape }),
  get: z
    .strictObject({
      ...callShape,
      /** Selection of the record in the answer. */
      item: z.string().min(1),
      /** SOAP fault codes that mean "no such record" (full QName or local part). */
      notFound: z.array(z.string().min(1)).default([]),
      /** JSONata on the answer that is true when the record does not exist, e.g. "ResultCode = '1'". */
      notFoundWhen: z.string().min(1).optional(),
    })
    .optional(),
  health: z.strictObject({ ...callShape }).optional(),
  changes: z.strictObject({ ...callShape, ...changesShape }).optional(),
});

/** The `source` block for `kind: soap`, as written in a mapping file. */
export type SoapSourceConfig = z.input<typeof soapSourceSchema>;

export interface SoapCall {
  /** The operation name, for messages. */
  readonly label: string;
  readonly operation: string;
  readonly input: CompiledValue;
}

export interface SoapPlan {
  /** An absolute file path or an http(s) URL. */
  wsdl: string;
  endpoint?: string | undefined;
  basic?: { username: string; password: string } | undefined;
  wsSecurity?:
    | { username: string; password: string; passwordType: "PasswordText" | "PasswordDigest" }
    | undefined;
  headers: Readonly<Record<string, string>>;
  soapVersion: "1.1" | "1.2";
  /** Values from the environment, scrubbed from every error message. */
  secrets: readonly string[];
  timeout: number;
  maxBytes: number;
  maxDepth: number;
  checks: AnswerChecks;
  list: { call: SoapCall; plan: ListPlan };
  get?: {
    call: SoapCall;
    item: Selector;
    notFound: readonly string[];
    notFoundWhen?: Selector | undefined;
  };
  health?: SoapCall;
  changes?: { call: SoapCall; plan: ChangesPlan };
}

/** Check a `source` block and compile it; every error is `config_invalid` with its path. */
export function compileSoapSource(config: unknown, context: SourceContext): SoapPlan {
  const c = parseConfig(soapSourceSchema, config, "SOAP");
  const p = SOURCE_PATH;
  const secrets: string[] = [];
  const fromEnv = (value: string | { env: string }, path: string): string => {
    if (typeof value === "string") return value;
    const resolved = resolveEnv(value, context.env, path);
    secrets.push(resolved);
    return resolved;
  };

  const wsdlText = fromEnv(c.wsdl, `${p}/wsdl`);
  const wsdl = /^[a-z][a-z0-9+.-]*:\/\//i.test(wsdlText)
    ? checkUrl(wsdlText, `${p}/wsdl`, "wsdl").href
    : isAbsolute(wsdlText)
      ? wsdlText
      : resolve(context.baseDir, wsdlText);
  const endpoint =
    c.endpoint === undefined
      ? undefined
      : checkUrl(fromEnv(c.endpoint, `${p}/endpoint`), `${p}/endpoint`, "endpoint").href;
  const credentialsOf = (
    block: { username: string | { env: string }; password: string | { env: string } },
    path: string,
  ) => {
    for (const name of ["username", "password"] as const) {
      if (typeof block[name] === "string")
        throw configError(
          `${path}/${name}`,
          `凭据只能来自环境变量，不得写在映射文件中（${path}/${name}）。请写作 { env: 变量名 }。`,
          `credentials come from the environment only, never from the mapping file (${path}/${name}): write { env: VAR_NAME }`,
        );
    }
    return {
      username: fromEnv(block.username, `${path}/username`),
      password: fromEnv(block.password, `${path}/password`),
    };
  };

  const call = (
    block: { operation: string; input: unknown },
    path: string,
    vars: readonly string[],
  ): SoapCall => {
    const input = compileValueTemplate(block.input, vars, `${path}/input`, context.env);
    secrets.push(...input.secrets);
    return { label: block.operation, operation: block.operation, input };
  };

  const listCall = call(c.list, `${p}/list`, LIST_VARS);
  const { style, order } = pagingStyle(listCall.input.names, c.list, `${p}/list`);
  const plan: SoapPlan = {
    wsdl,
    endpoint,
    basic: c.auth.basic ? credentialsOf(c.auth.basic, `${p}/auth/basic`) : undefined,
    wsSecurity: c.auth.wsSecurity
      ? {
          ...credentialsOf(c.auth.wsSecurity, `${p}/auth/wsSecurity`),
          passwordType: c.auth.wsSecurity.passwordType,
        }
      : undefined,
    headers: compileHeaders(c.headers, context.env, `${p}/headers`, secrets),
    soapVersion: c.soapVersion,
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
    if (!getCall.input.names.includes("key"))
      throw configError(
        `${p}/get/input`,
        `get 调用的 input 必须使用 {key}（${p}/get/input）。`,
        `the get call's input must use {key} (${p}/get/input)`,
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
