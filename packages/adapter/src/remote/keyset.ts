/**
 * Keyset reads over a legacy service's own paging, and a changes feed over its "changed
 * since" call. The `Source` contract asks for rows in ascending key order after a key; legacy
 * services page by number, offset or an opaque cursor, in an order of their own. Two ways:
 *
 * - `order: key`: the service returns rows in ascending key order. A scan finds the page that
 *   holds the cursor key (a remembered page, checked; else a galloping then binary search over
 *   page numbers, O(log n) calls) and reads on from there. With "{after}" the service pages
 *   by key itself and a scan is one call.
 * - `order: none` (the default): a scan reads every page (at most `maxRows` rows, else an
 *   error, never a silent cut), sorts by key, and keeps that snapshot for `snapshotTtl` ms so
 *   paging through it costs one full read.
 *
 * Shared by @govex/adapter-rest and @govex/adapter-soap through `@govex/adapter/remote`.
 */

import { z } from "zod";
import type {
  SourceChange,
  SourceChangesPage,
  SourceChangesRequest,
  SourceRow,
  SourceScanRequest,
} from "../source.js";
import {
  asRows,
  checkAfterKey,
  compareKeys,
  compileSelector,
  configError,
  type KeyOrder,
  keyOf,
  matchesFilter,
  type Selector,
  type TemplateVars,
  toPlainData,
  unavailable,
} from "./select.js";

// ---------------------------------------------------------------- configuration

/** Members of a `list` block every paged service shares; each adapter adds its call. */
export const listShape = {
  /** Selection of the rows in an answer (JSONata, or a JSON Pointer starting with "/"). */
  items: z.string().min(1),
  /** Rows asked per call ("{limit}"); at most what the service really returns per page. */
  pageSize: z.int().min(1).max(10_000).default(100),
  /** Number of the first page for "{page}": 1 (the default) or 0. */
  firstPage: z.int().min(0).max(1).default(1),
  /** With "{cursor}": selection of the next cursor in an answer; absent or empty at the end. */
  next: z.string().min(1).optional(),
  /** Whether the service returns rows in ascending key order ("key") or not ("none"). */
  order: z.enum(["key", "none"]).optional(),
  /** How keys sort: as text (code units) or as integers. */
  keyOrder: z.enum(["text", "numeric"]).default("text"),
  /** Service parameter → source field, for filters the service applies itself. */
  filterParams: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Most rows one scan reads (a full read with `order: none`). */
  maxRows: z.int().min(1).max(1_000_000).default(10_000),
  /** How long a full read is reused, in milliseconds (`order: none`); 0 to read every time. */
  snapshotTtl: z.int().min(0).max(3_600_000).default(30_000),
};

/** Members of a `changes` block every service shares; each adapter adds its call. */
export const changesShape = {
  /** Selection of the change items in an answer. */
  items: z.string().min(1),
  /** Selection, on each item, of its position: strictly increasing (a sequence number is best). */
  position: z.string().min(1),
  /** Selection, on each item, of when it changed (RFC 3339, "yyyy-MM-dd HH:mm:ss", epoch). */
  time: z.string().min(1),
  /** Selection, on each item, of "upsert" or "delete" (default: every item is an upsert). */
  op: z.string().min(1).optional(),
  /** Selection, on each item, of the key (default: the key field of the row). */
  key: z.string().min(1).optional(),
  /** Selection, on each item, of the changed row (default: the item itself). */
  row: z.string().min(1).optional(),
  /** UTC offset of times written without one (default China Standard Time, +08:00). */
  timeZone: z
    .string()
    .regex(/^([+-](0[0-9]|1[0-4]):[0-5][0-9]|Z)$/)
    .default("+08:00"),
};

/** Variables a list call can use. */
export const LIST_VARS = ["page", "offset", "limit", "after", "cursor"] as const;
/** Variables a changes call can use. */
export const CHANGES_VARS = ["position", "limit"] as const;

/** How a service pages, from the variables its list call uses. */
export type PagingStyle = "page" | "offset" | "after" | "cursor" | "single";

