/**
 * Transparency-log checkpoints (c2sp.org/tlog-checkpoint): the note text, and
 * signing and opening checkpoints as signed notes.
 *
 * @module checkpoint/tlog-checkpoint
 */
import { NoteError } from "./note-error.js";
import {
  checkText,
  decodeBase64,
  encodeBase64,
  type NoteLimits,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
} from "./note-format.js";
import { signNote } from "./note-sign.js";
import { openNote } from "./note-verify.js";

/** A transparency-log checkpoint (tlog-checkpoint "Note text"). */
export interface Checkpoint {
  /** The log's identity, e.g. "audit.example.gov.cn/log". */
  origin: string;
  /** Number of leaves, 0 ≤ size ≤ 2^53 − 1. */
  size: number;
  /** The RFC 6962 / RFC 9162 Merkle tree hash at `size` (32 bytes). */
  rootHash: Uint8Array;
  /** Optional non-empty extension lines (NOT RECOMMENDED by the spec). */
  extensions: string[];
}

export function malformedCheckpoint(
  zh: string,
  en: string,
  params: Record<string, unknown> = {},
): NoteError {
  return new NoteError(
    "malformed_checkpoint",
    `检查点格式错误: ${zh}`,
    `malformed checkpoint: ${en}`,
    params,
  );
}

export const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * The checkpoint note text: origin, decimal size, base64 root hash, then any
 * extension lines, each ending in a newline (tlog-checkpoint "Note text").
 *
 * @example
 * formatCheckpoint({ origin: "example.com/behind-the-sofa", size: 20852163, rootHash, extensions: [] });
 * // "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
 */
export function formatCheckpoint(c: Checkpoint): string {
  if (typeof c?.origin !== "string" || c.origin === "" || c.origin.includes("\n")) {
    throw malformedCheckpoint(
      "origin 须为非空的单行文本。",
      "the origin must be one non-empty line.",
    );
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw malformedCheckpoint(
      `树大小 ${String(c.size)} 须为 0 到 2^53−1 的整数。`,
      `the tree size ${String(c.size)} must be an integer from 0 to 2^53 − 1.`,
      { size: c.size },
    );
  }
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== 32) {
    throw malformedCheckpoint(
      "根哈希须为 32 字节 (SHA-256)。",
      "the root hash must be 32 bytes (SHA-256).",
    );
  }
  const extensions = c.extensions ?? [];
  for (const line of extensions) {
    if (typeof line !== "string" || line === "" || line.includes("\n")) {
      throw malformedCheckpoint(
        "扩展行须为非空的单行文本。",
        "each extension line must be one non-empty line.",
      );
    }
  }
  const text = [c.origin, String(c.size), encodeBase64(c.rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join("");
  checkText(text, "text");
  return text;
}

/**
 * Parse checkpoint note text (the `text` of an opened note) into its fields.
 * Throws a {@link NoteError} `malformed_checkpoint` (or `control_character`).
 *
 * @example
 * parseCheckpoint("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").size; // 20852163
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw malformedCheckpoint("正文须以换行结尾。", "the text must end with a newline.");
  }
  checkText(text, "text");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) {
    throw malformedCheckpoint(
      "至少需要三行 (origin、树大小、根哈希)。",
      "it needs at least three lines (origin, tree size, root hash).",
      { lines: lines.length },
    );
  }
  const [origin, sizeLine, rootLine, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === "")
    throw malformedCheckpoint("第 1 行 origin 为空。", "line 1 (origin) is empty.", { line: 1 });
  if (!DECIMAL.test(sizeLine) || sizeLine.length > 16 || !Number.isSafeInteger(Number(sizeLine))) {
    throw malformedCheckpoint(
      `第 2 行树大小 ${JSON.stringify(sizeLine.slice(0, 32))} 须为无前导零的十进制整数, 且不超过 2^53−1。`,
      `line 2 (tree size) ${JSON.stringify(sizeLine.slice(0, 32))} must be decimal without leading zeros, at most 2^53 − 1.`,
      { line: 2 },
    );
  }
  const rootHash = decodeBase64(rootLine);
  if (rootHash?.length !== 32) {
    throw malformedCheckpoint(
      "第 3 行根哈希须为 32 字节的规范 base64。",
      "line 3 (root hash) must be canonical base64 of 32 bytes.",
      { line: 3 },
    );
  }
  const empty = extensions.indexOf("");
  if (empty >= 0) {
    throw malformedCheckpoint(
      `第 ${empty + 4} 行扩展行为空。`,
      `line ${empty + 4} (an extension line) is empty.`,
      { line: empty + 4 },
    );
  }
  return { origin, size: Number(sizeLine), rootHash, extensions };
}

/**
 * Sign a checkpoint as a note. The log's key name SHOULD equal the origin (tlog-checkpoint).
 *
 * @example
 * const note = await signCheckpoint({ origin, size: tree.size, rootHash: tree.root(), extensions: [] }, [signer]);
 */
export function signCheckpoint(c: Checkpoint, signers: NoteSigner[]): Promise<string> {
  return signNote(formatCheckpoint(c), signers);
}

/**
 * Open a signed checkpoint: {@link openNote}, then {@link parseCheckpoint} of its text.
 * Only trust the result if one of `verifiers` is the log's own key.
 *
 * @example
 * const { checkpoint } = openCheckpoint(note, [parseVerifierKey(logVkey)]);
 * verifyConsistency(old.size, checkpoint.size, old.rootHash, checkpoint.rootHash, proof);
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  limits?: NoteLimits,
): { checkpoint: Checkpoint; text: string; signatures: NoteSignature[] } {
  const opened = openNote(note, verifiers, limits);
  return { checkpoint: parseCheckpoint(opened.text), ...opened };
}
