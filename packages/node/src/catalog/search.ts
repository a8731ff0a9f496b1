/**
 * Catalog search (检索目录): published entries by classification, provider, 共享类型, 更新周期
 * and keyword.
 *
 * A keyword query is split at white space; every word must occur, case-insensitively, in the
 * resource's search text (name, abstract, keywords and item names) — `ILIKE '%word%'`, with
 * the LIKE wildcards of the input escaped. Where pg_trgm finds trigrams in Chinese text
 * (`features.pgTrgm && features.pgTrgmCjk`) the GIN trigram index answers the ILIKE for words
 * of three or more characters and the hits are ranked by trigram similarity; words of one or
 * two characters (户籍, 婚姻) have no trigram and are matched by the same ILIKE over the rows.
 * Without pg_trgm the same ILIKE runs unindexed and ranks by name only: the hits are the same.
 *
 * Order is deterministic and pages are keyset pages (a stable cursor under inserts): without a
 * keyword by resource code; with one by rank (name hits first, then word similarity, then
 * similarity) and resource code.
 */
import { decodeCursor, page } from "../server/pagination.js";
import type { Db } from "../store/index.js";
import { storableText } from "./entry-facts.js";
import {
  type CatalogRecord,
  catalogRecord,
  RESOURCE_COLUMNS,
  type ResourceRow,
} from "./records.js";

/** The filters of `searchCatalog` (specs/exchange v1 query parameters). */
export interface CatalogQuery {
  /** Keywords, white-space separated; all must match. */
  q?: string;
  /** Classification 类 code: "1" | "2" | "3". */
  category?: string;
  /** Classification 项 code, two digits. */
  item?: string;
  /** The provider's 统一社会信用代码. */
  provider?: string;
  /** 共享类型. */
  shareType?: string;
  /** 更新周期. */
  updateCycle?: string;
}

/** Where a page ends: the last hit's rank (keyword searches only) and resource code. */
export type SearchPosition = { k: string } | { r: number; k: string };

/** Most keywords a query is split into; words beyond are ignored (q is at most 100 characters). */
export const MAX_KEYWORDS = 16;

/** The words of a keyword query, without repeats; undefined when there are none. */
export function keywordsOf(q: string | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  const words = [...new Set(q.split(/\s+/u).filter((w) => w !== ""))].slice(0, MAX_KEYWORDS);
  return words.length === 0 ? undefined : words;
}

/** `%word%` with LIKE's own characters escaped (backslash is LIKE's default escape). */
export const containsPattern = (word: string) => `%${word.replace(/[\\%_]/g, "\\$&")}%`;

const hasKeys = (value: unknown, keys: string): value is Record<string, unknown> =>
  value !== null &&
  typeof value === "object" &&
  !Array.isArray(value) &&
  Object.keys(value).sort().join(",") === keys;

const isCodePosition = (value: unknown): value is { k: string } =>
  hasKeys(value, "k") && typeof value.k === "string" && value.k.length <= 64;

const isRankPosition = (value: unknown): value is { r: number; k: string } =>
  hasKeys(value, "k,r") &&
  typeof value.k === "string" &&
  value.k.length <= 64 &&
  Number.isSafeInteger(value.r) &&
  Math.abs(value.r as number) < 2 ** 31;

// Rank tiers: every word in the name, then word similarity (0–1000), then similarity (0–999).
const NAME_TIER = 10_000_000;

/**
 * One page of published entries matching `query`, after the position `cursor` holds (a
 * `nextCursor` of the same search; a cursor of a search with or without keywords does not fit
 * the other kind and is a 400).
 *
 * @example
 * const page = await searchCatalogEntries(db, { q: "户籍", shareType: "有条件共享" }, undefined, 50);
 * page.items[0]?.entry.resourceCode; // "101001/3700GA0001"
 */
export async function searchCatalogEntries(
  db: Db,
  query: CatalogQuery,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: CatalogRecord[]; nextCursor?: string }> {
  const words = keywordsOf(query.q);
  const position = decodeCursor(cursor, words === undefined ? isCodePosition : isRankPosition);
  const size = Math.min(Math.max(Math.trunc(limit) || 1, 1), 500);
  // No stored text holds U+0000 or a lone surrogate (publish refuses them): nothing matches.
  if (words?.some((w) => !storableText(w))) return { items: [] };

  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ["status = 'published'"];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) where.push(`${column} = ${bind(value)}`);
  };
  equal("category", query.category);
  equal("classification_item", query.item);
  equal("provider_code", query.provider);
  equal("share_type", query.shareType);
  equal("update_cycle", query.updateCycle);

  let rank = "0";
  if (words !== undefined) {
    const patterns = words.map((w) => bind(containsPattern(w)));
    for (const p of patterns) where.push(`search_text ilike ${p}`);
    rank = `(case when name ilike all (array[${patterns.join(", ")}]) then ${NAME_TIER} else 0 end)`;
    if (db.features.pgTrgm && db.features.pgTrgmCjk) {
      const text = bind(words.join(" "));
      rank += ` + round(word_similarity(${text}, search_text) * 1000)::int * 1000
        + round(similarity(${text}, search_text) * 999)::int`;
    }
  }

  let after = "true";
  if (position !== undefined) {
    const code = bind(position.k);
    if ("r" in position) {
      const r = bind(position.r);
      after = `(rank < ${r}::int or (rank = ${r}::int and resource_code collate "C" > ${code}))`;
    } else after = `resource_code collate "C" > ${code}`;
  }
  const order =
    words === undefined ? 'resource_code collate "C"' : 'rank desc, resource_code collate "C"';
  const sql = `select ${RESOURCE_COLUMNS}, rank from (
      select ${RESOURCE_COLUMNS}, ${rank} as rank from catalog_resources where ${where.join(" and ")}
    ) as hits
    where ${after}
    order by ${order}
    limit ${bind(size + 1)}`;
  const { rows } = await db.query<ResourceRow & { rank: number }>(sql, params);
  return page(
    rows,
    size,
    catalogRecord,
    (row): SearchPosition =>
      words === undefined
        ? { k: row.resource_code }
        : { r: Number(row.rank), k: row.resource_code },
  );
}
