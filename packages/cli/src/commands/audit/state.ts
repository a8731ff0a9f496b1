/**
 * The checkpoint `govex audit verify` saw last time: a small JSON file (origin, size, root, note).
 * Only the signed note is trusted — it is re-verified with the log's key on every run; the other
 * fields are there for people reading the file, and a disagreement with the note is reported.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../../io.js";

/** The default state file, relative to the working directory. */
export const DEFAULT_STATE_FILE = ".govex/audit-state.json";

/** A checkpoint kept between runs. */
export interface SavedCheckpoint {
  origin: string;
  size: number;
  /** base64 root hash. */
  root: string;
  /** The C2SP signed note, exactly as the node served it. */
  note: string;
}

// A signed note is at most 1 MiB (C2SP signed-note limits in @govex/security); the rest is small.
const MAX_STATE_BYTES = 2 * 1024 * 1024;

function unusable(path: string, zh: string, en: string): UsageError {
  return new UsageError({
    "zh-CN": `状态文件 ${path} 无法使用: ${zh}。请修复或换用 --state 指定的另一个文件 (删除它即重新「首次使用即信任」)。`,
    en: `the state file ${path} is unusable: ${en}. Repair it or pass another --state file (deleting it means trusting on first use again).`,
  });
}

/**
 * The saved checkpoint, or `undefined` when the file does not exist yet (first run).
 *
 * @throws UsageError when the file exists but cannot be read or is not a state file.
 */
export function readState(path: string): SavedCheckpoint | undefined {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_STATE_BYTES)
      throw unusable(path, `超过 ${MAX_STATE_BYTES} 字节`, `larger than ${MAX_STATE_BYTES} bytes`);
    text = bytes.toString("utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw unusable(path, (error as Error).message, (error as Error).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unusable(path, "不是 JSON", "it is not JSON");
  }
  const v = value as Partial<Record<keyof SavedCheckpoint, unknown>> | null;
  if (
    typeof v !== "object" ||
    v === null ||
    Array.isArray(v) ||
    typeof v.note !== "string" ||
    typeof v.origin !== "string" ||
    typeof v.root !== "string" ||
    typeof v.size !== "number" ||
    !Number.isSafeInteger(v.size) ||
    v.size < 0
  )
    throw unusable(
      path,
      "须为含 origin、size、root、note 的 JSON 对象",
      "it must be a JSON object with origin, size, root and note",
    );
  return { origin: v.origin, size: v.size, root: v.root, note: v.note };
}

/**
 * Save the checkpoint: written to a temporary file beside it, then renamed, so an interrupted run
 * never leaves half a state file.
 *
 * @throws Error from the file system.
 */
export function writeState(path: string, state: SavedCheckpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  renameSync(partial, path);
}
