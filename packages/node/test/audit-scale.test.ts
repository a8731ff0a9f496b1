/**
 * The audit log's costs do not grow with its size: a root or a proof reads O(log n) stored
 * nodes in one query, an append O(log n) — counted here, not timed, so the test never fails on a
 * slow machine. With GOVEX_AUDIT_SCALE=1 the same checks run at 2^17 + 1 000 entries and print
 * timings (the figures in src/audit/README.md).
 */
import { performance } from "node:perf_hooks";
import { merkleRoot, verifyInclusion } from "@govex/security";
import { describe, expect, test } from "vitest";
import {
  appendAuditEntries,
  auditConsistencyProof,
  auditInclusionProof,
  auditRoot,
  checkAuditLog,
  createAuditLog,
  signAuditCheckpoint,
} from "../src/audit/index.js";
import type { Db, Queryable } from "../src/store/index.js";
import { accessEntry, SIGNING, storedLeafHashes } from "./audit-fixtures.js";
import { DRIVERS, fresh } from "./store-drivers.js";

const SCALE = process.env.GOVEX_AUDIT_SCALE === "1";
const SIZE = SCALE ? 2 ** 17 + 1000 : 2 ** 12 + 1000;

/** A view of the database that counts statements and rows read. */
function counting(db: Db) {
  const seen = { queries: 0, rows: 0 };
  const wrap = (q: Queryable): Queryable => ({
    async query(sql, params) {
      const result = await q.query(sql, params);
      seen.queries++;
      seen.rows += result.rows.length;
      return result as never;
    },
    exec: (sql) => q.exec(sql),
  });
  const view: Db = {
    ...db,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  };
  return { view, seen, reset: () => Object.assign(seen, { queries: 0, rows: 0 }) };
}

async function timed<T>(times: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  times.push(performance.now() - start);
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe.each(DRIVERS)(`the audit log at ${SIZE} entries on %s`, (driver) => {
  test("roots and proofs read O(log n) nodes in one query; appends touch O(log n)", async () => {
    const db = await fresh(driver);
    const report: Record<string, string> = {};
    let start = performance.now();
    for (let done = 0; done < SIZE; ) {
      const n = Math.min(4096, SIZE - done);
      await appendAuditEntries(
        db,
        Array.from({ length: n }, (_, i) => accessEntry(done + i)),
      );
      done += n;
    }
    report.build = `${SIZE} entries in batches of 4096: ${(performance.now() - start).toFixed(0)} ms`;
    const leaves = await storedLeafHashes(db);
    expect(leaves).toHaveLength(SIZE);
    const { view, seen, reset } = counting(db);
    const log2 = Math.ceil(Math.log2(SIZE));

    const rootTimes: number[] = [];
    for (const size of [SIZE, SIZE - 1, 2 ** 12 + 1, 777, SIZE]) {
      reset();
      const root = await timed(rootTimes, () => auditRoot(view, size));
      expect(root.rootHash).toEqual(merkleRoot(leaves.slice(0, size)));
      expect(seen.queries).toBe(2); // the size, then the nodes
      expect(seen.rows).toBeLessThanOrEqual(1 + log2);
    }
    const root = await auditRoot(db, SIZE);

    const inclusionTimes: number[] = [];
    for (const index of [0, 1, 777, SIZE - 2, SIZE - 1, Math.floor(SIZE / 3)]) {
      reset();
      const proof = await timed(inclusionTimes, () => auditInclusionProof(view, index, SIZE));
      expect(seen.queries).toBe(2);
      expect(seen.rows).toBeLessThanOrEqual(1 + 2 * log2 + 1);
      const hashes = proof.hashes.map((h) => new Uint8Array(Buffer.from(h, "base64")));
      expect(verifyInclusion(index, SIZE, leaves[index] as Uint8Array, hashes, root.rootHash)).toBe(
        true,
      );
    }
    const consistencyTimes: number[] = [];
    for (const first of [1, 1000, 2 ** 12, SIZE - 1]) {
      reset();
      await timed(consistencyTimes, () => auditConsistencyProof(view, first, SIZE));
      expect(seen.queries).toBe(2);
      expect(seen.rows).toBeLessThanOrEqual(1 + 2 * log2 + 1);
    }

    // One append: the lock row, the right edge (one node per 1-bit of the size), three writes.
    const appendTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      reset();
      await timed(appendTimes, () => appendAuditEntries(view, [accessEntry(SIZE + i)]));
      expect(seen.queries).toBe(5);
      expect(seen.rows).toBeLessThanOrEqual(1 + log2);
    }
    // Group commit: 500 accesses at once.
    const log = createAuditLog(db);
    start = performance.now();
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => log.append(accessEntry(SIZE + 20 + i))),
    );
    const grouped = performance.now() - start;

    const signTimes: number[] = [];
    await timed(signTimes, () => signAuditCheckpoint(db, SIGNING));
    start = performance.now();
    const check = await checkAuditLog(db);
    const checkMs = performance.now() - start;
    expect(check.issues).toEqual([]);

    if (SCALE) {
      report.root = `root at ${SIZE}: ${median(rootTimes).toFixed(2)} ms`;
      report.inclusion = `inclusion proof: median ${median(inclusionTimes).toFixed(2)} ms`;
      report.consistency = `consistency proof: median ${median(consistencyTimes).toFixed(2)} ms`;
      report.append = `single append (own transaction): median ${median(appendTimes).toFixed(2)} ms`;
      report.grouped = `500 concurrent appends with group commit: ${grouped.toFixed(0)} ms (${((500 / grouped) * 1000).toFixed(0)}/s)`;
      report.checkpoint = `sign a checkpoint (Ed25519): ${median(signTimes).toFixed(2)} ms`;
      report.check = `checkAuditLog over ${check.size} entries: ${checkMs.toFixed(0)} ms`;
      process.stdout.write(`\n[audit scale, ${driver}]\n${Object.values(report).join("\n")}\n`);
    }
  });
});
