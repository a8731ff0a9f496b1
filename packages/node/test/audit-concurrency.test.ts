import { merkleRoot } from "@govex/security";
import { describe, expect, test } from "vitest";
import {
  type AppendedEntry,
  appendAuditEntries,
  auditConsistencyProof,
  auditTreeSize,
  checkAuditLog,
  createAuditLog,
  currentAuditCheckpoint,
  type StoredCheckpoint,
  verifyAuditLog,
} from "../src/audit/index.js";
import { openStore } from "../src/store/index.js";
import { accessEntry, ED25519_VERIFIER, SIGNING, storedLeafHashes } from "./audit-fixtures.js";
import { DRIVERS, freshLocation, must } from "./store-drivers.js";

describe.each(DRIVERS)("two nodes appending at once on %s", (driver) => {
  test("build one consistent tree, and every checkpoint signed meanwhile extends into it", async () => {
    const location = await freshLocation(driver);
    // Two nodes: two stores, on PostgreSQL two connection pools, each with its own appender.
    const nodes = await Promise.all([
      openStore({ ...location, poolMax: 4 }),
      openStore({ ...location, poolMax: 4 }),
    ]);
    try {
      const perNode = 120;
      const checkpoints: StoredCheckpoint[] = [];
      const work = nodes.map(async (db, n) => {
        const log = createAuditLog(db, { maxBatch: 16 });
        const appended: Promise<AppendedEntry>[] = [];
        for (let i = 0; i < perNode; i++) {
          appended.push(log.append(accessEntry(n * perNode + i)));
          // Now and then a direct batch and a checkpoint, from the same node, interleaved.
          if (i % 40 === 20) {
            appended.push(
              ...(
                await appendAuditEntries(db, [
                  accessEntry(10_000 + n * 10 + i),
                  accessEntry(20_000 + n * 10 + i),
                ])
              ).map((a) => Promise.resolve(a)),
            );
            checkpoints.push(await currentAuditCheckpoint(db, SIGNING));
          }
        }
        return Promise.all(appended);
      });
      const results = (await Promise.all(work)).flat();
      const total = results.length;
      expect(total).toBe(2 * perNode + 2 * 2 * 3);
      const a = must(nodes[0]);
      expect(await auditTreeSize(a)).toBe(total);
      // Every append got its own index, and the leaf stored there is its leaf.
      expect(results.map((r) => r.leafIndex).sort((x, y) => x - y)).toEqual(
        Array.from({ length: total }, (_, i) => i),
      );
      const leaves = await storedLeafHashes(a);
      for (const r of results) expect(leaves[r.leafIndex]).toEqual(r.leafHash);
      // The stored tree is whole: every node the hash of its children, checkpoints matching.
      const report = await checkAuditLog(a, { verifiers: [ED25519_VERIFIER] });
      expect(report.issues).toEqual([]);
      const final = await currentAuditCheckpoint(must(nodes[1]), SIGNING);
      expect(final.rootHash).toBe(Buffer.from(merkleRoot(leaves)).toString("base64"));
      // Each checkpoint signed while the other node appended is extended by the final tree.
      const proofs = await Promise.all(
        checkpoints
          .filter((c) => c.size > 0)
          .map((c) => auditConsistencyProof(a, c.size, final.size)),
      );
      const result = verifyAuditLog({
        verifiers: [ED25519_VERIFIER],
        checkpoints: [...checkpoints.map((c) => c.note), final.note],
        consistencyProofs: proofs,
      });
      expect(result.issues).toEqual([]);
      expect(result.checkpoints.length).toBeGreaterThan(1);
    } finally {
      await Promise.all(nodes.map((db) => db.close()));
    }
  });
});
