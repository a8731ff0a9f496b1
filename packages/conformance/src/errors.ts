import type { Localized } from "./types.js";

export type ConformanceErrorCode =
  | "invalid_options"
  | "provider_unreachable"
  | "key_invalid"
  | "report_invalid";

/**
 * A usage error of the kit: options it cannot run with, a provider it cannot reach, a key it
 * cannot read. A provider that breaks the spec is never an error: that is a failed check.
 */
export class ConformanceError extends Error {
  override name = "ConformanceError";
  readonly code: ConformanceErrorCode;
  readonly messages: Localized;

  constructor(code: ConformanceErrorCode, messages: Localized, options?: { cause?: unknown }) {
    super(`${messages["zh-CN"]} / ${messages.en}`, options);
    this.code = code;
    this.messages = messages;
  }
}

/** A message in both languages. */
export function msg(zh: string, en: string): Localized {
  return { "zh-CN": zh, en };
}
