import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { GovexValidatorError } from "../errors.js";
import type { FileOptions, FileReport } from "../types.js";
import { inputError } from "./input-error.js";
import {
  type ByteRange,
  DEFAULT_MAX_REPORT_ISSUES,
  mergeRanges,
  type RangeResult,
  splitOnLines,
} from "./ndjson-range.js";
import type { ParallelPlan } from "./parallel-plan.js";
import { checkAborted } from "./validate-stream.js";

/** What the main thread gives a worker (workerData). */
export interface WorkerTask {
  path: string;
  range: ByteRange;
  schema: string;
  /** The options without functions and signal (they cannot cross threads). */
  opts: FileOptions;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { type: "progress"; bytes: number }
  | { type: "done"; result: RangeResult }
  | { type: "error"; error: WorkerFailure };

export type WorkerFailure =
  | {
      kind: "govex";
      code: GovexValidatorError["code"];
      messages: GovexValidatorError["messages"];
      path?: string;
      details?: Record<string, unknown>;
    }
  | { kind: "io"; code?: string; message: string }
  | { kind: "crash"; message: string };

/**
 * Validate a UTF-8 NDJSON file with worker threads: cut it into newline-aligned byte ranges, let
 * each worker frame and validate its range as the single-threaded engine would, and merge the
 * results in file order so that the report is identical to the single-threaded one.
 * Progress is the sum of the bytes the workers have read; an abort or a failing worker
 * terminates every worker, and they are always terminated before this returns or throws.
 */
export async function validateFileParallel(
  path: string,
  size: number,
  plan: ParallelPlan,
  opts: FileOptions,
): Promise<FileReport> {
  checkAborted(opts.signal);
  let ranges: ByteRange[];
  try {
    ranges = await splitOnLines(path, plan.start, size, plan.workers);
  } catch (err) {
    throw inputError(path, err);
  }
  const { onProgress, signal, ...plain } = opts;
  const read = ranges.map(() => 0);
  const report = () => {
    let sum = plan.start; // the BOM counts as read, as in the single-threaded path
    for (const r of read) sum += r;
    onProgress?.(sum);
  };
  const workers: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        try {
          checkAborted(signal);
        } catch (err) {
          reject(err);
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {}); // it may never be awaited if every worker finishes first
    const jobs = ranges.map((range, i) => {
      const task: WorkerTask = { path, range, schema: plan.schema, opts: plain };
      const worker = spawn(plan.entry, task);
      workers.push(worker);
      return runWorker(worker, path, (bytes) => {
        read[i] = bytes;
        report();
      });
    });
    const results = await Promise.race([Promise.all(jobs), aborted]);
    report();
    return mergeRanges(path, results, opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
}

function spawn(entry: URL, task: WorkerTask): Worker {
  if (!entry.pathname.endsWith("ts")) return new Worker(entry, { workerData: task });
  // From source (tests, the bench): TypeScript through tsx's loader, registered in the worker
  // itself (Node 20 applies no `--import` hooks of execArgv inside a worker), and workspace
  // packages through the "@govex/source" export condition.
  const tsx = tsxApi(entry);
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, {
    eval: true,
    workerData: task,
    execArgv: ["--conditions=@govex/source"],
  });
}

/** tsx's ESM register API (its `import` export of "./esm/api"), found from the worker entry. */
function tsxApi(from: URL): string {
  const req = createRequire(from);
  const pkgPath = req.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
    exports?: Record<string, { import?: { default?: string } | string }>;
  };
  const api = pkg.exports?.["./esm/api"]?.import;
  const rel = (typeof api === "string" ? api : api?.default) ?? "./dist/esm/api/index.mjs";
  return new URL(rel, pathToFileURL(pkgPath)).href;
}

/** One worker's result; a crash, an early exit or an error it reports becomes a GovexValidatorError. */
function runWorker(
  worker: Worker,
  path: string,
  onBytes: (bytes: number) => void,
): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: GovexValidatorError) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    worker.on("message", (m: WorkerMessage) => {
      if (settled) return;
      if (m.type === "progress") onBytes(m.bytes);
      else if (m.type === "done") {
        settled = true;
        resolve(m.result);
      } else fail(fromFailure(path, m.error));
    });
    worker.on("error", (err) =>
      fail(crashed(path, err instanceof Error ? err.message : String(err), err)),
    );
    worker.on("exit", (code) => fail(crashed(path, `the worker thread exited with code ${code}`)));
  });
}

function fromFailure(path: string, f: WorkerFailure): GovexValidatorError {
  if (f.kind === "govex") {
    const o: { path?: string; details?: Record<string, unknown> } = {};
    if (f.path !== undefined) o.path = f.path;
    if (f.details !== undefined) o.details = f.details;
    return new GovexValidatorError(f.code, f.messages, o);
  }
  if (f.kind === "io")
    return inputError(path, Object.assign(new Error(f.message), { code: f.code }));
  return crashed(path, f.message);
}

/** A worker thread that failed (crashed, exited early or sent something unexpected). */
function crashed(path: string, reason: string, cause?: unknown): GovexValidatorError {
  return new GovexValidatorError(
    "worker_failed",
    {
      "zh-CN": `并行校验 ${path} 时工作线程失败：${reason}。请以 workers: 1（命令行 --workers 1）重试，若仍失败请报告此问题。`,
      en: `a worker thread failed while validating ${path}: ${reason}. Retry with workers: 1 (--workers 1 on the command line), and report the problem if it persists.`,
    },
    { path, cause, details: { reason, worker: true } },
  );
}
