/**
 * verifyAuditLog on its own: evidence built in memory with @govex/security (no database), then
 * broken in every way a node or a network could break it. It reports, never throws.
 */
import { consistencyProof, inclusionProof, merkleRoot, signCheckpoint } from "@govex/security";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type AuditEntryJson,
  type AuditEvidence,
  auditEntryContent,
  auditEntryLeafHash,
  type ConsistencyProofJson,
  type InclusionProofJson,
  verifyAuditLog,
} from "../src/audit/index.js";
import {
  accessEntry,
  ED25519_SIGNER,
  ED25519_VERIFIER,
  FORGER_SIGNER,
  ORIGIN,
  SM2_SIGNER,
  SM2_VERIFIER,
} from "./audit-fixtures.js";
import { must } from "./store-drivers.js";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

// A log of 40 entries, with checkpoints at 13 and 40.
const entries: AuditEntryJson[] = Array.from({ length: 40 }, (_, i) => {
  const content = auditEntryContent(accessEntry(i));
  return { ...content, leafIndex: i, leafHash: b64(auditEntryLeafHash(content)) };
});
const leaves = entries.map((e) => new Uint8Array(Buffer.from(e.leafHash, "base64")));
const note = (size: number, signers = [ED25519_SIGNER], origin = ORIGIN) =>
  signCheckpoint(
    { origin, size, rootHash: merkleRoot(leaves.slice(0, size)), extensions: [] },
    signers,
  );
const inclusion = (index: number, size: number): InclusionProofJson => ({
  leafIndex: index,
  treeSize: size,
  leafHash: must(entries[index]).leafHash,
  hashes: inclusionProof(leaves.slice(0, size), index).map(b64),
});
const consistency = (first: number, second: number): ConsistencyProofJson => ({
  first,
  second,
  hashes: consistencyProof(leaves.slice(0, second), first).map(b64),
});
const mine = [0, 3, 12, 30, 39];

async function honest(): Promise<AuditEvidence> {
  return {
    verifiers: [ED25519_VERIFIER],
    checkpoints: [await note(40), await note(13)],
    consistencyProofs: [consistency(13, 40)],
    entries: mine.map((i) => ({ entry: must(entries[i]), proof: inclusion(i, 40) })),
  };
}

const codes = (evidence: AuditEvidence) => verifyAuditLog(evidence).issues.map((i) => i.code);

