import {
  consistencyProof,
  inclusionProof,
  merkleRoot,
  openCheckpoint,
  signCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from "@govex/security";
import { describe, expect, test } from "vitest";
import {
  type AuditEntryInput,
  appendAuditEntries,
  auditConsistencyProof,
  auditEntryLeafHash,
  auditInclusionProof,
  auditRoot,
  auditTreeSize,
  checkAuditLog,
  createAuditLog,
  currentAuditCheckpoint,
  getAuditEntry,
  latestAuditCheckpoint,
  listAuditEntries,
  signAuditCheckpoint,
  verifyAuditLog,
} from "../src/audit/index.js";
import { type Store, StoreError } from "../src/store/index.js";
import {
  accessEntry,
  CONSUMERS,
  ED25519_SIGNER,
  ED25519_VERIFIER,
  FORGER_SIGNER,
  ORIGIN,
  PROVIDERS,
  rewriteEntry,
  SIGNING,
  SM2_SIGNER,
  SM2_VERIFIER,
  storedLeafHashes,
} from "./audit-fixtures.js";
import { DRIVERS, fresh, must, sharedStore } from "./store-drivers.js";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

async function caught(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

/** A log of n entries (appended in batches of mixed sizes), and its leaf hashes. */
async function logOf(db: Store, n: number): Promise<Uint8Array[]> {
  const batches = [1, 2, 3, 1, 5, 8, 13, 1];
  let appended = 0;
  for (let b = 0; appended < n; b++) {
    const size = Math.min(batches[b % batches.length] as number, n - appended);
    await appendAuditEntries(
      db,
      Array.from({ length: size }, (_, i) => accessEntry(appended + i)),
    );
    appended += size;
  }
  return storedLeafHashes(db);
}

describe.each(DRIVERS)("the audit log on %s", (driver) => {
  test("roots and every proof agree with RFC 9162 computed over the leaves, at every size", async () => {
    const db = await fresh(driver);
    expect(await auditTreeSize(db)).toBe(0);
    expect((await auditRoot(db)).rootHash).toEqual(merkleRoot([]));
    const n = 35; // crosses 32: every shape of right edge up to five levels
    const leaves = await logOf(db, n);
    expect(leaves).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const entry = await getAuditEntry(db, i);
      expect(unb64(must(entry).leafHash)).toEqual(leaves[i]);
      expect(auditEntryLeafHash(must(entry))).toEqual(leaves[i]);
    }
    for (let size = 1; size <= n; size++) {
      const prefix = leaves.slice(0, size);
      const { rootHash } = await auditRoot(db, size);
      expect(b64(rootHash), `root ${size}`).toBe(b64(merkleRoot(prefix)));
      for (let index = 0; index < size; index++) {
        const proof = await auditInclusionProof(db, index, size);
        expect(proof.hashes, `inclusion ${index} in ${size}`).toEqual(
          inclusionProof(prefix, index).map(b64),
        );
        expect(
          verifyInclusion(index, size, must(leaves[index]), proof.hashes.map(unb64), rootHash),
        ).toBe(true);
      }
      for (let first = 1; first <= size; first += size > 12 ? 3 : 1) {
        const proof = await auditConsistencyProof(db, first, size);
        expect(proof.hashes, `consistency ${first} → ${size}`).toEqual(
          consistencyProof(prefix, first).map(b64),
        );
        const old = merkleRoot(leaves.slice(0, first));
        expect(verifyConsistency(first, size, old, rootHash, proof.hashes.map(unb64))).toBe(true);
      }
    }
  });

  test("sizes and indexes out of range are refused, not answered", async () => {
    const db = await fresh(driver);
    await logOf(db, 3);
    const cases: [string, () => Promise<unknown>, string][] = [
      ["leaf at the size", () => auditInclusionProof(db, 3, 3), "audit_out_of_range"],
      ["size beyond the log", () => auditInclusionProof(db, 0, 4), "audit_out_of_range"],
      ["size 0", () => auditInclusionProof(db, 0, 0), "invalid_argument"],
      ["negative index", () => auditInclusionProof(db, -1, 3), "invalid_argument"],
      ["fractional size", () => auditInclusionProof(db, 0, 2.5), "invalid_argument"],
      ["unsafe size", () => auditInclusionProof(db, 0, 2 ** 53), "invalid_argument"],
      ["a string", () => auditInclusionProof(db, "0" as unknown as number, 3), "invalid_argument"],
      ["consistency from 0", () => auditConsistencyProof(db, 0, 3), "invalid_argument"],
      ["consistency backwards", () => auditConsistencyProof(db, 3, 2), "audit_out_of_range"],
      ["consistency beyond", () => auditConsistencyProof(db, 1, 4), "audit_out_of_range"],
      ["root beyond", () => auditRoot(db, 4), "audit_out_of_range"],
    ];
    for (const [name, run, code] of cases) {
      const error = await caught(run());
      expect(error.code, name).toBe(code);
    }
    expect(await getAuditEntry(db, 3)).toBeUndefined();
  });

  test("entries are stored as canonical JSON of their known fields, Chinese intact", async () => {
    const db = await fresh(driver);
    const input = {
      ...accessEntry(0),
      purpose: "核验“张三”的参保状态 — 依据《社会保险法》第五十七条",
      evil: "dropped",
      __proto__: { polluted: true },
    } as AuditEntryInput;
    const [appended] = await appendAuditEntries(db, [input]);
    const { rows } = await db.query<{ entry: Uint8Array }>("select entry from audit_entries");
    const text = Buffer.from(must(rows[0]).entry).toString("utf8");
    expect(text).toBe(
      '{"caller":"11370000MB0000027R","fields":["residentId","name"],"operation":"queryRecords",' +
        '"provider":"11370000MB1234562A","purpose":"核验“张三”的参保状态 — 依据《社会保险法》第五十七条",' +
        '"requestId":"7c9e6679-7425-40de-944b-000000000000","resourceCode":"101001/000001",' +
        '"shareRequestId":"sr-20260320-0000","status":200,"time":"2026-03-01T02:00:00.000Z"}',
    );
    const served = await getAuditEntry(db, 0);
    expect(served).toMatchObject({ leafIndex: 0, leafHash: b64(must(appended).leafHash) });
    expect(served).not.toHaveProperty("evil");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(auditEntryLeafHash(must(served))).toEqual(must(appended).leafHash);
  });

  const shared = sharedStore(driver);
  test.each<[string, Partial<Record<keyof AuditEntryInput, unknown>>, string]>([
    ["a caller that is not a USCC", { caller: "'; drop table audit_nodes; --" }, "/caller"],
    ["a USCC with I, O, Z, S or V", { caller: "11370000MB000002IO" }, "/caller"],
    ["a provider in lower case", { provider: "11370000mb1234562a" }, "/provider"],
    ["a bad resource code", { resourceCode: "../../etc/passwd" }, "/resourceCode"],
    ["a NUL in the purpose", { purpose: "核验\u0000" }, "/purpose"],
    ["a lone surrogate in the purpose", { purpose: "核验\uD800" }, "/purpose"],
    ["an empty purpose", { purpose: "" }, "/purpose"],
    ["a purpose of 1 001 characters", { purpose: "用".repeat(1001) }, "/purpose"],
    ["a field code with a space", { fields: ["resident id"] }, "/fields/0"],
    ["fields that are not an array", { fields: "name" }, "/fields"],
    ["513 fields", { fields: Array.from({ length: 513 }, (_, i) => `f${i}`) }, "/fields"],
    ["status 99", { status: 99 }, "/status"],
    ["status 200.5", { status: 200.5 }, "/status"],
    ["a time without a zone", { time: "2026-03-01T10:15:00" }, "/time"],
    ["an invalid Date", { time: new Date(Number.NaN) }, "/time"],
    ["an operation with a newline", { operation: "get\nRecord" }, "/operation"],
    ["a share request id with a slash", { shareRequestId: "sr/1" }, "/shareRequestId"],
    ["a request id with a space", { requestId: "a b" }, "/requestId"],
  ])("refuses an entry with %s, and appends nothing of its batch", async (_, change, path) => {
    const db = shared();
    const bad = { ...accessEntry(1), ...change } as AuditEntryInput;
    const error = await caught(appendAuditEntries(db, [accessEntry(0), bad]));
    expect(error.code).toBe("audit_entry_invalid");
    expect(error.params.path).toBe(path);
    expect(error.zh).toContain(path);
    expect(await auditTreeSize(db)).toBe(0);
  });

  test("entries are listed by member, operation and time, page by page", async () => {
    const db = await fresh(driver);
    await logOf(db, 30);
    const all = await listAuditEntries(db, { limit: 1000 });
    expect(all.items.map((e) => e.leafIndex)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(all.nextCursor).toBeUndefined();
    const member = must(CONSUMERS[1]);
    const mine = await listAuditEntries(db, { member, limit: 1000 });
    expect(mine.items.length).toBe(10);
    expect(mine.items.every((e) => e.caller === member)).toBe(true);
    const provided = await listAuditEntries(db, { member: must(PROVIDERS[0]), limit: 1000 });
    expect(provided.items.map((e) => e.leafIndex)).toEqual(
      Array.from({ length: 15 }, (_, i) => 2 * i),
    );
    const verifies = await listAuditEntries(db, { operation: "verifyRecord", limit: 1000 });
    expect(verifies.items.map((e) => e.leafIndex)).toEqual(
      Array.from({ length: 10 }, (_, i) => 3 * i + 2),
    );
    // Time bounds are inclusive, and offsets are honoured (10:00:05+08:00 is 02:00:05Z).
    const window = await listAuditEntries(db, {
      from: "2026-03-01T10:00:05+08:00",
      to: "2026-03-01T02:00:07Z",
    });
    expect(window.items.map((e) => e.leafIndex)).toEqual([5, 6, 7]);
    // Pages.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEntries(db, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.leafIndex));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.leafIndex));
    for (const filter of [
      { cursor: "not-a-cursor" },
      { cursor: Buffer.from("-1; drop table audit_entries").toString("base64url") },
      { limit: 0 },
      { limit: 1001 },
      { from: "yesterday" },
      { member: "x".repeat(65) },
    ]) {
      expect((await caught(listAuditEntries(db, filter))).code).toBe("invalid_argument");
    }
    expect(
      (await listAuditEntries(db, { member: "'; drop table audit_entries; --" })).items,
    ).toEqual([]);
  });

  test("checkpoints are signed once per size, with Ed25519 and SM2, and verify", async () => {
    const db = await fresh(driver);
    const empty = await signAuditCheckpoint(db, SIGNING);
    expect(empty.size).toBe(0);
    expect(openCheckpoint(empty.note, [ED25519_VERIFIER]).checkpoint.rootHash).toEqual(
      merkleRoot([]),
    );
    const leaves = await logOf(db, 11);
    const both = { origin: ORIGIN, signers: [ED25519_SIGNER, SM2_SIGNER] };
    const signed = await signAuditCheckpoint(db, { ...both, size: 7 });
    const opened = openCheckpoint(signed.note, [ED25519_VERIFIER, SM2_VERIFIER]);
    expect(opened.signatures.map((s) => s.verified)).toEqual([true, true]);
    expect(opened.checkpoint).toMatchObject({ origin: ORIGIN, size: 7 });
    expect(opened.checkpoint.rootHash).toEqual(merkleRoot(leaves.slice(0, 7)));
    // SM2 alone verifies it too.
    expect(openCheckpoint(signed.note, [SM2_VERIFIER]).checkpoint.size).toBe(7);
    // Signing size 7 again (another node, another key) returns the stored note.
    expect(
      await signAuditCheckpoint(db, { origin: ORIGIN, signers: [FORGER_SIGNER], size: 7 }),
    ).toEqual(signed);
    expect((await latestAuditCheckpoint(db))?.size).toBe(7);
    const current = await currentAuditCheckpoint(db, SIGNING);
    expect(current.size).toBe(11);
    expect(current.rootHash).toBe(b64(merkleRoot(leaves)));
    expect(await currentAuditCheckpoint(db, SIGNING)).toEqual(current);
    await appendAuditEntries(db, [accessEntry(11)]);
    expect((await currentAuditCheckpoint(db, SIGNING)).size).toBe(12);
  });

  test("a department's check passes on an honest log", async () => {
    const db = await fresh(driver);
    await logOf(db, 20);
    const old = await signAuditCheckpoint(db, SIGNING);
    await appendAuditEntries(db, [accessEntry(20), accessEntry(21), accessEntry(22)]);
    const now = await currentAuditCheckpoint(db, SIGNING);
    const member = must(CONSUMERS[0]);
    const mine = (await listAuditEntries(db, { member, limit: 1000 })).items;
    const result = verifyAuditLog({
      verifiers: [ED25519_VERIFIER],
      checkpoints: [now.note, old.note],
      consistencyProofs: [await auditConsistencyProof(db, old.size, now.size)],
      entries: await Promise.all(
        mine.map(async (entry) => ({
          entry,
          proof: await auditInclusionProof(db, entry.leafIndex, now.size),
        })),
      ),
    });
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.origin).toBe(ORIGIN);
    expect(result.checkpoints.map((c) => c.size)).toEqual([20, 23]);
    expect(result.verifiedEntries).toEqual(mine.map((e) => e.leafIndex));
    expect((await checkAuditLog(db, { verifiers: [ED25519_VERIFIER] })).ok).toBe(true);
  });

  test("an entry edited in SQL is detected: its hash, its inclusion proof, the operator's check", async () => {
    const db = await fresh(driver);
    await logOf(db, 12);
    const checkpoint = await signAuditCheckpoint(db, SIGNING);
    // Someone with database access changes the purpose of entry 4 in place.
    await db.query(
      `update audit_entries
          set entry = convert_to(replace(convert_from(entry, 'UTF8'), '核对参保人身份', '核查涉案人员'), 'UTF8')
        where leaf_index = 4`,
    );
    const served = must(await getAuditEntry(db, 4));
    expect(served.purpose).toBe("办理社会保险登记时核查涉案人员");
    const result = verifyAuditLog({
      verifiers: [ED25519_VERIFIER],
      checkpoints: [checkpoint.note],
      entries: [{ entry: served, proof: await auditInclusionProof(db, 4, checkpoint.size) }],
    });
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(["entry_hash_mismatch", "inclusion_failed"]);
    expect(result.verifiedEntries).toEqual([]);
    const report = await checkAuditLog(db);
    expect(report.ok).toBe(false);
    expect(report.issues).toMatchObject([
      { code: "entry_hash_mismatch", params: { leafIndex: 4 } },
    ]);
  });

  test("history rewritten consistently in SQL is detected against the signed checkpoint", async () => {
    const db = await fresh(driver);
    await logOf(db, 12);
    const before = await signAuditCheckpoint(db, SIGNING); // the department keeps this one
    // The attacker rewrites entry 4 and recomputes its leaf and every node above it: the stored
    // tree is self-consistent again, and entry 4 hashes to its (new) leaf.
    await rewriteEntry(db, 4, (entry) => {
      entry.caller = CONSUMERS[2];
    });
    const served = must(await getAuditEntry(db, 4));
    expect(auditEntryLeafHash(served)).toEqual(unb64(served.leafHash));
    // Against the checkpoint signed before, the inclusion proof fails.
    const stale = verifyAuditLog({
      verifiers: [ED25519_VERIFIER],
      checkpoints: [before.note],
      entries: [{ entry: served, proof: await auditInclusionProof(db, 4, before.size) }],
    });
    expect(stale.issues.map((i) => i.code)).toEqual(["inclusion_failed"]);
    // The log grows and a new checkpoint is signed over the rewritten history: the consistency
    // proof from the department's old checkpoint fails.
    await appendAuditEntries(db, [accessEntry(12)]);
    const after = await currentAuditCheckpoint(db, SIGNING);
    const forked = verifyAuditLog({
      verifiers: [ED25519_VERIFIER],
      checkpoints: [before.note, after.note],
      consistencyProofs: [await auditConsistencyProof(db, before.size, after.size)],
      entries: [{ entry: served, proof: await auditInclusionProof(db, 4, after.size) }],
    });
    expect(forked.ok).toBe(false);
    expect(forked.issues.map((i) => i.code)).toEqual(["consistency_failed", "consistency_missing"]);
    // The operator's own check sees the stored checkpoint no longer matches the tree.
    const report = await checkAuditLog(db, { verifiers: [ED25519_VERIFIER] });
    expect(report.issues.map((i) => i.code)).toEqual(["checkpoint_root_mismatch"]);
    // And a key holder who re-signs the old size over the rewritten tree shows two histories.
    const resigned = await signCheckpoint(
      {
        origin: ORIGIN,
        size: before.size,
        rootHash: (await auditRoot(db, before.size)).rootHash,
        extensions: [],
      },
      [ED25519_SIGNER],
    );
    const fork = verifyAuditLog({
      verifiers: [ED25519_VERIFIER],
      checkpoints: [before.note, resigned],
    });
    expect(fork.issues.map((i) => i.code)).toEqual(["checkpoint_fork"]);
  });

  test("a deleted node, or entries cut off the end, are detected", async () => {
    const db = await fresh(driver);
    await logOf(db, 9);
    const checkpoint = await signAuditCheckpoint(db, SIGNING);
    await db.query("delete from audit_nodes where level = 1 and idx = 1");
    const error = await caught(auditInclusionProof(db, 0, 9));
    expect(error.code).toBe("audit_corrupt");
    expect((await checkAuditLog(db)).issues.map((i) => i.code)).toEqual(["node_missing"]);

    const db2 = await fresh(driver);
    await logOf(db2, 9);
    await signAuditCheckpoint(db2, SIGNING);
    await db2.query("delete from audit_entries where leaf_index >= 7");
    await db2.query(
      "delete from audit_nodes where idx * (2 ^ level)::bigint + (2 ^ level)::bigint > 7",
    );
    await db2.query("update audit_state set size = 7");
    const report = await checkAuditLog(db2);
    expect(report.issues.map((i) => i.code)).toEqual(["checkpoint_beyond_log"]);
    // The department's old checkpoint cannot be linked to anything the node now serves.
    expect((await caught(auditConsistencyProof(db2, checkpoint.size, 9))).code).toBe(
      "audit_out_of_range",
    );
  });

  test("the group-commit appender gives every access its own index, in fewer transactions", async () => {
    const db = await fresh(driver);
    const log = createAuditLog(db, { maxBatch: 64 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => log.append(accessEntry(i))),
    );
    expect(results.map((r) => r.leafIndex).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    // Appends made together share transactions (each transaction ends at one tree size).
    expect(new Set(results.map((r) => r.treeSize)).size).toBeLessThan(20);
    const leaves = await storedLeafHashes(db);
    for (const r of results) expect(leaves[r.leafIndex]).toEqual(r.leafHash);
    // A bad entry is refused at once and holds nobody up.
    await expect(log.append({ ...accessEntry(0), caller: "nobody" })).rejects.toThrow(StoreError);
    const [a, b] = await Promise.all([log.append(accessEntry(200)), log.append(accessEntry(201))]);
    expect([a?.leafIndex, b?.leafIndex]).toEqual([200, 201]);
    await log.flush();
    expect(await auditTreeSize(db)).toBe(202);
    expect((await checkAuditLog(db)).ok).toBe(true);
  });
});
