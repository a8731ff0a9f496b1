import { identifierMessage } from "@govex/schemas/core";
import { en, enField } from "./locale/en.js";
import type { MessageTable } from "./locale/types.js";
import { zhCN, zhField } from "./locale/zh-CN.js";
import { pointerSegments } from "./schema-walk.js";
import type { Lang } from "./types.js";

const TABLES: Record<Lang, MessageTable> = { "zh-CN": zhCN, en };

/** A JSON Pointer as people read it: "/domicile/divisionCode" → "domicile.divisionCode", "/items/0" → "items[0]". */
export function displayPath(pointer: string): string {
  let out = "";
  for (const seg of pointerSegments(pointer)) {
    if (/^(0|[1-9]\d*)$/.test(seg)) out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/**
 * The message of one issue: the structural/input tables of this package first, then the
 * identifier and rule messages of @govex/schemas, prefixed with the field's label.
 */
export function renderMessage(
  code: string,
  params: Record<string, unknown>,
  lang: Lang,
  pointer: string,
  title: { zh?: string | undefined; en?: string | undefined },
): string {
  const shown = displayPath(pointer);
  const field = lang === "en" ? enField(title.en ?? title.zh, shown) : zhField(title.zh, shown);
  const table = TABLES[lang] ?? zhCN;
  if (Object.hasOwn(table, code))
    return (table[code] as (p: Record<string, unknown>, f: string) => string)(params, field);
  let text: string | undefined;
  try {
    text = identifierMessage(code, params, lang);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return lang === "en" ? `${field}: ${text}` : `${field}：${text}`;
  const fallback = lang === "en" ? en.invalid_value : zhCN.invalid_value;
  return (fallback as (p: Record<string, unknown>, f: string) => string)(
    { keyword: code, ...params },
    field,
  );
}
