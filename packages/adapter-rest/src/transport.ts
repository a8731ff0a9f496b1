/**
 * One HTTP call to the department's API over undici: a hard deadline (connection to last
 * byte), a body size limit, the charset the answer declares, and errors that never carry a
 * header value or the expanded URL.
 */

import { TextDecoder } from "node:util";
import { AdapterError } from "@govex/adapter";
import {
  parseJsonText,
  safeCause,
  setDotted,
  type TemplateVars,
  unavailable,
} from "@govex/adapter/remote";
import { Agent, request } from "undici";
import type { RestCall, RestPlan } from "./config.js";

export interface RestAnswer {
  status: number;
  /** The parsed JSON body; undefined when the caller did not ask for it. */
  body: unknown;
}

export interface CallOptions {
  vars: TemplateVars;
  /** Pushed-down filters: a query parameter, or "body.a.b" for a member of the JSON body. */
  filter?: Readonly<Record<string, string>>;
  /** Statuses answered without reading JSON (e.g. 404 for "not found"). */
  passStatuses?: readonly number[];
  /** Parse the body as JSON (default true); health checks only need a 2xx. */
  json?: boolean;
  signal?: AbortSignal | undefined;
}

const USER_AGENT = "govex-adapter-rest";
const TIMEOUT_CODES = new Set<unknown>([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export class RestTransport {
  readonly #agent: Agent;

  constructor(readonly plan: RestPlan) {
    this.#agent = new Agent({
      connect: { timeout: plan.timeout },
      headersTimeout: plan.timeout,
      bodyTimeout: plan.timeout,
      keepAliveTimeout: 4_000,
    });
  }

  async call(call: RestCall, options: CallOptions): Promise<RestAnswer> {
    const { plan } = this;
    const { url, body } = this.#build(call, options);
    const deadline = AbortSignal.timeout(plan.timeout);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": USER_AGENT,
      ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      ...plan.headers,
    };
    try {
      const answer = await request(url, {
        method: call.method,
        headers,
        ...(body === undefined ? {} : { body }),
        dispatcher: this.#agent,
        signal,
      });
      const status = answer.statusCode;
      const pass = options.passStatuses?.includes(status) ?? false;
      if (!pass && (status < 200 || status > 299)) {
        await answer.body.dump().catch(() => {});
        throw badStatus(call, status);
      }
      if (pass || options.json === false) {
        await answer.body.dump({ limit: plan.maxBytes }).catch(() => {});
        return { status, body: undefined };
      }
      const declared = Number(answer.headers["content-length"]);
      if (Number.isFinite(declared) && declared > plan.maxBytes) {
        answer.body.destroy();
        throw tooLarge(call, plan.maxBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > plan.maxBytes) {
          answer.body.destroy();
          throw tooLarge(call, plan.maxBytes);
        }
        chunks.push(chunk);
      }
      const contentType = String(answer.headers["content-type"] ?? "");
      const text = decode(Buffer.concat(chunks), contentType, call);
      let parsed: unknown;
      try {
        parsed = parseJsonText(text, plan.maxDepth);
      } catch (error) {
        if (error instanceof AdapterError) throw error;
        throw unavailable(
          `${call.label} 的应答不是 JSON（Content-Type: ${contentType || "无"}，${size} 字节）。请检查 path 和 baseUrl。`,
          `${call.label} did not answer JSON (Content-Type: ${contentType || "none"}, ${size} bytes); check path and baseUrl`,
          { status },
        );
      }
      return { status, body: parsed };
    } catch (error) {
      if (error instanceof AdapterError) throw error;
      if (options.signal?.aborted) throw options.signal.reason;
      if (deadline.aborted || TIMEOUT_CODES.has((error as { code?: unknown }).code))
        throw unavailable(
          `${call.label} 在 ${plan.timeout} 毫秒内没有应答完毕。`,
          `${call.label} did not answer within ${plan.timeout} ms`,
          { timeout: plan.timeout },
          safeCause(error, plan.secrets),
        );
      throw unavailable(
        `无法调用 ${call.label}：${scrub((error as Error).message, plan.secrets)}`,
        `cannot call ${call.label}: ${scrub((error as Error).message, plan.secrets)}`,
        { code: (error as { code?: unknown }).code },
        safeCause(error, plan.secrets),
      );
    }
  }

  #build(call: RestCall, options: CallOptions): { url: string; body: string | undefined } {
    const { baseUrl } = this.plan;
    const path = call.path.render(options.vars, encodeSegment) as string;
    const query = call.query.render(options.vars) as Record<string, unknown>;
    const body = call.body?.render(options.vars);
    const params = new URLSearchParams();
    const add = (name: string, value: unknown) => {
      if (value === undefined || value === null) return;
      if (Array.isArray(value)) for (const v of value) add(name, v);
      else params.append(name, typeof value === "object" ? JSON.stringify(value) : String(value));
    };
    for (const [name, value] of Object.entries(query)) add(name, value);
    let json = body;
    for (const [param, value] of Object.entries(options.filter ?? {})) {
      if (param.startsWith("body.")) {
        if (typeof json !== "object" || json === null || Array.isArray(json)) json = {};
        setDotted(json as Record<string, unknown>, param.slice(5), value);
      } else {
        params.set(param, value);
      }
    }
    const search = params.size > 0 ? `?${params}` : "";
    const url = `${baseUrl.origin}${baseUrl.pathname.replace(/\/+$/, "")}${path}${search}`;
    return { url, body: json === undefined ? undefined : JSON.stringify(json) };
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

/**
 * A value in a URL path: percent-encoded (RFC 3986 §2.1), and never "", "." or "..", which
 * would name another resource once the URL is normalised (RFC 3986 §5.2.4).
 */
function encodeSegment(value: string): string {
  if (value === "" || value === "." || value === "..")
    throw new AdapterError("bad_request", {
      zh: "该值不能用在 URL 路径中（为空或为 . / ..）。",
      en: "the value cannot be used in a URL path (empty, . or ..)",
    });
  return encodeURIComponent(value);
}

function decode(bytes: Buffer, contentType: string, call: RestCall): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw unavailable(
      `${call.label} 的应答声明了无法识别的字符集 ${charset.slice(0, 40)}。`,
      `${call.label} declared an unknown charset ${charset.slice(0, 40)}`,
    );
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw unavailable(
      `${call.label} 的应答不是有效的 ${charset} 文本。若服务使用 GBK 等编码，应在 Content-Type 中声明 charset。`,
      `${call.label} answered bytes that are not valid ${charset}; a service using GBK or another encoding must declare its charset in Content-Type`,
      { charset },
    );
  }
}

function badStatus(call: RestCall, status: number): AdapterError {
  const auth = status === 401 || status === 403;
  return unavailable(
    auth
      ? `${call.label} 拒绝了访问（HTTP ${status}）。请检查环境变量中的凭据。`
      : `${call.label} 返回了 HTTP ${status}。`,
    auth
      ? `${call.label} refused access (HTTP ${status}); check the credentials in the environment`
      : `${call.label} answered HTTP ${status}`,
    { status },
  );
}

function tooLarge(call: RestCall, maxBytes: number): AdapterError {
  return unavailable(
    `${call.label} 的应答超过 ${maxBytes} 字节，已拒收。如确有需要，请调大 maxBytes。`,
    `${call.label} answered more than ${maxBytes} bytes and was refused; raise maxBytes if this is expected`,
    { maxBytes },
  );
}

function scrub(message: string, secrets: readonly string[]): string {
  let out = message.slice(0, 300);
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("***");
  return out;
}
