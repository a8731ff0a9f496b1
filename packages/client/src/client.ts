import { randomUUID } from "node:crypto";
import {
  createContentDigestVerifier,
  fieldValue,
  type KeyResolver,
  type RequestMessage,
  type SecurityLocale,
  type Signer,
  signRequest,
  type Verifier,
  verifyResponse,
} from "@govex/security";
import { Agent, type Dispatcher } from "undici";
import { Deadline } from "./deadline.js";
import { ExportReader, type ExportTrailer } from "./export-reader.js";
import { ClientError, toProblemError } from "./problem.js";
import {
  backoffDelay,
  isRetrySafe,
  parseRetryAfter,
  RETRYABLE_STATUS,
  type RetryOptions,
} from "./retry.js";
import type {
  HttpMethod,
  Operation,
  OptionalOptions,
  PageItem,
  PathsWithMethod,
  RequestOptions,
  SuccessBody,
} from "./types.js";

export interface ClientOptions {
  /** The API's base URL including the version prefix, e.g. `https://exchange.example.gov.cn/v1`. */
  baseUrl: string;
  /** Signs every request with the govex profile (RFC 9421); omit only for health checks. */
  signer?: Signer;
  /** Verifies every response's signature; required unless `verifyResponses` is false. */
  keys?: KeyResolver | ReadonlyMap<string, Verifier>;
  /** Check response signatures and digests (default: true when `keys` is given). */
  verifyResponses?: boolean;
  /** An undici dispatcher (Pool, Agent, MockAgent…); by default a keep-alive Agent of the client's own. */
  dispatcher?: Dispatcher;
  /** Milliseconds for a whole call, retries included (default 30000). */
  timeout?: number;
  retry?: RetryOptions;
  /** Largest response body read into memory, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Locale of security failure messages. */
  locale?: SecurityLocale;
  /** Header fields sent with every request. */
  headers?: Record<string, string>;
}

/** A finished call: the typed body, the status and the response headers. */
export interface ClientResponse<T> {
  data: T;
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

interface Prepared {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  idempotencyKey: string | undefined;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
/** `application/json` and `+json` types (RFC 6839 §3.1) — not NDJSON, which is read as text. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
const isJsonMediaType = (contentType: string | undefined) =>
  contentType !== undefined && JSON_MEDIA_TYPE.test(contentType);
const NDJSON_MEDIA_TYPE = /^\s*application\/x-ndjson\s*(?:;|$)/i;
/**
 * A streamed export (specs/exchange v1 `pullBatch`): NDJSON signed before its content existed,
 * so without Content-Digest; its signed last line proves it whole (export-reader.ts). Only this
 * shape of a successful answer is let through without a digest.
 */
const isStreamedExport = (status: number, headers: Record<string, string | string[] | undefined>) =>
  status >= 200 &&
  status < 300 &&
  fieldValue(headers, "content-digest") === undefined &&
  NDJSON_MEDIA_TYPE.test(fieldValue(headers, "content-type") ?? "");
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function substitutePath(template: string, values: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values?.[name];
    if (value === undefined || value === null || value === "") {
      throw new TypeError(`path parameter ${name} is required for ${template}`);
    }
    return encodeURIComponent(String(value));
  });
}

// The specs use form style for scalars and arrays (explode: false → comma list) and
// deepObject for objects (filter[field]=value), OpenAPI 3.1 §4.8.12.4.
function appendQuery(url: URL, query: Record<string, unknown> | undefined): void {
  if (!query) return;
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) url.searchParams.append(name, value.map(String).join(","));
    else if (typeof value === "object") {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== undefined) url.searchParams.append(`${name}[${key}]`, String(inner));
      }
    } else url.searchParams.append(name, String(value));
  }
}

/**
 * A typed client for one govex API (generated `paths` of specs/exchange or
 * specs/provider). Every call is signed, writes get an Idempotency-Key, safe
 * calls are retried with backoff, and responses are verified.
 */
