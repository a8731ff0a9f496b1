import type { Lang } from "./types.js";

export type GovexValidatorErrorCode =
  | "unknown_schema"
  | "schema_unreadable"
  | "schema_invalid"
  | "input_unreadable"
  | "input_is_directory"
  | "input_not_found"
  | "unsupported_encoding"
  | "sheet_not_found"
  | "worker_failed"
  | "aborted";

/**
 * A usage error (bad schema, unreadable input). Problems inside the data are never thrown:
 * they are {@link ValidationIssue}s.
 */
export class GovexValidatorError extends Error {
  readonly code: GovexValidatorErrorCode;
  readonly path?: string;
  readonly messages: Record<Lang, string>;
  readonly details?: Record<string, unknown>;

  constructor(
    code: GovexValidatorErrorCode,
    messages: Record<Lang, string>,
    opts: { path?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(
      `${messages["zh-CN"]} / ${messages.en}`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = "GovexValidatorError";
    this.code = code;
    this.messages = messages;
    if (opts.path !== undefined) this.path = opts.path;
    if (opts.details !== undefined) this.details = opts.details;
  }
}
