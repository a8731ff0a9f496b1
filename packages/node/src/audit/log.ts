/**
 * The audit log in the database: appends, roots, inclusion and consistency proofs (RFC 9162
 * §2.1.3, §2.1.4), and reading entries. Every SQL statement of the audit log is in this file
 * (checkpoints.ts and check.ts add their own few).
 *
 * Appends take the `audit_state` row FOR UPDATE, so appenders on every node sharing a PostgreSQL
 * database are serialized into one tree (PGlite has one connection, serialized anyway). Roots and
 * proofs are computed from the stored complete-subtree hashes (see tree.ts): O(log n) rows read
 * per request, at any size.
 */
import { merkleLeafHash, merkleRoot } from "@govex/security";
import type { Db, Queryable } from "../store/db.js";
import { StoreError } from "../store/errors.js";
import {
  type AuditEntryInput,
  type AuditEntryJson,
  auditEntryContent,
  auditLeafData,
} from "./entry.js";
import {
  appendNodes,
  consistencyRanges,
  foldRange,
  inclusionRanges,
  type NodeKey,
  nodeId,
  rangeNodes,
} from "./tree.js";

/** specs/exchange v1 InclusionProof (hashes in base64). */
export interface InclusionProofJson {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
}

/** specs/exchange v1 ConsistencyProof (hashes in base64). */
export interface ConsistencyProofJson {
  first: number;
  second: number;
  hashes: string[];
}

/** Where an appended entry went. */
export interface AppendedEntry {
  leafIndex: number;
  leafHash: Uint8Array;
  /** The tree size right after the append that included it. */
  treeSize: number;
}

const SIZE_SQL = "select size from audit_state where id = 1";
const LOCK_SQL = "select size from audit_state where id = 1 for update";
const SET_SIZE_SQL = "update audit_state set size = $1 where id = 1";
const NODES_SQL = `select level, idx, hash from audit_nodes
where (level, idx) in (select * from unnest($1::smallint[], $2::bigint[]))`;
const INSERT_NODES_SQL = `insert into audit_nodes (level, idx, hash)
select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])`;
const INSERT_ENTRIES_SQL = `insert into audit_entries
  (leaf_index, entry, at, operation, caller, provider, resource_code, share_request_id, request_id)
select * from unnest($1::bigint[], $2::bytea[], $3::timestamptz[], $4::text[], $5::text[],
  $6::text[], $7::text[], $8::text[], $9::text[])`;
const ENTRY_SQL = `select e.leaf_index, e.entry, n.hash from audit_entries e
left join audit_nodes n on n.level = 0 and n.idx = e.leaf_index
where e.leaf_index = $1`;
const LIST_SQL = `select e.leaf_index, e.entry, n.hash from audit_entries e
left join audit_nodes n on n.level = 0 and n.idx = e.leaf_index
where e.leaf_index > $1
  and ($2::text is null or e.caller = $2 or e.provider = $2)
  and ($3::text is null or e.operation = $3)
  and ($4::timestamptz is null or e.at >= $4)
  and ($5::timestamptz is null or e.at <= $5)
order by e.leaf_index
limit $6`;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function outOfRange(zh: string, en: string, params: Record<string, unknown>): StoreError {
  return new StoreError("audit_out_of_range", { zh, en, params });
}

function checkSize(value: unknown, name: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new StoreError("invalid_argument", {
      zh: `${name} 须为不小于 ${min} 的整数。`,
      en: `${name} must be an integer of at least ${min}.`,
      params: { [name]: String(value) },
    });
  }
  return value;
}

/** The current number of entries in the log. */
export async function auditTreeSize(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ size: number }>(SIZE_SQL);
  return Number(rows[0]?.size ?? 0);
}

