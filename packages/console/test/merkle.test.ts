/**
 * The in-browser audit proof check (Web Crypto) against the node's own Merkle log and signed
 * checkpoints (@govex/security, RFC 9162, C2SP signed-note): every honest proof verifies, and
 * any flipped bit — in the entry, a proof hash, the root or the signature — fails.
 */
import { generateKeyPairSync } from "node:crypto";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  inclusionProof,
  merkleLeafHash,
  merkleRoot,
  canonicalJson as nodeCanonicalJson,
  signCheckpoint,
} from "@govex/security";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../src/lib/bytes.js";
import { canonicalJson } from "../src/lib/canonical-json.js";
import {
  auditLeafHash,
  parseCheckpointNote,
  parseVerifierKey,
  rootFromInclusionProof,
  verifyEntryInclusion,
} from "../src/lib/merkle.js";

const utf8 = new TextEncoder();

function entry(i: number): Record<string, unknown> {
  return {
    time: `2026-03-01T10:${String(i % 60).padStart(2, "0")}:00+08:00`,
    operation: i % 2 ? "queryRecords" : "decideShareRequest",
    caller: "11370000MB01645665",
    provider: "11370000MB1234562A",
    resourceCode: "101001/000001",
    fields: ["residentId", "name"],
    purpose: `办理社会保险登记 "${i}" \\ ☃ 𝄞`,
    status: 200,
  };
}

async function log(size: number) {
  const entries = Array.from({ length: size }, (_, i) => entry(i));
  const leaves = entries.map((e) => merkleLeafHash(utf8.encode(nodeCanonicalJson(e))));
  const served = entries.map((e, i) => ({
    ...e,
    leafIndex: i,
    leafHash: toBase64(leaves[i] as Uint8Array),
  }));
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const origin = "exchange.test/audit";
  const note = await signCheckpoint(
    { origin, size, rootHash: merkleRoot(leaves), extensions: [] },
    [ed25519NoteSigner(origin, privateKey)],
  );
  const vkey = formatVerifierKey(ed25519NoteVerifier(origin, publicKey));
  return { served, leaves, note, vkey };
}

