/**
 * The signed-note format (c2sp.org/signed-note "Format"): signer and verifier
 * interfaces, limits, signature type bytes, the text checks and the key ID.
 *
 * @module checkpoint/note-format
 */
import { createHash } from "node:crypto";
import { NoteError } from "./note-error.js";

/** A key that signs notes. `keyId` is the 4-byte big-endian key ID. */
export interface NoteSigner {
  name: string;
  keyId: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** A trusted key that verifies note signatures. `verify` must return false, never throw. */
export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** The signature algorithms govex signs notes with. */
export type NoteKeyAlgorithm = "ed25519" | "sm2";

/** A verifier built by this module: it also knows its algorithm and raw public key. */
export interface KeyedNoteVerifier extends NoteVerifier {
  algorithm: NoteKeyAlgorithm;
  /** Raw public key: 32 bytes for Ed25519, 65 bytes (04 ‖ x ‖ y) for SM2. */
  publicKey: Uint8Array;
}

/** One signature line of an opened note. */
export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
  /** True if a known key (same name and key ID) verified it. */
  verified: boolean;
}

/** An opened note: its text (with the final newline) and its signature lines. */
export interface OpenedNote {
  text: string;
  signatures: NoteSignature[];
}

/** Limits that keep hostile notes cheap to reject. */
export interface NoteLimits {
  /** Largest note accepted, in UTF-8 bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Most signature lines accepted. Default 100 (signed-note: at least 16). */
  maxSignatures?: number;
}

/** Default largest note, in UTF-8 bytes. */
export const NOTE_MAX_BYTES = 1024 * 1024;
/** Default most signature lines; signed-note says verifiers MUST accept at least 16. */
export const NOTE_MAX_SIGNATURES = 100;

/** signed-note "Signature types": Ed25519. */
export const NOTE_TYPE_ED25519: Uint8Array = Uint8Array.of(0x01);
/** govex's SM2-with-SM3 type: 0xff (signed-note's escape for unassigned types) ‖ a long identifier. */
export const NOTE_TYPE_SM2: Uint8Array = Uint8Array.from([
  0xff,
  ...new TextEncoder().encode("govex.dev/signed-note/sm2-sm3"),
]);

export const EM_DASH_PREFIX = "\u2014 ";
export const utf8 = new TextEncoder();
// Lone surrogates cannot be encoded as UTF-8 (signed-note: notes MUST be valid UTF-8).
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// signed-note "Format": no ASCII control characters other than newline.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to find them
export const CONTROL = /[\u0000-\u0009\u000B-\u001F]/;
// Key names: non-empty, no Unicode spaces, no plus (signed-note "Format").
export const KEY_NAME = /^[^\s+]+$/u;
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (RFC 4648 §4, padded, canonical) to bytes, or undefined. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  // Reject non-zero padding bits: only one encoding of each byte string is accepted.
  if (bytes.toString("base64") !== text) return undefined;
  return new Uint8Array(bytes);
}

export const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function checkKeyName(name: unknown): string {
  if (typeof name !== "string" || !KEY_NAME.test(name) || LONE_SURROGATE.test(name)) {
    throw new NoteError(
      "invalid_key_name",
      `密钥名称 ${JSON.stringify(name)} 无效: 不得为空, 不得含空白字符或 "+"。请使用无协议前缀的 URL, 如 example.gov.cn/log。`,
      `key name ${JSON.stringify(name)} is invalid: it must be non-empty without spaces or "+"; use a schema-less URL such as example.gov.cn/log.`,
      { name },
    );
  }
  return name;
}

/** Throws unless the text is valid UTF-8 without control characters other than newline. */
export function checkText(text: string, what: "note" | "text"): void {
  if (LONE_SURROGATE.test(text)) {
    throw new NoteError(
      "malformed_note",
      "签名注记不是有效的 UTF-8 (含孤立代理项)。请按 UTF-8 重新编码。",
      `the ${what} is not valid UTF-8 (it has a lone surrogate): re-encode it as UTF-8.`,
    );
  }
  const match = CONTROL.exec(text);
  if (match) {
    const code = match[0].charCodeAt(0);
    const hint = code === 0x0d ? "CRLF 换行须改为 LF。" : "请删除该字符。";
    const hintEn = code === 0x0d ? "convert CRLF line endings to LF." : "remove the character.";
    throw new NoteError(
      "control_character",
      `签名注记第 ${match.index} 个字符是控制字符 U+${code.toString(16).padStart(4, "0").toUpperCase()}, 只允许换行 (U+000A)。${hint}`,
      `the ${what} has control character U+${code.toString(16).padStart(4, "0").toUpperCase()} at offset ${match.index}; only newline (U+000A) is allowed: ${hintEn}`,
      { offset: match.index, codePoint: code },
    );
  }
}

/**
 * The key ID of signed-note: SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4].
 *
 * @example
 * noteKeyId("PeterNeumann", NOTE_TYPE_ED25519, publicKey); // c7 4f 20 a3
 */
export function noteKeyId(name: string, type: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const h = createHash("sha256")
    .update(name, "utf8")
    .update(Uint8Array.of(0x0a))
    .update(type)
    .update(publicKey);
  return new Uint8Array(h.digest().subarray(0, 4));
}
