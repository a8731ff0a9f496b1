/**
 * `verifyAuditLog`: what a department (or `govex audit verify`) checks with what it fetched from
 * a node — signed checkpoints, consistency proofs between them, its own entries with their
 * inclusion proofs. Pure and offline: no network, no database. Every problem is reported as data
 * (an issue with a code and zh-CN / English messages); nothing throws on hostile input.
 *
 * What passing means: every checkpoint is signed by the log's key; the log at each later
 * checkpoint extends the log at each earlier one (RFC 9162 §2.1.4: nothing was rewritten or
 * removed in between); and each entry, as served, hashes to a leaf that is in a signed tree
 * (RFC 9162 §2.1.3).
 */
import {
  type NoteVerifier,
  openCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from "@govex/security";
import { type AuditEntryJson, auditEntryLeafHash } from "./entry.js";
import type { ConsistencyProofJson, InclusionProofJson } from "./log.js";

/** What was fetched from the node (and kept from earlier visits). */
export interface AuditEvidence {
  /** The log's public keys (e.g. `parseVerifierKey(vkey)` of its published verifier key). */
  verifiers: readonly NoteVerifier[];
  /** The origin line the log must have (default: the first valid checkpoint's). */
  origin?: string;
  /** Signed checkpoints in any order: the ones kept from earlier visits and the current one. */
  checkpoints: readonly (string | Uint8Array)[];
  /** Consistency proofs linking the checkpoints (GET /audit/proofs/consistency). */
  consistencyProofs?: readonly ConsistencyProofJson[];
  /** Entries (GET /audit/entries) with their inclusion proofs (GET /audit/proofs/inclusion). */
  entries?: readonly { entry: AuditEntryJson; proof: InclusionProofJson }[];
}

/** Codes of {@link AuditIssue}. */
export type AuditIssueCode =
  /** No checkpoint was given, or none could be verified. */
  | "no_checkpoint"
  /** A checkpoint is malformed or not signed by the log's key. */
  | "checkpoint_invalid"
  /** A checkpoint names another log. */
  | "checkpoint_origin_mismatch"
  /** Two signed checkpoints of one size with different roots: the log showed two histories. */
  | "checkpoint_fork"
  /** A checkpoint is not linked to the latest one by a verified consistency proof. */
  | "consistency_missing"
  /** A consistency proof does not verify: the log was rewritten between two checkpoints. */
  | "consistency_failed"
  /** An entry or a proof is not shaped as the spec says. */
  | "entry_malformed"
  /** An entry's content does not hash to its leaf hash: it was altered. */
  | "entry_hash_mismatch"
  /** An inclusion proof is for another leaf than the entry. */
  | "proof_mismatch"
  /** An inclusion proof's tree size has no verified checkpoint. */
  | "inclusion_unanchored"
  /** An inclusion proof does not verify against the signed root. */
  | "inclusion_failed";

/** One problem found. */
export interface AuditIssue {
  code: AuditIssueCode;
  zh: string;
  en: string;
  params: Record<string, unknown>;
}

/** The outcome of {@link verifyAuditLog}. */
export interface AuditVerification {
  /** True when there is at least one verified checkpoint and no issue. */
  ok: boolean;
  origin?: string;
  /** The verified checkpoints, one per size, smallest first. */
  checkpoints: { size: number; rootHash: string }[];
  /** The entries whose inclusion in a signed tree was verified. */
  verifiedEntries: number[];
  issues: AuditIssue[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 of a 32-byte hash, or undefined. */
function hash32(text: unknown): Uint8Array | undefined {
  if (typeof text !== "string" || text.length !== 44 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === 32 && bytes.toString("base64") === text
    ? new Uint8Array(bytes)
    : undefined;
}

function hashes(list: unknown): Uint8Array[] | undefined {
  if (!Array.isArray(list) || list.length > 128) return undefined;
  const out: Uint8Array[] = [];
  for (const item of list) {
    const h = hash32(item);
    if (!h) return undefined;
    out.push(h);
  }
  return out;
}

const isSize = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/**
 * Check a node's audit log from the outside.
 *
 * @example
 * const result = verifyAuditLog({
 *   verifiers: [parseVerifierKey(logVkey)],
 *   checkpoints: [savedNote, currentNote],
 *   consistencyProofs: [await get(`/audit/proofs/consistency?first=${saved.size}&second=${current.size}`)],
 *   entries: mine.map((entry, i) => ({ entry, proof: proofs[i] })),
 * });
 * if (!result.ok) for (const issue of result.issues) print(issue.zh);
 */
export function verifyAuditLog(evidence: AuditEvidence): AuditVerification {
  const issues: AuditIssue[] = [];
  const issue = (
    code: AuditIssueCode,
    zh: string,
    en: string,
    params: Record<string, unknown> = {},
  ) => issues.push({ code, zh, en, params });
  let origin = evidence.origin;

  // 1. Checkpoints: signature, origin, one root per size.
  const roots = new Map<number, Uint8Array>();
  const notes = Array.isArray(evidence.checkpoints) ? evidence.checkpoints : [];
  notes.forEach((note, index) => {
    let checkpoint: { origin: string; size: number; rootHash: Uint8Array };
    try {
      ({ checkpoint } = openCheckpoint(note, evidence.verifiers));
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      issue(
        "checkpoint_invalid",
        `第 ${index + 1} 个检查点无效 (${String(code ?? "error")}): 格式错误或不是该日志的密钥所签。`,
        `checkpoint ${index + 1} is invalid (${String(code ?? "error")}): malformed, or not signed by the log's key.`,
        { index, reason: String(code ?? "error") },
      );
      return;
    }
    origin ??= checkpoint.origin;
    if (checkpoint.origin !== origin) {
      issue(
        "checkpoint_origin_mismatch",
        `第 ${index + 1} 个检查点来自日志 ${checkpoint.origin}, 应为 ${origin}。`,
        `checkpoint ${index + 1} is of log ${checkpoint.origin}, not ${origin}.`,
        { index, origin: checkpoint.origin, expected: origin },
      );
      return;
    }
    const seen = roots.get(checkpoint.size);
    if (seen && Buffer.compare(seen, checkpoint.rootHash) !== 0) {
      issue(
        "checkpoint_fork",
        `同一树大小 ${checkpoint.size} 有两个不同根哈希的签名检查点: 日志对不同的人展示了不同的历史。请保留两个检查点作为证据并上报。`,
        `two signed checkpoints of size ${checkpoint.size} have different roots: the log showed two histories. Keep both as evidence and report it.`,
        { size: checkpoint.size },
      );
      return;
    }
    roots.set(checkpoint.size, checkpoint.rootHash);
  });
  const sizes = [...roots.keys()].sort((a, b) => a - b);
  if (sizes.length === 0) {
    issue(
      "no_checkpoint",
      "没有可验证的签名检查点。请先获取 GET /audit/checkpoint, 并确认使用该日志发布的验证密钥。",
      "no signed checkpoint could be verified: fetch GET /audit/checkpoint and check that you use the log's published verifier key.",
    );
  }

  // 2. Consistency: every checkpoint must be linked to the latest by verified proofs.
  const parent = new Map<number, number>(sizes.map((s) => [s, s]));
  const find = (s: number): number => {
    let r = s;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    return r;
  };
  // The empty tree is extended by every tree: nothing to prove.
  if (roots.has(0) && sizes.length > 1) parent.set(0, find(sizes[1] as number));
  const proofs = Array.isArray(evidence.consistencyProofs) ? evidence.consistencyProofs : [];
  for (const proof of proofs) {
    const first = (proof as Partial<ConsistencyProofJson>)?.first;
    const second = (proof as Partial<ConsistencyProofJson>)?.second;
    if (!isSize(first) || !isSize(second) || !roots.has(first) || !roots.has(second)) continue;
    const path = hashes(proof.hashes);
    const ok =
      path !== undefined &&
      verifyConsistency(
        first,
        second,
        roots.get(first) as Uint8Array,
        roots.get(second) as Uint8Array,
        path,
      );
    if (!ok) {
      issue(
        "consistency_failed",
        `树大小 ${first} 到 ${second} 的一致性证明未通过: 两个检查点之间日志被改写或删减过。请保留两个检查点与证明作为证据并上报。`,
        `the consistency proof from size ${first} to ${second} does not verify: the log was rewritten or cut between the two checkpoints. Keep both checkpoints and the proof as evidence and report it.`,
        { first, second },
      );
      continue;
    }
    parent.set(find(first), find(second));
  }
  const latest = sizes[sizes.length - 1];
  if (latest !== undefined) {
    for (const size of sizes) {
      if (find(size) !== find(latest)) {
        issue(
          "consistency_missing",
          `检查点 ${size} 与最新检查点 ${latest} 之间没有经验证的一致性证明。请获取 GET /audit/proofs/consistency?first=${size}&second=${latest}。`,
          `no verified consistency proof links checkpoint ${size} to the latest, ${latest}: fetch GET /audit/proofs/consistency?first=${size}&second=${latest}.`,
          { size, latest },
        );
      }
    }
  }

  // 3. Entries: content → leaf hash → inclusion in a signed tree.
  const verifiedEntries: number[] = [];
  const items = Array.isArray(evidence.entries) ? evidence.entries : [];
  items.forEach((item, position) => {
    const entry = item?.entry as AuditEntryJson | undefined;
    const proof = item?.proof as InclusionProofJson | undefined;
    const leafIndex = entry?.leafIndex;
    if (
      typeof entry !== "object" ||
      entry === null ||
      Array.isArray(entry) ||
      !isSize(leafIndex) ||
      typeof proof !== "object" ||
      proof === null ||
      !isSize(proof.leafIndex) ||
      !isSize(proof.treeSize)
    ) {
      issue(
        "entry_malformed",
        `第 ${position + 1} 个条目或其包含证明格式不符合规范。`,
        `entry ${position + 1} or its inclusion proof is not shaped as the spec says.`,
        { position },
      );
      return;
    }
    let leafHash: Uint8Array;
    try {
      leafHash = auditEntryLeafHash(entry);
    } catch {
      issue(
        "entry_malformed",
        `第 ${position + 1} 个条目 (序号 ${leafIndex}) 无法规范化为 JSON。`,
        `entry ${position + 1} (index ${leafIndex}) has no canonical JSON form.`,
        { position, leafIndex },
      );
      return;
    }
    if (b64(leafHash) !== entry.leafHash) {
      issue(
        "entry_hash_mismatch",
        `条目 ${leafIndex} 的内容与其叶哈希不符: 条目被改动过。`,
        `entry ${leafIndex}'s content does not hash to its leaf hash: the entry was altered.`,
        { leafIndex },
      );
    }
    if (
      proof.leafIndex !== leafIndex ||
      (proof.leafHash !== undefined && proof.leafHash !== entry.leafHash)
    ) {
      issue(
        "proof_mismatch",
        `条目 ${leafIndex} 的包含证明属于另一个叶子 (序号 ${proof.leafIndex})。`,
        `the inclusion proof given for entry ${leafIndex} is for another leaf (index ${proof.leafIndex}).`,
        { leafIndex, proofLeafIndex: proof.leafIndex },
      );
      return;
    }
    const root = roots.get(proof.treeSize);
    if (!root) {
      issue(
        "inclusion_unanchored",
        `条目 ${leafIndex} 的包含证明针对树大小 ${proof.treeSize}, 但没有该大小的已验证检查点。请按检查点的大小获取证明。`,
        `entry ${leafIndex}'s inclusion proof is for tree size ${proof.treeSize}, which has no verified checkpoint: fetch the proof for a checkpoint's size.`,
        { leafIndex, treeSize: proof.treeSize },
      );
      return;
    }
    const path = hashes(proof.hashes);
    if (!path || !verifyInclusion(leafIndex, proof.treeSize, leafHash, path, root)) {
      issue(
        "inclusion_failed",
        `条目 ${leafIndex} 不在大小为 ${proof.treeSize} 的已签名日志中: 条目或日志被改动过。`,
        `entry ${leafIndex} is not in the signed log of size ${proof.treeSize}: the entry or the log was altered.`,
        { leafIndex, treeSize: proof.treeSize },
      );
      return;
    }
    if (b64(leafHash) === entry.leafHash) verifiedEntries.push(leafIndex);
  });

  return {
    ok: issues.length === 0 && sizes.length > 0,
    ...(origin !== undefined ? { origin } : {}),
    checkpoints: sizes.map((size) => ({ size, rootHash: b64(roots.get(size) as Uint8Array) })),
    verifiedEntries,
    issues,
  };
}
