import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  consistencyProof,
  inclusionProof,
  MERKLE_HASH_SIZE,
  MerkleTreeBuilder,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeInclusion,
} from "../src/merkle.js";

// transparency-dev/merkle probe vectors and the CT reference tree (see the README there).
const TESTDATA = new URL("./fixtures/merkle/", import.meta.url);
if (!existsSync(new URL("README.md", TESTDATA))) {
  throw new Error(
    `Merkle test vectors not found at ${fileURLToPath(TESTDATA)}: see test/fixtures/README.md`,
  );
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function jsonFiles(folder: string): string[] {
  const dir = new URL(`testdata/${folder}/`, TESTDATA);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `${folder}/${f}`);
}
const readJson = <T>(relative: string): T =>
  JSON.parse(readFileSync(new URL(relative, TESTDATA), "utf8")) as T;

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ReferenceTree {
  leafInputsHex: string[];
  leafHashesHex: string[];
  rootHashesBySizeHex: string[];
  nodeHashesByLevelHex: string[][];
}

const inclusionFiles = jsonFiles("inclusion");
const subtreeInclusionFiles = jsonFiles("subtreeinclusion");
const consistencyFiles = jsonFiles("consistency");
const ref = readJson<ReferenceTree>("reference-tree.json");
const refLeaves = ref.leafHashesHex.map(hex);
const refRoots = ref.rootHashesBySizeHex.map(hex);

