/**
 * The Merkle tree arithmetic of the stored audit log (RFC 9162 §2.1), over stored subtree hashes
 * instead of a list of leaves.
 *
 * Node (level, idx) is the tree hash of leaves [idx · 2^level, (idx + 1) · 2^level); the log
 * stores every such node once it is complete. Each hash a root or a proof needs is the tree hash
 * MTH of a range of leaves D[start:end] that RFC 9162's recursion reaches; such a range starts at
 * a multiple of a power of two at least its length, so it splits into complete nodes along the
 * 1-bits of its length, largest first, and its MTH folds them from the right (as the right edge
 * of MerkleTreeBuilder does). A root or a proof thus reads O(log n) stored nodes, whatever n.
 *
 * Sizes and indexes are numbers up to 2^53 − 1; no 32-bit bit operators are used on them.
 */
import { merkleNodeHash } from "@govex/security";

/** A stored node: the hash of leaves [idx · 2^level, (idx + 1) · 2^level). */
export interface NodeKey {
  level: number;
  idx: number;
}

/** A range of leaves [start, end). */
export type LeafRange = readonly [start: number, end: number];

/** The largest power of two strictly smaller than n (n > 1), RFC 9162 §2.1.1 "k". */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete nodes that make up [start, end), largest first.
 * Throws if the range is not one RFC 9162's recursion produces (not aligned).
 */
export function rangeNodes(start: number, end: number): NodeKey[] {
  const out: NodeKey[] = [];
  let size = 1;
  let level = 0;
  while (size * 2 <= end - start) {
    size *= 2;
    level++;
  }
  let at = start;
  for (; level >= 0; level--, size /= 2) {
    if (at + size > end) continue;
    if (at % size !== 0) throw new RangeError(`[${start}, ${end}) is not an aligned range`);
    out.push({ level, idx: at / size });
    at += size;
  }
  return out;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]) as the ranges whose MTH it lists, lowest first. */
function pathRanges(m: number, start: number, end: number, out: LeafRange[]): void {
  const n = end - start;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    pathRanges(m, start, start + k, out);
    out.push([start + k, end]);
  } else {
    pathRanges(m - k, start + k, end, out);
    out.push([start, start + k]);
  }
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b) as ranges. */
function subproofRanges(
  m: number,
  start: number,
  end: number,
  complete: boolean,
  out: LeafRange[],
): void {
  const n = end - start;
  if (m === n) {
    if (!complete) out.push([start, end]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofRanges(m, start, start + k, complete, out);
    out.push([start + k, end]);
  } else {
    subproofRanges(m - k, start + k, end, false, out);
    out.push([start, start + k]);
  }
}

/** The ranges whose hashes make the inclusion proof of leaf `index` in the tree of `size`. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  pathRanges(index, 0, size, out);
  return out;
}

/** The ranges whose hashes make the consistency proof from `first` to `second` (0 < first ≤ second). */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  const out: LeafRange[] = [];
  if (first < second) subproofRanges(first, 0, second, true, out);
  return out;
}

/** A key for maps of nodes. */
export function nodeId(key: NodeKey): string {
  return `${key.level}:${key.idx}`;
}

/**
 * MTH of a range from its complete nodes (largest first), folded from the right.
 * `lookup` returns each node's hash.
 */
export function foldRange(
  nodes: readonly NodeKey[],
  lookup: (key: NodeKey) => Uint8Array,
): Uint8Array {
  let hash = lookup(nodes[nodes.length - 1] as NodeKey);
  for (let i = nodes.length - 2; i >= 0; i--)
    hash = merkleNodeHash(lookup(nodes[i] as NodeKey), hash);
  return hash;
}

/**
 * Append leaves to a tree whose right edge (the nodes of [0, size), largest first) is `edge`:
 * returns the new nodes to store (the leaves at level 0 and every node they complete), in the
 * order they were made.
 */
export function appendNodes(
  size: number,
  edge: readonly { key: NodeKey; hash: Uint8Array }[],
  leafHashes: readonly Uint8Array[],
): { key: NodeKey; hash: Uint8Array }[] {
  const stack = [...edge];
  const made: { key: NodeKey; hash: Uint8Array }[] = [];
  leafHashes.forEach((leafHash, i) => {
    let node = { key: { level: 0, idx: size + i }, hash: leafHash };
    made.push(node);
    // A node with an odd index is a right child: it completes its parent with the edge's last node.
    while (node.key.idx % 2 === 1) {
      const left = stack.pop();
      if (!left || left.key.level !== node.key.level || left.key.idx !== node.key.idx - 1) {
        throw new RangeError(`the right edge does not match a tree of size ${size}`);
      }
      node = {
        key: { level: node.key.level + 1, idx: (node.key.idx - 1) / 2 },
        hash: merkleNodeHash(left.hash, node.hash),
      };
      made.push(node);
    }
    stack.push(node);
  });
  return made;
}
