/**
 * SM4-GCM: the Galois/Counter Mode of NIST SP 800-38D over the SM4 block cipher, as
 * RFC 8998 (AEAD_SM4_GCM, for TLS 1.3) and GB/T 36624-2018 define it.
 *
 * OpenSSL 3.0 (Node 20 on Debian 12) has no `sm4-gcm`, so the mode is built here:
 * the SM4 blocks — H, E(K, J0) and the counter mode GCTR (SP 800-38D §6.5) — come from
 * OpenSSL's `sm4-ecb` and `sm4-ctr` when present (sm-crypto-v2 otherwise), and GHASH
 * (§6.4) is @noble/ciphers' audited constant-time implementation. The result is checked
 * against RFC 8998 Appendix A.1 and against pyca/cryptography's SM4-GCM.
 *
 * @module sm4-gcm
 */
import { createCipheriv, getCiphers, randomBytes, timingSafeEqual } from "node:crypto";
import { ghash } from "@noble/ciphers/_polyval";
import { assertSm4Key, resolveSm4Backend, type Sm4BackendOptions, sm4EcbBlocks } from "./sm4.js";
import { assertBytes, Sm4Error } from "./sm4-errors.js";

/** IV length that SP 800-38D §8.2 and RFC 8998 (AEAD_SM4_GCM) recommend (96 bits), and the default. */
export const SM4_GCM_IV_BYTES = 12;
/** Shortest and longest IV accepted (SP 800-38D allows any; these bound what interoperates). */
export const SM4_GCM_IV_MIN_BYTES = 8;
export const SM4_GCM_IV_MAX_BYTES = 128;
/** Tag length (SP 800-38D §5.2.1.2: 128 bits, the length RFC 8998 uses). */
export const SM4_GCM_TAG_BYTES = 16;
/** Longest plaintext per IV: 2^39 − 256 bits (SP 800-38D §5.2.1.1). */
export const SM4_GCM_MAX_PLAINTEXT_BYTES = 2 ** 36 - 32;

/** GCM output: the IV, the ciphertext (as long as the plaintext) and the tag. */
export interface Sm4GcmSealed {
  /** 12 bytes unless another length was passed; never reuse one with the same key. */
  iv: Uint8Array;
  ciphertext: Uint8Array;
  /** 16 bytes. */
  tag: Uint8Array;
}

/** Options of {@link sm4GcmEncrypt}. */
export interface Sm4GcmEncryptOptions extends Sm4BackendOptions {
  /**
   * Default: 12 random bytes. Pass one only to reproduce a known vector or when a
   * counter guarantees uniqueness: reusing an IV under one key discloses the XOR of the
   * plaintexts and lets anyone forge tags (SP 800-38D §8).
   */
  iv?: Uint8Array;
  /** Additional authenticated data: authenticated, not encrypted (e.g. record id + field name). */
  aad?: Uint8Array;
}