describe("transparency-dev/merkle probe vectors", () => {
  test("the folders are all there", () => {
    // README: 98 inclusion and 98 consistency files.
    expect(inclusionFiles).toHaveLength(98);
    expect(consistencyFiles).toHaveLength(98);
    expect(subtreeInclusionFiles).toHaveLength(204);
  });

  test.each(inclusionFiles)("inclusion %s", (file) => {
    const p = readJson<InclusionProbe>(`testdata/${file}`);
    const got = verifyInclusion(
      p.leafIdx,
      p.treeSize,
      b64(p.leafHash),
      (p.proof ?? []).map(b64),
      b64(p.root),
    );
    expect(got, p.desc).toBe(!p.wantErr);
  });

  test.each(subtreeInclusionFiles)("subtree inclusion %s", (file) => {
    const p = readJson<InclusionProbe & { start: number; end: number }>(`testdata/${file}`);
    const proof = (p.proof ?? []).map(b64);
    const got = verifySubtreeInclusion(
      p.leafIdx,
      p.start,
      p.end,
      b64(p.leafHash),
      proof,
      b64(p.root),
    );
    expect(got, p.desc).toBe(!p.wantErr);
  });

  test.each(consistencyFiles)("consistency %s", (file) => {
    const p = readJson<ConsistencyProbe>(`testdata/${file}`);
    const got = verifyConsistency(
      p.size1,
      p.size2,
      b64(p.root1),
      b64(p.root2),
      (p.proof ?? []).map(b64),
    );
    expect(got, p.desc).toBe(!p.wantErr);
  });

  test("generated proofs equal every happy-path proof over the reference tree", () => {
    let compared = 0;
    for (const file of inclusionFiles.filter((f) => f.endsWith("happy-path.json"))) {
      const p = readJson<InclusionProbe>(`testdata/${file}`);
      const leaves = refLeaves.slice(0, p.treeSize);
      expect(toHex(merkleRoot(leaves)), file).toBe(toHex(b64(p.root)));
      expect(inclusionProof(leaves, p.leafIdx).map(toHex), file).toEqual(
        (p.proof ?? []).map((h) => toHex(b64(h))),
      );
      compared++;
    }
    for (const file of consistencyFiles.filter((f) => f.endsWith("happy-path.json"))) {
      const p = readJson<ConsistencyProbe>(`testdata/${file}`);
      const leaves = refLeaves.slice(0, p.size2);
      expect(toHex(merkleRoot(leaves.slice(0, p.size1))), file).toBe(toHex(b64(p.root1)));
      expect(consistencyProof(leaves, p.size1).map(toHex), file).toEqual(
        (p.proof ?? []).map((h) => toHex(b64(h))),
      );
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});

describe("RFC 9162 §2.1.1 hashing over the CT reference tree", () => {
  test("empty tree and leaf hashes", () => {
    expect(toHex(merkleRoot([]))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    ref.leafInputsHex.forEach((input, i) => {
      expect(toHex(merkleLeafHash(hex(input)))).toBe(ref.leafHashesHex[i]);
    });
  });

  test("perfect subtree node hashes", () => {
    for (let level = 1; level < ref.nodeHashesByLevelHex.length; level++) {
      const below = ref.nodeHashesByLevelHex[level - 1] ?? [];
      (ref.nodeHashesByLevelHex[level] ?? []).forEach((want, i) => {
        const got = merkleNodeHash(hex(below[2 * i] ?? ""), hex(below[2 * i + 1] ?? ""));
        expect(toHex(got)).toBe(want);
      });
    }
  });

  test.each(refRoots.map((root, size) => [size, toHex(root)] as const))(
    "root of size %i",
    (size, want) => {
      expect(toHex(merkleRoot(refLeaves.slice(0, size)))).toBe(want);
      const builder = new MerkleTreeBuilder();
      for (const leaf of refLeaves.slice(0, size)) builder.append(leaf);
      expect(builder.size).toBe(size);
      expect(toHex(builder.root())).toBe(want);
    },
  );

  test("every inclusion proof for sizes 1..8 verifies against the reference roots, and only there", () => {
    let checked = 0;
    for (let size = 1; size <= 8; size++) {
      const leaves = refLeaves.slice(0, size);
      const root = refRoots[size] as Uint8Array;
      for (let index = 0; index < size; index++) {
        const leaf = leaves[index] as Uint8Array;
        const proof = inclusionProof(leaves, index);
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
        // The same proof must not verify for a neighbouring index, size or root.
        if (size > 1)
          expect(verifyInclusion((index + 1) % size, size, leaf, proof, root)).toBe(false);
        // (A larger size alone may still verify: the proof's shape can be the same, and
        // the size is authenticated by the signed tree head, not by the proof.)
        expect(verifyInclusion(index, size + 1, leaf, proof, refRoots[size + 1] ?? root)).toBe(
          false,
        );
        expect(verifyInclusion(index, size, leaf, proof, refRoots[size - 1] as Uint8Array)).toBe(
          false,
        );
        checked++;
      }
    }
    expect(checked).toBe(36);
  });

  test("every consistency proof for 1 <= m <= n <= 8 verifies against the reference roots, and only there", () => {
    let checked = 0;
    for (let n = 1; n <= 8; n++) {
      const leaves = refLeaves.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leaves, m);
        const oldRoot = refRoots[m] as Uint8Array;
        const newRoot = refRoots[n] as Uint8Array;
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `${m}→${n}`).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, newRoot, oldRoot, proof), `${m}→${n} swapped`).toBe(false);
          expect(verifyConsistency(m - 1, n, refRoots[m - 1] as Uint8Array, newRoot, proof)).toBe(
            false,
          );
        }
        checked++;
      }
    }
    expect(checked).toBe(36);
  });

  test("RFC 9162 §2.1.5 examples over the 7-leaf tree", () => {
    // The RFC's figure: leaves a..f and j (= d6), g = (a,b), h = (c,d), i = (e,f),
    // k = (g,h), l = (i,j), root = (k,l).
    const leaves = refLeaves.slice(0, 7);
    const [a, b, c, d, e, f, j] = leaves as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const g = merkleNodeHash(a, b);
    const h = merkleNodeHash(c, d);
    const i = merkleNodeHash(e, f);
    const k = merkleNodeHash(g, h);
    const l = merkleNodeHash(i, j);
    const hexes = (hs: Uint8Array[]) => hs.map(toHex);
    expect(toHex(merkleNodeHash(k, l))).toBe(toHex(refRoots[7] as Uint8Array));
    // §2.1.5: inclusion proofs for d0, d3, d4, d6.
    const inclusion: [number, Uint8Array[]][] = [
      [0, [b, h, l]],
      [3, [c, g, l]],
      [4, [f, j, k]],
      [6, [i, k]],
    ];
    for (const [index, want] of inclusion)
      expect(hexes(inclusionProof(leaves, index))).toEqual(hexes(want));
    // §2.1.5: consistency proofs from sizes 3, 4 and 6 to 7.
    const consistency: [number, Uint8Array[]][] = [
      [3, [c, d, g, l]],
      [4, [l]],
      [6, [i, j, k]],
    ];
    for (const [m, want] of consistency)
      expect(hexes(consistencyProof(leaves, m))).toEqual(hexes(want));
  });
});