describe("verifyAuditLog", () => {
  test("passes an honest log: checkpoints linked, own entries included", async () => {
    const result = verifyAuditLog(await honest());
    expect(result).toEqual({
      ok: true,
      origin: ORIGIN,
      checkpoints: [
        { size: 13, rootHash: b64(merkleRoot(leaves.slice(0, 13))) },
        { size: 40, rootHash: b64(merkleRoot(leaves)) },
      ],
      verifiedEntries: mine,
      issues: [],
    });
  });

  test("SM2-signed checkpoints verify with the SM2 key; size-0 checkpoints need no proof", async () => {
    const result = verifyAuditLog({
      verifiers: [SM2_VERIFIER],
      checkpoints: [await note(0, [SM2_SIGNER]), await note(13, [SM2_SIGNER])],
    });
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test("checkpoints chained by several proofs are linked; a gap in the chain is reported", async () => {
    const base = await honest();
    const chained = {
      ...base,
      checkpoints: [...base.checkpoints, await note(20)],
      consistencyProofs: [consistency(13, 20), consistency(20, 40)],
    };
    expect(codes(chained)).toEqual([]);
    const gap = { ...chained, consistencyProofs: [consistency(13, 20)] };
    expect(codes(gap)).toEqual(["consistency_missing", "consistency_missing"]);
  });

  test.each<[string, (e: AuditEvidence) => Promise<AuditEvidence> | AuditEvidence, string[]]>([
    [
      "no checkpoint",
      (e) => ({ ...e, checkpoints: [], consistencyProofs: [] }),
      [
        "no_checkpoint",
        "inclusion_unanchored",
        "inclusion_unanchored",
        "inclusion_unanchored",
        "inclusion_unanchored",
        "inclusion_unanchored",
      ],
    ],
    [
      "a checkpoint signed by another key",
      async (e) => ({
        ...e,
        checkpoints: [await note(40, [FORGER_SIGNER]), must(e.checkpoints[1])],
      }),
      // The entries' proofs are for size 40, whose only checkpoint is the forged one.
      ["checkpoint_invalid", ...Array.from({ length: 5 }, () => "inclusion_unanchored")],
    ],
    [
      "a checkpoint of another log",
      async (e) => ({
        ...e,
        checkpoints: [
          must(e.checkpoints[1]),
          await note(40, [ED25519_SIGNER], "other.example/log"),
        ],
      }),
      ["checkpoint_origin_mismatch", ...Array.from({ length: 5 }, () => "inclusion_unanchored")],
    ],
    [
      "a checkpoint with a bit flipped",
      (e) => ({
        ...e,
        checkpoints: [String(e.checkpoints[0]).replace("\n40\n", "\n41\n"), must(e.checkpoints[1])],
      }),
      ["checkpoint_invalid", ...Array.from({ length: 5 }, () => "inclusion_unanchored")],
    ],
    [
      "two roots for one size (a split view)",
      async (e) => {
        const other = await signCheckpoint(
          { origin: ORIGIN, size: 13, rootHash: merkleRoot(leaves.slice(1, 14)), extensions: [] },
          [ED25519_SIGNER],
        );
        return { ...e, checkpoints: [...e.checkpoints, other] };
      },
      ["checkpoint_fork"],
    ],
    ["no consistency proof", (e) => ({ ...e, consistencyProofs: [] }), ["consistency_missing"]],
    [
      "a consistency proof with a hash changed",
      (e) => {
        const proof = consistency(13, 40);
        proof.hashes[1] = b64(new Uint8Array(32).fill(7));
        return { ...e, consistencyProofs: [proof] };
      },
      ["consistency_failed", "consistency_missing"],
    ],
    [
      "a consistency proof for other sizes only",
      (e) => ({ ...e, consistencyProofs: [consistency(12, 40)] }),
      ["consistency_missing"],
    ],
    [
      "an entry whose purpose was changed",
      (e) => ({
        ...e,
        entries: [{ entry: { ...must(entries[3]), purpose: "随便看看" }, proof: inclusion(3, 40) }],
      }),
      ["entry_hash_mismatch", "inclusion_failed"],
    ],
    [
      "an entry whose leaf hash was changed to match its new content",
      (e) => {
        const entry = { ...must(entries[3]), purpose: "随便看看" };
        entry.leafHash = b64(auditEntryLeafHash(entry));
        return {
          ...e,
          entries: [{ entry, proof: { ...inclusion(3, 40), leafHash: entry.leafHash } }],
        };
      },
      ["inclusion_failed"],
    ],
    [
      "an entry with a field added",
      (e) => ({
        ...e,
        entries: [
          { entry: { ...must(entries[3]), note: "x" } as AuditEntryJson, proof: inclusion(3, 40) },
        ],
      }),
      ["entry_hash_mismatch", "inclusion_failed"],
    ],
    [
      "another entry's proof",
      (e) => ({ ...e, entries: [{ entry: must(entries[3]), proof: inclusion(4, 40) }] }),
      ["proof_mismatch"],
    ],
    [
      "a proof for a size without checkpoint",
      (e) => ({ ...e, entries: [{ entry: must(entries[3]), proof: inclusion(3, 39) }] }),
      ["inclusion_unanchored"],
    ],
    [
      "a proof one hash short",
      (e) => {
        const proof = inclusion(3, 40);
        proof.hashes.pop();
        return { ...e, entries: [{ entry: must(entries[3]), proof }] };
      },
      ["inclusion_failed"],
    ],
  ])("reports %s", async (_, breakIt, want) => {
    expect(codes(await breakIt(await honest()))).toEqual(want);
  });

  test("hostile shapes are reported, never thrown", async () => {
    const base = await honest();
    const hostile: unknown[] = [
      null,
      "entry",
      { entry: null, proof: null },
      { entry: { leafIndex: "3" }, proof: inclusion(3, 40) },
      { entry: must(entries[3]), proof: { ...inclusion(3, 40), treeSize: -1 } },
      { entry: must(entries[3]), proof: { ...inclusion(3, 40), hashes: "AAAA" } },
      { entry: must(entries[3]), proof: { ...inclusion(3, 40), hashes: ["not base64!"] } },
      { entry: must(entries[3]), proof: { ...inclusion(3, 40), hashes: Array(10_000).fill("A") } },
      {
        entry: must(entries[3]),
        proof: { ...inclusion(3, 40), hashes: [b64(new Uint8Array(31))] },
      },
      {
        entry: JSON.parse(
          `{"__proto__":{"x":1},"leafIndex":3,"leafHash":"${must(entries[3]).leafHash}"}`,
        ),
        proof: inclusion(3, 40),
      },
      {
        entry: { ...must(entries[3]), deep: JSON.parse(`${"[".repeat(100)}${"]".repeat(100)}`) },
        proof: inclusion(3, 40),
      },
      { entry: { ...must(entries[3]), n: 10n }, proof: inclusion(3, 40) },
    ];
    const result = verifyAuditLog({
      ...base,
      entries: hostile as AuditEvidence["entries"],
      consistencyProofs: [null, { first: "13" }, { first: 13, second: 40, hashes: null }] as never,
      checkpoints: [...base.checkpoints, "", new Uint8Array([0xff, 0xfe]), "x".repeat(2_000_000)],
    });
    expect(result.ok).toBe(false);
    expect(result.verifiedEntries).toEqual([]);
    expect(result.issues.length).toBeGreaterThanOrEqual(hostile.length);
    for (const issue of result.issues) {
      expect(issue.zh.length).toBeGreaterThan(0);
      expect(issue.en.length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test("evidence that is not even arrays is reported, not thrown", () => {
    const result = verifyAuditLog({
      verifiers: "key" as never,
      checkpoints: "note" as never,
      consistencyProofs: { first: 1 } as never,
      entries: 42 as never,
    });
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(["no_checkpoint"]);
  });

  test("property: any single changed hash or entry field is caught", async () => {
    const base = await honest();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...mine),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        async (index, which, flip, inProof) => {
          const proof = inclusion(index, 40);
          const entry = { ...must(entries[index]) };
          if (inProof && proof.hashes.length > 0) {
            const at = which % proof.hashes.length;
            const bytes = Buffer.from(must(proof.hashes[at]), "base64");
            bytes[which % 32] = (bytes[which % 32] ?? 0) ^ (flip || 1);
            proof.hashes[at] = bytes.toString("base64");
          } else {
            entry.requestId = `${entry.requestId ?? ""}x`;
          }
          const result = verifyAuditLog({ ...base, entries: [{ entry, proof }] });
          return !result.ok && result.verifiedEntries.length === 0;
        },
      ),
      { numRuns: 200 },
    );
  });
});