describe("audit proofs verified in the browser", () => {
  it("canonical JSON agrees with the node's (RFC 8785)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(nodeCanonicalJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it("every entry of logs of 1–33 leaves verifies against the signed checkpoint", async () => {
    for (const size of [1, 2, 3, 5, 8, 13, 33]) {
      const { served, leaves, note, vkey } = await log(size);
      const checkpoint = parseCheckpointNote(note);
      const key = await parseVerifierKey(vkey);
      expect(checkpoint?.size).toBe(size);
      expect(key).toBeDefined();
      for (let i = 0; i < size; i++) {
        const hashes = inclusionProof(leaves, i).map(toBase64);
        const verdict = await verifyEntryInclusion({
          entry: served[i] as Record<string, unknown>,
          proof: { leafIndex: i, treeSize: size, hashes },
          checkpoint: checkpoint as NonNullable<typeof checkpoint>,
          ...(key ? { key } : {}),
        });
        expect(verdict, `leaf ${i} of ${size}`).toEqual({
          ok: true,
          steps: [
            { step: "leaf_hash", ok: true },
            { step: "proof", ok: true },
            { step: "root", ok: true },
            { step: "checkpoint_signature", ok: true },
          ],
        });
      }
    }
  });

  it("fails on a flipped proof hash, an edited entry, a foreign key or a forged signature", async () => {
    const size = 11;
    const { served, leaves, note, vkey } = await log(size);
    const checkpoint = parseCheckpointNote(note);
    if (!checkpoint) throw new Error("checkpoint did not parse");
    const key = await parseVerifierKey(vkey);
    const other = await parseVerifierKey(
      (await log(1)).vkey.replace("exchange.test/audit", "exchange.test/audit"),
    );
    const index = 6;
    const hashes = inclusionProof(leaves, index).map(toBase64);
    const flip = (b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return toBase64(bytes);
    };
    const base = { entry: served[index] as Record<string, unknown>, checkpoint };
    const table: [string, Parameters<typeof verifyEntryInclusion>[0], string][] = [
      [
        "flipped proof hash",
        {
          ...base,
          proof: {
            leafIndex: index,
            treeSize: size,
            hashes: [flip(hashes[0] as string), ...hashes.slice(1)],
          },
          ...(key ? { key } : {}),
        },
        "root",
      ],
      [
        "edited purpose",
        {
          ...base,
          entry: { ...base.entry, purpose: "别的用途" },
          proof: { leafIndex: index, treeSize: size, hashes },
          ...(key ? { key } : {}),
        },
        "leaf_hash",
      ],
      [
        "proof for another size",
        {
          ...base,
          proof: { leafIndex: index, treeSize: size - 1, hashes },
          ...(key ? { key } : {}),
        },
        "proof",
      ],
      [
        "short proof",
        {
          ...base,
          proof: { leafIndex: index, treeSize: size, hashes: hashes.slice(1) },
          ...(key ? { key } : {}),
        },
        "proof",
      ],
      [
        "another log's key",
        {
          ...base,
          proof: { leafIndex: index, treeSize: size, hashes },
          ...(other ? { key: other } : {}),
        },
        "checkpoint_signature",
      ],
      [
        "forged root",
        {
          ...base,
          checkpoint: {
            ...checkpoint,
            rootHash: Uint8Array.from(checkpoint.rootHash, (b, i) => (i === 0 ? b ^ 1 : b)),
          },
          proof: { leafIndex: index, treeSize: size, hashes },
          ...(key ? { key } : {}),
        },
        "root",
      ],
    ];
    for (const [name, input, failing] of table) {
      const verdict = await verifyEntryInclusion(input);
      expect(verdict.ok, name).toBe(false);
      expect(verdict.steps.find((s) => !s.ok)?.step, name).toBe(failing);
    }
    // A checkpoint whose text was altered no longer carries a valid signature.
    const altered = parseCheckpointNote(note.replace(`\n${size}\n`, `\n${size + 1}\n`));
    const verdict = await verifyEntryInclusion({
      entry: served[index] as Record<string, unknown>,
      proof: { leafIndex: index, treeSize: size + 1, hashes },
      checkpoint: altered as NonNullable<typeof altered>,
      ...(key ? { key } : {}),
    });
    expect(verdict.ok).toBe(false);
  });

  it("refuses malformed proofs, notes and keys without throwing", async () => {
    const leaf = new Uint8Array(32);
    expect(await rootFromInclusionProof(0, 1, leaf, [])).toEqual(leaf);
    expect(await rootFromInclusionProof(1, 1, leaf, [])).toBeUndefined();
    expect(await rootFromInclusionProof(-1, 4, leaf, [])).toBeUndefined();
    expect(await rootFromInclusionProof(0, 2 ** 60, leaf, [])).toBeUndefined();
    expect(await rootFromInclusionProof(0, 2, leaf, [new Uint8Array(31)])).toBeUndefined();
    for (const note of [
      "",
      "x\n",
      "o\n1\nnot-base64!\n\n— o AAAA\n",
      `o\n1\n${"A".repeat(44)}\n\nno dash\n`,
      "__proto__\n-1\nAA==\n\n",
    ])
      expect(parseCheckpointNote(note), note).toBeUndefined();
    for (const vkey of [
      "",
      "a+zzzzzzzz+AQ==",
      `name+00000000+${btoa(`\x01${"\0".repeat(32)}`)}`,
      "<script>+1+2",
    ])
      expect(await parseVerifierKey(vkey), vkey).toBeUndefined();
    expect((await auditLeafHash({ leafIndex: 1, leafHash: "x", a: 1 })).length).toBe(32);
  });
});