/**
 * Infer the paging style from the variables of the list call, and check the `order` and
 * `next` settings against it.
 */
export function pagingStyle(
  names: Iterable<string>,
  settings: { next?: string | undefined; order?: "key" | "none" | undefined },
  path: string,
): { style: PagingStyle; order: "key" | "none" } {
  const used = new Set(names);
  const styles = (["page", "offset", "after", "cursor"] as const).filter((s) => used.has(s));
  if (styles.length > 1)
    throw configError(
      path,
      `list 调用同时使用了 ${styles.map((s) => `{${s}}`).join(" 和 ")}；只能选一种分页方式（${path}）。`,
      `the list call uses ${styles.map((s) => `{${s}}`).join(" and ")}; pick one way of paging (${path})`,
    );
  const style: PagingStyle = styles[0] ?? "single";
  if (style === "cursor" && settings.next === undefined)
    throw configError(
      `${path}/next`,
      `使用 {cursor} 分页时必须用 next 指明应答中下一页游标的位置（${path}/next）。`,
      `paging with {cursor} needs next: where the answer holds the next cursor (${path}/next)`,
    );
  if (style !== "cursor" && settings.next !== undefined)
    throw configError(
      `${path}/next`,
      `next 只用于 {cursor} 分页，但 list 调用没有使用 {cursor}（${path}/next）。`,
      `next is only for paging with {cursor}, but the list call does not use {cursor} (${path}/next)`,
    );
  if (style === "after" && settings.order === "none")
    throw configError(
      `${path}/order`,
      `使用 {after} 分页意味着服务按键升序返回，不能同时设置 order: none（${path}/order）。`,
      `paging with {after} means the service returns rows in key order; order: none contradicts it (${path}/order)`,
    );
  return { style, order: style === "after" ? "key" : (settings.order ?? "none") };
}

// ---------------------------------------------------------------- scans

export interface ListPlan {
  style: PagingStyle;
  order: "key" | "none";
  items: Selector;
  next?: Selector | undefined;
  pageSize: number;
  firstPage: number;
  keyOrder: KeyOrder;
  maxRows: number;
  snapshotTtl: number;
  maxDepth: number;
  /** Service parameter → source field. */
  filterParams: Readonly<Record<string, string>>;
}

/**
 * One call of the service's list operation: `vars` fill the templates, `filter` holds the
 * pushed-down filters by service parameter. Returns the answer, parsed.
 */
export type FetchList = (
  vars: TemplateVars,
  filter: Readonly<Record<string, string>>,
  signal?: AbortSignal,
) => Promise<unknown>;

type At = number | string | undefined;

interface Page {
  rows: SourceRow[];
  keys: string[];
  end: boolean;
  next: At;
}

interface Snapshot {
  at: number;
  rows: Promise<{ rows: SourceRow[]; keys: string[] }>;
}

/** A small least-recently-used map. */
class Lru<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K);
  }
  delete(key: K): void {
    this.#map.delete(key);
  }
}

/** Reads a paged service as keyset pages (see the module comment). */
export class KeysetReader {
  /** Page number or cursor where a key was last seen, by scan signature and key. */
  readonly #hints = new Lru<string, { at: At }>(1024);
  readonly #snapshots = new Lru<string, Snapshot>(16);

  constructor(
    readonly plan: ListPlan,
    readonly fetchList: FetchList,
    readonly now: () => number = Date.now,
  ) {}

