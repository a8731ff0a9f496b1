/**
 * Merkle tree hashing, inclusion and consistency proofs of RFC 9162 §2.1
 * (Certificate Transparency 2.0; the same hashing as RFC 6962 §2.1), with SHA-256,
 * plus a memory-light incremental builder for append-only logs.
 *
 * Tree sizes and indexes are JavaScript numbers and may go up to 2^53 − 1
 * (`Number.MAX_SAFE_INTEGER`). The code never uses 32-bit bit operators on them:
 * "LSB" is `% 2` and "right shift" is `Math.floor(x / 2)`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1
 * @module
 */
import { createHash } from "node:crypto";

/** Length of a SHA-256 Merkle hash in bytes. */
export const MERKLE_HASH_SIZE = 32;

// RFC 9162 §2.1.1: domain separation prefixes of leaf and interior node hashes.
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

// A proof never has more than one hash per level on each side of the path; 2^53
// leaves have 53 levels, so anything longer is hostile and is refused up front.
const MAX_PROOF_LENGTH = 2 * 64;

// The root of the empty tree, MTH({}) = SHA-256("") (RFC 9162 §2.1.1). Never handed out
// uncopied: a caller mutating it would corrupt every later empty root.
const EMPTY_TREE_ROOT: Uint8Array = new Uint8Array(createHash("sha256").digest());

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === MERKLE_HASH_SIZE;
}

function requireHash(value: unknown, name: string): Uint8Array {
  if (!isHash(value)) {
    throw new TypeError(
      `${name} must be a ${MERKLE_HASH_SIZE}-byte Uint8Array (a SHA-256 Merkle hash)`,
    );
  }
  return value;
}

function requireLeafHashes(leafHashes: readonly Uint8Array[]): void {
  if (!Array.isArray(leafHashes))
    throw new TypeError("leafHashes must be an array of 32-byte hashes");
  for (const [i, h] of leafHashes.entries()) requireHash(h, `leafHashes[${i}]`);
}

function isSize(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** The largest power of two strictly smaller than n (n > 1), RFC 9162 §2.1.1 "k". */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The hash of a leaf: SHA-256(0x00 ‖ data) (RFC 9162 §2.1.1).
 *
 * @example
 * merkleLeafHash(new Uint8Array()); // 6e340b9c…afa01d
 */
export function merkleLeafHash(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError("data must be a Uint8Array");
  return sha256(LEAF_PREFIX, data);
}

/**
 * The hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1).
 * Both children must be 32-byte hashes; passing raw leaf data here is a bug.
 *
 * @example
 * merkleNodeHash(merkleLeafHash(a), merkleLeafHash(b)); // root of the 2-leaf tree [a, b]
 */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireHash(left, "left");
  requireHash(right, "right");
  return sha256(NODE_PREFIX, left, right);
}

function mth(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_ROOT;
  if (n === 1) return leaves[start] as Uint8Array;
  const k = splitPoint(n);
  return sha256(NODE_PREFIX, mth(leaves, start, start + k), mth(leaves, start + k, end));
}

/**
 * The Merkle Tree Hash MTH(D[n]) over already-hashed leaves (RFC 9162 §2.1.1):
 * SHA-256("") for no leaves, the leaf hash for one, otherwise
 * node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two below n.
 *
 * @example
 * const leaves = ["a", "b", "c"].map((s) => merkleLeafHash(new TextEncoder().encode(s)));
 * merkleRoot(leaves); // the tree head of a 3-entry log
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  requireLeafHashes(leafHashes);
  return Uint8Array.from(mth(leafHashes, 0, leafHashes.length));
}

function path(
  leaves: readonly Uint8Array[],
  m: number,
  start: number,
  end: number,
  out: Uint8Array[],
): void {
  const n = end - start;
  if (n <= 1) return;
  const k = splitPoint(n);
  // RFC 9162 §2.1.3.1: PATH(m, D[n]) lists sibling hashes from the leaf upwards.
  if (m < k) {
    path(leaves, m, start, start + k, out);
    out.push(mth(leaves, start + k, end));
  } else {
    path(leaves, m - k, start + k, end, out);
    out.push(mth(leaves, start, start + k));
  }
}

/**
 * The inclusion proof PATH(m, D[n]) of leaf `index` in the tree of all
 * `leafHashes` (RFC 9162 §2.1.3.1), lowest sibling first.
 * Throws a RangeError unless 0 ≤ index < leafHashes.length.
 *
 * @example
 * const proof = inclusionProof(leaves, 2);
 * verifyInclusion(2, leaves.length, leaves[2], proof, merkleRoot(leaves)); // true
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  requireLeafHashes(leafHashes);
  if (!isSize(index) || index >= leafHashes.length) {
    throw new RangeError(
      `index must be an integer in [0, ${leafHashes.length}), got ${String(index)}`,
    );
  }
  const out: Uint8Array[] = [];
  path(leafHashes, index, 0, leafHashes.length, out);
  return out;
}

/**
 * Verify an inclusion proof (RFC 9162 §2.1.3.2). Returns false — never throws —
 * for any malformed input: non-integer, negative or unsafe sizes, index ≥ size
 * (so a size-0 tree never verifies), hashes that are not 32 bytes, or a proof of
 * the wrong length.
 *
 * @example
 * verifyInclusion(0, 1, leaf, [], leaf); // true: a one-leaf tree's root is its leaf hash
 */
