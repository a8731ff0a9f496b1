/**
 * The SM4 block cipher (GB/T 32907-2016, 128-bit key and block) and its CBC mode with
 * PKCS#7 padding (the mode of GB/T 17964-2021, the padding of RFC 5652 §6.3), the form that
 * existing systems and `openssl enc -sm4-cbc` exchange.
 *
 * Two implementations run the block function: Node's OpenSSL (`sm4-ecb`, `sm4-cbc`)
 * when `crypto.getCiphers()` lists them, as it does on Node 20 with OpenSSL 3.0, and
 * otherwise sm-crypto-v2's JavaScript SM4. {@link sm4Backend} says which one runs;
 * every function takes `backend` to force one (tests run both against the standard's
 * vectors). SM4-GCM is in sm4-gcm.ts; OpenSSL 3.0 has no SM4-GCM, so GCM is built here
 * over the block function.
 *
 * @module sm4
 */
import { createCipheriv, createDecipheriv, getCiphers, randomBytes } from "node:crypto";
import { sm4 as smCrypto } from "sm-crypto-v2";
import { assertBytes, Sm4Error } from "./sm4-errors.js";

/** SM4 key length in bytes (GB/T 32907-2016: 128 bits). */
export const SM4_KEY_BYTES = 16;
/** SM4 block length in bytes (GB/T 32907-2016: 128 bits). */
export const SM4_BLOCK_BYTES = 16;

/** Which implementation runs the SM4 block function: Node's OpenSSL, or sm-crypto-v2 (JavaScript). */
export type Sm4Backend = "openssl" | "js";

/** Options every SM4 function takes. */
export interface Sm4BackendOptions {
  /** Force an implementation; default {@link sm4Backend}(). */
  backend?: Sm4Backend;
}

let detected: Sm4Backend | undefined;

/**
 * The implementation SM4 uses by default on this runtime: `openssl` when Node's OpenSSL
 * lists `sm4-ecb` and `sm4-cbc` (Node 20 with OpenSSL 3.0 does), else `js`.
 */
export function sm4Backend(): Sm4Backend {
  if (detected === undefined) {
    const ciphers = new Set(getCiphers());
    detected = ciphers.has("sm4-ecb") && ciphers.has("sm4-cbc") ? "openssl" : "js";
  }
  return detected;
}

/** The backend to use for `options`, or `sm4_unavailable` when `openssl` is forced but missing. */
export function resolveSm4Backend(options: Sm4BackendOptions = {}): Sm4Backend {
  const backend = options.backend ?? sm4Backend();
  if (backend === "openssl" && sm4Backend() !== "openssl")
    throw new Sm4Error("sm4_unavailable", { cipher: "sm4-ecb/sm4-cbc" });
  if (backend !== "openssl" && backend !== "js")
    throw new Sm4Error("sm4_unavailable", { cipher: String(backend) });
  return backend;
}

/** Check an SM4 key: bytes, 16 of them. */
export function assertSm4Key(key: unknown): asserts key is Uint8Array {
  assertBytes(key, "key");
  if (key.length !== SM4_KEY_BYTES) throw new Sm4Error("sm4_invalid_key", { length: key.length });
}

/** A fresh random SM4 key (16 bytes from the system CSPRNG). */
export function generateSm4Key(): Uint8Array {
  return new Uint8Array(randomBytes(SM4_KEY_BYTES));
}

/**
 * SM4 over whole blocks without chaining (ECB). The building block of GCM's counter
 * mode and tag; never use it on data directly, as equal blocks give equal output.
 * `data.length` must be a multiple of 16.
 */
export function sm4EcbBlocks(
  key: Uint8Array,
  data: Uint8Array,
  decrypt: boolean,
  backend: Sm4Backend,
): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  if (backend === "openssl") {
    const cipher = decrypt
      ? createDecipheriv("sm4-ecb", key, null)
      : createCipheriv("sm4-ecb", key, null);
    cipher.setAutoPadding(false);
    const head = cipher.update(data);
    const tail = cipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  }
  const options = { mode: "ecb", padding: "none", output: "array" } as const;
  return decrypt ? smCrypto.decrypt(data, key, options) : smCrypto.encrypt(data, key, options);
}

function assertBlock(block: unknown): asserts block is Uint8Array {
  assertBytes(block, "block");
  if (block.length !== SM4_BLOCK_BYTES)
    throw new Sm4Error("sm4_invalid_input", { name: "block", type: `${block.length} bytes` });
}

/**
 * Encrypt one 16-byte block with SM4 (GB/T 32907-2016: 32 rounds of the round function with
 * the key expansion).
 *
 * @example
 * // GB/T 32907-2016 Appendix A.1
 * sm4EncryptBlock(hex("0123456789abcdeffedcba9876543210"), hex("0123456789abcdeffedcba9876543210"));
 * // → 681edf34d206965e86b3e94f536e4246
 */
export function sm4EncryptBlock(
  key: Uint8Array,
  block: Uint8Array,
  options: Sm4BackendOptions = {},
): Uint8Array {
  assertSm4Key(key);
  assertBlock(block);
  return sm4EcbBlocks(key, block, false, resolveSm4Backend(options));
}