  /** One small list call, for health checks. */
  async probe(signal?: AbortSignal): Promise<void> {
    const vars = this.#vars(
      this.plan.style === "page" || this.plan.style === "offset" ? 0 : undefined,
    );
    const body = await this.fetchList({ ...vars, limit: 1 }, {}, signal);
    asRows(await this.plan.items.evaluate(body), "list.items", this.plan.maxDepth);
  }

  async scan(request: SourceScanRequest): Promise<SourceRow[]> {
    if (request.after !== undefined) checkAfterKey(request.after, this.plan.keyOrder);
    const pushed: Record<string, string> = {};
    for (const [param, field] of Object.entries(this.plan.filterParams)) {
      const value = request.filter[field];
      if (value !== undefined) pushed[param] = value;
    }
    if (this.plan.order === "none" || this.plan.style === "single")
      return this.#scanSnapshot(request, pushed);
    return this.#scanOrdered(request, pushed);
  }

  #vars(at: At): TemplateVars {
    const { style, pageSize, firstPage } = this.plan;
    switch (style) {
      case "page":
        return { page: firstPage + (at as number), limit: pageSize };
      case "offset":
        return { offset: (at as number) * pageSize, limit: pageSize };
      case "after":
        return { after: at as string | undefined, limit: pageSize };
      case "cursor":
        return { cursor: at as string | undefined, limit: pageSize };
      default:
        return { limit: pageSize };
    }
  }

  async #readPage(
    at: At,
    pushed: Readonly<Record<string, string>>,
    keyField: string,
    signal: AbortSignal | undefined,
  ): Promise<Page> {
    const { plan } = this;
    const body = await this.fetchList(this.#vars(at), pushed, signal);
    const rows = asRows(await plan.items.evaluate(body), "list.items", plan.maxDepth);
    const keys = rows.map((row) => keyOf(row, keyField));
    if (plan.order === "key") {
      for (let i = 1; i < keys.length; i++) {
        if (compareKeys(keys[i - 1] as string, keys[i] as string, plan.keyOrder) >= 0)
          throw unavailable(
            "服务返回的行没有按键严格升序排列，但配置了 order: key。请让服务按键排序，或改用 order: none。",
            "the service returned rows that are not in strictly ascending key order, but order: key is set; have the service sort by key, or use order: none",
          );
      }
    }
    switch (plan.style) {
      case "page":
      case "offset":
        return { rows, keys, end: rows.length < plan.pageSize, next: (at as number) + 1 };
      case "after":
        return { rows, keys, end: rows.length < plan.pageSize, next: keys[keys.length - 1] };
      case "cursor": {
        const raw = await (plan.next as Selector).evaluate(body);
        const next = typeof raw === "string" || typeof raw === "number" ? String(raw) : undefined;
        if (next !== undefined && next !== "" && next === at)
          throw unavailable(
            "服务返回的下一页游标与本页相同，分页不会前进。",
            "the service returned the same cursor for the next page; paging would not advance",
          );
        return { rows, keys, end: rows.length === 0 || next === undefined || next === "", next };
      }
      default:
        return { rows, keys, end: true, next: undefined };
    }
  }

  // -------------------------------------------------------------- order: key

  async #scanOrdered(
    request: SourceScanRequest,
    pushed: Readonly<Record<string, string>>,
  ): Promise<SourceRow[]> {
    const { plan } = this;
    const { keyField, after, signal } = request;
    const signature = JSON.stringify([keyField, pushed]);
    const pages = new Map<string, Page>();
    const read = async (at: At): Promise<Page> => {
      const id = String(at);
      let page = pages.get(id);
      if (!page) {
        page = await this.#readPage(at, pushed, keyField, signal);
        pages.set(id, page);
      }
      return page;
    };
    // A page at or before the cursor: its first key is not after it.
    const holds = (page: Page): boolean =>
      after === undefined ||
      (page.keys.length > 0 && compareKeys(page.keys[0] as string, after, plan.keyOrder) <= 0);

    let start: At;
    if (plan.style === "after") {
      start = after;
    } else if (after === undefined) {
      start = plan.style === "cursor" ? undefined : 0;
    } else {
      const hint = this.#hints.get(`${signature}\u0000${after}`);
      if (plan.style === "cursor") {
        // No random access: the remembered cursor if its page is still at or before the key.
        start = hint && hint.at !== undefined && holds(await read(hint.at)) ? hint.at : undefined;
      } else {
        start = await this.#locate(read, holds, hint?.at as number | undefined);
      }
    }

    const out: SourceRow[] = [];
    let at = start;
    let previous: string | undefined;
    let scanned = 0;
    for (;;) {
      const page = await read(at);
      let advanced = page.rows.length === 0;
      for (let i = 0; i < page.rows.length; i++) {
        const key = page.keys[i] as string;
        // A row at or before the last one seen is a repeat (rows shifted between two calls).
        if (previous !== undefined && compareKeys(key, previous, plan.keyOrder) <= 0) continue;
        advanced = true;
        previous = key;
        if (after !== undefined && compareKeys(key, after, plan.keyOrder) <= 0) continue;
        const row = page.rows[i] as SourceRow;
        if (!matchesFilter(row, request.filter)) continue;
        out.push(row);
        if (out.length === request.limit) {
          this.#hints.set(`${signature}\u0000${key}`, { at });
          return out;
        }
      }
      if (!advanced) throw notAdvancing();
      scanned += page.rows.length;
      if (page.end) return out;
      if (scanned >= plan.maxRows) throw tooManyRows(plan.maxRows, "scan");
      at = page.next;
    }
  }

  /**
   * The last page whose first key is at or before the cursor key, over page numbers: the
   * remembered page if it still qualifies, else a binary search below it, or (no memory) a
   * galloping search from page 0. Each probe is one call.
   */
  async #locate(
    read: (at: number) => Promise<Page>,
    holds: (page: Page) => boolean,
    hint: number | undefined,
  ): Promise<number> {
    if (hint !== undefined && holds(await read(hint))) return hint;
    if (hint === 0 || !holds(await read(0))) return 0;
    let lo = 0;
    let hi: number;
    if (hint !== undefined) {
      hi = hint;
    } else {
      let step = 1;
      let low = await read(0);
      hi = 1;
      for (;;) {
        const page = await read(hi);
        if (!holds(page)) break;
        // Pages in key order start ever later; the same start means the page number is ignored.
        if (compareKeys(page.keys[0] as string, low.keys[0] as string, this.plan.keyOrder) <= 0)
          throw notAdvancing();
        lo = hi;
        low = page;
        step *= 2;
        hi = lo + step;
      }
    }
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (holds(await read(mid))) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  // -------------------------------------------------------------- order: none

  async #scanSnapshot(
    request: SourceScanRequest,
    pushed: Readonly<Record<string, string>>,
  ): Promise<SourceRow[]> {
    const { plan } = this;
    const snapshot = await withSignal(this.#snapshot(request.keyField, pushed), request.signal);
    const { rows, keys } = snapshot;
    let start = 0;
    if (request.after !== undefined) {
      let hi = keys.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (compareKeys(keys[mid] as string, request.after, plan.keyOrder) <= 0) start = mid + 1;
        else hi = mid;
      }
    }
    const out: SourceRow[] = [];
    for (let i = start; i < rows.length && out.length < request.limit; i++) {
      const row = rows[i] as SourceRow;
      // Each caller gets its own copy: the snapshot is shared.
      if (matchesFilter(row, request.filter))
        out.push(toPlainData(row, plan.maxDepth) as SourceRow);
    }
    return out;
  }

  #snapshot(
    keyField: string,
    pushed: Readonly<Record<string, string>>,
  ): Promise<{ rows: SourceRow[]; keys: string[] }> {
    const signature = JSON.stringify([keyField, pushed]);
    const cached = this.#snapshots.get(signature);
    if (cached && this.now() - cached.at <= this.plan.snapshotTtl) return cached.rows;
    // Not tied to one caller's signal: the read is shared; each call's timeout bounds it.
    const snapshot: Snapshot = { at: this.now(), rows: this.#readAll(keyField, pushed) };
    this.#snapshots.set(signature, snapshot);
    snapshot.rows.catch(() => {
      if (this.#snapshots.get(signature) === snapshot) this.#snapshots.delete(signature);
    });
    return snapshot.rows;
  }

  async #readAll(
    keyField: string,
    pushed: Readonly<Record<string, string>>,
  ): Promise<{ rows: SourceRow[]; keys: string[] }> {
    const { plan } = this;
    const all: { row: SourceRow; key: string }[] = [];
    let at: At = plan.style === "page" || plan.style === "offset" ? 0 : undefined;
    for (;;) {
      const page = await this.#readPage(at, pushed, keyField, undefined);
      for (let i = 0; i < page.rows.length; i++)
        all.push({ row: page.rows[i] as SourceRow, key: page.keys[i] as string });
      if (page.end) break;
      if (all.length >= plan.maxRows) throw tooManyRows(plan.maxRows, "full");
      at = page.next;
    }
    if (all.length > plan.maxRows) throw tooManyRows(plan.maxRows, "full");
    all.sort((a, b) => compareKeys(a.key, b.key, plan.keyOrder));
    for (let i = 1; i < all.length; i++) {
      if (all[i - 1]?.key === all[i]?.key)
        throw unavailable(
          "服务返回了键相同的两行（或分页参数未被服务接受，同一页被重复返回）。键必须唯一。",
          "the service returned two rows with the same key (or ignored the paging parameters and repeated a page); keys must be unique",
        );
    }
    return { rows: all.map((a) => a.row), keys: all.map((a) => a.key) };
  }
}

