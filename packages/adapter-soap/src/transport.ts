/**
 * SOAP calls through the `soap` package, hardened for answers from a legacy service: a hard
 * deadline per call, a size limit, the charset the answer declares (GBK services exist), no
 * Document Type Declaration (so no entity expansion), no redirects, multiRef expansion and
 * nesting bounded, and errors that never carry credentials.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { TextDecoder } from "node:util";
import { AdapterError } from "@govex/adapter";
import {
  safeCause,
  setDotted,
  type TemplateVars,
  toPlainData,
  unavailable,
} from "@govex/adapter/remote";
import * as soap from "soap";
import type { SoapCall, SoapPlan } from "./config.js";

export interface SoapCallOptions {
  vars: TemplateVars;
  /** Pushed-down filters by input path ("a.b" for nested members). */
  filter?: Readonly<Record<string, string>>;
  /** Fault codes answered as "not found" instead of an error. */
  notFound?: readonly string[];
  signal?: AbortSignal | undefined;
}

export type SoapAnswer = { found: true; body: unknown } | { found: false };

/** A response the guard refused before it reached the XML parser. */
class Refused extends Error {
  constructor(
    readonly zh: string,
    en: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(en);
  }
}

// Keep xsd:date and xsd:dateTime as written (a Date would shift date-only values to UTC),
// and integers beyond 2^53 as decimal strings rather than rounded numbers.
const keepText = (text: string) => text;
const exactInteger = (text: string) => {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text.trim();
};
const DESERIALIZERS = {
  date: keepText,
  dateTime: keepText,
  time: keepText,
  long: exactInteger,
  integer: exactInteger,
  unsignedLong: exactInteger,
  nonNegativeInteger: exactInteger,
  positiveInteger: exactInteger,
  negativeInteger: exactInteger,
  nonPositiveInteger: exactInteger,
};

const TIMEOUT_CODES = new Set<unknown>(["ECONNABORTED", "ETIMEDOUT", "ERR_CANCELED"]);

/**
 * The soap package's HTTP client without its envelope-extracting regular expressions, which
 * backtrack quadratically on hostile bodies (a long run of "<" without ":"). `guard` has
 * already cut the answer to its envelope.
 */
class GuardedHttpClient extends soap.HttpClient {
  override handleResponse(_req: unknown, _res: unknown, body: unknown): unknown {
    return body;
  }
}

export class SoapTransport {
  // Own connection pools, so that close() releases them.
  readonly #httpAgent = new HttpAgent({ keepAlive: true });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: true });

  private constructor(
    readonly plan: SoapPlan,
    readonly client: soap.Client,
    readonly operations: ReadonlySet<string>,
  ) {}

  /** Read the WSDL (file or URL, within the timeout) and set the endpoint and credentials. */
  static async open(plan: SoapPlan): Promise<SoapTransport> {
    const authorization = basicHeader(plan);
    let client: soap.Client;
    try {
      client = await soap.createClientAsync(plan.wsdl, {
        disableCache: true,
        httpClient: new GuardedHttpClient(),
        wsdl_options: {
          timeout: plan.timeout,
          signal: AbortSignal.timeout(plan.timeout),
          maxContentLength: plan.maxBytes,
          maxRedirects: 0,
        },
        wsdl_headers: authorization ? { Authorization: authorization } : {},
        customDeserializer: DESERIALIZERS,
        handleNilAsNull: true,
        forceSoap12Headers: plan.soapVersion === "1.2",
      });
    } catch (error) {
      const remote = /^https?:/i.test(plan.wsdl);
      const code = (error as { code?: unknown }).code;
      if (!remote || code === undefined)
        throw new AdapterError("config_invalid", {
          path: "/source/wsdl",
          zh: `无法读取或解析 WSDL：${scrub(error, plan.secrets)}`,
          en: `cannot read or parse the WSDL: ${scrub(error, plan.secrets)}`,
          cause: safeCause(error, plan.secrets),
        });
      throw unavailable(
        `无法下载 WSDL：${scrub(error, plan.secrets)}`,
        `cannot fetch the WSDL: ${scrub(error, plan.secrets)}`,
        { code },
        safeCause(error, plan.secrets),
      );
    }
    if (plan.endpoint) client.setEndpoint(plan.endpoint);
    if (plan.wsSecurity) {
      const { username, password, passwordType } = plan.wsSecurity;
      client.setSecurity(
        new soap.WSSecurity(username, password, { passwordType, hasTimeStamp: false }),
      );
    }
    const operations = new Set<string>();
    const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    for (const service of Object.values(described))
      for (const port of Object.values(service))
        for (const name of Object.keys(port)) operations.add(name);
    const transport = new SoapTransport(plan, client, operations);
    for (const [path, call] of [
      ["list", plan.list.call],
      ["get", plan.get?.call],
      ["health", plan.health],
      ["changes", plan.changes?.call],
    ] as const) {
      if (call && !operations.has(call.operation))
        throw new AdapterError("config_invalid", {
          path: `/source/${path}/operation`,
          zh: `WSDL 中没有操作 ${call.operation}（/source/${path}/operation）；可用：${[...operations].slice(0, 20).join("、")}。`,
          en: `the WSDL has no operation ${call.operation} (/source/${path}/operation); available: ${[...operations].slice(0, 20).join(", ")}`,
        });
    }
    return transport;
  }

