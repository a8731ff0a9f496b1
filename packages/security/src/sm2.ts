import { sm2 } from "sm-crypto-v2";
import { digest } from "./hash.js";

/**
 * The default signer identity of GB/T 32918.2-2016 (§5.5, and GM/T 0009-2012 §10):
 * "1234567812345678". Node's built-in SM2 (OpenSSL without `distid`) hashes an empty
 * identity instead, so its signatures do not interoperate; see docs/en/security.md.
 */
export const SM2_DEFAULT_USER_ID = "1234567812345678";

/** An SM2 key pair as hex: `privateKey` 32 bytes, `publicKey` uncompressed (04 ‖ x ‖ y). */
export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

export interface Sm2Options {
  /** Signer identity (ID_A in ZA = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)). */
  userId?: string;
}

const HEX = /^[0-9a-fA-F]*$/;

function assertPublicKey(publicKey: string): void {
  if (!HEX.test(publicKey) || publicKey.length !== 130 || !publicKey.startsWith("04")) {
    throw new TypeError("SM2 public key must be 65 bytes of hex, uncompressed (04 ‖ x ‖ y)");
  }
}

function assertPrivateKey(privateKey: string): void {
  if (!HEX.test(privateKey) || privateKey.length !== 64) {
    throw new TypeError("SM2 private key must be 32 bytes of hex");
  }
}

/** Generate an SM2 key pair on the recommended curve sm2p256v1 (GB/T 32918.5-2017). */
export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

/** Derive the uncompressed public key (hex) from an SM2 private key (hex). */
export function sm2PublicKeyFromPrivate(privateKey: string): string {
  assertPrivateKey(privateKey);
  return sm2.getPublicKeyFromPrivateKey(privateKey);
}

// The order n of sm2p256v1 (GB/T 32918.5-2017 §3).
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** e = SM3(ZA ‖ M) (GB/T 32918.2-2016 §6.1 A1–A2), with ZA computed once per key and ID. */
function messageHasher(publicKey: string, userId: string): (message: Uint8Array) => Uint8Array {
  const za = sm2.getZ(publicKey, userId);
  return (message) => digest("sm3", Buffer.concat([za, message]));
}

/**
 * A reusable SM2 signing function for one key (GB/T 32918.2-2016 §6.1): ZA is
 * computed once and SM3 runs natively. Returns r ‖ s, 32 bytes each, the
 * fixed-width encoding RFC 9421 §3.3.4 uses for ECDSA; {@link sm2SignatureToDer}
 * converts it for OpenSSL.
 */
export function sm2Signer(
  privateKey: string,
  options: Sm2Options & { publicKey?: string } = {},
): (message: Uint8Array) => Uint8Array {
  assertPrivateKey(privateKey);
  const publicKey = options.publicKey ?? sm2.getPublicKeyFromPrivateKey(privateKey);
  const hash = messageHasher(publicKey, options.userId ?? SM2_DEFAULT_USER_ID);
  return (message) => Buffer.from(sm2.doSignature(hash(message), privateKey), "hex");
}

/**
 * A reusable SM2 verification function for one public key (GB/T 32918.2-2016 §7.1),
 * with the key's multiples precomputed. Returns false — never throws — for a
 * malformed signature.
 */
export function sm2Verifier(
  publicKey: string,
  options: Sm2Options = {},
): (message: Uint8Array, signature: Uint8Array) => boolean {
  assertPublicKey(publicKey);
  const hash = messageHasher(publicKey, options.userId ?? SM2_DEFAULT_USER_ID);
  const point = sm2.precomputePublicKey(publicKey);
  return (message, signature) => {
    if (signature.length !== 64) return false;
    const hex = Buffer.from(signature).toString("hex");
    // §7.1 B1–B2: r and s must lie in [1, n-1].
    const r = BigInt(`0x${hex.slice(0, 64)}`);
    const s = BigInt(`0x${hex.slice(64)}`);
    if (r < 1n || r >= N || s < 1n || s >= N) return false;
    try {
      return sm2.doVerifySignature(hash(message), hex, point);
    } catch {
      return false;
    }
  };
}

/**
 * Sign a message with SM2 (GB/T 32918.2-2016 §6.1): e = SM3(ZA ‖ M) with the
 * default identity unless `userId` is given. Use {@link sm2Signer} to sign many
 * messages with one key.
 *
 * @example
 * const keys = generateSm2KeyPair();
 * const sig = sm2Sign(new TextEncoder().encode("message digest"), keys.privateKey);
 * sm2Verify(new TextEncoder().encode("message digest"), sig, keys.publicKey); // true
 */
export function sm2Sign(
  message: Uint8Array,
  privateKey: string,
  options: Sm2Options & { publicKey?: string } = {},
): Uint8Array {
  return sm2Signer(privateKey, options)(message);
}

/**
 * Verify a 64-byte r ‖ s SM2 signature (GB/T 32918.2-2016 §7.1). Returns false —
 * never throws — for a malformed signature; throws only for a malformed key.
 */
export function sm2Verify(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: string,
  options: Sm2Options = {},
): boolean {
  return sm2Verifier(publicKey, options)(message, signature);
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  const pad = (body[0] ?? 0) & 0x80 ? [0] : [];
  return Uint8Array.from([0x02, body.length + pad.length, ...pad, ...body]);
}

/** Encode a 64-byte r ‖ s signature as DER SEQUENCE { r INTEGER, s INTEGER } (GB/T 35276-2017 §7.3). */
export function sm2SignatureToDer(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new TypeError("SM2 signature must be 64 bytes (r ‖ s)");
  const r = derInteger(signature.subarray(0, 32));
  const s = derInteger(signature.subarray(32));
  return Uint8Array.from([0x30, r.length + s.length, ...r, ...s]);
}

/** Decode a DER SM2 signature into 64-byte r ‖ s; undefined if it is not well-formed. */
export function sm2SignatureFromDer(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  let offset = 2;
  for (const slot of [0, 32]) {
    if (der[offset] !== 0x02) return undefined;
    const length = der[offset + 1] ?? 0;
    let value = der.subarray(offset + 2, offset + 2 + length);
    if (value.length !== length || length === 0) return undefined;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) return undefined;
    out.set(value, slot + 32 - value.length);
    offset += 2 + length;
  }
  return offset === der.length ? out : undefined;
}

// SubjectPublicKeyInfo prefix for id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301
// (GB/T 33560-2017; RFC 5480 §2 structure).
const SM2_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a811ccf5501822d034200", "hex");

/** Wrap an uncompressed SM2 public key in a PEM SubjectPublicKeyInfo, as OpenSSL reads it. */
export function sm2PublicKeyToPem(publicKey: string): string {
  assertPublicKey(publicKey);
  const der = Buffer.concat([SM2_SPKI_PREFIX, Buffer.from(publicKey, "hex")]);
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}