function notAdvancing(): Error {
  return unavailable(
    "服务再次返回了已读过的行，分页没有前进。请检查分页参数是否被服务接受。",
    "the service returned rows already read; paging did not advance. Check that the service honours the paging parameters",
  );
}

function tooManyRows(maxRows: number, kind: "full" | "scan"): Error {
  return kind === "full"
    ? unavailable(
        `服务的行数超过 maxRows（${maxRows}），无法在内存中按键排序。请让服务按键排序（order: key）或调大 maxRows。`,
        `the service holds more than maxRows (${maxRows}) rows, too many to sort by key in memory; have the service sort by key (order: key) or raise maxRows`,
        { maxRows },
      )
    : unavailable(
        `一次扫描读取的行数超过 maxRows（${maxRows}）仍未凑满一页。请把过滤条件交给服务执行（filterParams）或调大 maxRows。`,
        `one scan read more than maxRows (${maxRows}) rows without filling a page; let the service apply the filter (filterParams) or raise maxRows`,
        { maxRows },
      );
}

/** Wait for a shared promise, but give up when this caller's signal aborts. */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

// ---------------------------------------------------------------- changes

export interface ChangesPlan {
  items: Selector;
  position: Selector;
  time: Selector;
  op?: Selector | undefined;
  key?: Selector | undefined;
  row?: Selector | undefined;
  timeZone: string;
  maxDepth: number;
}

