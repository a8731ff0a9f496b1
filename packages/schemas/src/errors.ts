/** Codes of programmer errors raised by @govex/schemas (bad arguments, not bad data). */
export type GovexSchemasErrorCode = "invalid_argument";

/**
 * The one error class of @govex/schemas. Bad *data* is never thrown: it is returned as
 * {@link CheckIssue}s. This is for misuse, such as a non-string passed to a check function.
 */
export class GovexSchemasError extends Error {
  readonly code: GovexSchemasErrorCode;

  constructor(code: GovexSchemasErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GovexSchemasError";
    this.code = code;
  }
}

/** @internal */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") {
    throw new GovexSchemasError(
      "invalid_argument",
      `${name} must be a string, got ${value === null ? "null" : typeof value}`,
    );
  }
  return value;
}
