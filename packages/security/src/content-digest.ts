import { timingSafeEqual } from "node:crypto";
import { createDigest, digest, type HashAlgorithm } from "./hash.js";
import {
  type Dictionary,
  isInnerList,
  parseDictionary,
  serializeDictionary,
} from "./structured-fields.js";

/**
 * Digest algorithms for Content-Digest: the two "active" entries of the IANA
 * Hash Algorithms for HTTP Digest Fields registry (RFC 9530 §5, §7.2) and `sm3`
 * (GB/T 32905-2016), which govex registers for its own exchange profile (not in
 * the IANA registry; a peer that does not know it ignores it, RFC 9530 §2).
 */
export const CONTENT_DIGEST_ALGORITHMS = [
  "sha-256",
  "sha-512",
  "sm3",
] as const satisfies readonly HashAlgorithm[];
export type ContentDigestAlgorithm = (typeof CONTENT_DIGEST_ALGORITHMS)[number];

const KNOWN = new Set<string>(CONTENT_DIGEST_ALGORITHMS);
const MAX_FIELD_LENGTH = 8 * 1024;

/**
 * The Content-Digest field value for a message's content (RFC 9530 §2): a
 * Dictionary of algorithm = Byte Sequence.
 *
 * @example
 * contentDigest('{"hello": "world"}', ["sha-256"]);
 * // 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'
 */
export function contentDigest(
  content: Uint8Array | string,
  algorithms: readonly ContentDigestAlgorithm[] = ["sha-256"],
): string {
  const dict: Dictionary = new Map();
  for (const algorithm of algorithms)
    dict.set(algorithm, { value: digest(algorithm, content), params: new Map() });
  return serializeDictionary(dict);
}

export type ContentDigestResult =
  | { ok: true; algorithm: ContentDigestAlgorithm }
  | {
      ok: false;
      code: "content_digest_malformed" | "content_digest_unsupported" | "content_digest_mismatch";
      detail: string;
    };

/**
 * Check a Content-Digest field value against the content. Every known algorithm
 * present must match; unknown algorithms are ignored; at least one of `accept`
 * must be present.
 */
export function verifyContentDigest(
  fieldValue: string,
  content: Uint8Array | string,
  accept: readonly ContentDigestAlgorithm[] = CONTENT_DIGEST_ALGORITHMS,
): ContentDigestResult {
  const verifier = createContentDigestVerifier(fieldValue, accept);
  verifier.update(content);
  return verifier.result();
}

/** Checks content that arrives in chunks against a Content-Digest field value. */
export interface ContentDigestVerifier {
  update(chunk: Uint8Array | string): void;
  /** Compare once the content is complete. */
  result(): ContentDigestResult;
}

/**
 * The streaming form of {@link verifyContentDigest}: feed the chunks of a body as
 * they arrive, then ask for the result. A malformed field fails at `result()`.
 */
export function createContentDigestVerifier(
  fieldValue: string,
  accept: readonly ContentDigestAlgorithm[] = CONTENT_DIGEST_ALGORITHMS,
): ContentDigestVerifier {
  const failed = (
    code: "content_digest_malformed" | "content_digest_unsupported",
    detail: string,
  ): ContentDigestVerifier => ({
    update: () => {},
    result: () => ({ ok: false, code, detail }),
  });
  if (fieldValue.length > MAX_FIELD_LENGTH)
    return failed("content_digest_malformed", "field value too long");
  let dict: Dictionary;
  try {
    dict = parseDictionary(fieldValue);
  } catch (error) {
    return failed("content_digest_malformed", (error as Error).message);
  }
  const expected: {
    algorithm: ContentDigestAlgorithm;
    value: Uint8Array;
    hash: ReturnType<typeof createDigest>;
  }[] = [];
  for (const [name, member] of dict) {
    if (!KNOWN.has(name)) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      return failed("content_digest_malformed", `${name} is not a byte sequence`);
    }
    const algorithm = name as ContentDigestAlgorithm;
    expected.push({ algorithm, value: member.value, hash: createDigest(algorithm) });
  }
  const matched = expected.find((e) => accept.includes(e.algorithm));
  if (!matched) return failed("content_digest_unsupported", `none of ${accept.join(", ")} present`);
  return {
    update(chunk) {
      for (const e of expected) e.hash.update(chunk);
    },
    result() {
      // Every known algorithm present must match (RFC 9530 §3 leaves the choice to the
      // recipient; govex is strict so that a mismatching second digest cannot ride along).
      for (const e of expected) {
        const actual = e.hash.digest();
        if (e.value.length !== actual.length || !timingSafeEqual(e.value, actual)) {
          return {
            ok: false,
            code: "content_digest_mismatch",
            detail: `${e.algorithm} does not match the content`,
          };
        }
      }
      return { ok: true, algorithm: matched.algorithm };
    },
  };
}
