/**
 * Symmetric keys behind one interface, as {@link Signer} is for signatures: a software
 * key from {@link createSymmetricKey}, or a hardware security module (密码机, GB/T
 * 39786-2021 may require a certified one) implementing {@link SymmetricKey} with the
 * same results. Callers hold a `SymmetricKey`, never key bytes.
 *
 * For field-level encryption at rest: `sealed = await key.encrypt(bytes, { aad })`,
 * stored as `sealedToString(sealed)`; the AAD binds the value to where it belongs
 * (e.g. `person/<id>/mobile`), so a ciphertext copied to another record fails to open.
 *
 * @module symmetric-key
 */
import { assertSm4Key, type Sm4BackendOptions, sm4CbcDecrypt, sm4CbcEncrypt } from "./sm4.js";
import { Sm4Error } from "./sm4-errors.js";
import { sm4GcmDecrypt, sm4GcmEncrypt } from "./sm4-gcm.js";

/**
 * Symmetric algorithms: `sm4-gcm` (SM4 in GCM, RFC 8998 (AEAD_SM4_GCM) / GB/T 36624-2018;
 * authenticated, the default for new data) and `sm4-cbc` (SM4-CBC with PKCS#7, for
 * interoperation with systems that already use it; not authenticated).
 */
export const SYMMETRIC_ALGORITHMS = ["sm4-gcm", "sm4-cbc"] as const;
export type SymmetricAlgorithm = (typeof SYMMETRIC_ALGORITHMS)[number];

/** Ciphertext with what is needed to open it (except the key and the AAD). */
export interface SealedData {
  algorithm: SymmetricAlgorithm;
  /** The key that sealed it, so that rotated keys can be found. */
  keyId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  /** The GCM tag (16 bytes); absent for `sm4-cbc`. */
  tag?: Uint8Array;
}

/** Options of {@link SymmetricKey.encrypt}. */
export interface SymmetricEncryptOptions {
  /** Additional authenticated data (`sm4-gcm` only; `sm4-cbc` refuses it). */
  aad?: Uint8Array;
  /** A fixed IV, for known-answer tests and interoperation only; default random. */
  iv?: Uint8Array;
}

/** Options of {@link SymmetricKey.decrypt}. */
export interface SymmetricDecryptOptions {
  aad?: Uint8Array;
}

/**
 * A key that encrypts and decrypts under a key id: a software key, or an HSM behind the
 * same interface. Failures are {@link Sm4Error}s (`sm4_auth_failed`, `sm4_key_mismatch`, …).
 */
export interface SymmetricKey {
  readonly keyId: string;
  readonly algorithm: SymmetricAlgorithm;
  encrypt(
    plaintext: Uint8Array,
    options?: SymmetricEncryptOptions,
  ): SealedData | Promise<SealedData>;
  decrypt(sealed: SealedData, options?: SymmetricDecryptOptions): Uint8Array | Promise<Uint8Array>;
}

/** Options of {@link createSymmetricKey}. */
export interface SymmetricKeyOptions extends Sm4BackendOptions {
  keyId: string;
  algorithm: SymmetricAlgorithm;
  /** 16 bytes (see generateSm4Key); copied, so later changes to the array do not matter. */
  key: Uint8Array;
}

/**
 * Make a software {@link SymmetricKey}.
 *
 * @example
 * const key = createSymmetricKey({ keyId: "pii-2026", algorithm: "sm4-gcm", key: generateSm4Key() });
 * const aad = new TextEncoder().encode("person/42/mobile");
 * const text = sealedToString(await key.encrypt(new TextEncoder().encode("13800138000"), { aad }));
 * await key.decrypt(sealedFromString(text), { aad }); // the plaintext bytes
 */