/** Options of {@link sm4GcmDecrypt}. */
export interface Sm4GcmDecryptOptions extends Sm4BackendOptions {
  /** The same associated data as at encryption; a different one fails with `sm4_auth_failed`. */
  aad?: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function assertGcmIv(iv: unknown): asserts iv is Uint8Array {
  assertBytes(iv, "iv");
  if (iv.length < SM4_GCM_IV_MIN_BYTES || iv.length > SM4_GCM_IV_MAX_BYTES)
    throw new Sm4Error("sm4_invalid_iv", {
      mode: "SM4-GCM",
      expected: `${SM4_GCM_IV_BYTES} (${SM4_GCM_IV_MIN_BYTES}–${SM4_GCM_IV_MAX_BYTES})`,
      length: iv.length,
    });
}

// @noble/ciphers reads input as 32-bit words, which needs a 4-byte-aligned offset; Node
// Buffers cut from the shared pool often are not.
function aligned(data: Uint8Array): Uint8Array {
  return data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
}

/** [len(A)]64 ‖ [len(C)]64 in bits, big-endian (SP 800-38D §7.1 step 5). */
function lengthBlock(aBytes: number, cBytes: number): Uint8Array {
  const block = new Uint8Array(16);
  const view = new DataView(block.buffer);
  view.setBigUint64(0, BigInt(aBytes) * 8n);
  view.setBigUint64(8, BigInt(cBytes) * 8n);
  return block;
}

/** GHASH_H(A ‖ 0^v ‖ C ‖ 0^u ‖ [len(A)]64 ‖ [len(C)]64) (SP 800-38D §6.4, §7.1 step 5). */
function ghashAc(h: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const g = ghash.create(h, aad.length + ciphertext.length + 32);
  // update() pads each call to whole blocks with zeros, which is the 0^v and 0^u above.
  g.update(aligned(aad));
  g.update(aligned(ciphertext));
  g.update(lengthBlock(aad.length, ciphertext.length));
  return g.digest();
}

type Backend = Parameters<typeof sm4EcbBlocks>[3];

/** Messages up to this many bytes get all their SM4 blocks from one ECB call (fields). */
const ONE_CALL_BYTES = 4096;

/** n counter blocks ICB, inc32(ICB), … (SP 800-38D §6.2: only the low 32 bits count, mod 2^32). */
function counterBlocks(icb: Uint8Array, n: number, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const high = icb.subarray(0, 12);
  const low = new DataView(icb.buffer, icb.byteOffset, 16).getUint32(12);
  for (let i = 0; i < n; i++) {
    out.set(high, offset + i * 16);
    view.setUint32(offset + i * 16 + 12, (low + i) >>> 0);
  }
}

function xorInto(out: Uint8Array, data: Uint8Array, stream: Uint8Array, at: number): void {
  for (let i = 0; i < stream.length && at + i < data.length; i++)
    out[at + i] = (data[at + i] as number) ^ (stream[i] as number);
}

/**
 * The SM4 work of one message (SP 800-38D §7.1 steps 1–3): H = E(K, 0^128), J0, E(K, J0)
 * for the tag, and GCTR(inc32(J0), data). Small messages with a 96-bit IV take all their
 * blocks — 0^128, J0 and the counters — from one ECB call. Larger ones run the counter
 * mode as OpenSSL's `sm4-ctr` when its 128-bit counter cannot carry out of the low 32 bits
 * (always, for a 96-bit IV: J0 starts at 1), else as ECB over counter blocks made here.
 */
function sm4Work(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  backend: Backend,
): { h: Uint8Array; tagMask: Uint8Array; output: Uint8Array } {
  const blocks = Math.ceil(data.length / 16);
  const output = new Uint8Array(data.length);
  let h: Uint8Array;
  let j0: Uint8Array;
  if (iv.length === SM4_GCM_IV_BYTES) {
    j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
    if (data.length <= ONE_CALL_BYTES) {
      const input = new Uint8Array((2 + blocks) * 16);
      input.set(j0, 16);
      counterBlocks(inc32(j0), blocks, input, 32);
      const all = sm4EcbBlocks(key, input, false, backend);
      xorInto(output, data, all.subarray(32), 0);
      return { h: all.subarray(0, 16), tagMask: all.subarray(16, 32), output };
    }
    h = sm4EcbBlocks(key, new Uint8Array(16), false, backend);
  } else {
    h = sm4EcbBlocks(key, new Uint8Array(16), false, backend);
    // J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]64): ghashAc's length block for an empty A is
    // [0]64 ‖ [len(IV)]64, the same bits.
    j0 = ghashAc(h, EMPTY, iv).slice();
  }
  const tagMask = sm4EcbBlocks(key, j0, false, backend);
  gctr(key, inc32(j0), data, output, backend);
  return { h, tagMask, output };
}

/** GCTR_K(ICB, data) into `out` (SP 800-38D §6.5). */
function gctr(
  key: Uint8Array,
  icb: Uint8Array,
  data: Uint8Array,
  out: Uint8Array,
  backend: Backend,
): void {
  if (data.length === 0) return;
  const blocks = Math.ceil(data.length / 16);
  const low = new DataView(icb.buffer, icb.byteOffset, 16).getUint32(12);
  if (backend === "openssl" && low + blocks - 1 <= 0xffffffff && sm4CtrAvailable()) {
    const cipher = createCipheriv("sm4-ctr", key, icb);
    out.set(cipher.update(data));
    cipher.final();
    return;
  }
  // Counter blocks in chunks of 64 KiB, so memory stays bounded for large inputs.
  const CHUNK_BLOCKS = 4096;
  const counters = new Uint8Array(Math.min(blocks, CHUNK_BLOCKS) * 16);
  for (let first = 0; first < blocks; first += CHUNK_BLOCKS) {
    const n = Math.min(CHUNK_BLOCKS, blocks - first);
    const start = inc32By(icb, first);
    counterBlocks(start, n, counters, 0);
    const stream = sm4EcbBlocks(key, counters.subarray(0, n * 16), false, backend);
    xorInto(out, data, stream, first * 16);
  }
}

let ctrAvailable: boolean | undefined;
function sm4CtrAvailable(): boolean {
  ctrAvailable ??= getCiphers().includes("sm4-ctr");
  return ctrAvailable;
}

function inc32By(block: Uint8Array, n: number): Uint8Array {
  const next = block.slice();
  const view = new DataView(next.buffer);
  view.setUint32(12, (view.getUint32(12) + n) >>> 0);
  return next;
}

function inc32(block: Uint8Array): Uint8Array {
  return inc32By(block, 1);
}

/** T = MSB_t(GCTR(J0, S)) = E(K, J0) ⊕ S for a 128-bit tag (SP 800-38D §7.1 step 6). */
function makeTag(h: Uint8Array, tagMask: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
  const s = ghashAc(h, aad, ciphertext);
  const tag = new Uint8Array(16);
  for (let i = 0; i < 16; i++) tag[i] = (s[i] as number) ^ (tagMask[i] as number);
  return tag;
}

/**
 * Encrypt and authenticate with SM4-GCM (SP 800-38D §7.1 over SM4; RFC 8998 (AEAD_SM4_GCM)).
 *
 * @example
 * const key = generateSm4Key();
 * const aad = new TextEncoder().encode("resident/110101199003077777/mobile");
 * const sealed = sm4GcmEncrypt(key, new TextEncoder().encode("13800138000"), { aad });
 * sm4GcmDecrypt(key, sealed, { aad }); // the plaintext bytes
 */
export function sm4GcmEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  options: Sm4GcmEncryptOptions = {},
): Sm4GcmSealed {
  assertSm4Key(key);
  assertBytes(plaintext, "plaintext");
  const iv = options.iv === undefined ? new Uint8Array(randomBytes(SM4_GCM_IV_BYTES)) : options.iv;
  assertGcmIv(iv);
  const aad = options.aad === undefined ? EMPTY : options.aad;
  assertBytes(aad, "aad");
  if (plaintext.length > SM4_GCM_MAX_PLAINTEXT_BYTES)
    throw new Sm4Error("sm4_invalid_input", {
      name: "plaintext",
      type: `${plaintext.length} bytes (over 2^36 − 32)`,
    });
  const backend = resolveSm4Backend(options);
  const { h, tagMask, output: ciphertext } = sm4Work(key, iv, plaintext, backend);
  return { iv: new Uint8Array(iv), ciphertext, tag: makeTag(h, tagMask, aad, ciphertext) };
}

