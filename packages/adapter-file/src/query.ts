/**
 * scan and get over a key view: keyset pagination in code point order of the keys, exact
 * equality filters (through an index per filtered field, built on first use), and rows
 * projected to the fields asked for. An empty cell is an absent field: it is left out of the
 * row and no filter matches it.
 */
import type { SourceGetRequest, SourceRow, SourceScanRequest } from "@govex/adapter";
import type { KeyView, ServedRow } from "./key-view.js";

export function scanView(view: KeyView, request: SourceScanRequest): SourceRow[] {
  const limit = Math.max(0, Math.floor(request.limit));
  const out: SourceRow[] = [];
  if (limit === 0) return out;
  const start = view.startAfter(request.after);
  const filters = Object.entries(request.filter);
  if (filters.length === 0) {
    for (let i = start; i < view.keys.length && out.length < limit; i++) {
      out.push(project(served(view, i), request.fields, view.keyField));
    }
    return out;
  }
  // Walk the shortest list of matching positions; check the other filters on each row.
  let shortest: readonly number[] | undefined;
  for (const [field, value] of filters) {
    const list = view.positions(field, value);
    if (shortest === undefined || list.length < shortest.length) shortest = list;
    if (list.length === 0) return out;
  }
  const list = shortest as readonly number[];
  for (let j = firstAtLeast(list, start); j < list.length && out.length < limit; j++) {
    const row = served(view, list[j] as number);
    if (filters.every(([field, value]) => matches(row.row, field, value))) {
      out.push(project(row, request.fields, view.keyField));
    }
  }
  return out;
}

export function getFromView(view: KeyView, request: SourceGetRequest): SourceRow | undefined {
  const row = view.byKey.get(request.key);
  return row === undefined ? undefined : project(row, request.fields, view.keyField);
}

function served(view: KeyView, i: number): ServedRow {
  return view.byKey.get(view.keys[i] as string) as ServedRow;
}

function matches(row: Readonly<Record<string, string>>, field: string, value: string): boolean {
  return Object.hasOwn(row, field) && row[field] === value && value !== "";
}

/** First index of an ascending list whose value is at least `min`. */
function firstAtLeast(list: readonly number[], min: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < min) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A fresh row with the fields asked for (all when none is named) and always the key field;
 * empty cells are left out. Never the stored object, which later requests share.
 */
export function project(served: ServedRow, fields: readonly string[], keyField: string): SourceRow {
  const out: SourceRow = {};
  const names = fields.length === 0 ? Object.keys(served.row) : [...fields, keyField];
  for (const name of names) {
    if (!Object.hasOwn(served.row, name)) continue;
    const value = served.row[name] as string;
    if (value === "" || Object.hasOwn(out, name)) continue;
    // defineProperty: a field named "__proto__" stays an own data property.
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