/** Decrypt one 16-byte block with SM4 (GB/T 32907-2016: the same rounds, round keys in reverse). */
export function sm4DecryptBlock(
  key: Uint8Array,
  block: Uint8Array,
  options: Sm4BackendOptions = {},
): Uint8Array {
  assertSm4Key(key);
  assertBlock(block);
  return sm4EcbBlocks(key, block, true, resolveSm4Backend(options));
}

// ---------------------------------------------------------------------------------
// CBC with PKCS#7

/** CBC ciphertext and the IV it was made with. */
export interface Sm4CbcSealed {
  /** 16 bytes. Random per message; it is not secret. */
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

/** Options of {@link sm4CbcEncrypt}. */
export interface Sm4CbcOptions extends Sm4BackendOptions {
  /** 16 bytes; default random. Pass one only to reproduce another system's ciphertext. */
  iv?: Uint8Array;
}

function assertCbcIv(iv: unknown): asserts iv is Uint8Array {
  assertBytes(iv, "iv");
  if (iv.length !== SM4_BLOCK_BYTES)
    throw new Sm4Error("sm4_invalid_iv", {
      mode: "SM4-CBC",
      expected: SM4_BLOCK_BYTES,
      length: iv.length,
    });
}

/** PKCS#7 padding (RFC 5652 §6.3): 1–16 bytes, each equal to the count. */
function pad(data: Uint8Array): Uint8Array {
  const n = SM4_BLOCK_BYTES - (data.length % SM4_BLOCK_BYTES);
  const out = new Uint8Array(data.length + n);
  out.set(data);
  out.fill(n, data.length);
  return out;
}

/** Remove PKCS#7 padding, reading every padding byte whatever the first one says. */
function unpad(data: Uint8Array): Uint8Array {
  const n = data[data.length - 1] ?? 0;
  let bad = n === 0 || n > SM4_BLOCK_BYTES ? 1 : 0;
  for (let i = 1; i <= SM4_BLOCK_BYTES; i++) {
    const byte = data[data.length - i] ?? 0;
    // Only the last n bytes must equal n; the comparison runs over a whole block either way.
    bad |= (i <= n ? 1 : 0) & (byte !== n ? 1 : 0);
  }
  if (bad) throw new Sm4Error("sm4_invalid_padding");
  return data.subarray(0, data.length - n);
}

/**
 * Encrypt with SM4-CBC and PKCS#7 padding, as `openssl enc -sm4-cbc -K … -iv …` does.
 * For interoperation with systems that use CBC; new data should use
 * {@link sm4GcmEncrypt}, which also detects tampering.
 *
 * @example
 * const key = generateSm4Key();
 * const { iv, ciphertext } = sm4CbcEncrypt(key, new TextEncoder().encode("110101199003077777"));
 * new TextDecoder().decode(sm4CbcDecrypt(key, { iv, ciphertext })); // "110101199003077777"
 */
export function sm4CbcEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  options: Sm4CbcOptions = {},
): Sm4CbcSealed {
  assertSm4Key(key);
  assertBytes(plaintext, "plaintext");
  const iv = options.iv === undefined ? new Uint8Array(randomBytes(SM4_BLOCK_BYTES)) : options.iv;
  assertCbcIv(iv);
  const backend = resolveSm4Backend(options);
  const padded = pad(plaintext);
  let ciphertext: Uint8Array;
  if (backend === "openssl") {
    const cipher = createCipheriv("sm4-cbc", key, iv);
    cipher.setAutoPadding(false);
    ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  } else {
    const opts = { mode: "cbc", padding: "none", iv, output: "array" } as const;
    ciphertext = smCrypto.encrypt(padded, key, opts);
  }
  return { iv: new Uint8Array(iv), ciphertext };
}

/**
 * Decrypt SM4-CBC with PKCS#7 padding. Throws `sm4_invalid_ciphertext` for a length
 * that is not whole blocks and `sm4_invalid_padding` when the padding is wrong (a
 * wrong key or IV, or altered data: CBC cannot tell them apart, GCM can).
 */
export function sm4CbcDecrypt(
  key: Uint8Array,
  sealed: Sm4CbcSealed,
  options: Sm4BackendOptions = {},
): Uint8Array {
  assertSm4Key(key);
  const { iv, ciphertext } = sealed;
  assertCbcIv(iv);
  assertBytes(ciphertext, "ciphertext");
  if (ciphertext.length === 0 || ciphertext.length % SM4_BLOCK_BYTES !== 0)
    throw new Sm4Error("sm4_invalid_ciphertext", { length: ciphertext.length });
  const backend = resolveSm4Backend(options);
  let padded: Uint8Array;
  if (backend === "openssl") {
    const decipher = createDecipheriv("sm4-cbc", key, iv);
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } else {
    const opts = { mode: "cbc", padding: "none", iv, output: "array" } as const;
    padded = smCrypto.decrypt(ciphertext, key, opts);
  }
  return unpad(padded);
}
