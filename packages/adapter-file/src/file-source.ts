/**
 * The file source: a directory of CSV/TSV and XLSX files held in memory, indexed by the key
 * field the core asks for, re-read when files change.
 */
import { stat } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import {
  AdapterError,
  type Source,
  type SourceChangesPage,
  type SourceChangesRequest,
  type SourceContext,
  type SourceGetRequest,
  type SourceHealth,
  type SourceRow,
  type SourceScanRequest,
} from "@govex/adapter";
import {
  ChangeLog,
  decodePosition,
  diffViews,
  encodePosition,
  snapshot,
  toSourceChange,
} from "./changes.js";
import { type FileSourceConfig, parseFileSourceConfig } from "./config.js";
import { type FileState, LookFailed, lookAtDirectory } from "./directory.js";
import type { FileIssue } from "./issues.js";
import { KeyView, type ViewFile } from "./key-view.js";
import { getFromView, project, scanView } from "./query.js";
import type { FileFormat } from "./read-file.js";

/** A file whose rows are served, with its fingerprint. */
export interface FileInfo {
  /** Name within the directory. */
  file: string;
  format: FileFormat;
  encoding?: "utf8" | "gb18030";
  sheet?: string;
  size: number;
  /** RFC 3339 modification time of the version read. */
  mtime: string;
  sha256: string;
  rows: number;
  columns: string[];
}

/** The file source, with what it found in the directory. */
export interface FileSource extends Source {
  readonly kind: "file";
  /** The directory read (absolute). */
  readonly directory: string;
  /** Look at the directory now; true when rows changed. Throws `unavailable` when the look failed. */
  rescan(): Promise<boolean>;
  /**
   * What is wrong now: issues of the directory, of each file, and of the rows' keys (for each key
   * field used so far). Errors withhold rows or files; warnings withhold nothing.
   */
  issues(): FileIssue[];
  /** The files whose rows are served, in name order. */
  files(): FileInfo[];
  changes(request: SourceChangesRequest): Promise<SourceChangesPage>;
}

interface Keyed {
  view: KeyView;
  log: ChangeLog;
}

class DirectorySource implements FileSource {
  readonly kind = "file" as const;
  private state = new Map<string, FileState>();
  private lookIssues: FileIssue[] = [];
  private lookFailure: FileIssue | undefined;
  private lastLook = Number.NEGATIVE_INFINITY;
  private running: Promise<boolean> | undefined;
  private queued: Promise<boolean> | undefined;
  private readonly keyed = new Map<string, Keyed>();
  private closed = false;

  constructor(
    readonly directory: string,
    private readonly config: FileSourceConfig,
  ) {}

