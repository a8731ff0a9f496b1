import { timingSafeEqual } from "node:crypto";
import { digest, type HashAlgorithm } from "./hash.js";
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
 * present must match (RFC 9530 §3 leaves the choice to the recipient; govex is
 * strict so that a mismatching second digest cannot ride along). Unknown
 * algorithms are ignored; at least one of `accept` must be present.
 */
export function verifyContentDigest(
  fieldValue: string,
  content: Uint8Array | string,
  accept: readonly ContentDigestAlgorithm[] = CONTENT_DIGEST_ALGORITHMS,
): ContentDigestResult {
  if (fieldValue.length > MAX_FIELD_LENGTH) {
    return { ok: false, code: "content_digest_malformed", detail: "field value too long" };
  }
  let dict: Dictionary;
  try {
    dict = parseDictionary(fieldValue);
  } catch (error) {
    return { ok: false, code: "content_digest_malformed", detail: (error as Error).message };
  }
  let matched: ContentDigestAlgorithm | undefined;
  for (const [name, member] of dict) {
    if (!KNOWN.has(name)) continue;
    const algorithm = name as ContentDigestAlgorithm;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      return {
        ok: false,
        code: "content_digest_malformed",
        detail: `${name} is not a byte sequence`,
      };
    }
    const expected = digest(algorithm, content);
    if (member.value.length !== expected.length || !timingSafeEqual(member.value, expected)) {
      return {
        ok: false,
        code: "content_digest_mismatch",
        detail: `${name} does not match the content`,
      };
    }
    if (accept.includes(algorithm)) matched ??= algorithm;
  }
  if (!matched) {
    return {
      ok: false,
      code: "content_digest_unsupported",
      detail: `none of ${accept.join(", ")} present`,
    };
  }
  return { ok: true, algorithm: matched };
}
