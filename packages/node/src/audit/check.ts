/**
 * `checkAuditLog`: the operator's full check of the stored log, from the inside. Every entry must
 * hash to its stored leaf, every stored node must be the hash of its two children, every node of
 * a complete subtree must be there, and every stored checkpoint must carry the root recomputed
 * now (and verify, when the log's keys are given). It reads the log once, block by block.
 */
import { merkleLeafHash, merkleNodeHash, type NoteVerifier, openCheckpoint } from "@govex/security";
import type { Queryable } from "../store/db.js";
import { listAuditCheckpoints } from "./checkpoints.js";
import { auditRoot, auditTreeSize } from "./log.js";

/** Codes of {@link AuditCheckIssue}. */
export type AuditCheckIssueCode =
  | "entry_missing"
  | "entry_hash_mismatch"
  | "node_missing"
  | "node_mismatch"
  | "checkpoint_beyond_log"
  | "checkpoint_root_mismatch"
  | "checkpoint_invalid";

/** One problem found in the stored log. */
export interface AuditCheckIssue {
  code: AuditCheckIssueCode;
  zh: string;
  en: string;
  params: Record<string, unknown>;
}

/** The outcome of {@link checkAuditLog}. */
export interface AuditCheckReport {
  ok: boolean;
  size: number;
  checkpoints: number;
  /** The first problems found (at most `maxIssues`). */
  issues: AuditCheckIssue[];
}

const BLOCK_LEVEL = 12; // blocks of 4096 leaves
const ENTRIES_SQL = `select leaf_index, entry from audit_entries
where leaf_index >= $1 and leaf_index < $2 order by leaf_index`;
const NODES_SQL = `select n.level, n.idx, n.hash
from unnest($1::smallint[], $2::bigint[], $3::bigint[]) as r(level, lo, hi)
join audit_nodes n on n.level = r.level and n.idx >= r.lo and n.idx < r.hi`;
const TOP_SQL = "select level, idx, hash from audit_nodes where level >= $1";

type NodeRow = { level: number; idx: number; hash: Uint8Array };

/**
 * Check the whole stored audit log.
 *
 * @param options.verifiers the log's keys: checkpoints are then also opened and verified.
 * @example
 * const report = await checkAuditLog(db, { verifiers: [verifier] });
 * if (!report.ok) for (const issue of report.issues) log.error(issue.en);
 */