  rescan(): Promise<boolean> {
    this.ensureOpen();
    if (this.running === undefined) {
      this.running = this.look().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // A look is under way, and may have passed a file changed since: look once more after it.
    this.queued ??= this.running
      .catch(() => false)
      .then(() => {
        this.queued = undefined;
        return this.rescan();
      });
    return this.queued;
  }

  private async look(): Promise<boolean> {
    try {
      const result = await lookAtDirectory(this.directory, this.config, this.state);
      if (this.closed) return false;
      this.state = result.files;
      this.lookIssues = result.issues;
      this.lookFailure = undefined;
      if (result.changed) this.reindex();
      return result.changed;
    } catch (err) {
      if (!(err instanceof LookFailed)) throw err;
      this.lookFailure = err.issue;
      throw new AdapterError("unavailable", {
        zh: err.issue.zh,
        en: err.issue.en,
        params: { code: err.issue.code, ...err.issue.params },
        cause: err,
      });
    } finally {
      this.lastLook = Date.now();
    }
  }

  /** Rebuild every key view from the files and log what changed. */
  private reindex(): void {
    const now = new Date().toISOString();
    const fileTime = (name: string) => this.state.get(name)?.held?.time;
    for (const [keyField, keyed] of this.keyed) {
      const view = new KeyView(keyField, this.viewFiles());
      for (const change of diffViews(keyed.view, view, fileTime, now)) keyed.log.append(change);
      keyed.view = view;
    }
  }

  private viewFiles(): ViewFile[] {
    const out: ViewFile[] = [];
    for (const state of this.state.values()) {
      if (state.held !== undefined) out.push(state.held);
    }
    return out;
  }

  private keyedBy(keyField: string): Keyed {
    let keyed = this.keyed.get(keyField);
    if (keyed === undefined) {
      const view = new KeyView(keyField, this.viewFiles());
      const log = new ChangeLog();
      for (const change of snapshot(view)) log.append(change);
      keyed = { view, log };
      this.keyed.set(keyField, keyed);
    }
    return keyed;
  }

  /**
   * Look again when the last look is older than the interval. A look already under way is not
   * waited for (a large file may take seconds to re-read): the rows held so far are served. A
   * failed look leaves the last rows served, and `check` reports it.
   */
  private async fresh(signal: AbortSignal | undefined): Promise<void> {
    this.ensureOpen();
    signal?.throwIfAborted();
    if (this.running === undefined && Date.now() - this.lastLook >= this.config.rescanIntervalMs) {
      await this.rescan().catch((err: unknown) => {
        if (!(err instanceof AdapterError)) throw err;
      });
    }
    signal?.throwIfAborted();
  }

  async check(signal?: AbortSignal): Promise<SourceHealth> {
    await this.fresh(signal);
    const errors = this.issues().filter((i) => i.severity === "error");
    if (errors.length === 0) return { status: "ok" };
    const counts = new Map<string, number>();
    for (const e of errors) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
    const detail = [...counts].map(([code, n]) => `${code} ×${n}`).join(", ");
    return { status: "degraded", detail: `${errors.length} issue(s): ${detail}` };
  }

  async scan(request: SourceScanRequest): Promise<SourceRow[]> {
    await this.fresh(request.signal);
    return scanView(this.keyedBy(request.keyField).view, request);
  }

  async get(request: SourceGetRequest): Promise<SourceRow | undefined> {
    await this.fresh(request.signal);
    const keyed = this.keyedBy(request.keyField);
    const duplicate = keyed.view.duplicated.get(request.key);
    if (duplicate !== undefined) {
      throw new AdapterError("record_invalid", {
        zh: `该键在数据文件中出现多次，记录暂不提供。${duplicate.zh}`,
        en: `the key is on more than one row of the data files, so the record is withheld. ${duplicate.en}`,
        params: { code: "duplicate_key", locations: duplicate.params.locations },
      });
    }
    return getFromView(keyed.view, request);
  }

  async changes(request: SourceChangesRequest): Promise<SourceChangesPage> {
    this.ensureOpen();
    request.signal?.throwIfAborted();
    await this.rescan();
    const keyed = this.keyedBy(request.keyField);
    const after = decodePosition(keyed.log, request.position);
    const limit = Math.max(0, Math.floor(request.limit));
    const entries = keyed.log.read(after, limit);
    const last = entries[entries.length - 1];
    return {
      changes: entries.map((e) =>
        toSourceChange(e, (row) => project(row, request.fields, request.keyField)),
      ),
      position: encodePosition(keyed.log, last === undefined ? after : last.seq),
    };
  }

  issues(): FileIssue[] {
    const out: FileIssue[] = [];
    if (this.lookFailure !== undefined) out.push(this.lookFailure);
    out.push(...this.lookIssues);
    for (const state of this.state.values()) {
      if (state.failure !== undefined) out.push(state.failure.issue);
      if (state.held !== undefined) out.push(...state.held.version.issues);
    }
    for (const keyed of this.keyed.values()) out.push(...keyed.view.issues);
    return out;
  }

  files(): FileInfo[] {
    const out: FileInfo[] = [];
    for (const state of this.state.values()) {
      const held = state.held;
      if (held === undefined) continue;
      const { format, encoding, sheet, columns, rows } = held.version;
      out.push({
        file: held.name,
        format,
        ...(encoding === undefined ? {} : { encoding }),
        ...(sheet === undefined ? {} : { sheet }),
        size: held.size,
        mtime: held.time,
        sha256: held.sha256,
        rows: rows.length,
        columns: [...columns],
      });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.state = new Map();
    this.keyed.clear();
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw new AdapterError("unavailable", {
        zh: "文件数据源已关闭。",
        en: "the file source is closed",
      });
    }
  }
}

function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

/**
 * Create a file source from a mapping file's `source` block: check the block, read every
 * matching file of the directory, and serve the rows from memory. Start-up fails when the block
 * is wrong, the directory is missing, or the files hold more rows than `maxRows`; a file that
 * cannot be read is an issue (`issues()`, and `check()` reports degraded), not a failure.
 *
 * @throws AdapterError `config_invalid`
 * @example
 * const source = await createSource(
 *   { kind: "file", directory: "./data", pattern: "*.csv", encoding: "auto" },
 *   { baseDir: dirname(mappingFile), env: process.env, file: mappingFile },
 * );
 * const rows = await source.scan({ keyField: "TYSHXYDM", filter: {}, fields: [], limit: 100 });
 * source.issues(); // [{ code: "duplicate_key", file: "2024.csv", line: 17, zh: "…", en: "…" }]
 */
export async function createSource(
  block: Record<string, unknown>,
  context: SourceContext,
): Promise<FileSource> {
  const config = parseFileSourceConfig(block, context.file);
  const base = resolve(context.baseDir);
  const directory = resolve(base, config.directory);
  const where = context.file === undefined ? "" : `${context.file} `;
  if (!isInside(base, directory)) {
    // Unreachable after the schema's checks; kept so that no later change can open a way out.
    throw new AdapterError("config_invalid", {
      zh: `${where}数据目录必须位于映射文件所在目录之下。`,
      en: `${where}the data directory must be under the mapping file's directory`,
      path: "/source/directory",
    });
  }
  const st = await stat(directory).catch(() => undefined);
  if (st === undefined || !st.isDirectory()) {
    throw new AdapterError("config_invalid", {
      zh: `${where}数据目录 ${config.directory} 不存在或不是目录（解析为 ${directory}）。请检查 directory 设置。`,
      en: `${where}the data directory ${config.directory} does not exist or is not a directory (resolved to ${directory}): check directory.`,
      path: "/source/directory",
    });
  }
  const source = new DirectorySource(directory, config);
  try {
    await source.rescan();
  } catch (err) {
    if (!(err instanceof AdapterError)) throw err;
    const tooMany = err.params.code === "too_many_rows";
    throw new AdapterError("config_invalid", {
      zh: `${where}${err.zh}`,
      en: `${where}${err.message}`,
      path: tooMany ? "/source/maxRows" : "/source/directory",
      params: err.params,
      cause: err,
    });
  }
  return source;
}
