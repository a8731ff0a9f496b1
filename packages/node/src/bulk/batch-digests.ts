/**
 * The digests of a batch's bytes as they stream through: SHA-256 (FIPS 180-4) and SM3
 * (GB/T 32905-2016), written as an RFC 9530 Content-Digest Dictionary
 * (`sha-256=:…:, sm3=:…:`). A prefix digest can be taken at any point without ending the hash
 * (`snapshot`), which is what a checkpoint stores and a resume compares.
 */
import { createHash, getHashes, type Hash } from "node:crypto";
import { isInnerList, parseDictionary } from "@govex/security";

/** Node builds with OpenSSL 3 have SM3; without it the receipt carries SHA-256 only. */
const HAS_SM3 = getHashes().includes("sm3");
const NODE_NAMES = { "sha-256": "sha256", sm3: "sm3", "sha-512": "sha512" } as const;
type Algorithm = keyof typeof NODE_NAMES;

export class BatchDigests {
  private readonly hashes: [Algorithm, Hash][];

  /** `extra`: algorithms a request's Content-Digest names besides SHA-256 and SM3. */
  constructor(extra: readonly Algorithm[] = []) {
    const names = new Set<Algorithm>(["sha-256", ...(HAS_SM3 ? (["sm3"] as const) : []), ...extra]);
    this.hashes = [...names].map((name) => [name, createHash(NODE_NAMES[name])]);
  }

  update(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    for (const [, hash] of this.hashes) hash.update(bytes);
  }

  private values(): Map<Algorithm, Buffer> {
    return new Map(this.hashes.map(([name, hash]) => [name, hash.copy().digest()]));
  }

  /** The Content-Digest of the bytes so far: SHA-256 and SM3 (the receipt's `digest`). */
  snapshot(): string {
    return [...this.values()]
      .filter(([name]) => name !== "sha-512")
      .map(([name, value]) => `${name}=:${value.toString("base64")}:`)
      .join(", ");
  }

  /**
   * Does the request's Content-Digest field match the bytes so far? Every algorithm of ours it
   * names must match (as @govex/security's verifyContentDigest does), and it must name one.
   */
  matches(field: string): boolean {
    const expected = expectedDigests(field);
    if (expected === undefined || expected.size === 0) return false;
    const actual = this.values();
    for (const [name, value] of expected) {
      const mine = actual.get(name);
      if (mine === undefined || !mine.equals(value)) return false;
    }
    return true;
  }
}

/** The known algorithms of a Content-Digest field with their bytes; undefined when malformed. */
export function expectedDigests(field: string): Map<Algorithm, Buffer> | undefined {
  try {
    const out = new Map<Algorithm, Buffer>();
    for (const [name, member] of parseDictionary(field)) {
      if (!(name in NODE_NAMES)) continue;
      if (isInnerList(member) || !(member.value instanceof Uint8Array)) return undefined;
      if (name === "sm3" && !HAS_SM3) continue;
      out.set(name as Algorithm, Buffer.from(member.value));
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The algorithms of a request's Content-Digest that a {@link BatchDigests} must add. */
export function extraAlgorithms(field: string): Algorithm[] {
  return expectedDigests(field)?.has("sha-512") ? ["sha-512"] : [];
}