export async function checkAuditLog(
  q: Queryable,
  options: { verifiers?: readonly NoteVerifier[]; maxIssues?: number } = {},
): Promise<AuditCheckReport> {
  const maxIssues = options.maxIssues ?? 100;
  const issues: AuditCheckIssue[] = [];
  const issue = (
    code: AuditCheckIssueCode,
    zh: string,
    en: string,
    params: Record<string, unknown>,
  ) => {
    if (issues.length < maxIssues) issues.push({ code, zh, en, params });
  };
  const size = await auditTreeSize(q);
  const nodes = new Map<string, Uint8Array>();
  const id = (level: number, idx: number) => `${level}:${idx}`;

  // Check the nodes of `levels` (ascending, level 0 excluded) whose children are in `nodes`.
  const checkLevels = (from: number, to: number, lo: number, hi: number) => {
    for (let level = from; level <= to; level++) {
      const width = 2 ** level;
      for (let idx = Math.ceil(lo / width); (idx + 1) * width <= Math.min(hi, size); idx++) {
        const hash = nodes.get(id(level, idx));
        if (!hash) {
          issue(
            "node_missing",
            `缺少第 ${level} 层第 ${idx} 个节点。`,
            `node ${idx} of level ${level} is missing.`,
            { level, idx },
          );
          continue;
        }
        const left = nodes.get(id(level - 1, 2 * idx));
        const right = nodes.get(id(level - 1, 2 * idx + 1));
        if (left && right && Buffer.compare(merkleNodeHash(left, right), hash) !== 0) {
          issue(
            "node_mismatch",
            `第 ${level} 层第 ${idx} 个节点不是其两个子节点的哈希: 树被改动过。`,
            `node ${idx} of level ${level} is not the hash of its children: the tree was altered.`,
            { level, idx },
          );
        }
      }
    }
  };

  const block = 2 ** BLOCK_LEVEL;
  for (let start = 0; start < size; start += block) {
    const end = Math.min(start + block, size);
    nodes.clear();
    const levels = Array.from({ length: BLOCK_LEVEL + 1 }, (_, l) => l);
    const [entries, stored] = await Promise.all([
      q.query<{ leaf_index: number; entry: Uint8Array }>(ENTRIES_SQL, [start, end]),
      q.query<NodeRow>(NODES_SQL, [
        levels,
        levels.map((l) => start / 2 ** l),
        levels.map((l) => Math.ceil(end / 2 ** l)),
      ]),
    ]);
    for (const row of stored.rows) nodes.set(id(row.level, Number(row.idx)), row.hash);
    const byIndex = new Map(entries.rows.map((r) => [Number(r.leaf_index), r.entry]));
    for (let i = start; i < end; i++) {
      const entry = byIndex.get(i);
      const leaf = nodes.get(id(0, i));
      if (!entry) {
        issue("entry_missing", `缺少第 ${i} 个条目。`, `entry ${i} is missing.`, { leafIndex: i });
      } else if (!leaf) {
        issue(
          "node_missing",
          `缺少条目 ${i} 的叶哈希。`,
          `the leaf hash of entry ${i} is missing.`,
          { level: 0, idx: i },
        );
      } else if (Buffer.compare(merkleLeafHash(entry), leaf) !== 0) {
        issue(
          "entry_hash_mismatch",
          `条目 ${i} 的内容与其叶哈希不符: 条目被改动过。`,
          `entry ${i}'s content does not hash to its leaf hash: the entry was altered.`,
          { leafIndex: i },
        );
      }
    }
    checkLevels(1, BLOCK_LEVEL, start, end);
  }

  // The levels above one block.
  nodes.clear();
  const top = await q.query<NodeRow>(TOP_SQL, [BLOCK_LEVEL]);
  for (const row of top.rows) nodes.set(id(row.level, Number(row.idx)), row.hash);
  checkLevels(BLOCK_LEVEL + 1, 63, 0, size);

  // Checkpoints against the roots recomputed from the (checked) nodes.
  const checkpoints = await listAuditCheckpoints(q);
  for (const checkpoint of checkpoints) {
    if (checkpoint.size > size) {
      issue(
        "checkpoint_beyond_log",
        `检查点的树大小 ${checkpoint.size} 超出日志当前大小 ${size}: 条目被删除过。`,
        `checkpoint size ${checkpoint.size} is beyond the log's size ${size}: entries were removed.`,
        { size: checkpoint.size, current: size },
      );
      continue;
    }
    let root: string | undefined;
    try {
      root = Buffer.from((await auditRoot(q, checkpoint.size)).rootHash).toString("base64");
    } catch {
      root = undefined; // a missing node, reported above
    }
    let signed: string | undefined = checkpoint.rootHash;
    if (options.verifiers) {
      try {
        const opened = openCheckpoint(checkpoint.note, options.verifiers).checkpoint;
        signed =
          opened.size === checkpoint.size
            ? Buffer.from(opened.rootHash).toString("base64")
            : undefined;
      } catch {
        signed = undefined;
      }
      if (signed === undefined) {
        issue(
          "checkpoint_invalid",
          `树大小 ${checkpoint.size} 的检查点签名无效, 或与其记录不符。`,
          `the checkpoint of size ${checkpoint.size} does not verify or does not match its row.`,
          { size: checkpoint.size },
        );
        continue;
      }
    }
    if (root !== signed || root !== checkpoint.rootHash) {
      issue(
        "checkpoint_root_mismatch",
        `树大小 ${checkpoint.size} 的签名根哈希与由现存数据重算的不同: 日志在签名后被改动过。`,
        `the signed root of size ${checkpoint.size} differs from the one recomputed from the stored log: the log was altered after signing.`,
        { size: checkpoint.size },
      );
    }
  }
  return { ok: issues.length === 0, size, checkpoints: checkpoints.length, issues };
}
