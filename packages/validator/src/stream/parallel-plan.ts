import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findBuiltin } from "../builtin.js";
import { getValidator } from "../get-validator.js";
import type { FileOptions, Validator } from "../types.js";
import { GovexValidator } from "../validator.js";
import { formatFromName, sniffFormat } from "./detect-format.js";
import { bomLength, detectEncoding, SNIFF_BYTES } from "./encoding.js";

/** Files below this size are not worth a worker's start-up (about 0.1 s built, more from source). */
export const DEFAULT_PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
/** "auto" never starts more workers than this: beyond it the disk, not the CPU, is the limit. */
export const MAX_AUTO_WORKERS = 4;

/** How a file is validated in parallel. */
export interface ParallelPlan {
  /** Workers to start (≥ 2). */
  workers: number;
  /** What the workers pass to getValidator: a built-in spec name or an absolute schema path. */
  schema: string;
  /** Where the first range starts: after a UTF-8 BOM (EF BB BF), as the single-threaded engine skips it. */
  start: number;
  /** The worker entry, a sibling of this module (.ts from source, .js/.cjs when built). */
  entry: URL;
}

/** The worker count an option asks for: "auto" → min(availableParallelism(), 4); junk → 1. */
export function resolveWorkers(opt: FileOptions["workers"]): number {
  if (opt === undefined || opt === "auto")
    return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_WORKERS));
  return Number.isFinite(opt) && opt >= 1 ? Math.floor(opt) : 1;
}

/**
 * Decide whether a file is validated by worker threads. Only when it is safe (UTF-8 NDJSON, a
 * validator the workers can load by name or path and that is the very instance given) and worth
 * it (≥ `parallelMinBytes`, ≥ 2 workers); otherwise null and the single-threaded engine runs.
 * Encoding and format are decided from the same first 64 KiB the engine sniffs.
 */
export async function planParallel(
  path: string,
  size: number,
  validator: Validator,
  opts: FileOptions,
): Promise<ParallelPlan | null> {
  const workers = resolveWorkers(opts.workers);
  if (workers < 2 || size < (opts.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES)) return null;
  const named =
    opts.format && opts.format !== "auto" ? opts.format : formatFromName(opts.fileName ?? path);
  if (named !== undefined && named !== "ndjson") return null;
  const requested = opts.encoding ?? "auto";
  if (requested !== "auto" && requested !== "utf8") return null;
  const entry = workerEntry();
  if (entry === null) return null;
  const schema = await workerSchema(validator, opts.schema);
  if (schema === null) return null;

  const head = await readHead(path, Math.min(size, SNIFF_BYTES));
  let encoding: string;
  try {
    encoding = detectEncoding(head, requested, size < SNIFF_BYTES);
  } catch {
    return null; // UTF-16: the single-threaded path reports it
  }
  if (encoding !== "utf8") return null;
  const start = bomLength(head, "utf8");
  if (named === undefined && sniffFormat(head.subarray(start)) !== "ndjson") return null;
  return { workers, schema, start, entry };
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The key a worker loads the validator by, checked to give back this very validator (so a
 * schema file changed on disk, or a validator from a schema object, stays on one thread).
 */
async function workerSchema(
  validator: Validator,
  given: string | undefined,
): Promise<string | null> {
  if (!(validator instanceof GovexValidator)) return null;
  let key = given;
  if (key === undefined) {
    const builtin = findBuiltin(validator.id);
    if (builtin !== undefined) key = builtin.name;
    else if (validator.id.startsWith("file:")) {
      try {
        key = fileURLToPath(validator.id);
      } catch {
        return null;
      }
    } else return null;
  } else if (findBuiltin(key) === undefined && !isAbsolute(key)) {
    key = resolve(key);
  }
  try {
    return (await getValidator(key)) === validator ? key : null;
  } catch {
    return null;
  }
}

let entryCache: URL | null | undefined;

/** The worker file beside this module, with this module's extension; null when it is missing (a bundle without it). */
export function workerEntry(): URL | null {
  if (entryCache !== undefined) return entryCache;
  const here = import.meta.url;
  const ext = /\.(ts|mts|cts|js|mjs|cjs)$/.exec(here)?.[1];
  let url: URL | null = null;
  if (ext !== undefined) {
    const candidate = new URL(`./validate-worker.${ext}`, here);
    if (candidate.protocol === "file:" && existsSync(fileURLToPath(candidate))) url = candidate;
  }
  entryCache = url;
  return url;
}
