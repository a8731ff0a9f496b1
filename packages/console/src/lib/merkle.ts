/**
 * Audit proofs checked in the browser with Web Crypto, trusting nothing the node says: the leaf
 * hash is recomputed from the entry (RFC 9162 §2.1.1: SHA-256(0x00 ‖ RFC 8785 JSON of the entry
 * without leafIndex and leafHash)), the inclusion proof is folded up to a root (RFC 9162
 * §2.1.3.2), and that root must equal the one in the checkpoint whose signature is checked with
 * the audit log's key the user holds (C2SP signed-note).
 */
import { bytesEqual, fromBase64, sha256 } from "./bytes.js";
import { canonicalJson } from "./canonical-json.js";

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);
const utf8 = new TextEncoder();

/** The leaf hash of a served audit entry, recomputed from its content. */
export async function auditLeafHash(entry: Record<string, unknown>): Promise<Uint8Array> {
  const { leafIndex: _index, leafHash: _hash, ...content } = entry;
  return sha256(LEAF, utf8.encode(canonicalJson(content)));
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined when the proof is
 * malformed (wrong length, index past the size, hashes that are not 32 bytes).
 */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return undefined;
  if (index < 0 || index >= treeSize || leafHash.length !== 32 || proof.length > 64)
    return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

export interface ParsedCheckpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** The signed text (origin, size, root and extension lines). */
  text: string;
  signatures: { name: string; keyHash: Uint8Array; signature: Uint8Array }[];
}

/** A C2SP signed note carrying a tlog checkpoint; undefined when malformed. */
export function parseCheckpointNote(note: string): ParsedCheckpoint | undefined {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return undefined;
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split("\n");
  const [origin, sizeText, rootText] = lines;
  if (!origin || !sizeText || !rootText || !/^(0|[1-9][0-9]*)$/.test(sizeText)) return undefined;
  const rootHash = fromBase64(rootText);
  if (rootHash?.length !== 32) return undefined;
  const signatures: ParsedCheckpoint["signatures"] = [];
  for (const line of note.slice(split + 2, -1).split("\n")) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    const bytes = match?.[2] ? fromBase64(match[2]) : undefined;
    if (!match?.[1] || !bytes || bytes.length < 5) return undefined;
    signatures.push({ name: match[1], keyHash: bytes.slice(0, 4), signature: bytes.slice(4) });
  }
  return { origin, size: Number(sizeText), rootHash, text, signatures };
}

/** An Ed25519 verifier key (C2SP signed-note vkey `name+hash+base64(0x01 ‖ key)`). */
export interface NoteVerifierKey {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

export async function parseVerifierKey(vkey: string): Promise<NoteVerifierKey | undefined> {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  const bytes = match?.[3] ? fromBase64(match[3]) : undefined;
  if (!match?.[1] || !match[2] || bytes?.length !== 33 || bytes[0] !== 0x01) return undefined;
  const keyHash = (await sha256(utf8.encode(`${match[1]}\n`), bytes)).slice(0, 4);
  const hex = [...keyHash].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (hex !== match[2]) return undefined;
  return { name: match[1], keyHash, publicKey: bytes.slice(1) };
}

/** Whether the checkpoint carries a valid Ed25519 signature by the key (RFC 8032). */
export async function checkpointSignedBy(
  checkpoint: ParsedCheckpoint,
  key: NoteVerifierKey,
): Promise<boolean> {
  const signature = checkpoint.signatures.find(
    (s) => s.name === key.name && bytesEqual(s.keyHash, key.keyHash),
  );
  if (signature?.signature.length !== 64) return false;
  try {
    const publicKey = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(key.publicKey),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    return await crypto.subtle.verify(
      { name: "Ed25519" },
      publicKey,
      new Uint8Array(signature.signature),
      utf8.encode(checkpoint.text),
    );
  } catch {
    return false;
  }
}

export type ProofStep =
  | "leaf_hash"
  | "proof"
  | "root"
  | "checkpoint_signature"
  | "checkpoint_signature_unchecked";

export interface ProofVerdict {
  ok: boolean;
  /** The first check that failed, or the last one done. */
  steps: { step: ProofStep; ok: boolean }[];
}

/**
 * Verify that an entry is in the log: leaf hash recomputed and equal to the served one, the
 * proof leading to the checkpoint's root, and the checkpoint signed by the audit key (when the
 * user gave one; without it the verdict says the signature was not checked).
 */
export async function verifyEntryInclusion(input: {
  entry: Record<string, unknown>;
  proof: { leafIndex: number; treeSize: number; hashes: string[] };
  checkpoint: ParsedCheckpoint;
  key?: NoteVerifierKey;
}): Promise<ProofVerdict> {
  const steps: ProofVerdict["steps"] = [];
  const leaf = await auditLeafHash(input.entry);
  const served = fromBase64(String(input.entry.leafHash ?? ""));
  steps.push({ step: "leaf_hash", ok: served !== undefined && bytesEqual(leaf, served) });
  const hashes = input.proof.hashes.map((h) => fromBase64(h) ?? new Uint8Array());
  const index = Number(input.entry.leafIndex);
  const root =
    input.proof.treeSize === input.checkpoint.size && input.proof.leafIndex === index
      ? await rootFromInclusionProof(index, input.proof.treeSize, leaf, hashes)
      : undefined;
  steps.push({ step: "proof", ok: root !== undefined });
  steps.push({
    step: "root",
    ok: root !== undefined && bytesEqual(root, input.checkpoint.rootHash),
  });
  if (input.key)
    steps.push({
      step: "checkpoint_signature",
      ok: await checkpointSignedBy(input.checkpoint, input.key),
    });
  else steps.push({ step: "checkpoint_signature_unchecked", ok: true });
  return { ok: steps.every((s) => s.ok), steps };
}
