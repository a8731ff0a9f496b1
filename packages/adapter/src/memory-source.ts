/**
 * A source over rows held in memory: for prototyping a mapping before the real system is
 * wired up, and for tests of the core. Keys compare as strings in code point order; every
 * `upsert` and `remove` is a change with a forward-only sequence number as its position.
 */
import { AdapterError } from "./errors.js";
import type {
  Source,
  SourceChange,
  SourceChangesPage,
  SourceChangesRequest,
  SourceGetRequest,
  SourceRow,
  SourceScanRequest,
} from "./source.js";

export interface MemorySource extends Source {
  /** Insert or replace a row (by its key field) and record the change. */
  upsert(row: SourceRow, time?: Date): void;
  /** Remove a row by key and record the change. */
  remove(key: string, time?: Date): void;
  changes(request: SourceChangesRequest): Promise<SourceChangesPage>;
}

/**
 * @example
 * const source = createMemorySource("sfzh", [{ sfzh: "11010519491231002X", xm: "张三" }]);
 */
export function createMemorySource(keyField: string, rows: Iterable<SourceRow> = []): MemorySource {
  const byKey = new Map<string, SourceRow>();
  const log: (SourceChange & { seq: number })[] = [];
  let sorted: string[] | undefined;

  const keys = () => {
    sorted ??= [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return sorted;
  };
  const record = (change: SourceChange) => log.push({ ...change, seq: log.length + 1 });
  const upsert = (row: SourceRow, time = new Date()) => {
    const key = String(row[keyField]);
    if (!byKey.has(key)) sorted = undefined;
    byKey.set(key, { ...row });
    record({ key, op: "upsert", time: time.toISOString(), row: { ...row } });
  };
  for (const row of rows) upsert(row, new Date(0));

  return {
    kind: "memory",
    upsert,
    remove(key, time = new Date()) {
      if (byKey.delete(key)) {
        sorted = undefined;
        record({ key, op: "delete", time: time.toISOString() });
      }
    },
    async check() {
      return { status: "ok" };
    },
    async scan(request: SourceScanRequest) {
      const all = keys();
      let start = 0;
      if (request.after !== undefined) {
        const after = request.after;
        // Binary search for the first key after `after`.
        let lo = 0;
        let hi = all.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((all[mid] as string) <= after) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      const out: SourceRow[] = [];
      const filters = Object.entries(request.filter);
      for (let i = start; i < all.length && out.length < request.limit; i++) {
        const row = byKey.get(all[i] as string) as SourceRow;
        if (filters.every(([field, value]) => String(row[field]) === value)) out.push({ ...row });
      }
      return out;
    },
    async get(request: SourceGetRequest) {
      const row = byKey.get(request.key);
      return row ? { ...row } : undefined;
    },
    async changes(request: SourceChangesRequest) {
      const from = request.position === undefined ? 0 : Number(request.position);
      if (!Number.isSafeInteger(from) || from < 0)
        throw new AdapterError("bad_request", {
          zh: "变更位置无效。",
          en: "invalid changes position",
          path: "/cursor",
        });
      const slice = log.filter((c) => c.seq > from).slice(0, request.limit);
      const last = slice[slice.length - 1];
      return {
        changes: slice.map(({ seq: _seq, ...change }) => change),
        position: String(last ? last.seq : from),
      };
    },
    async close() {},
  };
}
