/**
 * The one error class of @govex/schemas.
 * @module
 */

/**
 * Codes of programmer errors raised by @govex/schemas (bad arguments, not bad data):
 * `invalid_argument` — an argument of the wrong type or shape (a number where a string is typed);
 * `invalid_option` — an option outside its domain (an invalid `today` date, a non-integer `year`).
 */
export type GovexSchemasErrorCode = "invalid_argument" | "invalid_option";

/**
 * Thrown for misuse only. Bad *data* is never thrown: it is returned as {@link CheckIssue}s.
 *
 * @example
 * try {
 *   checkResidentId(110105 as unknown as string);
 * } catch (e) {
 *   if (e instanceof GovexSchemasError) e.code; // "invalid_argument"
 * }
 */
export class GovexSchemasError extends Error {
  readonly code: GovexSchemasErrorCode;

  constructor(code: GovexSchemasErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GovexSchemasError";
    this.code = code;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** @internal Throws `invalid_argument` unless the value is a string. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") {
    throw new GovexSchemasError(
      "invalid_argument",
      `${name} must be a string, got ${describe(value)}`,
    );
  }
  return value;
}
