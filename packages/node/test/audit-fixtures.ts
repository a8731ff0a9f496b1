/**
 * Shared material of the audit tests: realistic entries, the log's keys, and what an attacker
 * with write access to the database can do to the stored tree.
 */
import { generateKeyPairSync } from "node:crypto";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  generateSm2KeyPair,
  merkleLeafHash,
  sm2NoteSigner,
  sm2NoteVerifier,
} from "@govex/security";
import type { AuditEntryInput } from "../src/audit/index.js";
import { appendNodes } from "../src/audit/tree.js";
import type { Queryable } from "../src/store/index.js";
import { must } from "./store-drivers.js";

export const ORIGIN = "exchange.example.gov.cn/audit";
export const CONSUMERS = ["11370000MB0000027R", "11370000MB0000031X", "12370000MB0000045P"];
export const PROVIDERS = ["11370000MB1234562A", "11370000MB7654321K"];
const OPERATIONS = ["queryRecords", "getRecord", "verifyRecord"];

/** The i-th access of a plausible day at the exchange. */
export function accessEntry(i: number): AuditEntryInput {
  return {
    time: new Date(Date.UTC(2026, 2, 1, 2, 0, 0) + i * 1000).toISOString(),
    operation: OPERATIONS[i % OPERATIONS.length] as string,
    caller: CONSUMERS[i % CONSUMERS.length] as string,
    provider: PROVIDERS[i % PROVIDERS.length] as string,
    resourceCode: i % 2 === 0 ? "101001/000001" : "301001/000002",
    fields: i % 3 === 2 ? [] : ["residentId", "name"],
    purpose: "办理社会保险登记时核对参保人身份",
    shareRequestId: `sr-20260320-${String(i).padStart(4, "0")}`,
    requestId: `7c9e6679-7425-40de-944b-${String(i).padStart(12, "0")}`,
    status: i % 10 === 9 ? 403 : 200,
  };
}

const ed = generateKeyPairSync("ed25519");
const sm2 = generateSm2KeyPair();

/** The log's signers: Ed25519, and SM2-with-SM3 cosigning. */
export const ED25519_SIGNER = ed25519NoteSigner(ORIGIN, ed.privateKey);
export const SM2_SIGNER = sm2NoteSigner(ORIGIN, sm2.privateKey);
export const ED25519_VERIFIER = ed25519NoteVerifier(ORIGIN, ed.publicKey);
export const SM2_VERIFIER = sm2NoteVerifier(ORIGIN, sm2.publicKey);
export const SIGNING = { origin: ORIGIN, signers: [ED25519_SIGNER] };

/** Another key with the same name: what a forger without the log's key signs with. */
export const FORGER_SIGNER = ed25519NoteSigner(ORIGIN, generateKeyPairSync("ed25519").privateKey);

/** The stored level-0 hashes, in index order. */
export async function storedLeafHashes(q: Queryable): Promise<Uint8Array[]> {
  const { rows } = await q.query<{ hash: Uint8Array }>(
    "select hash from audit_nodes where level = 0 order by idx",
  );
  return rows.map((r) => new Uint8Array(r.hash));
}

/**
 * What an attacker with database access does to rewrite history without leaving a broken tree:
 * change an entry, its leaf hash, and every node above it, consistently.
 */
export async function rewriteEntry(
  q: Queryable,
  leafIndex: number,
  change: (entry: Record<string, unknown>) => void,
): Promise<void> {
  const { rows } = await q.query<{ entry: Uint8Array }>(
    "select entry from audit_entries where leaf_index = $1",
    [leafIndex],
  );
  const entry = JSON.parse(Buffer.from(must(rows[0]).entry).toString("utf8")) as Record<
    string,
    unknown
  >;
  change(entry);
  const bytes = Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(entry).sort())));
  await q.query("update audit_entries set entry = $2 where leaf_index = $1", [leafIndex, bytes]);
  const leaves = await storedLeafHashes(q);
  leaves[leafIndex] = merkleLeafHash(bytes);
  const nodes = appendNodes(0, [], leaves);
  await q.query("delete from audit_nodes");
  await q.query(
    "insert into audit_nodes (level, idx, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])",
    [
      nodes.map((n) => n.key.level),
      nodes.map((n) => n.key.idx),
      nodes.map((n) => Buffer.from(n.hash)),
    ],
  );
}
