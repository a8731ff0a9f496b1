import { randomUUID } from "node:crypto";
import {
  type KeyResolver,
  type RequestMessage,
  type SignatureVerification,
  type Signer,
  signRequest,
  type Verifier,
  verifyResponse,
} from "@govex/security";
import { Agent, type Dispatcher } from "undici";

/**
 * How a request is signed: with the exchange's key (`valid`), not at all (`none`), or by a
 * probe that signs it wrongly on purpose (a function returning the signature fields).
 */
export type Signing =
  | "valid"
  | "none"
  | ((message: RequestMessage, body: Uint8Array | undefined) => Promise<Record<string, string>>);

export interface WireRequest {
  /** The operationId of specs/provider v1, or a probe's name. */
  operation: string;
  method: "GET" | "POST";
  /** Relative to the base URL, without a leading slash, path segments already encoded. */
  path: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  /** A value is sent as JSON; bytes and strings as they are (give the content-type). */
  body?: Uint8Array | string | object;
  signing?: Signing;
  /** Retry a 429 or 503 (twice, briefly): for the ordinary calls, not for probes. */
  retry?: boolean;
}

/** One request and what came back: the record every check reads. */
export interface Exchange {
  operation: string;
  method: string;
  url: URL;
  /** `GET /v1/describe`, for messages; long values are cut. */
  line: string;
  signing: "valid" | "none" | "invalid";
  request: RequestMessage;
  requestBody?: Uint8Array;
  /** Absent when no answer came (see `error`). */
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** The media type, lower case, without parameters. */
  mediaType?: string;
  /** The body parsed as JSON, when it is JSON (whatever the content type says). */
  json?: unknown;
  isJson: boolean;
  /** No answer: `detail` is the timeout in ms, the network error, or the size limit. */
  error?: { code: "timeout" | "network" | "response_too_large"; detail: string };
  /** The response's signature and digest, checked on arrival for validly signed requests. */
  verification?: SignatureVerification;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The kit's side of the wire: signs as the exchange, keeps every exchange for the checks. */
export class Wire {
  readonly exchanges: Exchange[] = [];
  readonly #base: URL;
  readonly #signer: Signer;
  readonly #keys: KeyResolver | ReadonlyMap<string, Verifier>;
  readonly #timeout: number;
  readonly #dispatcher: Dispatcher;
  readonly #owned: Agent | undefined;

  constructor(options: {
    baseUrl: string;
    signer: Signer;
    keys: KeyResolver | ReadonlyMap<string, Verifier>;
    timeout: number;
    dispatcher?: Dispatcher;
  }) {
    this.#base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.#signer = options.signer;
    this.#keys = options.keys;
    this.#timeout = options.timeout;
    this.#owned =
      options.dispatcher === undefined
        ? new Agent({ keepAliveTimeout: 5_000, connections: 16 })
        : undefined;
    this.#dispatcher = options.dispatcher ?? (this.#owned as Agent);
  }

  get base(): URL {
    return this.#base;
  }

  /** Sign and send one request; never throws for what the provider does. */
  async send(request: WireRequest): Promise<Exchange> {
    for (let attempt = 0; ; attempt++) {
      const exchange = await this.#once(await this.prepare(request));
      const retryable = exchange.status === 429 || exchange.status === 503;
      if (!request.retry || !retryable || attempt >= 2) return exchange;
      const after = Number(exchange.headers["retry-after"]);
      const wait = Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, 1000) : 100;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Build and sign a request without sending it (a replay probe sends it twice). */
  async prepare(request: WireRequest): Promise<Prepared> {
    const url = new URL(request.path, this.#base);
    for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      "x-request-id": randomUUID(),
    };
    let body: Uint8Array | undefined;
    if (request.body instanceof Uint8Array) body = request.body;
    else if (typeof request.body === "string") body = Buffer.from(request.body, "utf8");
    else if (request.body !== undefined) {
      body = Buffer.from(JSON.stringify(request.body), "utf8");
      headers["content-type"] = "application/json";
    }
    for (const [name, value] of Object.entries(request.headers ?? {}))
      headers[name.toLowerCase()] = value;
    const signing = request.signing ?? "valid";
    const message = { method: request.method, url, headers };
    if (signing === "valid") {
      Object.assign(
        headers,
        await signRequest(message, { signer: this.#signer, ...(body ? { body } : {}) }),
      );
    } else if (typeof signing === "function") {
      Object.assign(headers, await signing(message, body));
    }
    return {
      operation: request.operation,
      method: request.method,
      url,
      headers,
      body,
      signing: typeof signing === "function" ? "invalid" : signing,
    };
  }

  /** Send a prepared request (again). */
  resend(prepared: Prepared): Promise<Exchange> {
    return this.#once(prepared);
  }

  async #once(prepared: Prepared): Promise<Exchange> {
    const exchange: Exchange = {
      operation: prepared.operation,
      method: prepared.method,
      url: prepared.url,
      line: requestLine(prepared.method, prepared.url),
      signing: prepared.signing,
      request: { method: prepared.method, url: prepared.url, headers: prepared.headers },
      ...(prepared.body ? { requestBody: prepared.body } : {}),
      headers: {},
      body: new Uint8Array(),
      isJson: false,
    };
    this.exchanges.push(exchange);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeout);
    try {
      const response = await this.#dispatcher.request({
        origin: prepared.url.origin,
        path: prepared.url.pathname + prepared.url.search,
        method: prepared.method as Dispatcher.HttpMethod,
        headers: prepared.headers,
        body: prepared.body === undefined ? null : Buffer.from(prepared.body),
        signal: controller.signal,
      });
      exchange.status = response.statusCode;
      exchange.headers = response.headers;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          exchange.error = {
            code: "response_too_large",
            detail: `more than ${MAX_RESPONSE_BYTES} bytes`,
          };
          return exchange;
        }
        chunks.push(chunk);
      }
      exchange.body = Buffer.concat(chunks);
      // Checked now, not at the end of the run: a signature is valid for five minutes only.
      if (exchange.signing === "valid")
        exchange.verification = await verifyResponse(
          { status: response.statusCode, headers: response.headers },
          exchange.request,
          { keys: this.#keys, body: exchange.body },
        );
      const type = response.headers["content-type"];
      const mediaType = (Array.isArray(type) ? type[0] : type)?.split(";")[0]?.trim().toLowerCase();
      if (mediaType) exchange.mediaType = mediaType;
      try {
        exchange.json = JSON.parse(decoder.decode(exchange.body));
        exchange.isJson = true;
      } catch {
        // Not JSON: the checks that expect JSON say so.
      }
    } catch (error) {
      exchange.error = controller.signal.aborted
        ? { code: "timeout", detail: String(this.#timeout) }
        : {
            code: "network",
            detail: `${(error as { code?: string }).code ?? ""} ${(error as Error).message}`.trim(),
          };
    } finally {
      clearTimeout(timer);
    }
    return exchange;
  }

  async close(): Promise<void> {
    // destroy, not close: a provider that hangs must not hold the run open.
    await this.#owned?.destroy();
  }
}

export interface Prepared {
  operation: string;
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signing: Exchange["signing"];
}

/** The request as a person reads it: the query decoded, long values cut. */
function requestLine(method: string, url: URL): string {
  const query = [...url.searchParams]
    .map(
      ([name, value]) =>
        `${name}=${value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value}`,
    )
    .join("&");
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep it encoded
  }
  if (path.length > 160) path = `${path.slice(0, 160)}…(${path.length})`;
  return `${method} ${path}${query ? `?${query}` : ""}`;
}
