import { timingSafeEqual } from "node:crypto";
import { createDigest, digest, type HashAlgorithm, type IncrementalDigest } from "./hash.js";
import { type Dictionary, isInnerList, parseDictionary } from "./structured-fields.js";

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
  // The Dictionary `alg=:base64:, …` written directly (RFC 8941 §4.1.2), each algorithm once.
  let field = "";
  const seen: string[] = [];
  for (const algorithm of algorithms) {
    if (seen.includes(algorithm)) continue;
    seen.push(algorithm);
    const bytes = digest(algorithm, content);
    const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    field += `${field === "" ? "" : ", "}${algorithm}=:${base64}:`;
  }
  return field;
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
  const parsed = expectedDigests(fieldValue, accept);
  if (!("expected" in parsed)) return parsed;
  // The whole content is at hand: one-shot digests, no incremental hash objects.
  return compareDigests(parsed, (algorithm) => digest(algorithm, content));
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
  const parsed = expectedDigests(fieldValue, accept);
  if (!("expected" in parsed)) return { update: () => {}, result: () => parsed };
  const hashes = parsed.expected.map((e) => createDigest(e.algorithm));
  return {
    update(chunk) {
      for (const hash of hashes) hash.update(chunk);
    },
    result: () =>
      compareDigests(parsed, (_, index) => (hashes[index] as IncrementalDigest).digest()),
  };
}

type DigestFailure = Extract<ContentDigestResult, { ok: false }>;

interface ExpectedDigests {
  /** The known algorithms of the field, in its order, with the bytes each claims. */
  expected: { algorithm: ContentDigestAlgorithm; value: Uint8Array }[];
  /** The first of them that `accept` allows: the one a success names. */
  matched: ContentDigestAlgorithm;
}

function expectedDigests(
  fieldValue: string,
  accept: readonly ContentDigestAlgorithm[],
): ExpectedDigests | DigestFailure {
  if (fieldValue.length > MAX_FIELD_LENGTH)
    return { ok: false, code: "content_digest_malformed", detail: "field value too long" };
  let dict: Dictionary;
  try {
    dict = parseDictionary(fieldValue);
  } catch (error) {
    return { ok: false, code: "content_digest_malformed", detail: (error as Error).message };
  }
  const expected: ExpectedDigests["expected"] = [];
  for (const [name, member] of dict) {
    if (!KNOWN.has(name)) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      return {
        ok: false,
        code: "content_digest_malformed",
        detail: `${name} is not a byte sequence`,
      };
    }
    expected.push({ algorithm: name as ContentDigestAlgorithm, value: member.value });
  }
  const matched = expected.find((e) => accept.includes(e.algorithm));
  if (!matched) {
    return {
      ok: false,
      code: "content_digest_unsupported",
      detail: `none of ${accept.join(", ")} present`,
    };
  }
  return { expected, matched: matched.algorithm };
}

function compareDigests(
  { expected, matched }: ExpectedDigests,
  actualOf: (algorithm: ContentDigestAlgorithm, index: number) => Uint8Array,
): ContentDigestResult {
  // Every known algorithm present must match (RFC 9530 §3 leaves the choice to the
  // recipient; govex is strict so that a mismatching second digest cannot ride along).
  for (const [index, e] of expected.entries()) {
    const actual = actualOf(e.algorithm, index);
    if (e.value.length !== actual.length || !timingSafeEqual(e.value, actual)) {
      return {
        ok: false,
        code: "content_digest_mismatch",
        detail: `${e.algorithm} does not match the content`,
      };
    }
  }
  return { ok: true, algorithm: matched };
}
