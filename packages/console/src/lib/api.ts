/**
 * Spec-typed calls of specs/exchange v1 (the types @govex/client generates with
 * openapi-typescript), each signed in the browser (./signer.ts) and sent with fetch to the node
 * that served the console.
 */
import type { ExchangeComponents, ExchangePaths } from "@govex/client";
import { type BrowserKey, signRequest } from "./signer.js";

export type Schemas = ExchangeComponents["schemas"];
type Method = "get" | "post" | "put" | "patch" | "delete";
type Paths = ExchangePaths;
type MethodOf<P extends keyof Paths> = {
  [M in Method]: Paths[P][M] extends { responses: unknown } ? M : never;
}[Method];
type Operation<P extends keyof Paths, M extends MethodOf<P>> = Paths[P][M];
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Success<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 ? JsonOf<R[S]> : never }[keyof R]
  : never;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type PathOf<O> = O extends { parameters: { path: infer T } } ? T : never;
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

export interface CallOptions<O> {
  path?: PathOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
}

/** A refusal from the node: RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiContext {
  key: BrowserKey;
  /** `scheme://host[:port]` of the node (the console's origin). */
  origin: string;
  lang: () => "zh-CN" | "en";
  /** Called when a signed call is refused as unauthenticated (expired session key). */
  onUnauthorized?: () => void;
}

function targetUrl(origin: string, template: string, path?: object, query?: object): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = (path as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(`/v1${filled}`, origin);
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  return url.href;
}

/** Send one signed request; the raw Response when it succeeded, an ApiError otherwise. */
export async function signedFetch(
  context: ApiContext,
  method: string,
  url: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = {};
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (body !== undefined) {
    bytes = new TextEncoder().encode(JSON.stringify(body));
    headers["content-type"] = "application/json";
  }
  if (method !== "GET") headers["idempotency-key"] = crypto.randomUUID();
  const signature = await signRequest(context.key, {
    method,
    url,
    headers,
    ...(bytes === undefined ? {} : { body: bytes }),
  });
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...signature, "accept-language": context.lang() },
    ...(bytes === undefined ? {} : { body: bytes }),
    credentials: "omit",
    cache: "no-store",
  });
  if (!response.ok) {
    let problem: { code?: string; detail?: string; title?: string } = {};
    try {
      problem = (await response.json()) as typeof problem;
    } catch {
      // Not problem+json: the status says enough.
    }
    if (response.status === 401) context.onUnauthorized?.();
    throw new ApiError(
      response.status,
      problem.code ?? `http_${response.status}`,
      problem.detail ?? problem.title ?? `HTTP ${response.status}`,
    );
  }
  return response;
}

/**
 * Call an operation with the spec's types.
 *
 * @example
 * const page = await call(context, "get", "/share-requests", { query: { role: "provider" } });
 */
export async function call<P extends keyof Paths, M extends MethodOf<P>>(
  context: ApiContext,
  method: M,
  template: P,
  options: CallOptions<Operation<P, M>> = {},
): Promise<Success<Operation<P, M>>> {
  const url = targetUrl(context.origin, template, options.path as object, options.query as object);
  const response = await signedFetch(context, method.toUpperCase(), url, options.body);
  if (response.status === 204) return undefined as Success<Operation<P, M>>;
  return (await response.json()) as Success<Operation<P, M>>;
}

/** A text answer (the audit checkpoint, a signed note). */
export async function callText<P extends keyof Paths>(
  context: ApiContext,
  template: P,
): Promise<string> {
  const response = await signedFetch(context, "GET", targetUrl(context.origin, template));
  return response.text();
}