export class GovexClient<Paths extends object> {
  readonly #options: ClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #base: URL;
  /** Whether responses are verified: `verifyResponses`, by default whenever `keys` are given. */
  readonly #verifying: boolean;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 64 });
    if (options.verifyResponses && !options.keys) throw new TypeError("verifyResponses needs keys");
    this.#verifying = options.verifyResponses ?? options.keys !== undefined;
  }

  /** Close the client's own connection pool (a dispatcher passed in is left open). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /**
   * Call one operation. Resolves with the success body; rejects with
   * {@link ProblemError} for a problem answer and {@link ClientError} for a
   * response that fails verification or a call that times out.
   *
   * @example
   * const { data } = await client.request("get", "/catalog/entries/{prefix}/{suffix}", {
   *   params: { path: { prefix: "101001", suffix: "000001" } },
   * });
   */
  request<M extends HttpMethod, P extends PathsWithMethod<Paths, M>>(
    method: M,
    path: P,
    ...[options]: OptionalOptions<Operation<Paths, P, M>> extends true
      ? [options?: RequestOptions<Operation<Paths, P, M>>]
      : [options: RequestOptions<Operation<Paths, P, M>>]
  ): Promise<ClientResponse<SuccessBody<Operation<Paths, P, M>>>> {
    return this.#call(method, path, (options ?? {}) as RawOptions) as Promise<
      ClientResponse<SuccessBody<Operation<Paths, P, M>>>
    >;
  }

  /**
   * Iterate every item of a cursor-paginated list operation, page after page.
   *
   * @example
   * for await (const entry of client.paginate("get", "/catalog/entries", { params: { query: { q: "户籍" } } })) { … }
   */
  async *paginate<P extends PathsWithMethod<Paths, "get">>(
    method: "get",
    path: P,
    options?: RequestOptions<Operation<Paths, P, "get">>,
  ): AsyncGenerator<PageItem<Operation<Paths, P, "get">>> {
    const raw = (options ?? {}) as RawOptions;
    let cursor: string | undefined;
    const seen = new Set<string>();
    do {
      const query = { ...(raw.params?.query ?? {}), ...(cursor === undefined ? {} : { cursor }) };
      const page = await this.#call(method, path, { ...raw, params: { ...raw.params, query } });
      const body = page.data as { items?: unknown[]; nextCursor?: string };
      for (const item of body.items ?? []) yield item as PageItem<Operation<Paths, P, "get">>;
      cursor = body.nextCursor;
      // A server that hands back a cursor it gave before would loop forever.
      if (cursor !== undefined) {
        if (seen.has(cursor))
          throw new ClientError("pagination_loop", `the server repeated cursor ${cursor}`);
        seen.add(cursor);
      }
    } while (cursor !== undefined);
  }

  /**
   * Stream an NDJSON response (bulk pull) record by record without buffering it.
   * The signature is verified before the first record. A streamed export (no Content-Digest)
   * is checked by its signed last line (count, digest, signature bound to this request), which
   * is not yielded but returned; any other NDJSON answer by its Content-Digest after the last
   * record. A truncated or altered stream ends with a {@link ClientError}.
   */
  async *streamNdjson<P extends PathsWithMethod<Paths, "get">>(
    path: P,
    options?: RequestOptions<Operation<Paths, P, "get">> & { maxLineBytes?: number },
  ): AsyncGenerator<unknown, ExportTrailer | undefined> {
    const raw = (options ?? {}) as RawOptions & { maxLineBytes?: number };
    const prepared = this.#prepare("get", path, raw);
    const signal = this.#deadline(raw);
    try {
      const signed = await this.#sign(prepared);
      const response = await this.#dispatcher.request({
        origin: prepared.url.origin,
        path: prepared.url.pathname + prepared.url.search,
        method: "GET",
        headers: signed.headers,
        signal,
      });
      const headers = response.headers;
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const text = await this.#readText(response.body);
        throw toProblemError(
          response.statusCode,
          fieldValue(headers, "content-type"),
          text,
          headers,
        );
      }
      const maxLine = raw.maxLineBytes ?? 16 * 1024 * 1024;
      if (isStreamedExport(response.statusCode, headers)) {
        const keyId = this.#verifying
          ? await this.#verify(response.statusCode, headers, signed.message)
          : undefined;
        const ready: Record<string, unknown>[] = [];
        const reader = new ExportReader({ onRecord: (r) => ready.push(r), maxLineBytes: maxLine });
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          reader.push(chunk);
          yield* ready.splice(0);
        }
        if (!this.#verifying) return reader.trailer();
        const check = await reader.finish(
          this.#options.keys as KeyResolver | ReadonlyMap<string, Verifier>,
          signed.headers.signature,
          keyId,
        );
        if (!check.ok) throw new ClientError(check.code, check.detail);
        return check.trailer;
      }
      const digest = await this.#verifyHead(response.statusCode, headers, signed);
      let pending: Buffer = Buffer.alloc(0);
      let line = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        digest?.update(chunk);
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let newline = pending.indexOf(0x0a);
        while (newline >= 0) {
          line++;
          const text = pending.subarray(0, newline).toString("utf8").trim();
          pending = pending.subarray(newline + 1);
          if (text !== "") yield parseLine(text, line);
          newline = pending.indexOf(0x0a);
        }
        if (pending.length > maxLine)
          throw new ClientError(
            "ndjson_line_too_long",
            `line ${line + 1} exceeds ${maxLine} bytes`,
          );
      }
      if (pending.length > 0) yield parseLine(pending.toString("utf8").trim(), line + 1);
      if (digest) {
        const result = digest.result();
        if (!result.ok) throw new ClientError(result.code, result.detail);
      }
      return undefined;
    } catch (error) {
      throw signal.aborted ? abortError(signal, error) : error;
    } finally {
      signal.done();
    }
  }

  async #call(method: string, path: string, options: RawOptions): Promise<ClientResponse<unknown>> {
    const prepared = this.#prepare(method, path, options);
    const signal = this.#deadline(options);
    const retry = this.#options.retry ?? {};
    const retries = retry.retries ?? 3;
    const canRetry = isRetrySafe(prepared.method, prepared.idempotencyKey !== undefined);
    try {
      for (let attempt = 0; ; attempt++) {
        let wait: number | undefined;
        try {
          return await this.#attempt(prepared, signal);
        } catch (error) {
          const status = (error as { status?: number }).status;
          const retryable =
            status === undefined
              ? isNetworkError(error) && !signal.aborted
              : RETRYABLE_STATUS.has(status) ||
                (status === 409 && (error as { code?: string }).code === "idempotency_in_flight");
          if (!canRetry || !retryable || attempt >= retries) throw error;
          const headers = (error as { headers?: Record<string, string | string[] | undefined> })
            .headers;
          const retryAfter = parseRetryAfter(headers?.["retry-after"]);
          if (retryAfter !== undefined && retryAfter > (retry.maxRetryAfter ?? 30_000)) throw error;
          wait = retryAfter ?? backoffDelay(attempt, retry);
        }
        await signal.sleep(wait);
      }
    } catch (error) {
      throw signal.aborted ? abortError(signal, error) : error;
    } finally {
      signal.done();
    }
  }

  #prepare(method: string, path: string, options: RawOptions): Prepared {
    const upper = method.toUpperCase();
    const url = new URL(substitutePath(path, options.params?.path).replace(/^\//, ""), this.#base);
    appendQuery(url, options.params?.query);
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      ...this.#options.headers,
    };
    for (const [name, value] of Object.entries(options.params?.header ?? {})) {
      if (value !== undefined) headers[name.toLowerCase()] = String(value);
    }
    for (const [name, value] of Object.entries(options.headers ?? {}))
      headers[name.toLowerCase()] = value;
    headers["x-request-id"] ??= randomUUID();
    let idempotencyKey: string | undefined;
    if (!SAFE.has(upper)) {
      idempotencyKey = headers["idempotency-key"] ?? randomUUID();
      headers["idempotency-key"] = idempotencyKey;
    }
    let body: Uint8Array | undefined;
    if (options.body !== undefined) {
      if (typeof options.body === "string") {
        body = encoder.encode(options.body);
        headers["content-type"] ??= "application/x-ndjson";
      } else if (options.body instanceof Uint8Array) {
        body = options.body;
        headers["content-type"] ??= "application/octet-stream";
      } else {
        body = encoder.encode(JSON.stringify(options.body));
        headers["content-type"] ??= "application/json";
      }
    }
    return { url, method: upper, headers, body, idempotencyKey };
  }

  async #sign(
    prepared: Prepared,
  ): Promise<{ headers: Record<string, string>; message: RequestMessage }> {
    const headers = { ...prepared.headers };
    if (this.#options.signer) {
      const message = { method: prepared.method, url: prepared.url, headers };
      Object.assign(
        headers,
        await signRequest(message, {
          signer: this.#options.signer,
          ...(prepared.body ? { body: prepared.body } : {}),
        }),
      );
    }
    return { headers, message: { method: prepared.method, url: prepared.url, headers } };
  }

  async #attempt(prepared: Prepared, signal: Deadline): Promise<ClientResponse<unknown>> {
    // Each attempt is signed afresh (new created and nonce); the Idempotency-Key stays.
    const signed = await this.#sign(prepared);
    const response = await this.#dispatcher.request({
      origin: prepared.url.origin,
      path: prepared.url.pathname + prepared.url.search,
      method: prepared.method as Dispatcher.HttpMethod,
      headers: signed.headers,
      // A view of the body's bytes, not a copy (a bulk push can be megabytes).
      body:
        prepared.body === undefined
          ? null
          : Buffer.from(prepared.body.buffer, prepared.body.byteOffset, prepared.body.byteLength),
      signal,
    });
    const headers = response.headers;
    const bytes = await this.#readBody(response.body, response.headers["content-length"]);
    const contentType = fieldValue(headers, "content-type");
    if (this.#verifying && isStreamedExport(response.statusCode, headers)) {
      // The whole export read at once: its head signed without a digest, its last line checked.
      const keyId = await this.#verify(response.statusCode, headers, signed.message);
      // The body is bounded by maxResponseBytes already.
      const reader = new ExportReader({ maxLineBytes: Number.MAX_SAFE_INTEGER });
      reader.push(bytes);
      const check = await reader.finish(
        this.#options.keys as KeyResolver | ReadonlyMap<string, Verifier>,
        signed.headers.signature,
        keyId,
      );
      if (!check.ok) throw new ClientError(check.code, check.detail);
    } else if (this.#verifying)
      await this.#verify(response.statusCode, headers, signed.message, bytes);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (cause) {
      throw new ClientError("response_not_utf8", "the response body is not valid UTF-8", { cause });
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw toProblemError(response.statusCode, contentType, text, headers);
    }
    let data: unknown;
    if (response.statusCode === 204 || text === "") data = undefined;
    else if (isJsonMediaType(contentType)) {
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw new ClientError("response_malformed", "the response body is not valid JSON", {
          cause,
        });
      }
    } else data = text;
    return { data, status: response.statusCode, headers };
  }

  /**
   * Check a response's signature (bound to the request) and, when the body is given, its
   * Content-Digest; a failure is a ClientError with the @govex/security code.
   */
  async #verify(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    request: RequestMessage,
    body?: Uint8Array,
  ): Promise<string> {
    const result = await verifyResponse({ status, headers }, request, {
      keys: this.#options.keys as KeyResolver | ReadonlyMap<string, Verifier>,
      ...(body === undefined ? {} : { body }),
      ...(this.#options.locale ? { locale: this.#options.locale } : {}),
    });
    if (!result.ok) throw new ClientError(result.code, `${result.message} (${result.detail})`);
    return result.keyId;
  }

  /** For a streamed body: verify the signature now, and return the digest check to feed as it streams. */
  async #verifyHead(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    signed: { message: RequestMessage },
  ) {
    if (!this.#verifying) return undefined;
    // The signature covers the Content-Digest field; the digest itself is checked as the body streams.
    await this.#verify(status, headers, signed.message);
    const field = fieldValue(headers, "content-digest");
    if (field === undefined)
      throw new ClientError(
        "content_digest_missing",
        "the streamed response has no Content-Digest",
      );
    return createContentDigestVerifier(field);
  }

  async #readBody(
    body: Dispatcher.ResponseData["body"],
    length?: string | string[],
  ): Promise<Uint8Array> {
    const limit = this.#options.maxResponseBytes ?? 64 * 1024 * 1024;
    // Fast path: a declared length within the limit is read in one go (undici stops at that length).
    if (typeof length === "string" && /^\d+$/.test(length) && Number(length) <= limit) {
      return new Uint8Array(await body.arrayBuffer());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new ClientError("response_too_large", `the response exceeds ${limit} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async #readText(body: Dispatcher.ResponseData["body"]): Promise<string> {
    return Buffer.from(await this.#readBody(body)).toString("utf8");
  }

  #deadline(options: RawOptions): Deadline {
    return new Deadline(options.timeout ?? this.#options.timeout ?? 30_000, options.signal);
  }
}

interface RawOptions {
  params?: {
    path?: Record<string, unknown>;
    query?: Record<string, unknown>;
    header?: Record<string, unknown>;
  };
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeout?: number;
}

/** The deadline's own reason is a ClientError("timeout"); anything else is the caller's abort. */
function abortError(signal: Deadline, error: unknown): unknown {
  if (error instanceof ClientError || (error instanceof Error && error.name === "ProblemError"))
    return error;
  if (signal.reason instanceof ClientError) return signal.reason;
  return new ClientError("aborted", "the call was aborted", { cause: signal.reason });
}

function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ClientError("ndjson_malformed", `NDJSON line ${line} is not valid JSON`, { cause });
  }
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code !== undefined && NETWORK_CODES.has(code);
}

/** Serialize records as NDJSON for a bulk push (one JSON text per line, RFC 8259 + LF). */
export function toNdjson(records: Iterable<unknown>): string {
  let out = "";
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}
