/**
 * Change detection for a directory of files. A rescan fingerprints every file (size, mtime and
 * SHA-256); a file whose content changed, appeared or disappeared is re-read, and the rows served
 * before and after are compared key by key: a new or different row is an `upsert`, a row gone
 * is a `delete`. The changes go to an in-memory log with a sequence number that only grows.
 *
 * The log keeps the latest change of each key (log compaction, as in Kafka's compacted topics):
 * a consumer that reads from any position reaches the current state, and memory grows with the
 * number of keys, not with the number of rescans. Its first entries are a snapshot: an upsert of
 * every row served when the key field was first used.
 *
 * Positions are `<epoch>-<sequence>`; the epoch is random per log. Positions do not survive a
 * restart: a position of another epoch (an earlier run) restarts the feed at the beginning of
 * this run's log, i.e. from the full snapshot.
 */
import { randomBytes } from "node:crypto";
import { AdapterError, type SourceChange } from "@govex/adapter";
import type { KeyView, ServedRow } from "./key-view.js";
import { compareKeys } from "./key-view.js";

export interface LogEntry {
  seq: number;
  key: string;
  op: "upsert" | "delete";
  time: string;
  row?: ServedRow;
  /** False once a later entry of the same key supersedes it. */
  live: boolean;
}

export type PendingChange = Omit<LogEntry, "seq" | "live">;

export class ChangeLog {
  readonly epoch = randomBytes(6).toString("hex");
  private entries: LogEntry[] = [];
  private readonly latest = new Map<string, LogEntry>();
  private seq = 0;
  private dead = 0;
  private lastTime = "";

  /** The sequence number of the last change (0 when there is none). */
  get head(): number {
    return this.seq;
  }

  append(change: PendingChange): void {
    // Times never go back along the feed (RFC 3339 in UTC compares as text): a file older than
    // one already logged is stamped with the later time, so consumers can order by time too.
    if (change.time < this.lastTime) change = { ...change, time: this.lastTime };
    this.lastTime = change.time;
    const previous = this.latest.get(change.key);
    if (previous !== undefined) {
      previous.live = false;
      previous.row = undefined; // let a superseded row be collected
      this.dead++;
    }
    // One object shape for every entry (no spread): logs hold hundreds of thousands of them.
    const entry: LogEntry = {
      seq: ++this.seq,
      key: change.key,
      op: change.op,
      time: change.time,
      row: change.row,
      live: true,
    };
    this.entries.push(entry);
    this.latest.set(change.key, entry);
    if (this.dead > 1024 && this.dead * 2 > this.entries.length) {
      this.entries = this.entries.filter((e) => e.live);
      this.dead = 0;
    }
  }

  /** Live entries with a sequence number above `after`, at most `limit`, in sequence order. */
  read(after: number, limit: number): LogEntry[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as LogEntry).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: LogEntry[] = [];
    for (let i = lo; i < this.entries.length && out.length < limit; i++) {
      const entry = this.entries[i] as LogEntry;
      if (entry.live) out.push(entry);
    }
    return out;
  }
}

/** Changes in the order they happened (file modification time), then by key. */
function byTimeThenKey(a: PendingChange, b: PendingChange): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : compareKeys(a.key, b.key);
}

/** The snapshot a new log begins with: an upsert of every served row, oldest file first. */
export function snapshot(view: KeyView): PendingChange[] {
  return view.keys
    .map((key): PendingChange => {
      const row = view.byKey.get(key) as ServedRow;
      return { key, op: "upsert", time: row.time, row };
    })
    .sort(byTimeThenKey);
}

/**
 * The changes from one view to the next, oldest first. A delete's time is the modification time
 * of the file that held the row when that file is still there, else `removedAt` (the rescan that
 * found the file gone).
 */
export function diffViews(
  before: KeyView,
  after: KeyView,
  fileTime: (name: string) => string | undefined,
  removedAt: string,
): PendingChange[] {
  const out: PendingChange[] = [];
  for (const [key, row] of after.byKey) {
    const old = before.byKey.get(key);
    if (old === undefined || (old.row !== row.row && !sameRow(old.row, row.row))) {
      out.push({ key, op: "upsert", time: row.time, row });
    }
  }
  for (const [key, old] of before.byKey) {
    if (!after.byKey.has(key)) {
      out.push({ key, op: "delete", time: fileTime(old.file) ?? removedAt });
    }
  }
  return out.sort(byTimeThenKey);
}

/** Same fields with the same non-empty values (an empty cell is no value, as in queries). */
function sameRow(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  let n = 0;
  for (const k of Object.keys(a)) {
    const v = a[k] as string;
    if (v === "") continue;
    n++;
    if (!Object.hasOwn(b, k) || b[k] !== v) return false;
  }
  for (const k of Object.keys(b)) if (b[k] !== "") n--;
  return n === 0;
}

const POSITION = /^([0-9a-f]{12})-(0|[1-9][0-9]{0,15})$/;

export function encodePosition(log: ChangeLog, seq: number): string {
  return `${log.epoch}-${seq}`;
}

/**
 * The sequence number to read after. A position of another epoch (before a restart) is 0: the
 * feed starts again from the snapshot.
 *
 * @throws AdapterError `bad_request` for a malformed position or one ahead of the log
 */
export function decodePosition(log: ChangeLog, position: string | undefined): number {
  if (position === undefined) return 0;
  const m = POSITION.exec(position);
  const seq = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !Number.isSafeInteger(seq)) {
    throw new AdapterError("bad_request", {
      zh: "变更位置格式无效。请使用上一页返回的位置，或不带位置从头读取。",
      en: "malformed changes position: pass the position of the previous page, or none to start over",
      path: "/cursor",
    });
  }
  if (m[1] !== log.epoch) return 0;
  if (seq > log.head) {
    throw new AdapterError("bad_request", {
      zh: "变更位置超出了已有的变更。请使用上一页返回的位置。",
      en: "the changes position is ahead of the feed: pass the position of the previous page",
      path: "/cursor",
    });
  }
  return seq;
}

/** A log entry as the contract's change, with the row projected by `project`. */
export function toSourceChange(
  entry: LogEntry,
  project: (row: ServedRow) => Record<string, unknown>,
): SourceChange {
  const change: SourceChange = { key: entry.key, op: entry.op, time: entry.time };
  if (entry.op === "upsert" && entry.row !== undefined) change.row = project(entry.row);
  return change;
}
