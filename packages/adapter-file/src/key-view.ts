/**
 * The rows of every file, indexed by one key field: served rows by key, keys in ascending
 * order, and the rows that cannot be served because their key is missing or not unique.
 */
import { type FileIssue, fileIssue, IssueList } from "./issues.js";
import type { FileVersion } from "./read-file.js";

/**
 * Compare keys in Unicode code point order, which is also UTF-8 byte order and PostgreSQL's
 * "C" collation. JavaScript's `<` compares UTF-16 code units, which puts characters beyond
 * U+FFFF (surrogate pairs, e.g. 𠀀 in a rare-character name) before U+E000–U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Move surrogates (D800–DFFF) above E000–FFFF.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Sort keys by `compareKeys`. Without surrogates UTF-16 order is code point order, and the
 * built-in sort (no comparator) is several times faster on hundreds of thousands of keys.
 */
export function sortKeys(keys: string[]): string[] {
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(compareKeys) : keys.sort();
}

/** A row served under its key, and where it comes from. */
export interface ServedRow {
  key: string;
  row: Readonly<Record<string, string>>;
  file: string;
  line: number;
  /** RFC 3339 modification time of the file version the row was read from. */
  time: string;
}

/** What the view needs of a file: its rows and the time of its version. */
export interface ViewFile {
  name: string;
  time: string;
  version: FileVersion;
}

/** The key's cell of a row; "" and a missing column count as no key. */
export function keyOf(row: Readonly<Record<string, string>>, keyField: string): string | undefined {
  if (!Object.hasOwn(row, keyField)) return undefined;
  const key = row[keyField];
  return key === undefined || key === "" ? undefined : key;
}

/** Locations listed in a duplicate_key issue; the count says how many there are. */
const LOCATIONS_LISTED = 5;

export class KeyView {
  readonly byKey = new Map<string, ServedRow>();
  /** Served keys, ascending by `compareKeys`. */
  readonly keys: string[];
  readonly issues: FileIssue[];
  /** Keys on more than one row, none of them served, with their duplicate_key issue. */
  readonly duplicated = new Map<string, FileIssue>();
  /** field → value → ascending positions in `keys`, built on first use of a filter on the field. */
  private readonly postings = new Map<string, Map<string, number[]>>();

  /** Files in name order, rows in file order: the first location named in an issue is the first read. */
  constructor(
    readonly keyField: string,
    files: Iterable<ViewFile>,
  ) {
    const issues = new IssueList();
    const duplicates = new Map<string, { file: string; line: number }[]>();
    for (const file of files) {
      for (const { line, row } of file.version.rows) {
        const key = keyOf(row, keyField);
        if (key === undefined) {
          issues.add(fileIssue("missing_key", { file: file.name, line, params: { keyField } }));
          continue;
        }
        const seen = this.byKey.get(key);
        if (seen === undefined) {
          this.byKey.set(key, { key, row, file: file.name, line, time: file.time });
          continue;
        }
        let where = duplicates.get(key);
        if (where === undefined) {
          where = [{ file: seen.file, line: seen.line }];
          duplicates.set(key, where);
        }
        where.push({ file: file.name, line });
      }
    }
    // No row of a duplicated key is served: there is no telling which one is right.
    for (const [key, where] of duplicates) {
      this.byKey.delete(key);
      const first = where[0] as { file: string; line: number };
      const listed = where.slice(0, LOCATIONS_LISTED).map((w) => `${w.file}:${w.line}`);
      if (where.length > LOCATIONS_LISTED) listed.push("…");
      const locations = where.slice(0, 100);
      const params = { keyField, count: where.length, where: listed.join(", "), locations };
      const issue = fileIssue("duplicate_key", { file: first.file, line: first.line, params });
      this.duplicated.set(key, issue);
      issues.add(issue);
    }
    this.keys = sortKeys([...this.byKey.keys()]);
    this.issues = issues.done();
  }

  /** Index of the first key strictly after `after` (0 when absent). */
  startAfter(after: string | undefined): number {
    if (after === undefined) return 0;
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid] as string, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ascending positions in `keys` of the rows whose `field` is exactly `value`. */
  positions(field: string, value: string): readonly number[] {
    let index = this.postings.get(field);
    if (index === undefined) {
      index = new Map();
      for (let i = 0; i < this.keys.length; i++) {
        const row = (this.byKey.get(this.keys[i] as string) as ServedRow).row;
        if (!Object.hasOwn(row, field)) continue;
        const v = row[field] as string;
        if (v === "") continue; // an empty cell is no value: no filter matches it
        const list = index.get(v);
        if (list === undefined) index.set(v, [i]);
        else list.push(i);
      }
      this.postings.set(field, index);
    }
    return index.get(value) ?? NONE;
  }
}

const NONE: readonly number[] = Object.freeze([]);