/** Compile a source block's `changes` selections (`changesShape`) into a plan; `path` points at the block. */
export function compileChangesPlan(
  changes: {
    items: string;
    position: string;
    time: string;
    op?: string | undefined;
    key?: string | undefined;
    row?: string | undefined;
    timeZone: string;
  },
  path: string,
  maxDepth: number,
): ChangesPlan {
  const optional = (expression: string | undefined, name: string) =>
    expression === undefined ? undefined : compileSelector(expression, `${path}/${name}`);
  return {
    items: compileSelector(changes.items, `${path}/items`),
    position: compileSelector(changes.position, `${path}/position`),
    time: compileSelector(changes.time, `${path}/time`),
    op: optional(changes.op, "op"),
    key: optional(changes.key, "key"),
    row: optional(changes.row, "row"),
    timeZone: changes.timeZone,
    maxDepth,
  };
}

/** One call of the service's changes operation, with "{position}" and "{limit}". */
export type FetchChanges = (vars: TemplateVars, signal?: AbortSignal) => Promise<unknown>;

/**
 * Changes after a position, in the service's order, which must be strictly increasing by
 * position: a position that does not move forward is an error, never a silent skip.
 */
export async function readChanges(
  plan: ChangesPlan,
  fetchChanges: FetchChanges,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  const since = request.position === "" ? undefined : request.position;
  const body = await fetchChanges({ position: since, limit: request.limit }, request.signal);
  const selected = await plan.items.evaluate(body);
  const items =
    selected === undefined || selected === null
      ? []
      : Array.isArray(selected)
        ? selected
        : [selected];
  const changes: SourceChange[] = [];
  let position = since;
  for (const raw of items.slice(0, request.limit)) {
    const item = toPlainData(raw, plan.maxDepth);
    const at = await plan.position.evaluate(item);
    if (typeof at !== "string" && typeof at !== "number")
      throw unavailable(
        `变更项缺少位置（position 表达式 "${plan.position.text}" 没有选出字符串或数字）。`,
        `a change item has no position (position expression "${plan.position.text}" selected no string or number)`,
      );
    const next = String(at);
    if (position !== undefined && comparePositions(next, position) <= 0)
      throw unavailable(
        "服务返回的变更位置没有严格递增，增量游标不能后退。请让服务按位置升序返回且位置唯一。",
        "the service returned a change position that does not move forward; changes must come in strictly increasing position order",
      );
    position = next;
    const op = plan.op ? await plan.op.evaluate(item) : "upsert";
    if (op !== "upsert" && op !== "delete")
      throw unavailable(
        `变更类型必须是 "upsert" 或 "delete"（op 表达式 "${plan.op?.text}"）。`,
        `a change's op must be "upsert" or "delete" (op expression "${plan.op?.text}")`,
      );
    const rowValue = plan.row ? await plan.row.evaluate(item) : item;
    const row = asRows(rowValue, "changes.row", plan.maxDepth)[0];
    let key: string;
    if (plan.key) {
      const k = await plan.key.evaluate(item);
      if (typeof k !== "string" && typeof k !== "number")
        throw unavailable(
          `变更项缺少键（key 表达式 "${plan.key.text}"）。`,
          `a change item has no key (key expression "${plan.key.text}")`,
        );
      key = String(k);
    } else {
      key = keyOf(row ?? {}, request.keyField);
    }
    const time = normalizeTime(await plan.time.evaluate(item), plan.timeZone);
    changes.push(op === "delete" || !row ? { key, op, time } : { key, op, time, row });
  }
  return { changes, position: position ?? "" };
}

