/**
 * What the node reads out of a catalog entry (specs/data/v1 catalog-entry, the 13 elements of
 * 《政务信息资源目录编制指南(试行)》) beyond its schema: the text search matches, the items
 * (信息项) with the data elements they follow, and which of them the provider claims to be the
 * authoritative source of (一数一源). The domain checks that the schema cannot express are
 * here too, as located issues.
 */
import type { CatalogEntry } from "@govex/schemas";
import type { ProblemIssue } from "../server/problem.js";

/**
 * The extension key of govex's own catalog fields (`extensions.GOVEX`). The entry schema keys
 * regional profiles by their standard number (DB37 …); GOVEX is none, so it never collides.
 */
export const GOVEX_EXTENSION = "GOVEX";

/** The fields `extensions.GOVEX` may hold. */
export const GOVEX_EXTENSION_FIELDS = ["authoritativeItems"] as const;

/** One information item (信息项) as the catalog tables keep it. */
export interface CatalogItemFacts {
  /** 0-based position in `entry.items`. */
  position: number;
  /** The item's code, or null when the entry gives none. */
  code: string | null;
  name: string;
  /** The standard data element the item follows (an absolute URI), or null. */
  elementRef: string | null;
  /** The resource claims to be the authoritative source of `elementRef` (一数一源). */
  authoritative: boolean;
}

/** The facts of an entry the catalog stores beside it. */
export interface CatalogEntryFacts {
  resourceCode: string;
  providerCode: string;
  name: string;
  category: string;
  classificationItem: string;
  shareType: string;
  updateCycle: string;
  /** Name, abstract, keywords and item names, one space apart: what search matches. */
  searchText: string;
  items: CatalogItemFacts[];
  /** The data elements the resource claims to be the authoritative source of, sorted. */
  claimedElements: string[];
}

/** RFC 6901 §3: `~` and `/` escaped in a JSON Pointer token. */
export const pointerToken = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

const NUL = "\u0000";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings PostgreSQL cannot store: text and jsonb refuse U+0000, and a lone surrogate is not
 * UTF-8 (the drivers would silently turn it into U+FFFD, changing what was published).
 */
export const storableText = (value: string) => !value.includes(NUL) && !LONE_SURROGATE.test(value);

/** The first places (at most `max`) in a JSON value holding a key or string that cannot be stored. */
export function unstorableText(value: unknown, max = 20): ProblemIssue[] {
  const issues: ProblemIssue[] = [];
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0 && issues.length < max) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === "string") {
      if (!storableText(node)) issues.push(textIssue(path));
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}/${i}`]);
    } else if (node !== null && typeof node === "object") {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const at = `${path}/${pointerToken(storableText(key) ? key : key.replace(/[^\x20-\x7e]/g, "?"))}`;
        if (!storableText(key)) issues.push(textIssue(at));
        else stack.push([(node as Record<string, unknown>)[key], at]);
      }
    }
  }
  return issues.slice(0, max);
}

const textIssue = (path: string): ProblemIssue => ({
  path,
  code: "invalid_character",
  message: "含 U+0000 或不成对的代理码元, 无法保存 (contains U+0000 or a lone surrogate)",
});

/**
 * The entry's facts and the domain issues the schema cannot express: item codes unique within
 * the entry (data access names items by code), and `extensions.GOVEX` well formed — only
 * `authoritativeItems`, a list of the entry's item codes, each item with a `dataElement`
 * (a claim to be the authoritative source needs an element to be the source of).
 */
export function entryFacts(entry: CatalogEntry): {
  facts: CatalogEntryFacts;
  issues: ProblemIssue[];
} {
  const issues: ProblemIssue[] = unstorableText(entry);
  const byCode = new Map<string, number>();
  entry.items.forEach((item, position) => {
    if (item.code === undefined) return;
    if (byCode.has(item.code)) {
      issues.push({
        path: `/items/${position}/code`,
        code: "duplicate_item_code",
        message: `信息项代码 ${item.code} 重复 (item code ${item.code} is used twice)`,
      });
    } else byCode.set(item.code, position);
  });

  const claimed = new Set<string>();
  const govex = entry.extensions?.[GOVEX_EXTENSION];
  if (govex !== undefined) {
    const base = `/extensions/${GOVEX_EXTENSION}`;
    for (const key of Object.keys(govex)) {
      if (!(GOVEX_EXTENSION_FIELDS as readonly string[]).includes(key))
        issues.push({
          path: `${base}/${pointerToken(key)}`,
          code: "unknown_property",
          message: `GOVEX 扩展没有字段 ${key},只有 authoritativeItems (GOVEX has no field ${key}, only authoritativeItems)`,
        });
    }
    const listed: unknown = Object.hasOwn(govex, "authoritativeItems")
      ? govex.authoritativeItems
      : [];
    if (!Array.isArray(listed) || listed.length > entry.items.length) {
      issues.push({
        path: `${base}/authoritativeItems`,
        code: "type",
        message: "须为本条目信息项代码的数组 (must be an array of this entry's item codes)",
      });
    } else {
      listed.forEach((code: unknown, i) => {
        const path = `${base}/authoritativeItems/${i}`;
        const position = typeof code === "string" ? byCode.get(code) : undefined;
        const item = position === undefined ? undefined : entry.items[position];
        if (item === undefined) {
          issues.push({
            path,
            code: "unknown_item",
            message: "不是本条目的信息项代码 (not an item code of this entry)",
          });
        } else if (item.dataElement === undefined) {
          issues.push({
            path,
            code: "data_element_missing",
            message: `信息项 ${item.code} 未引用数据元, 不能声明为权威来源 (item ${item.code} names no dataElement to be the source of)`,
          });
        } else claimed.add(item.code as string);
      });
    }
  }

  const items: CatalogItemFacts[] = entry.items.map((item, position) => ({
    position,
    code: item.code ?? null,
    name: item.name,
    elementRef: item.dataElement ?? null,
    authoritative: item.code !== undefined && claimed.has(item.code),
  }));
  const claimedElements = [
    ...new Set(items.flatMap((i) => (i.authoritative && i.elementRef ? [i.elementRef] : []))),
  ].sort();
  const searchText = [
    entry.name,
    entry.abstract,
    ...(entry.keywords ?? []),
    ...items.map((i) => i.name),
  ]
    .map((part) => part.replace(/\s+/g, " ").trim())
    .filter((part) => part !== "")
    .join(" ");

  return {
    facts: {
      resourceCode: entry.resourceCode,
      providerCode: entry.providerCode,
      name: entry.name,
      category: entry.classification.category,
      classificationItem: entry.classification.item,
      shareType: entry.sharing.type,
      updateCycle: entry.updateCycle,
      searchText,
      items,
      claimedElements,
    },
    issues: issues.slice(0, 20),
  };
}
