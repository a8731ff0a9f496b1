import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  timingSafeEqual,
} from "node:crypto";
import { sm2PublicKeyFromPrivate, sm2Signer, sm2Verifier } from "./sm2.js";

/**
 * Signature algorithms (RFC 9421 §3.3 and its IANA registry, §6.2.2), plus
 * `sm2-sm3`: SM2 signatures (GB/T 32918.2-2016) over SM3 with the default user
 * ID, which govex defines for its exchange profile (not IANA-registered). The
 * signature is r ‖ s, 32 bytes each, as RFC 9421 §3.3.4 does for ECDSA.
 */
export const SIGNATURE_ALGORITHMS = [
  "ed25519",
  "ecdsa-p256-sha256",
  "hmac-sha256",
  "sm2-sm3",
  "rsa-pss-sha512",
  "rsa-v1_5-sha256",
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Something that signs bytes under a key id: an in-memory key, or an HSM behind the same interface. */
export interface Signer {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Something that verifies bytes under a key id. */
export interface Verifier {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  verify(data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

/**
 * Key material per algorithm: a `KeyObject` or PEM for the asymmetric
 * algorithms, the shared secret bytes for `hmac-sha256`, and hex strings for
 * `sm2-sm3` (private key 32 bytes; public key uncompressed 04 ‖ x ‖ y).
 */
export type KeyMaterial = KeyObject | string | Uint8Array;

export interface KeyOptions {
  keyId: string;
  algorithm: SignatureAlgorithm;
  key: KeyMaterial;
}

function asPrivateKey(key: KeyMaterial): KeyObject {
  if (typeof key === "string") return createPrivateKey(key);
  if (key instanceof Uint8Array)
    throw new TypeError("expected a private key (KeyObject or PEM), got bytes");
  return key;
}

function asPublicKey(key: KeyMaterial): KeyObject {
  if (typeof key === "string") return createPublicKey(key);
  if (key instanceof Uint8Array)
    throw new TypeError("expected a public key (KeyObject or PEM), got bytes");
  return key.type === "private" ? createPublicKey(key) : key;
}

function asSecret(key: KeyMaterial): Uint8Array {
  if (!(key instanceof Uint8Array))
    throw new TypeError("hmac-sha256 needs the shared secret as bytes");
  // RFC 9421 §3.3.3 relies on HMAC's security with a secret at least as long as the output.
  if (key.length < 32) throw new RangeError("hmac-sha256 secrets must be at least 32 bytes");
  return key;
}

function asSm2Hex(key: KeyMaterial): string {
  if (typeof key !== "string") throw new TypeError("sm2-sm3 keys are hex strings");
  return key;
}

function expectKeyType(key: KeyObject, type: string, algorithm: SignatureAlgorithm): void {
  if (key.asymmetricKeyType !== type) {
    throw new TypeError(
      `${algorithm} needs a ${type} key, got ${key.asymmetricKeyType ?? "a secret key"}`,
    );
  }
}

/**
 * Make a {@link Signer} from key material.
 *
 * @example
 * const { privateKey } = generateKeyPairSync("ed25519");
 * const signer = createSigner({ keyId: "dept-a-2026", algorithm: "ed25519", key: privateKey });
 */
export function createSigner({ keyId, algorithm, key }: KeyOptions): Signer {
  switch (algorithm) {
    case "ed25519": {
      const k = asPrivateKey(key);
      expectKeyType(k, "ed25519", algorithm);
      // RFC 9421 §3.3.6: Ed25519 (RFC 8032 §5.1.6) over the signature base.
      return { keyId, algorithm, sign: (data) => nodeSign(null, data, k) };
    }
    case "ecdsa-p256-sha256": {
      const k = asPrivateKey(key);
      expectKeyType(k, "ec", algorithm);
      // RFC 9421 §3.3.4: r ‖ s as two 32-byte big-endian integers, not DER.
      return {
        keyId,
        algorithm,
        sign: (data) => nodeSign("sha256", data, { key: k, dsaEncoding: "ieee-p1363" }),
      };
    }
    case "rsa-pss-sha512": {
      const k = asPrivateKey(key);
      // RFC 9421 §3.3.1: RSASSA-PSS, SHA-512, MGF1 SHA-512, salt length 64.
      const options = { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 };
      return { keyId, algorithm, sign: (data) => nodeSign("sha512", data, options) };
    }
    case "rsa-v1_5-sha256": {
      const k = asPrivateKey(key);
      // RFC 9421 §3.3.2: RSASSA-PKCS1-v1_5 with SHA-256.
      return { keyId, algorithm, sign: (data) => nodeSign("sha256", data, k) };
    }
    case "hmac-sha256": {
      const secret = asSecret(key);
      // RFC 9421 §3.3.3.
      return {
        keyId,
        algorithm,
        sign: (data) => createHmac("sha256", secret).update(data).digest(),
      };
    }
    case "sm2-sm3": {
      const sign = sm2Signer(asSm2Hex(key));
      return { keyId, algorithm, sign };
    }
  }
}

/** Make a {@link Verifier} from key material (a private key works too; its public half is used). */
export function createVerifier({ keyId, algorithm, key }: KeyOptions): Verifier {
  switch (algorithm) {
    case "ed25519": {
      const k = asPublicKey(key);
      expectKeyType(k, "ed25519", algorithm);
      return {
        keyId,
        algorithm,
        verify: (data, sig) => sig.length === 64 && nodeVerify(null, data, k, sig),
      };
    }
    case "ecdsa-p256-sha256": {
      const k = asPublicKey(key);
      expectKeyType(k, "ec", algorithm);
      const options = { key: k, dsaEncoding: "ieee-p1363" as const };
      return {
        keyId,
        algorithm,
        verify: (data, sig) => sig.length === 64 && nodeVerify("sha256", data, options, sig),
      };
    }
    case "rsa-pss-sha512": {
      const options = {
        key: asPublicKey(key),
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 64,
      };
      return { keyId, algorithm, verify: (data, sig) => nodeVerify("sha512", data, options, sig) };
    }
    case "rsa-v1_5-sha256": {
      const k = asPublicKey(key);
      return { keyId, algorithm, verify: (data, sig) => nodeVerify("sha256", data, k, sig) };
    }
    case "hmac-sha256": {
      const secret = asSecret(key);
      return {
        keyId,
        algorithm,
        verify: (data, sig) => {
          const expected = createHmac("sha256", secret).update(data).digest();
          return sig.length === expected.length && timingSafeEqual(sig, expected);
        },
      };
    }
    case "sm2-sm3": {
      const hex = asSm2Hex(key);
      const publicKey = hex.length === 64 ? sm2PublicKeyFromPrivate(hex) : hex;
      return { keyId, algorithm, verify: sm2Verifier(publicKey) };
    }
  }
}