/** Integers compare as numbers, anything else as text. */
export function comparePositions(a: string, b: string): number {
  if (/^-?[0-9]{1,40}$/.test(a) && /^-?[0-9]{1,40}$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const RFC3339 =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?)([Zz]|[+-][0-9]{2}:[0-9]{2})$/;
const LOCAL =
  /^([0-9]{4})-?([0-9]{2})-?([0-9]{2})[Tt ]?([0-9]{2}):?([0-9]{2}):?([0-9]{2})(\.[0-9]+)?$/;

/**
 * A change time as RFC 3339: RFC 3339 as given; "yyyy-MM-dd HH:mm:ss" and "yyyyMMddHHmmss"
 * (common in legacy systems) in `timeZone`; numbers as epoch milliseconds (or seconds when
 * below 10^11).
 */
export function normalizeTime(value: unknown, timeZone: string): string {
  let out: string | undefined;
  if (typeof value === "number" && Number.isFinite(value)) {
    const date = new Date(Math.abs(value) < 1e11 ? value * 1000 : value);
    out = Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  } else if (typeof value === "string") {
    const rfc = RFC3339.exec(value);
    const local = rfc ? undefined : LOCAL.exec(value);
    if (rfc) out = `${rfc[1]}T${rfc[2]}${(rfc[4] as string).toUpperCase()}`;
    else if (local)
      out = `${local[1]}-${local[2]}-${local[3]}T${local[4]}:${local[5]}:${local[6]}${local[7] ?? ""}${timeZone}`;
    if (out !== undefined && Number.isNaN(Date.parse(out))) out = undefined;
  }
  if (out === undefined)
    throw unavailable(
      "变更时间无法识别：应为 RFC 3339、yyyy-MM-dd HH:mm:ss、yyyyMMddHHmmss 或纪元时间数值。",
      "a change time is not understood: expected RFC 3339, yyyy-MM-dd HH:mm:ss, yyyyMMddHHmmss or an epoch number",
    );
  return out;
}
