import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import {
  createSigner,
  createVerifier,
  type KeyResolver,
  type Signer,
  sm2PublicKeyFromPrivate,
  type Verifier,
} from "@govex/security";
import { ConformanceError, msg } from "./errors.js";

/** The algorithms a conformance run signs and verifies with. */
export const KEY_ALGORITHMS = ["ed25519", "ecdsa-p256-sha256", "sm2-sm3"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

const SM2_PRIVATE = /^[0-9a-fA-F]{64}$/;
const SM2_PUBLIC = /^04[0-9a-fA-F]{128}$/;

function invalid(zh: string, en: string, cause?: unknown): ConformanceError {
  return new ConformanceError(
    "key_invalid",
    msg(zh, en),
    cause === undefined ? undefined : { cause },
  );
}

/** The algorithm a key object is for, if it is one of ours. */
function algorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1")
    return "ecdsa-p256-sha256";
  return undefined;
}

function expect(found: KeyAlgorithm | undefined, wanted: KeyAlgorithm | undefined): KeyAlgorithm {
  if (found === undefined)
    throw invalid(
      "密钥不是 Ed25519、ECDSA P-256 或 SM2 密钥。",
      "the key is not an Ed25519, ECDSA P-256 or SM2 key.",
    );
  if (wanted !== undefined && wanted !== found)
    throw invalid(
      `密钥是 ${found} 密钥,与指定的算法 ${wanted} 不符。`,
      `the key is a ${found} key, not the ${wanted} key the algorithm says.`,
    );
  return found;
}

/**
 * A signer from a key file's text: a PEM private key (PKCS#8) for ed25519 and
 * ecdsa-p256-sha256, or 32 bytes of hex for sm2-sm3 (GB/T 32918).
 *
 * @throws ConformanceError `key_invalid`
 * @example
 * const signer = signerFromKeyText(readFileSync("exchange.pem", "utf8"), "exchange-test", "ed25519");
 */
export function signerFromKeyText(text: string, keyId: string, algorithm?: KeyAlgorithm): Signer {
  const trimmed = text.trim();
  if (SM2_PRIVATE.test(trimmed)) {
    expect("sm2-sm3", algorithm);
    return createSigner({ keyId, algorithm: "sm2-sm3", key: trimmed.toLowerCase() });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(trimmed);
  } catch (cause) {
    throw invalid(
      "无法读取私钥:应为 PEM 私钥 (PKCS#8),SM2 私钥为 64 位十六进制。",
      "cannot read the private key: expected a PEM private key (PKCS#8), or 64 hex digits for SM2.",
      cause,
    );
  }
  return createSigner({ keyId, algorithm: expect(algorithmOf(key), algorithm), key });
}

/**
 * A verifier from a key file's text: a PEM public key (SPKI) for ed25519 and ecdsa-p256-sha256,
 * or the uncompressed point in hex (04 ‖ x ‖ y, 130 hex digits) for sm2-sm3. The algorithm is
 * read from the key when not given.
 *
 * @throws ConformanceError `key_invalid`
 */
export function verifierFromKeyText(
  text: string,
  keyId: string,
  algorithm?: KeyAlgorithm,
): Verifier {
  const trimmed = text.trim();
  if (SM2_PUBLIC.test(trimmed) || SM2_PRIVATE.test(trimmed)) {
    expect("sm2-sm3", algorithm);
    const publicKey = SM2_PUBLIC.test(trimmed)
      ? trimmed.toLowerCase()
      : sm2PublicKeyFromPrivate(trimmed);
    return createVerifier({ keyId, algorithm: "sm2-sm3", key: publicKey });
  }
  let key: KeyObject;
  try {
    key = createPublicKey(trimmed);
  } catch (cause) {
    throw invalid(
      "无法读取公钥:应为 PEM 公钥 (SPKI),SM2 公钥为 130 位十六进制 (04 ‖ x ‖ y)。",
      "cannot read the public key: expected a PEM public key (SPKI), or 130 hex digits (04 ‖ x ‖ y) for SM2.",
      cause,
    );
  }
  return createVerifier({ keyId, algorithm: expect(algorithmOf(key), algorithm), key });
}

/**
 * Key lookup for a provider's response signatures: only `keyId` when given, otherwise whatever
 * key id the provider names (the key material is what is trusted).
 */
export function keyResolverFromKeyText(
  text: string,
  keyId?: string,
  algorithm?: KeyAlgorithm,
): KeyResolver {
  const probe = verifierFromKeyText(text, keyId ?? "provider", algorithm);
  const cache = new Map<string, Verifier>();
  return (id: string) => {
    if (keyId !== undefined) return id === keyId ? probe : undefined;
    let verifier = cache.get(id);
    if (!verifier) {
      verifier = verifierFromKeyText(text, id, probe.algorithm as KeyAlgorithm);
      if (cache.size < 16) cache.set(id, verifier);
    }
    return verifier;
  };
}
