/**
 * One error base for @govex/adapter and every adapter package: a stable snake_case `code`,
 * zh-CN and English messages, and the HTTP problem type the provider runtime answers with.
 */

/** Codes an adapter may throw; the provider runtime maps each to an RFC 9457 problem. */
export type AdapterErrorCode =
  /** The request is malformed: a bad cursor, an unknown field, an unusable filter (400). */
  | "bad_request"
  /** The resource or record does not exist (404). */
  | "not_found"
  /** The operation is not offered for this resource (404; `describe` leaves it out). */
  | "not_supported"
  /** The department system cannot be reached or answered with an error (503). */
  | "unavailable"
  /** A source record breaks the resource's record schema: withheld and logged (503). */
  | "record_invalid"
  /** A mapping file or adapter configuration is wrong (at start-up, never over HTTP). */
  | "config_invalid";

export interface AdapterErrorOptions {
  /** English message; `message` of the Error. */
  en: string;
  /** Chinese message (zh-CN). */
  zh: string;
  /** Where: a JSON Pointer into the request or configuration, or a field name. */
  path?: string;
  cause?: unknown;
  /** Extra data for the caller; never the source's values (they may be personal data). */
  params?: Record<string, unknown>;
}

/**
 * The error every adapter throws.
 *
 * @example
 * throw new AdapterError("bad_request", { zh: "游标无效。", en: "invalid cursor", path: "/cursor" });
 */
export class AdapterError extends Error {
  override readonly name = "AdapterError";
  readonly code: AdapterErrorCode;
  readonly zh: string;
  readonly path: string | undefined;
  readonly params: Record<string, unknown>;

  constructor(code: AdapterErrorCode, options: AdapterErrorOptions) {
    super(options.en, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.zh = options.zh;
    this.path = options.path;
    this.params = options.params ?? {};
  }

  /** The message in the requested language. */
  localized(lang: "zh-CN" | "en"): string {
    return lang === "en" ? this.message : this.zh;
  }
}

export function isAdapterError(error: unknown): error is AdapterError {
  return error instanceof AdapterError;
}
