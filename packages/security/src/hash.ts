import { createHash, getHashes, hash as oneShotHash } from "node:crypto";
import { sm3 as sm3Fallback } from "sm-crypto-v2";

/** The digest algorithms govex uses by name: SHA-2 (FIPS 180-4) and SM3 (GB/T 32905-2016). */
export type HashAlgorithm = "sha-256" | "sha-512" | "sm3";

const NODE_NAMES: Record<HashAlgorithm, string> = {
  "sha-256": "sha256",
  "sha-512": "sha512",
  sm3: "sm3",
};

// Official Node builds link OpenSSL 3 with SM3; a build without it (e.g. a distro's
// FIPS-only OpenSSL) falls back to sm-crypto-v2's pure-JS SM3.
const nativeSm3 = getHashes().includes("sm3");

/**
 * Hash bytes with one of govex's digest algorithms.
 *
 * @example
 * digest("sm3", new TextEncoder().encode("abc"));
 * // 66c7f0f4…8f4ba8e0 (GB/T 32905-2016 Appendix A, example 1)
 */
export function digest(algorithm: HashAlgorithm, data: Uint8Array | string): Uint8Array {
  if (algorithm === "sm3" && !nativeSm3) {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return Buffer.from(sm3Fallback(bytes), "hex");
  }
  // crypto.hash (Node ≥ 20.12) is the one-shot form, without a Hash stream object per call;
  // "binary" (latin1) carries each byte as one character, so the round trip is exact.
  return Buffer.from(oneShotHash(NODE_NAMES[algorithm], data, "binary"), "binary");
}

/** An incremental digest, for content that arrives in chunks (a streamed body). */
export interface IncrementalDigest {
  update(chunk: Uint8Array | string): void;
  digest(): Uint8Array;
}

/** Start an incremental digest with one of govex's algorithms. */
export function createDigest(algorithm: HashAlgorithm): IncrementalDigest {
  if (algorithm === "sm3" && !nativeSm3) {
    const chunks: Uint8Array[] = [];
    return {
      update: (chunk) =>
        void chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk),
      digest: () => digest("sm3", Buffer.concat(chunks)),
    };
  }
  const hash = createHash(NODE_NAMES[algorithm]);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest(),
  };
}
