/**
 * Worker-thread entry of parallel NDJSON validation (see validate-parallel.ts): loads the
 * validator by name or path, validates its byte range, posts progress and then its result.
 * Built as its own file (dist/validate-worker.js / .cjs) next to the module that starts it.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { GovexValidatorError } from "../errors.js";
import { getValidator } from "../get-validator.js";
import { validateRange } from "./ndjson-range.js";
import type { WorkerFailure, WorkerMessage, WorkerTask } from "./validate-parallel.js";

/** Post progress at most every this many bytes: enough for a progress bar, cheap to send. */
const PROGRESS_BYTES = 1024 * 1024;

async function main(port: NonNullable<typeof parentPort>, task: WorkerTask): Promise<void> {
  const post = (m: WorkerMessage) => port.postMessage(m);
  try {
    const validator = await getValidator(task.schema);
    let posted = 0;
    const result = await validateRange(task.path, task.range, validator, task.opts, (bytes) => {
      if (bytes - posted >= PROGRESS_BYTES) {
        posted = bytes;
        post({ type: "progress", bytes });
      }
    });
    post({ type: "progress", bytes: task.range.end - task.range.start });
    post({ type: "done", result });
  } catch (err) {
    post({ type: "error", error: failure(err) });
  }
}

function failure(err: unknown): WorkerFailure {
  if (err instanceof GovexValidatorError) {
    const f: WorkerFailure = { kind: "govex", code: err.code, messages: err.messages };
    if (err.path !== undefined) f.path = err.path;
    if (err.details !== undefined) f.details = toPlain(err.details);
    return f;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return { kind: "io", code, message };
  return { kind: "crash", message };
}

/** Details as plain data that survives structured cloning. */
function toPlain(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

if (parentPort !== null) void main(parentPort, workerData as WorkerTask);