export function createSymmetricKey(options: SymmetricKeyOptions): SymmetricKey {
  const { keyId, algorithm } = options;
  if (!(SYMMETRIC_ALGORITHMS as readonly unknown[]).includes(algorithm))
    throw new Sm4Error("sm4_unknown_algorithm", { algorithm: String(algorithm) });
  assertSm4Key(options.key);
  const key = new Uint8Array(options.key);
  const backend = options.backend === undefined ? {} : { backend: options.backend };

  const checkOwner = (sealed: SealedData): void => {
    if (typeof sealed !== "object" || sealed === null)
      throw new Sm4Error("sm4_sealed_malformed", { reason: "not an object" });
    if (sealed.algorithm !== algorithm || sealed.keyId !== keyId)
      throw new Sm4Error("sm4_key_mismatch", {
        // Echoed into messages: cut hostile lengths short.
        sealedKeyId: String(sealed.keyId).slice(0, 64),
        sealedAlgorithm: String(sealed.algorithm).slice(0, 32),
        keyId,
        algorithm,
      });
  };

  if (algorithm === "sm4-gcm") {
    return {
      keyId,
      algorithm,
      encrypt(plaintext, opts = {}) {
        const sealed = sm4GcmEncrypt(key, plaintext, { ...backend, ...opts });
        return { algorithm, keyId, ...sealed };
      },
      decrypt(sealed, opts = {}) {
        checkOwner(sealed);
        if (sealed.tag === undefined)
          throw new Sm4Error("sm4_invalid_tag", { expected: 16, length: 0 });
        const { iv, ciphertext, tag } = sealed;
        return sm4GcmDecrypt(key, { iv, ciphertext, tag }, { ...backend, ...opts });
      },
    };
  }
  return {
    keyId,
    algorithm,
    encrypt(plaintext, opts = {}) {
      if (opts.aad !== undefined) throw new Sm4Error("sm4_aad_unsupported");
      const iv = opts.iv === undefined ? {} : { iv: opts.iv };
      return { algorithm, keyId, ...sm4CbcEncrypt(key, plaintext, { ...backend, ...iv }) };
    },
    decrypt(sealed, opts = {}) {
      if (opts.aad !== undefined) throw new Sm4Error("sm4_aad_unsupported");
      checkOwner(sealed);
      return sm4CbcDecrypt(key, sealed, backend);
    },
  };
}

// ---------------------------------------------------------------------------------
// Text form for storage

const B64URL = /^[A-Za-z0-9_-]*$/;
/** Longest text {@link sealedFromString} reads (64 MiB): a guard against hostile input. */
export const SEALED_TEXT_MAX_LENGTH = 64 * 1024 * 1024;

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

function unb64(text: string, what: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1)
    throw new Sm4Error("sm4_sealed_malformed", { reason: `${what} is not base64url` });
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/**
 * One-line text form of {@link SealedData} for a database column or an NDJSON field:
 * `<algorithm>.<keyId>.<iv>.<ciphertext>[.<tag>]`, each part base64url (RFC 4648 §5)
 * except the algorithm; the key id is base64url of its UTF-8.
 */
export function sealedToString(sealed: SealedData): string {
  const parts = [
    sealed.algorithm,
    b64(new TextEncoder().encode(sealed.keyId)),
    b64(sealed.iv),
    b64(sealed.ciphertext),
  ];
  if (sealed.tag !== undefined) parts.push(b64(sealed.tag));
  return parts.join(".");
}

/** Read the text form of {@link sealedToString}; `sm4_sealed_malformed` if it is not one. */
export function sealedFromString(text: string): SealedData {
  if (typeof text !== "string")
    throw new Sm4Error("sm4_sealed_malformed", { reason: `expected a string, got ${typeof text}` });
  if (text.length > SEALED_TEXT_MAX_LENGTH)
    throw new Sm4Error("sm4_sealed_malformed", { reason: `longer than ${SEALED_TEXT_MAX_LENGTH}` });
  const parts = text.split(".");
  const [algorithm, keyId, iv, ciphertext, tag] = parts;
  if (algorithm !== "sm4-gcm" && algorithm !== "sm4-cbc")
    throw new Sm4Error("sm4_sealed_malformed", {
      reason: `unknown algorithm ${JSON.stringify(String(algorithm).slice(0, 32))}`,
    });
  const expected = algorithm === "sm4-gcm" ? 5 : 4;
  if (
    parts.length !== expected ||
    keyId === undefined ||
    iv === undefined ||
    ciphertext === undefined
  )
    throw new Sm4Error("sm4_sealed_malformed", {
      reason: `${algorithm} text has ${expected} dot-separated parts, got ${parts.length}`,
    });
  const keyIdBytes = unb64(keyId, "the key id");
  let keyIdText: string;
  try {
    keyIdText = new TextDecoder("utf-8", { fatal: true }).decode(keyIdBytes);
  } catch {
    throw new Sm4Error("sm4_sealed_malformed", { reason: "the key id is not UTF-8" });
  }
  const sealed: SealedData = {
    algorithm,
    keyId: keyIdText,
    iv: unb64(iv, "the IV"),
    ciphertext: unb64(ciphertext, "the ciphertext"),
  };
  if (tag !== undefined) sealed.tag = unb64(tag, "the tag");
  return sealed;
}
