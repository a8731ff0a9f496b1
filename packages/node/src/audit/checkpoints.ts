/**
 * Signed checkpoints of the audit log (c2sp.org/tlog-checkpoint, as C2SP signed notes with
 * Ed25519 or SM2 note signers from @govex/security). One checkpoint is kept per signed size; a
 * department keeps the ones it saw and later asks for a consistency proof between them.
 */
import { type NoteSigner, signCheckpoint } from "@govex/security";
import type { Queryable } from "../store/db.js";
import { StoreError } from "../store/errors.js";
import { auditRoot, auditTreeSize } from "./log.js";

/** A stored signed checkpoint. */
export interface StoredCheckpoint {
  size: number;
  /** base64 of the root hash at `size`. */
  rootHash: string;
  /** The signed note, as GET /audit/checkpoint serves it. */
  note: string;
}

/** Who signs: the log's origin line and its note signers (the key name SHOULD equal the origin). */
export interface CheckpointSigning {
  /** The log's identity, e.g. "exchange.example.gov.cn/audit". */
  origin: string;
  signers: NoteSigner[];
}

const INSERT_SQL = `insert into audit_checkpoints (size, root, note) values ($1, $2, $3)
on conflict (size) do nothing`;
const AT_SQL = "select size, root, note from audit_checkpoints where size = $1";
const LATEST_SQL = "select size, root, note from audit_checkpoints order by size desc limit 1";
const LIST_SQL = "select size, root, note from audit_checkpoints order by size";

interface CheckpointRow extends Record<string, unknown> {
  size: number;
  root: Uint8Array;
  note: string;
}

const toStored = (row: CheckpointRow): StoredCheckpoint => ({
  size: Number(row.size),
  rootHash: Buffer.from(row.root).toString("base64"),
  note: row.note,
});

/**
 * Sign the tree head at `size` (default: the current size) and store it. When that size was
 * signed before (by this node or another), the stored checkpoint is returned unchanged.
 *
 * @throws StoreError `audit_out_of_range`, `audit_corrupt`; NoteError from a bad signer or origin.
 * @example
 * const signer = ed25519NoteSigner("exchange.example.gov.cn/audit", privateKey);
 * const { note } = await signAuditCheckpoint(db, { origin: "exchange.example.gov.cn/audit", signers: [signer] });
 */
export async function signAuditCheckpoint(
  q: Queryable,
  signing: CheckpointSigning & { size?: number },
): Promise<StoredCheckpoint> {
  const { size, rootHash } = await auditRoot(q, signing.size);
  const existing = await q.query<CheckpointRow>(AT_SQL, [size]);
  if (existing.rows[0]) return toStored(existing.rows[0]);
  const note = await signCheckpoint(
    { origin: signing.origin, size, rootHash, extensions: [] },
    signing.signers,
  );
  await q.query(INSERT_SQL, [size, Buffer.from(rootHash), note]);
  const { rows } = await q.query<CheckpointRow>(AT_SQL, [size]);
  const stored = rows[0];
  if (!stored || Buffer.compare(Buffer.from(stored.root), Buffer.from(rootHash)) !== 0) {
    throw new StoreError("audit_corrupt", {
      zh: `树大小 ${size} 已有签名检查点, 其根哈希与当前计算结果不同: 日志被改动过。请运行 checkAuditLog 排查。`,
      en: `a checkpoint of size ${size} is stored with another root hash than the one computed now: the log was altered. Run checkAuditLog.`,
      params: { size },
    });
  }
  return toStored(stored);
}

/** The latest stored checkpoint, or undefined when none was signed yet. */
export async function latestAuditCheckpoint(q: Queryable): Promise<StoredCheckpoint | undefined> {
  const { rows } = await q.query<CheckpointRow>(LATEST_SQL);
  return rows[0] ? toStored(rows[0]) : undefined;
}

/** The stored checkpoint of `size`, or undefined. */
export async function auditCheckpointAt(
  q: Queryable,
  size: number,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await q.query<CheckpointRow>(AT_SQL, [size]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

/** Every stored checkpoint, smallest size first. */
export async function listAuditCheckpoints(q: Queryable): Promise<StoredCheckpoint[]> {
  const { rows } = await q.query<CheckpointRow>(LIST_SQL);
  return rows.map(toStored);
}

/**
 * The checkpoint GET /audit/checkpoint serves: the latest one if it covers the whole log, else a
 * newly signed one of the current size.
 */
export async function currentAuditCheckpoint(
  q: Queryable,
  signing: CheckpointSigning,
): Promise<StoredCheckpoint> {
  const [latest, size] = await Promise.all([latestAuditCheckpoint(q), auditTreeSize(q)]);
  if (latest && latest.size >= size) return latest;
  return signAuditCheckpoint(q, { ...signing, size });
}