// An independent oracle for huge trees: the "inner + border" decomposition of
// inclusion proofs (as transparency-dev/merkle computes roots), in BigInt, so that
// sizes up to 2^53 − 1 are checked without building the tree.
const bitLength = (x: bigint): number => x.toString(2).replace(/^0+/, "").length;
const popCountBig = (x: bigint): number => [...x.toString(2)].filter((c) => c === "1").length;
function decompose(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: popCountBig(index >> BigInt(inner)) };
}
function chain(seed: Uint8Array, proof: Uint8Array[], index: bigint, onlyLeft = false): Uint8Array {
  let h = seed;
  proof.forEach((p, i) => {
    if ((index >> BigInt(i)) & 1n) h = merkleNodeHash(p, h);
    else if (!onlyLeft) h = merkleNodeHash(h, p);
  });
  return h;
}
const chainBorder = (seed: Uint8Array, proof: Uint8Array[]): Uint8Array =>
  proof.reduce((h, p) => merkleNodeHash(p, h), seed);

function oracleInclusionRoot(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Uint8Array {
  const { inner } = decompose(BigInt(index), BigInt(size));
  return chainBorder(chain(leaf, proof.slice(0, inner), BigInt(index)), proof.slice(inner));
}
function oracleConsistencyRoots(
  m: number,
  n: number,
  proof: Uint8Array[],
  seedIfPerfect: Uint8Array,
) {
  const size1 = BigInt(m);
  let { inner } = decompose(size1 - 1n, BigInt(n));
  const shift = bitLength(size1 & -size1) - 1;
  inner -= shift;
  const perfect = size1 === 1n << BigInt(shift);
  const seed = perfect ? seedIfPerfect : (proof[0] as Uint8Array);
  const rest = perfect ? proof : proof.slice(1);
  const mask = (size1 - 1n) >> BigInt(shift);
  const border = rest.slice(inner);
  return {
    oldRoot: chainBorder(chain(seed, rest.slice(0, inner), mask, true), border),
    newRoot: chainBorder(chain(seed, rest.slice(0, inner), mask), border),
    length: (perfect ? 0 : 1) + inner + decompose(size1 - 1n, BigInt(n)).border,
  };
}

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const MAX = Number.MAX_SAFE_INTEGER;

describe("sizes up to 2^53 − 1", () => {
  test("inclusion: the RFC 9162 §2.1.3.2 walk agrees with the decomposition oracle", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(MAX), fc.integer({ min: 1, max: MAX })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        hash32,
        fc.array(hash32, { minLength: 110, maxLength: 110 }),
        (size, at, leaf, pool) => {
          const index = Math.min(size - 1, Math.floor(at * size));
          const { inner, border } = decompose(BigInt(index), BigInt(size));
          const proof = pool.slice(0, inner + border);
          const root = oracleInclusionRoot(index, size, leaf, proof);
          expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
          if (proof.length > 0)
            expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(index, size, leaf, [...proof, leaf], root)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("consistency: the RFC 9162 §2.1.4.2 walk agrees with the decomposition oracle", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(MAX), fc.integer({ min: 2, max: MAX })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(hash32, { minLength: 110, maxLength: 110 }),
        (n, at, pool) => {
          const m = Math.max(1, Math.min(n - 1, Math.floor(at * n)));
          const seed = pool[109] as Uint8Array;
          const { length } = oracleConsistencyRoots(m, n, pool, seed);
          const proof = pool.slice(0, length);
          const { oldRoot, newRoot } = oracleConsistencyRoots(m, n, proof, seed);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("largest sizes as table rows: last leaf of 2^53 − 1, and 2^52 → 2^53 − 1", () => {
    const leaf = new Uint8Array(32).fill(7);
    const pool = Array.from({ length: 60 }, (_, i) => new Uint8Array(32).fill(i + 1));
    const { inner, border } = decompose(BigInt(MAX - 1), BigInt(MAX));
    const proof = pool.slice(0, inner + border);
    expect(proof).toHaveLength(52); // 2^53 − 1 = 53 ones; the last leaf skips the missing level
    expect(
      verifyInclusion(MAX - 1, MAX, leaf, proof, oracleInclusionRoot(MAX - 1, MAX, leaf, proof)),
    ).toBe(true);
    const m = 2 ** 52;
    const c = oracleConsistencyRoots(m, MAX, pool, leaf);
    const cProof = pool.slice(0, c.length);
    const roots = oracleConsistencyRoots(m, MAX, cProof, leaf);
    expect(roots.oldRoot).toEqual(leaf); // a perfect old tree: its root is the seed
    expect(verifyConsistency(m, MAX, roots.oldRoot, roots.newRoot, cProof)).toBe(true);
  });
});

const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  const at = Math.floor(bit / 8) % copy.length;
  copy[at] = (copy[at] ?? 0) ^ (1 << (bit % 8));
  return copy;
};

describe("properties over random trees (size ≤ 64)", () => {
  const tree = fc.array(hash32, { minLength: 1, maxLength: 64 });

  test("builder root equals merkleRoot at every size, and restore continues it", () => {
    fc.assert(
      fc.property(tree, fc.nat(), (leaves, cut) => {
        const builder = new MerkleTreeBuilder();
        leaves.forEach((leaf, i) => {
          expect(builder.append(leaf)).toBe(i);
          expect(builder.root()).toEqual(merkleRoot(leaves.slice(0, i + 1)));
        });
        const at = cut % (leaves.length + 1);
        const partial = new MerkleTreeBuilder();
        for (const leaf of leaves.slice(0, at)) partial.append(leaf);
        const restored = MerkleTreeBuilder.restore(partial.size, partial.rightEdge);
        for (const leaf of leaves.slice(at)) restored.append(leaf);
        expect(restored.size).toBe(leaves.length);
        expect(restored.root()).toEqual(builder.root());
      }),
      { numRuns: 40 },
    );
  });

  test("inclusion proofs verify, and any single-bit flip in the proof or root fails", () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat({ max: 255 }), (leaves, i, which, bit) => {
        const index = i % leaves.length;
        const proof = inclusionProof(leaves, index);
        const root = merkleRoot(leaves);
        const leaf = leaves[index] as Uint8Array;
        expect(verifyInclusion(index, leaves.length, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index, leaves.length, leaf, proof, flipBit(root, bit))).toBe(false);
        expect(verifyInclusion(index, leaves.length, flipBit(leaf, bit), proof, root)).toBe(false);
        if (proof.length > 0) {
          const j = which % proof.length;
          const bad = proof.map((p, k) => (k === j ? flipBit(p, bit) : p));
          expect(verifyInclusion(index, leaves.length, leaf, bad, root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  test("consistency proofs verify, and any single-bit flip in the proof or either root fails", () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat({ max: 255 }), (leaves, i, which, bit) => {
        const n = leaves.length;
        const m = 1 + (i % n);
        const proof = consistencyProof(leaves, m);
        const oldRoot = merkleRoot(leaves.slice(0, m));
        const newRoot = merkleRoot(leaves);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
        expect(verifyConsistency(m, n, flipBit(oldRoot, bit), newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, flipBit(newRoot, bit), proof)).toBe(false);
        if (proof.length > 0) {
          const j = which % proof.length;
          const bad = proof.map((p, k) => (k === j ? flipBit(p, bit) : p));
          expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("hostile input: verification returns false, never throws", () => {
  const leaves = refLeaves.slice(0, 5);
  const root = refRoots[5] as Uint8Array;
  const leaf = leaves[2] as Uint8Array;
  const proof = inclusionProof(leaves, 2);
  const cProof = consistencyProof(leaves, 3);
  const root3 = refRoots[3] as Uint8Array;
  const h = (n: number) => new Uint8Array(n);
  const bogus = (x: unknown) => x as Uint8Array;

  test.each([
    ["valid (control row)", 2, 5, leaf, proof, root, true],
    ["negative index", -1, 5, leaf, proof, root, false],
    ["NaN index", Number.NaN, 5, leaf, proof, root, false],
    ["fractional index", 1.5, 5, leaf, proof, root, false],
    ["index = size", 5, 5, leaf, proof, root, false],
    ["Infinity size", 2, Number.POSITIVE_INFINITY, leaf, proof, root, false],
    ["size 2^53 (unsafe)", 2, 2 ** 53, leaf, proof, root, false],
    ["size 0", 0, 0, leaf, [], root, false],
    ["size as string", 2, "5" as unknown as number, leaf, proof, root, false],
    ["31-byte leaf", 2, 5, h(31), proof, root, false],
    ["33-byte root", 2, 5, leaf, proof, h(33), false],
    ["leaf not bytes", 2, 5, bogus("x".repeat(32)), proof, root, false],
    ["proof element 31 bytes", 2, 5, leaf, [h(31), ...proof.slice(1)], root, false],
    ["proof element null", 2, 5, leaf, [bogus(null), ...proof.slice(1)], root, false],
    [
      "proof not an array",
      2,
      5,
      leaf,
      bogus({ length: 3 }) as unknown as Uint8Array[],
      root,
      false,
    ],
    ["proof too short", 2, 5, leaf, proof.slice(1), root, false],
    ["proof too long", 2, 5, leaf, [...proof, root], root, false],
    ["proof absurdly long", 2, 5, leaf, Array.from({ length: 100_000 }, () => root), root, false],
  ] as const)("inclusion: %s", (_name, index, size, leafHash, path, rootHash, want) => {
    expect(verifyInclusion(index, size, leafHash, path as Uint8Array[], rootHash)).toBe(want);
  });

  test.each([
    ["valid (control row)", 3, 5, root3, root, cProof, true],
    ["m > n", 5, 3, root, root3, cProof, false],
    ["m = 0, n > 0, empty proof", 0, 5, merkleRoot([]), root, [], false],
    ["m = n = 0 with the empty root", 0, 0, merkleRoot([]), merkleRoot([]), [], true],
    ["m = n = 0 with another root", 0, 0, root, root, [], false],
    ["m = n with non-empty proof", 5, 5, root, root, [root], false],
    ["m = n with different roots", 5, 5, root3, root, [], false],
    ["NaN size", Number.NaN, 5, root3, root, cProof, false],
    ["negative size", -3, 5, root3, root, cProof, false],
    ["fractional size", 3.5, 5, root3, root, cProof, false],
    ["unsafe size", 3, 2 ** 53 + 2, root3, root, cProof, false],
    ["empty proof", 3, 5, root3, root, [], false],
    ["short old root", 3, 5, h(16), root, cProof, false],
    ["proof element 33 bytes", 3, 5, root3, root, [h(33), ...cProof.slice(1)], false],
    ["proof element undefined", 3, 5, root3, root, [bogus(undefined), ...cProof.slice(1)], false],
    ["proof absurdly long", 3, 5, root3, root, Array.from({ length: 100_000 }, () => root), false],
  ] as const)("consistency: %s", (_name, m, n, oldRoot, newRoot, path, want) => {
    expect(verifyConsistency(m, n, oldRoot, newRoot, path as Uint8Array[])).toBe(want);
  });

  test("builders throw TypeError/RangeError on misuse (programmer errors, not data)", () => {
    expect(() => merkleNodeHash(h(31), h(32))).toThrow(TypeError);
    expect(() => merkleLeafHash("abc" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => merkleRoot([h(32), h(3)])).toThrow(TypeError);
    expect(() => inclusionProof(leaves, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, -1)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 0)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 6)).toThrow(RangeError);
    expect(consistencyProof(leaves, 5)).toEqual([]);
    expect(() => new MerkleTreeBuilder().append(h(31))).toThrow(TypeError);
    expect(() => MerkleTreeBuilder.restore(3, [h(32)])).toThrow(RangeError);
    expect(() => MerkleTreeBuilder.restore(1.5, [])).toThrow(RangeError);
    expect(MERKLE_HASH_SIZE).toBe(32);
  });

  test("returned hashes are copies: mutating them cannot corrupt later results", () => {
    const empty = merkleRoot([]);
    empty.fill(0);
    expect(toHex(merkleRoot([]))).toBe(toHex(refRoots[0] as Uint8Array));
    const builder = new MerkleTreeBuilder();
    builder.root().fill(0);
    expect(builder.root()).toEqual(refRoots[0]);
    builder.append(leaf);
    builder.rightEdge[0]?.fill(0);
    expect(builder.root()).toEqual(leaf);
  });
});