  async call(call: SoapCall, options: SoapCallOptions): Promise<SoapAnswer> {
    const { plan } = this;
    const input = call.input.render(options.vars) as Record<string, unknown>;
    for (const [path, value] of Object.entries(options.filter ?? {})) setDotted(input, path, value);
    const deadline = AbortSignal.timeout(plan.timeout);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    // The callback form exists for every operation; the ...Async form only for names that are identifiers.
    const method = this.client[call.operation] as
      | ((
          args: unknown,
          callback: (error: unknown, result: unknown) => void,
          options: unknown,
          headers: unknown,
        ) => void)
      | undefined;
    if (typeof method !== "function")
      throw unavailable(
        `WSDL 中的操作 ${call.label} 无法调用。`,
        `the WSDL operation ${call.label} cannot be called`,
      );
    const headers: Record<string, string> = { ...plan.headers };
    const authorization = basicHeader(plan);
    if (authorization) headers.Authorization = authorization;
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        method.call(
          this.client,
          input,
          (error, answer) => (error ? reject(error) : resolve(answer)),
          {
            timeout: plan.timeout,
            signal,
            maxContentLength: plan.maxBytes,
            maxBodyLength: plan.maxBytes,
            maxRedirects: 0,
            httpAgent: this.#httpAgent,
            httpsAgent: this.#httpsAgent,
            responseType: "arraybuffer",
            transformResponse: [
              (data: unknown, headers: unknown, status: unknown) => guard(data, headers, status),
            ],
          },
          headers,
        );
      });
      return {
        found: true,
        body: toPlainData(result, { maxDepth: plan.maxDepth, maxNodes: plan.maxBytes }),
      };
    } catch (error) {
      if (error instanceof AdapterError) throw error;
      const refused = findRefused(error);
      if (refused)
        throw unavailable(
          `${call.label}：${refused.zh}`,
          `${call.label}: ${refused.message}`,
          refused.params,
        );
      if (options.signal?.aborted) throw options.signal.reason;
      const code = (error as { code?: unknown }).code;
      if (deadline.aborted || TIMEOUT_CODES.has(code))
        throw unavailable(
          `SOAP 操作 ${call.label} 在 ${plan.timeout} 毫秒内没有应答完毕。`,
          `the SOAP operation ${call.label} did not answer within ${plan.timeout} ms`,
          { timeout: plan.timeout },
          safeCause(error, plan.secrets),
        );
      if (code === "ERR_BAD_RESPONSE" && /maxContentLength/i.test(String((error as Error).message)))
        throw unavailable(
          `SOAP 操作 ${call.label} 的应答超过 ${plan.maxBytes} 字节，已拒收。如确有需要，请调大 maxBytes。`,
          `the SOAP operation ${call.label} answered more than ${plan.maxBytes} bytes and was refused; raise maxBytes if this is expected`,
          { maxBytes: plan.maxBytes },
        );
      const fault = faultOf(error);
      if (fault) {
        if (
          options.notFound?.some((wanted) =>
            fault.codes.some((c) => c === wanted || localName(c) === wanted),
          )
        )
          return { found: false };
        const code = fault.codes.join(" / ");
        const text = fault.text.slice(0, 200);
        throw unavailable(
          `SOAP 操作 ${call.label} 返回故障 ${code}${text ? `：${text}` : "。"}`,
          `the SOAP operation ${call.label} answered a fault ${code}${text ? `: ${text}` : ""}`,
          { faultCode: fault.codes[0], ...(fault.status ? { status: fault.status } : {}) },
        );
      }
      const status = (error as { response?: { status?: unknown } }).response?.status;
      if (typeof status === "number" && status >= 300) {
        const auth = status === 401 || status === 403;
        throw unavailable(
          auth
            ? `SOAP 操作 ${call.label} 拒绝了访问（HTTP ${status}）。请检查环境变量中的凭据。`
            : `SOAP 操作 ${call.label} 返回了 HTTP ${status}。`,
          auth
            ? `the SOAP operation ${call.label} refused access (HTTP ${status}); check the credentials in the environment`
            : `the SOAP operation ${call.label} answered HTTP ${status}`,
          { status },
        );
      }
      // The soap package throws { Fault: { faultstring: "Invalid XML" } } for unparsable XML
      // and "Cannot parse response" for XML that is no SOAP envelope.
      if ((error as { Fault?: unknown }).Fault !== undefined)
        throw unavailable(
          `SOAP 操作 ${call.label} 的应答不是有效的 XML。`,
          `the SOAP operation ${call.label} answered something that is not valid XML`,
        );
      if ((error as Error).message === "Cannot parse response")
        throw unavailable(
          `SOAP 操作 ${call.label} 的应答不是 SOAP 信封。请检查 endpoint。`,
          `the SOAP operation ${call.label} answered XML that is not a SOAP envelope; check the endpoint`,
        );
      if (error instanceof TypeError)
        throw unavailable(
          `SOAP 操作 ${call.label} 的应答无法被 soap 包读取：${scrub(error, plan.secrets)}`,
          `the answer of the SOAP operation ${call.label} could not be read by the soap package: ${scrub(error, plan.secrets)}`,
        );
      throw unavailable(
        `无法调用 SOAP 操作 ${call.label}：${scrub(error, plan.secrets)}`,
        `cannot call the SOAP operation ${call.label}: ${scrub(error, plan.secrets)}`,
        { code },
        safeCause(error, plan.secrets),
      );
    }
  }

  async close(): Promise<void> {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}

