/**
 * The one error base of @govex/node: a stable snake_case `code`, zh-CN and English messages
 * (what is wrong, then what to do), and the details in `params`. Each module narrows `code` to
 * its own union (`CalendarError`, `StoreError`).
 */

export interface NodeErrorOptions {
  zh: string;
  en: string;
  /** The offending input and any limits, for the caller; never personal data. */
  params?: Record<string, unknown>;
  cause?: unknown;
}

export class GovexNodeError<Code extends string = string> extends Error {
  override readonly name: string = "GovexNodeError";
  readonly code: Code;
  readonly zh: string;
  readonly params: Record<string, unknown>;

  constructor(code: Code, options: NodeErrorOptions) {
    super(options.en, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.zh = options.zh;
    this.params = options.params ?? {};
  }

  /** The message in the requested language. */
  localized(lang: "zh-CN" | "en"): string {
    return lang === "en" ? this.message : this.zh;
  }
}

export function isGovexNodeError(error: unknown): error is GovexNodeError {
  return error instanceof GovexNodeError;
}
