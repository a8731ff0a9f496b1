/**
 * Types that turn openapi-typescript's `paths` into typed request options and
 * results: each operation's path, query and header parameters, its body and its
 * success response. Written for the shapes openapi-typescript 7 emits.
 */

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** Paths of `P` that have an operation for method `M`. */
export type PathsWithMethod<P, M extends HttpMethod> = {
  [K in keyof P]: P[K] extends { [X in M]: infer O }
    ? [O] extends [undefined]
      ? never
      : K
    : never;
}[keyof P] &
  string;

export type Operation<P, Path extends keyof P, M extends HttpMethod> = P[Path] extends {
  [X in M]: infer O;
}
  ? O
  : never;

type Defined<T> = Exclude<T, undefined>;
type IsNever<T> = [T] extends [never] ? true : false;
type HasRequired<T> =
  IsNever<T> extends true ? false : Record<never, never> extends T ? false : true;

/** The client adds Idempotency-Key itself, so callers may omit it (and still pass their own). */
type HeaderParams<H> =
  IsNever<H> extends true
    ? never
    : Omit<H, "Idempotency-Key"> &
        ("Idempotency-Key" extends keyof H ? { "Idempotency-Key"?: string } : unknown);

type ParamsOf<O> = O extends { parameters: infer Params } ? Params : never;
type Part<O, K extends string> = ParamsOf<O> extends { [X in K]?: infer V } ? Defined<V> : never;

type ParamsOption<O> = {
  [K in "path" | "query" as IsNever<Part<O, K>> extends true
    ? never
    : HasRequired<Part<O, K>> extends true
      ? K
      : never]: Part<O, K>;
} & {
  [K in "path" | "query" as IsNever<Part<O, K>> extends true
    ? never
    : HasRequired<Part<O, K>> extends true
      ? never
      : K]?: Part<O, K>;
} & (IsNever<HeaderParams<Part<O, "header">>> extends true
    ? unknown
    : HasRequired<HeaderParams<Part<O, "header">>> extends true
      ? { header: HeaderParams<Part<O, "header">> }
      : { header?: HeaderParams<Part<O, "header">> });

type RequestBodyOf<O> = O extends { requestBody?: infer B } ? Defined<B> : never;
type BodyContent<O> = RequestBodyOf<O> extends { content: infer C } ? C[keyof C] : never;

type BodyOption<O> =
  IsNever<BodyContent<O>> extends true
    ? { body?: never }
    : O extends { requestBody: unknown }
      ? { body: BodyContent<O> }
      : { body?: BodyContent<O> };

/** Options for one call, beyond the typed parameters and body. */
export interface CallOptions {
  /** Extra header fields, e.g. `x-request-id`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Milliseconds for the whole call, retries included (default: the client's `timeout`). */
  timeout?: number;
}

type ParamsField<O> = keyof ParamsOption<O> extends never
  ? { params?: never }
  : RequiredKeys<ParamsOption<O>> extends never
    ? { params?: ParamsOption<O> }
    : { params: ParamsOption<O> };
type RequiredKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K;
}[keyof T];

/** What a call to `client.request(method, path, …)` takes. */
export type RequestOptions<O> = ParamsField<O> & BodyOption<O> & CallOptions;

/** True when every option is optional, so the options argument may be left out. */
export type OptionalOptions<O> = RequiredKeys<RequestOptions<O>> extends never ? true : false;

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206;
type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;

/** The body of the operation's success response(s). */
export type SuccessBody<O> = {
  [S in keyof ResponsesOf<O>]: S extends SuccessStatus ? ContentOf<ResponsesOf<O>[S]> : never;
}[keyof ResponsesOf<O>];

/** A page of a paginated operation: items and an optional next cursor. */
export type PageItem<O> = SuccessBody<O> extends { items: (infer I)[] } ? I : never;