/**
 * Check the tag and decrypt SM4-GCM (SP 800-38D §7.2). The tag is checked, in constant
 * time, before any plaintext is made; any change to the IV, ciphertext, AAD or tag
 * throws {@link Sm4Error} `sm4_auth_failed`.
 */
export function sm4GcmDecrypt(
  key: Uint8Array,
  sealed: Sm4GcmSealed,
  options: Sm4GcmDecryptOptions = {},
): Uint8Array {
  assertSm4Key(key);
  const { iv, ciphertext, tag } = sealed;
  assertGcmIv(iv);
  assertBytes(ciphertext, "ciphertext");
  assertBytes(tag, "tag");
  // SP 800-38D §7.2 step 1: a tag of an unsupported length is rejected outright.
  if (tag.length !== SM4_GCM_TAG_BYTES)
    throw new Sm4Error("sm4_invalid_tag", { expected: SM4_GCM_TAG_BYTES, length: tag.length });
  const aad = options.aad === undefined ? EMPTY : options.aad;
  assertBytes(aad, "aad");
  const backend = resolveSm4Backend(options);
  // The keystream is made with the tag mask, but no plaintext leaves before the tag checks.
  const { h, tagMask, output } = sm4Work(key, iv, ciphertext, backend);
  if (!timingSafeEqual(makeTag(h, tagMask, aad, ciphertext), tag)) {
    output.fill(0);
    throw new Sm4Error("sm4_auth_failed");
  }
  return output;
}