function basicHeader(plan: SoapPlan): string | undefined {
  if (!plan.basic) return undefined;
  // RFC 7617 §2: user-id ":" password, UTF-8 (the charset="UTF-8" profile).
  return `Basic ${Buffer.from(`${plan.basic.username}:${plan.basic.password}`, "utf8").toString("base64")}`;
}

/** An Envelope start tag: linear to search (each attempt ends within ~70 characters). */
const ENVELOPE_START = /<(?:[A-Za-z_][A-Za-z0-9_.-]{0,64}:)?Envelope[\s>/]/;

/**
 * Check and decode an answer before the XML parser sees it. SOAP 1.1 §3 and SOAP 1.2 Part 1
 * §5 forbid a Document Type Declaration in a message; refusing one rules out entity
 * expansion ("billion laughs") whatever the parser does. The charset comes from Content-Type,
 * else the XML declaration (XML 1.0 §4.3.3, Appendix F), else UTF-8. The answer is cut to
 * its Envelope element (within the first 64 KiB), dropping what some stacks put around it.
 */
function guard(data: unknown, headers: unknown, status: unknown): string {
  const bytes = Buffer.isBuffer(data)
    ? data
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(String(data ?? ""), "utf8");
  const contentType = String(
    (headers as { get?: (name: string) => unknown } | undefined)?.get?.("content-type") ??
      (headers as Record<string, unknown> | undefined)?.["content-type"] ??
      "",
  );
  const head = bytes.subarray(0, 256).toString("latin1");
  const charset =
    /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ??
    /^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1] ??
    "utf-8";
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    throw new Refused(
      `应答不是有效的 ${charset.slice(0, 40)} 文本。`,
      `the answer is not valid ${charset.slice(0, 40)} text`,
      { charset: charset.slice(0, 40) },
    );
  }
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw new Refused(
      "应答含有文档类型声明（DOCTYPE），SOAP 消息不得包含（SOAP 1.1 §3），已拒收以防实体膨胀攻击。",
      "the answer contains a Document Type Declaration, which a SOAP message must not (SOAP 1.1 §3); refused to rule out entity expansion",
    );
  const start = ENVELOPE_START.exec(text.slice(0, 64 * 1024))?.index;
  const end = text.lastIndexOf("Envelope>");
  if (start === undefined || end < start) {
    const code = typeof status === "number" ? status : 0;
    throw code >= 300
      ? new Refused(
          `返回了 HTTP ${code}（不是 SOAP 信封）。`,
          `answered HTTP ${code} (not a SOAP envelope)`,
          {
            status: code,
          },
        )
      : new Refused(
          "应答不是 SOAP 信封。请检查 endpoint。",
          "the answer is not a SOAP envelope; check the endpoint",
        );
  }
  return text.slice(start, end + "Envelope>".length);
}

function findRefused(error: unknown): Refused | undefined {
  for (let e = error, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof Refused) return e;
  }
  return undefined;
}

interface Fault {
  codes: string[];
  text: string;
  status?: number;
}

/** The fault of a SOAP 1.1 (faultcode/faultstring) or SOAP 1.2 (Code/Reason) answer. */
function faultOf(error: unknown): Fault | undefined {
  const root = (error as { root?: { Envelope?: { Body?: { Fault?: unknown } } } }).root;
  const fault = root?.Envelope?.Body?.Fault as Record<string, unknown> | undefined;
  if (!fault || typeof fault !== "object") return undefined;
  const text = (v: unknown): string | undefined => {
    if (typeof v === "string" || typeof v === "number") return String(v);
    if (v && typeof v === "object" && "$value" in v) return text((v as { $value: unknown }).$value);
    return undefined;
  };
  const codes: string[] = [];
  const code11 = text(fault.faultcode);
  if (code11) codes.push(code11);
  const code12 = fault.Code as { Value?: unknown; Subcode?: { Value?: unknown } } | undefined;
  const value12 = text(code12?.Value);
  if (value12) codes.push(value12);
  const sub12 = text(code12?.Subcode?.Value);
  if (sub12) codes.push(sub12);
  const reason = fault.Reason as { Text?: unknown } | undefined;
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return {
    codes: codes.length > 0 ? codes : ["unknown"],
    text: text(fault.faultstring) ?? text(reason?.Text) ?? "",
    ...(typeof status === "number" ? { status } : {}),
  };
}

function localName(qname: string): string {
  return qname.slice(qname.lastIndexOf(":") + 1);
}

function scrub(error: unknown, secrets: readonly string[]): string {
  return safeCause(error, secrets).message.slice(0, 300);
}
