/**
 * Looking at the directory: which files match, which changed since the last look, and their
 * rows. A file is re-read when its size or mtime changed, or when its last fingerprint was
 * "racy" (taken within RACY_MS of its mtime, so that a write in the same clock tick could have
 * left size and mtime unchanged; git's index handles the same race the same way). Its SHA-256
 * then decides whether the content really changed.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FileSourceConfig } from "./config.js";
import { type FileIssue, fileIssue } from "./issues.js";
import { compareKeys } from "./key-view.js";
import { compilePattern, isIgnoredName } from "./pattern.js";
import { type FileVersion, readSourceFile } from "./read-file.js";

/** A fingerprint taken less than this after the file's mtime is re-checked at the next look. */
export const RACY_MS = 2000;

/** The version of a file whose rows are served. */
export interface HeldFile {
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** When the fingerprint was taken (ms since the epoch). */
  checkedAt: number;
  /** RFC 3339 mtime of the version read: the time of its changes. */
  time: string;
  version: FileVersion;
}

/** A file that could not be read as a whole, and the size and mtime it had then. */
export interface FailedFile {
  size: number;
  mtimeMs: number;
  issue: FileIssue;
}

export interface FileState {
  held?: HeldFile;
  failure?: FailedFile;
}

export interface DirectoryLook {
  files: Map<string, FileState>;
  /** Whether the rows of any file changed (new, changed or removed file). */
  changed: boolean;
  /** Files ignored or left for the next look. */
  issues: FileIssue[];
}

/** The look could not be completed; the previous state stays. */
export class LookFailed extends Error {
  constructor(readonly issue: FileIssue) {
    super(issue.en);
  }
}

/**
 * Look at the directory, re-reading what changed. Files are read one at a time, in name order,
 * so memory holds at most one file being read besides the rows kept.
 *
 * @throws LookFailed `directory_unreadable`, `too_many_rows`
 */
export async function lookAtDirectory(
  directory: string,
  config: FileSourceConfig,
  previous: ReadonlyMap<string, FileState>,
  now: () => number = Date.now,
): Promise<DirectoryLook> {
  const matches = compilePattern(config.pattern);
  let names: string[];
  try {
    names = (await readdir(directory)).filter((n) => !isIgnoredName(n) && matches(n));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException)?.code ?? String(err);
    throw new LookFailed(fileIssue("directory_unreadable", { params: { reason } }));
  }
  names.sort(compareKeys);
  const files = new Map<string, FileState>();
  const issues: FileIssue[] = [];
  let changed = false;
  let rows = 0;
  for (const name of names) {
    const path = join(directory, name);
    const before = await lstat(path).catch(() => undefined);
    if (before === undefined) continue; // removed since readdir
    if (!before.isFile()) {
      issues.push(fileIssue("not_a_regular_file", { file: name }));
      continue;
    }
    const old = previous.get(name) ?? {};
    const state = await lookAtFile(path, name, before, old, config, now);
    if (state === "changing") {
      issues.push(fileIssue("file_changing", { file: name }));
      if (old.held !== undefined || old.failure !== undefined) files.set(name, old);
    } else {
      if (state.held?.version !== old.held?.version) changed = true;
      files.set(name, state);
    }
    rows += files.get(name)?.held?.version.rows.length ?? 0;
    if (rows > config.maxRows) {
      const issue = fileIssue("too_many_rows", { params: { limit: config.maxRows } });
      throw new LookFailed(issue);
    }
  }
  if (names.length === 0) {
    issues.push(fileIssue("no_matching_files", { params: { pattern: config.pattern } }));
  }
  for (const [name, state] of previous) {
    if (state.held !== undefined && !files.has(name)) changed = true;
  }
  return { files, changed, issues };
}

async function lookAtFile(
  path: string,
  name: string,
  before: { size: number; mtimeMs: number },
  old: FileState,
  config: FileSourceConfig,
  now: () => number,
): Promise<FileState | "changing"> {
  const same = (f: { size: number; mtimeMs: number } | undefined) =>
    f !== undefined && f.size === before.size && f.mtimeMs === before.mtimeMs;
  const held = old.held;
  if (same(old.failure)) return old;
  if (held !== undefined && same(held) && held.checkedAt - held.mtimeMs >= RACY_MS) {
    return { held };
  }
  const checkedAt = now();
  const outcome = await readSourceFile({
    path,
    name,
    size: before.size,
    config,
    ...(held === undefined ? {} : { previousSha256: held.sha256 }),
  });
  const after = await stat(path).catch(() => undefined);
  if (after === undefined || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    return "changing";
  }
  const fingerprint = { size: before.size, mtimeMs: before.mtimeMs, checkedAt };
  switch (outcome.kind) {
    case "too_many_rows":
      throw new LookFailed(fileIssue("too_many_rows", { params: { limit: config.maxRows } }));
    case "failed":
      return {
        ...(held === undefined ? {} : { held }),
        failure: { size: before.size, mtimeMs: before.mtimeMs, issue: outcome.issue },
      };
    case "same":
      // The content is what is held: a new mtime alone is no change.
      return { held: { ...(held as HeldFile), ...fingerprint } };
    case "read":
      return {
        held: {
          name,
          ...fingerprint,
          sha256: outcome.sha256,
          time: new Date(before.mtimeMs).toISOString(),
          version: outcome.version,
        },
      };
  }
}