/** Read stored nodes; throws `audit_corrupt` when one that must exist is missing. */
async function readNodes(q: Queryable, keys: readonly NodeKey[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (keys.length === 0) return found;
  const unique = [...new Map(keys.map((k) => [nodeId(k), k])).values()];
  const { rows } = await q.query<{ level: number; idx: number; hash: Uint8Array }>(NODES_SQL, [
    unique.map((k) => k.level),
    unique.map((k) => k.idx),
  ]);
  for (const row of rows) found.set(`${row.level}:${Number(row.idx)}`, row.hash);
  const missing = unique.filter((k) => {
    const hash = found.get(nodeId(k));
    return hash?.length !== 32;
  });
  if (missing.length > 0) {
    throw new StoreError("audit_corrupt", {
      zh: `审计树缺少 ${missing.length} 个节点 (如第 ${missing[0]?.level} 层第 ${missing[0]?.idx} 个): 日志被改动过。请停止签发检查点并运行 checkAuditLog 排查。`,
      en: `the audit tree is missing ${missing.length} node(s) (e.g. level ${missing[0]?.level} index ${missing[0]?.idx}): the log was altered. Stop signing checkpoints and run checkAuditLog.`,
      params: { missing: missing.slice(0, 10) },
    });
  }
  return found;
}

function lookupIn(nodes: Map<string, Uint8Array>): (key: NodeKey) => Uint8Array {
  return (key) => nodes.get(nodeId(key)) as Uint8Array;
}

/**
 * Append accesses to the log, in order, in one transaction. Prefer {@link createAuditLog}, which
 * batches concurrent appends of a node into one transaction.
 *
 * @throws StoreError `audit_entry_invalid` (nothing is appended).
 * @example
 * const [{ leafIndex }] = await appendAuditEntries(db, [{ operation: "queryRecords", caller, provider, resourceCode, purpose, status: 200 }]);
 */
export async function appendAuditEntries(
  db: Db,
  inputs: readonly AuditEntryInput[],
  options: { now?: () => Date } = {},
): Promise<AppendedEntry[]> {
  if (!Array.isArray(inputs)) {
    throw new StoreError("invalid_argument", {
      zh: "须传入审计条目数组。",
      en: "pass an array of audit entries.",
    });
  }
  if (inputs.length === 0) return [];
  const contents = inputs.map((input) => auditEntryContent(input, options.now));
  const leaves = contents.map(auditLeafData);
  const leafHashes = leaves.map(merkleLeafHash);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ size: number }>(LOCK_SQL);
    const size = Number(rows[0]?.size ?? 0);
    const edgeKeys = size === 0 ? [] : rangeNodes(0, size);
    const lookup = lookupIn(await readNodes(tx, edgeKeys));
    const made = appendNodes(
      size,
      edgeKeys.map((key) => ({ key, hash: lookup(key) })),
      leafHashes,
    );
    await tx.query(INSERT_ENTRIES_SQL, [
      contents.map((_, i) => size + i),
      leaves.map((leaf) => Buffer.from(leaf)),
      contents.map((c) => c.time),
      contents.map((c) => c.operation),
      contents.map((c) => c.caller),
      contents.map((c) => c.provider ?? null),
      contents.map((c) => c.resourceCode ?? null),
      contents.map((c) => c.shareRequestId ?? null),
      contents.map((c) => c.requestId ?? null),
    ]);
    await tx.query(INSERT_NODES_SQL, [
      made.map((n) => n.key.level),
      made.map((n) => n.key.idx),
      made.map((n) => Buffer.from(n.hash)),
    ]);
    const newSize = size + leafHashes.length;
    await tx.query(SET_SIZE_SQL, [newSize]);
    return leafHashes.map((leafHash, i) => ({ leafIndex: size + i, leafHash, treeSize: newSize }));
  });
}

/**
 * The tree head MTH(D[size]) (RFC 9162 §2.1.1) at `size` (default: the current size), from
 * O(log size) stored nodes.
 *
 * @throws StoreError `audit_out_of_range` when size is beyond the log, `audit_corrupt`.
 */
export async function auditRoot(
  q: Queryable,
  size?: number,
): Promise<{ size: number; rootHash: Uint8Array }> {
  const current = await auditTreeSize(q);
  const at = size === undefined ? current : checkSize(size, "size", 0);
  if (at > current) {
    throw outOfRange(
      `树大小 ${at} 超出日志当前大小 ${current}。`,
      `tree size ${at} is beyond the log's size ${current}.`,
      { size: at, current },
    );
  }
  if (at === 0) return { size: 0, rootHash: merkleRoot([]) };
  const keys = rangeNodes(0, at);
  return { size: at, rootHash: foldRange(keys, lookupIn(await readNodes(q, keys))) };
}

/**
 * The inclusion proof of leaf `leafIndex` in the tree of `treeSize` (RFC 9162 §2.1.3), shaped as
 * specs/exchange v1 InclusionProof.
 *
 * @throws StoreError `invalid_argument`, `audit_out_of_range` (unless 0 ≤ leafIndex < treeSize ≤
 * the log's size), `audit_corrupt`.
 */
export async function auditInclusionProof(
  q: Queryable,
  leafIndex: number,
  treeSize: number,
): Promise<InclusionProofJson> {
  checkSize(leafIndex, "leafIndex", 0);
  checkSize(treeSize, "treeSize", 1);
  const current = await auditTreeSize(q);
  if (treeSize > current || leafIndex >= treeSize) {
    throw outOfRange(
      `需 0 ≤ 条目序号 (${leafIndex}) < 树大小 (${treeSize}) ≤ 日志当前大小 (${current})。`,
      `needs 0 ≤ leafIndex (${leafIndex}) < treeSize (${treeSize}) ≤ the log's size (${current}).`,
      { leafIndex, treeSize, current },
    );
  }
  const ranges = inclusionRanges(leafIndex, treeSize).map(([s, e]) => rangeNodes(s, e));
  const leafKey = { level: 0, idx: leafIndex };
  const lookup = lookupIn(await readNodes(q, [leafKey, ...ranges.flat()]));
  return {
    leafIndex,
    treeSize,
    leafHash: b64(lookup(leafKey)),
    hashes: ranges.map((nodes) => b64(foldRange(nodes, lookup))),
  };
}

/**
 * The consistency proof between tree sizes `first` and `second` (RFC 9162 §2.1.4), shaped as
 * specs/exchange v1 ConsistencyProof. Empty when first = second.
 *
 * @throws StoreError `invalid_argument`, `audit_out_of_range` (unless 1 ≤ first ≤ second ≤ the
 * log's size), `audit_corrupt`.
 */