export function verifyInclusion(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
    if (!isHash(leafHash) || !isHash(root)) return false;
    if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return false;
    let fn = index;
    let sn = treeSize - 1;
    let r = leafHash;
    for (const p of proof) {
      if (!isHash(p) || sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        r = sha256(NODE_PREFIX, p, r);
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        r = sha256(NODE_PREFIX, r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && bytesEqual(r, root);
  } catch {
    return false;
  }
}

function subproof(
  leaves: readonly Uint8Array[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
  out: Uint8Array[],
): void {
  const n = end - start;
  // RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
  if (m === n) {
    if (!complete) out.push(mth(leaves, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(leaves, m, start, start + k, complete, out);
    out.push(mth(leaves, start + k, end));
  } else {
    subproof(leaves, m - k, start + k, end, false, out);
    out.push(mth(leaves, start, start + k));
  }
}

/**
 * The consistency proof PROOF(m, D[n]) between the tree of the first `oldSize`
 * leaves and the tree of all `leafHashes` (RFC 9162 §2.1.4.1). Empty when
 * oldSize equals the current size. Throws a RangeError unless
 * 0 < oldSize ≤ leafHashes.length: a proof from the empty tree means nothing
 * (every tree extends it), so RFC 9162 defines none.
 *
 * @example
 * const proof = consistencyProof(leaves, 3);
 * verifyConsistency(3, leaves.length, merkleRoot(leaves.slice(0, 3)), merkleRoot(leaves), proof); // true
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  requireLeafHashes(leafHashes);
  if (!isSize(oldSize) || oldSize === 0 || oldSize > leafHashes.length) {
    throw new RangeError(
      `oldSize must be an integer in [1, ${leafHashes.length}], got ${String(oldSize)}`,
    );
  }
  const out: Uint8Array[] = [];
  if (oldSize === leafHashes.length) return out;
  subproof(leafHashes, oldSize, 0, leafHashes.length, true, out);
  return out;
}

/**
 * Verify that the tree of `newSize` with `newRoot` extends the tree of `oldSize`
 * with `oldRoot` (RFC 9162 §2.1.4.2, which covers 0 < oldSize < newSize).
 * The edge cases follow the RFC's definitions: equal sizes verify only with an
 * empty proof and byte-equal roots (size 0: both must be SHA-256("")); oldSize 0 with
 * newSize > 0 never verifies (no such proof exists). Returns false — never
 * throws — for any malformed input.
 *
 * @example
 * verifyConsistency(3, 7, root3, root7, consistencyProof(leaves7, 3)); // true
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  try {
    if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
    if (!(oldRoot instanceof Uint8Array) || !(newRoot instanceof Uint8Array)) return false;
    if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return false;
    if (oldSize === newSize) {
      // The same tree head twice: nothing to prove, the roots are only compared (as
      // transparency-dev/merkle does, so its probe "sizes are equal (one)" passes even
      // with roots that are not hashes). Size 0 has a known root, SHA-256("").
      if (proof.length !== 0 || !bytesEqual(oldRoot, newRoot)) return false;
      return oldSize !== 0 || bytesEqual(oldRoot, EMPTY_TREE_ROOT);
    }
    if (!isHash(oldRoot) || !isHash(newRoot)) return false;
    if (oldSize === 0) return false;
    // Step 1: an empty path never proves anything.
    if (proof.length === 0) return false;
    if (!proof.every(isHash)) return false;
    // Step 2: when the old tree is a perfect subtree its root is the path's seed.
    let isPowerOfTwo = true;
    for (let x = oldSize; x > 1; x = half(x)) if (isOdd(x)) isPowerOfTwo = false;
    const path = isPowerOfTwo ? [oldRoot, ...proof] : [...proof];
    // Step 3–4.
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (isOdd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    // Step 5.
    let fr = path[0] as Uint8Array;
    let sr = fr;
    // Step 6.
    for (let i = 1; i < path.length; i++) {
      const c = path[i] as Uint8Array;
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        fr = sha256(NODE_PREFIX, c, fr);
        sr = sha256(NODE_PREFIX, c, sr);
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        sr = sha256(NODE_PREFIX, sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    // Step 7.
    return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
  } catch {
    return false;
  }
}

function popCount(x: number): number {
  let count = 0;
  for (let v = x; v > 0; v = half(v)) if (isOdd(v)) count++;
  return count;
}

/**
 * An append-only Merkle tree that keeps only its "right edge": the roots of the
 * perfect subtrees that make up the tree, one per 1-bit of the size (a compact
 * range). Memory is O(log n); `append` is amortised O(1) hashes and `root()` is
 * O(log n). Restore it from storage with {@link MerkleTreeBuilder.restore}.
 *
 * @example
 * const tree = new MerkleTreeBuilder();
 * tree.append(merkleLeafHash(entry)); // 0, the new leaf's index
 * tree.root(); // equals merkleRoot(allLeafHashes)
 */
export class MerkleTreeBuilder {
  #size = 0;
  // Perfect subtree roots, largest (leftmost) first.
  #edge: Uint8Array[] = [];

  /**
   * Rebuild a builder from a stored size and right edge (see {@link rightEdge}).
   * Throws a RangeError if the edge does not have one hash per 1-bit of size.
   */
  static restore(size: number, rightEdge: readonly Uint8Array[]): MerkleTreeBuilder {
    if (!isSize(size))
      throw new RangeError(`size must be a safe non-negative integer, got ${String(size)}`);
    if (!Array.isArray(rightEdge) || rightEdge.length !== popCount(size)) {
      throw new RangeError(`a tree of size ${size} has a right edge of ${popCount(size)} hashes`);
    }
    for (const [i, h] of rightEdge.entries()) requireHash(h, `rightEdge[${i}]`);
    const builder = new MerkleTreeBuilder();
    builder.#size = size;
    builder.#edge = rightEdge.map((h) => Uint8Array.from(h));
    return builder;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect subtree roots, leftmost (largest) first. */
  get rightEdge(): Uint8Array[] {
    return this.#edge.map((h) => Uint8Array.from(h));
  }

  /** Append a 32-byte leaf hash; returns its index. */
  append(leafHash: Uint8Array): number {
    requireHash(leafHash, "leafHash");
    const index = this.#size;
    if (index >= Number.MAX_SAFE_INTEGER)
      throw new RangeError("the tree is full (2^53 − 1 leaves)");
    let hash: Uint8Array = Uint8Array.from(leafHash);
    // Each trailing 1-bit of the old size is a perfect subtree of the new leaf's size: merge.
    for (let n = index; isOdd(n); n = half(n)) {
      const left = this.#edge.pop() as Uint8Array;
      hash = sha256(NODE_PREFIX, left, hash);
    }
    this.#edge.push(hash);
    this.#size = index + 1;
    return index;
  }

  /** The current tree head MTH(D[size]) (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    const last = this.#edge.length - 1;
    if (last < 0) return Uint8Array.from(EMPTY_TREE_ROOT);
    let r = this.#edge[last] as Uint8Array;
    for (let i = last - 1; i >= 0; i--) r = sha256(NODE_PREFIX, this.#edge[i] as Uint8Array, r);
    return Uint8Array.from(r);
  }
}

/**
 * Whether [start, end) is a subtree in the sense of draft-ietf-plants-merkle-tree-certs
 * §4.5 (an Internet-Draft, so this may change): non-empty, and start is a multiple of
 * the smallest power of two ≥ end − start. Such a range is itself a Merkle tree whose
 * MTH is the hash of a node of (or a node on the right edge of) any tree containing it.
 */
export function isValidSubtree(start: number, end: number): boolean {
  if (!isSize(start) || !isSize(end) || start >= end) return false;
  let width = 1;
  while (width < end - start) width *= 2;
  return start % width === 0;
}

/**
 * Verify that leaf `index` is in the subtree [start, end) with hash `subtreeRoot`
 * (draft-ietf-plants-merkle-tree-certs §4.5; the proof is the RFC 9162 §2.1.3
 * inclusion proof of leaf index − start in the subtree's own tree). Returns false —
 * never throws — on malformed input or a range that is not a valid subtree.
 *
 * @example
 * verifySubtreeInclusion(9, 8, 12, leaf9, inclusionProof(leaves.slice(8, 12), 1), merkleRoot(leaves.slice(8, 12))); // true
 */
export function verifySubtreeInclusion(
  index: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  subtreeRoot: Uint8Array,
): boolean {
  if (!isValidSubtree(start, end) || !isSize(index) || index < start || index >= end) return false;
  return verifyInclusion(index - start, end - start, leafHash, proof, subtreeRoot);
}
