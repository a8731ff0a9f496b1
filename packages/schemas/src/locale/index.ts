import type { Lang } from "../issues.js";
import { en } from "./en.js";
import type { MessageTable } from "./types.js";
import { zhCN } from "./zh-CN.js";

const TABLES: Record<Lang, MessageTable> = { "zh-CN": zhCN, en };

/**
 * The message of an identifier or rule issue code in a language, or undefined for a code this
 * package does not emit.
 *
 * @example
 * identifierMessage("invalid_check_character", { expected: "X", actual: "2", position: 18 }, "en");
 * // "check character is 2, expected X: check character 18 and the ones before it."
 */
export function identifierMessage(
  code: string,
  params: Record<string, unknown>,
  lang: Lang,
): string | undefined {
  const table = TABLES[lang] ?? zhCN;
  return Object.hasOwn(table, code) ? (table[code] as MessageTable[string])(params) : undefined;
}

/** The issue codes this package emits (every one has a zh-CN and an English message). */
export const identifierCodes: readonly string[] = Object.freeze(Object.keys(zhCN));