export async function auditConsistencyProof(
  q: Queryable,
  first: number,
  second: number,
): Promise<ConsistencyProofJson> {
  checkSize(first, "first", 1);
  checkSize(second, "second", 1);
  const current = await auditTreeSize(q);
  if (first > second || second > current) {
    throw outOfRange(
      `需 1 ≤ first (${first}) ≤ second (${second}) ≤ 日志当前大小 (${current})。`,
      `needs 1 ≤ first (${first}) ≤ second (${second}) ≤ the log's size (${current}).`,
      { first, second, current },
    );
  }
  const ranges = consistencyRanges(first, second).map(([s, e]) => rangeNodes(s, e));
  const lookup = lookupIn(await readNodes(q, ranges.flat()));
  return { first, second, hashes: ranges.map((nodes) => b64(foldRange(nodes, lookup))) };
}

interface EntryRow extends Record<string, unknown> {
  leaf_index: number;
  entry: Uint8Array;
  hash: Uint8Array | null;
}

function toEntryJson(row: EntryRow): AuditEntryJson {
  let content: unknown;
  try {
    content = JSON.parse(utf8.decode(row.entry));
  } catch (cause) {
    content = undefined;
    if (!(cause instanceof SyntaxError || cause instanceof TypeError)) throw cause;
  }
  if (typeof content !== "object" || content === null || Array.isArray(content) || !row.hash) {
    throw new StoreError("audit_corrupt", {
      zh: `审计条目 ${row.leaf_index} 已损坏 (不是 JSON 对象或缺少叶哈希): 日志被改动过。`,
      en: `audit entry ${row.leaf_index} is damaged (not a JSON object, or no leaf hash): the log was altered.`,
      params: { leafIndex: Number(row.leaf_index) },
    });
  }
  return {
    ...(content as object),
    leafIndex: Number(row.leaf_index),
    leafHash: b64(row.hash),
  } as AuditEntryJson;
}

/**
 * One entry as served (specs/exchange v1 AuditEntry): the stored JSON, its index and its stored
 * leaf hash; `undefined` when there is no such entry.
 */
export async function getAuditEntry(
  q: Queryable,
  leafIndex: number,
): Promise<AuditEntryJson | undefined> {
  checkSize(leafIndex, "leafIndex", 0);
  const { rows } = await q.query<EntryRow>(ENTRY_SQL, [leafIndex]);
  return rows[0] ? toEntryJson(rows[0]) : undefined;
}

/** Filters of {@link listAuditEntries} (specs/exchange v1 listAuditEntries). */
export interface AuditEntryFilter {
  /** Entries whose caller or provider is this member. */
  member?: string;
  operation?: string;
  /** From this time on (RFC 3339), inclusive. */
  from?: string;
  /** Up to this time (RFC 3339), inclusive. */
  to?: string;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, 1–1000 (default 100). */
  limit?: number;
}

const CURSOR = /^[0-9]{1,16}$/;

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return -1;
  const text =
    typeof cursor === "string" ? Buffer.from(cursor, "base64url").toString("latin1") : "";
  if (!CURSOR.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new StoreError("invalid_argument", {
      zh: "游标无效: 请使用上一页响应中的 nextCursor。",
      en: "invalid cursor: pass the nextCursor of the previous page.",
      params: { cursor: String(cursor).slice(0, 64) },
    });
  }
  return Number(text);
}

function checkTime(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value)) || value.length > 64) {
    throw new StoreError("invalid_argument", {
      zh: `${name} 须为 RFC 3339 时间。`,
      en: `${name} must be an RFC 3339 date-time.`,
      params: { [name]: String(value).slice(0, 64) },
    });
  }
  return value;
}

function checkText(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || value.length > 64 || value.includes("\0")) {
    throw new StoreError("invalid_argument", {
      zh: `${name} 须为至多 64 个字符的文本。`,
      en: `${name} must be text of at most 64 characters.`,
    });
  }
  return value;
}

/**
 * A page of entries in log order, filtered; `nextCursor` is absent on the last page.
 *
 * @throws StoreError `invalid_argument` (a bad cursor, time or limit), `audit_corrupt`.
 */
export async function listAuditEntries(
  q: Queryable,
  filter: AuditEntryFilter = {},
): Promise<{ items: AuditEntryJson[]; nextCursor?: string }> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new StoreError("invalid_argument", {
      zh: "每页条数须为 1 到 1000 的整数。",
      en: "the page size must be an integer from 1 to 1000.",
      params: { limit },
    });
  }
  const { rows } = await q.query<EntryRow>(LIST_SQL, [
    decodeCursor(filter.cursor),
    checkText(filter.member, "member"),
    checkText(filter.operation, "operation"),
    checkTime(filter.from, "from"),
    checkTime(filter.to, "to"),
    limit + 1,
  ]);
  const items = rows.slice(0, limit).map(toEntryJson);
  const last = items[items.length - 1];
  return rows.length > limit && last
    ? { items, nextCursor: Buffer.from(String(last.leafIndex)).toString("base64url") }
    : { items };
}
