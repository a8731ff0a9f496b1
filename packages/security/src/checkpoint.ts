/**
 * C2SP signed notes (c2sp.org/signed-note) and transparency-log checkpoints
 * (c2sp.org/tlog-checkpoint): the signed tree heads of the exchange node's audit log.
 *
 * Signature types: Ed25519 (type byte 0x01, signed-note "Ed25519 signatures") and
 * SM2-with-SM3 as a govex extension. signed-note reserves 0xff "for signature
 * types without an identifier byte assigned by this specification" and recommends
 * that it be followed by a longer identifier unlikely to collide, so govex's SM2
 * type is the 0xff byte followed by the ASCII of `govex.dev/signed-note/sm2-sm3`
 * (a name under the project's own domain, as its schema `$id`s are). The SM2 public
 * key that follows is the 65-byte uncompressed point, whose first byte 0x04 is not
 * printable, so the identifier and the key cannot run into each other.
 *
 * @see https://c2sp.org/signed-note
 * @see https://c2sp.org/tlog-checkpoint
 * @module
 */
import {
  createHash,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { sm2PublicKeyFromPrivate, sm2Sign, sm2Verify } from "./sm2.js";

/** Codes of {@link NoteError}. */
export type NoteErrorCode =
  | "malformed_note"
  | "control_character"
  | "note_too_large"
  | "too_many_signatures"
  | "invalid_signature"
  | "unverified_note"
  | "ambiguous_key"
  | "invalid_key_name"
  | "malformed_key"
  | "key_id_mismatch"
  | "unsupported_key_type"
  | "malformed_checkpoint";

/**
 * The one error class of signed notes and checkpoints. `message` is zh-CN then
 * English, each saying what is wrong and then what to do; `params` holds the
 * details (line numbers, offsets, names) for a locale layer.
 *
 * @example
 * try {
 *   openNote(text, verifiers);
 * } catch (e) {
 *   if (e instanceof NoteError && e.code === "unverified_note") refuse();
 * }
 */
export class NoteError extends Error {
  readonly code: NoteErrorCode;
  readonly params: Record<string, unknown>;
  readonly messageZh: string;
  readonly messageEn: string;

  constructor(
    code: NoteErrorCode,
    zh: string,
    en: string,
    params: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(`${zh} / ${en}`, options);
    this.name = "NoteError";
    this.code = code;
    this.params = params;
    this.messageZh = zh;
    this.messageEn = en;
  }
}

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

const EM_DASH_PREFIX = "\u2014 ";
const utf8 = new TextEncoder();
// Lone surrogates cannot be encoded as UTF-8 (signed-note: notes MUST be valid UTF-8).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// signed-note "Format": no ASCII control characters other than newline.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to find them
const CONTROL = /[\u0000-\u0009\u000B-\u001F]/;
// Key names: non-empty, no Unicode spaces, no plus (signed-note "Format").
const KEY_NAME = /^[^\s+]+$/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (RFC 4648 §4, padded, canonical) to bytes, or undefined. */
function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  // Reject non-zero padding bits: only one encoding of each byte string is accepted.
  if (bytes.toString("base64") !== text) return undefined;
  return new Uint8Array(bytes);
}

const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkKeyName(name: unknown): string {
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
function checkText(text: string, what: "note" | "text"): void {
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

function ed25519Raw(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new NoteError(
      "unsupported_key_type",
      `密钥类型为 ${String(key.asymmetricKeyType)}, 应为 Ed25519。请传入 Ed25519 密钥。`,
      `the key is ${String(key.asymmetricKeyType)}, not Ed25519: pass an Ed25519 key.`,
      { keyType: key.asymmetricKeyType },
    );
  }
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const jwk = pub.export({ format: "jwk" });
  return new Uint8Array(Buffer.from(jwk.x ?? "", "base64url"));
}

function ed25519KeyObject(raw: Uint8Array): KeyObject {
  if (!(raw instanceof Uint8Array) || raw.length !== 32) {
    throw new NoteError(
      "malformed_key",
      "Ed25519 公钥应为 32 字节 (RFC 8032 §5.1.5)。请检查公钥编码。",
      "an Ed25519 public key is 32 bytes (RFC 8032 §5.1.5): check the key encoding.",
      { length: raw instanceof Uint8Array ? raw.length : undefined },
    );
  }
  try {
    return createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
      format: "jwk",
    });
  } catch (cause) {
    throw new NoteError(
      "malformed_key",
      "Ed25519 公钥无法解析。请检查公钥编码。",
      "the Ed25519 public key does not parse: check the key encoding.",
      {},
      { cause },
    );
  }
}

/**
 * A note signer for an Ed25519 private key (signed-note "Ed25519 signatures"; RFC 8032).
 *
 * @example
 * const { privateKey } = generateKeyPairSync("ed25519");
 * const signer = ed25519NoteSigner("audit.example.gov.cn/log", privateKey);
 */
export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  checkKeyName(name);
  if (privateKey?.type !== "private") {
    throw new NoteError(
      "malformed_key",
      "签名需要 Ed25519 私钥 (KeyObject)。请传入私钥而非公钥。",
      "signing needs an Ed25519 private KeyObject: pass the private key, not the public one.",
    );
  }
  const publicKey = ed25519Raw(privateKey);
  return {
    name,
    keyId: noteKeyId(name, NOTE_TYPE_ED25519, publicKey),
    sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)),
  };
}

/**
 * A note verifier for an Ed25519 public key, as a KeyObject or the raw 32 bytes.
 *
 * @example
 * const verifier = ed25519NoteVerifier("audit.example.gov.cn/log", publicKey);
 * openNote(note, [verifier]);
 */
export function ed25519NoteVerifier(
  name: string,
  publicKey: KeyObject | Uint8Array,
): KeyedNoteVerifier {
  checkKeyName(name);
  const key = publicKey instanceof Uint8Array ? ed25519KeyObject(publicKey) : publicKey;
  const raw = ed25519Raw(key);
  return {
    name,
    keyId: noteKeyId(name, NOTE_TYPE_ED25519, raw),
    algorithm: "ed25519",
    publicKey: raw,
    verify(message, signature) {
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
      try {
        return nodeVerify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}

const SM2_PUBLIC_HEX = /^04[0-9a-fA-F]{128}$/;

function sm2PublicBytes(publicKeyHex: string): Uint8Array {
  if (typeof publicKeyHex !== "string" || !SM2_PUBLIC_HEX.test(publicKeyHex)) {
    throw new NoteError(
      "malformed_key",
      "SM2 公钥应为 65 字节未压缩点的十六进制 (04 ‖ x ‖ y, GB/T 32918.1-2016 §4.2.9)。请检查公钥编码。",
      "an SM2 public key is 65 bytes of hex, uncompressed (04 ‖ x ‖ y, GB/T 32918.1-2016 §4.2.9): check the key encoding.",
    );
  }
  return new Uint8Array(Buffer.from(publicKeyHex, "hex"));
}

/**
 * A note signer for an SM2 private key (hex): SM2-with-SM3 over the note text with
 * the default user ID (GB/T 32918.2-2016), signature = 64-byte r ‖ s, type
 * {@link NOTE_TYPE_SM2} (a govex extension, see the module comment).
 *
 * @example
 * const keys = generateSm2KeyPair();
 * const signer = sm2NoteSigner("audit.example.gov.cn/log", keys.privateKey);
 */
export function sm2NoteSigner(name: string, privateKeyHex: string): NoteSigner {
  checkKeyName(name);
  let publicKey: string;
  try {
    publicKey = sm2PublicKeyFromPrivate(privateKeyHex);
  } catch (cause) {
    throw new NoteError(
      "malformed_key",
      "SM2 私钥应为 32 字节的十六进制。请检查私钥编码。",
      "an SM2 private key is 32 bytes of hex: check the key encoding.",
      {},
      { cause },
    );
  }
  return {
    name,
    keyId: noteKeyId(name, NOTE_TYPE_SM2, sm2PublicBytes(publicKey)),
    sign: (message) => sm2Sign(message, privateKeyHex, { publicKey }),
  };
}

/**
 * A note verifier for an SM2 public key (hex, 65-byte uncompressed).
 *
 * @example
 * openNote(note, [sm2NoteVerifier("audit.example.gov.cn/log", keys.publicKey)]);
 */
export function sm2NoteVerifier(name: string, publicKeyHex: string): KeyedNoteVerifier {
  checkKeyName(name);
  const raw = sm2PublicBytes(publicKeyHex);
  return {
    name,
    keyId: noteKeyId(name, NOTE_TYPE_SM2, raw),
    algorithm: "sm2",
    publicKey: raw,
    verify(message, signature) {
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
      try {
        return sm2Verify(message, signature, publicKeyHex);
      } catch {
        return false;
      }
    },
  };
}

function malformedKey(en: string, zh: string, params: Record<string, unknown> = {}): NoteError {
  return new NoteError(
    "malformed_key",
    `验证密钥格式错误: ${zh}。应为 <名称>+<8 位小写十六进制密钥 ID>+<base64(类型 ‖ 公钥)>。`,
    `malformed verifier key: ${en}; expected <name>+<8 lower-case hex key ID>+<base64(type ‖ public key)>.`,
    params,
  );
}

/**
 * Parse a verifier key "<name>+<hex key ID>+<base64(type ‖ public key)>"
 * (the encoding of golang.org/x/mod/sumdb/note that signed-note users share),
 * for Ed25519 (type 0x01) and govex SM2 ({@link NOTE_TYPE_SM2}). The key ID must
 * equal the one computed from the key.
 *
 * @example
 * parseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
 */
export function parseVerifierKey(vkey: string): KeyedNoteVerifier {
  if (typeof vkey !== "string" || vkey.length > 4096)
    throw malformedKey("not a string of at most 4096 characters", "不是长度不超过 4096 的字符串");
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (first < 0 || second < 0)
    throw malformedKey("it has fewer than three +-separated parts", "少于三个以 + 分隔的部分");
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw malformedKey(
      "the key ID is not 8 lower-case hex digits",
      "密钥 ID 不是 8 位小写十六进制",
      { keyId: idHex },
    );
  const blob = decodeBase64(vkey.slice(second + 1));
  if (!blob || blob.length < 2)
    throw malformedKey("the key is not canonical base64", "公钥部分不是规范的 base64");
  let verifier: KeyedNoteVerifier;
  if (blob[0] === 0x01) {
    verifier = ed25519NoteVerifier(name, blob.subarray(1));
  } else if (
    blob.length > NOTE_TYPE_SM2.length &&
    bytesEqual(blob.subarray(0, NOTE_TYPE_SM2.length), NOTE_TYPE_SM2)
  ) {
    verifier = sm2NoteVerifier(
      name,
      Buffer.from(blob.subarray(NOTE_TYPE_SM2.length)).toString("hex"),
    );
  } else {
    throw new NoteError(
      "unsupported_key_type",
      `不支持签名类型 0x${(blob[0] ?? 0).toString(16).padStart(2, "0")}。govex 只支持 Ed25519 (0x01) 与 SM2 (0xff govex.dev/signed-note/sm2-sm3)。`,
      `signature type 0x${(blob[0] ?? 0).toString(16).padStart(2, "0")} is not supported: govex supports Ed25519 (0x01) and SM2 (0xff govex.dev/signed-note/sm2-sm3).`,
      { type: blob[0] },
    );
  }
  if (Buffer.from(verifier.keyId).toString("hex") !== idHex) {
    throw new NoteError(
      "key_id_mismatch",
      `验证密钥中的密钥 ID ${idHex} 与由名称和公钥算出的 ${Buffer.from(verifier.keyId).toString("hex")} 不符。请向密钥发布方核对。`,
      `the verifier key's ID ${idHex} does not match ${Buffer.from(verifier.keyId).toString("hex")} computed from its name and key: check the key with its publisher.`,
      { keyId: idHex },
    );
  }
  return verifier;
}

/**
 * Encode a verifier key "<name>+<hex key ID>+<base64(type ‖ public key)>" (the
 * inverse of {@link parseVerifierKey}), from a verifier built here or from a name,
 * an algorithm and a public key (Ed25519: KeyObject or 32 bytes; SM2: hex or 65 bytes).
 *
 * @example
 * formatVerifierKey("audit.example.gov.cn/log", "sm2", keys.publicKey);
 * // "audit.example.gov.cn/log+1a2b3c4d+/2dvdmV4…"
 */
export function formatVerifierKey(verifier: KeyedNoteVerifier): string;
export function formatVerifierKey(
  name: string,
  algorithm: NoteKeyAlgorithm,
  publicKey: KeyObject | Uint8Array | string,
): string;
export function formatVerifierKey(
  nameOrVerifier: string | KeyedNoteVerifier,
  algorithm?: NoteKeyAlgorithm,
  publicKey?: KeyObject | Uint8Array | string,
): string {
  let verifier: KeyedNoteVerifier;
  if (typeof nameOrVerifier !== "string") {
    verifier = nameOrVerifier;
  } else if (algorithm === "ed25519" && publicKey !== undefined && typeof publicKey !== "string") {
    verifier = ed25519NoteVerifier(nameOrVerifier, publicKey);
  } else if (
    algorithm === "sm2" &&
    (typeof publicKey === "string" || publicKey instanceof Uint8Array)
  ) {
    const hexKey =
      typeof publicKey === "string" ? publicKey : Buffer.from(publicKey).toString("hex");
    verifier = sm2NoteVerifier(nameOrVerifier, hexKey);
  } else {
    throw new NoteError(
      "unsupported_key_type",
      "算法须为 ed25519 (KeyObject 或 32 字节公钥) 或 sm2 (十六进制或 65 字节公钥)。",
      "algorithm must be ed25519 (with a KeyObject or 32-byte key) or sm2 (with a hex or 65-byte key).",
      { algorithm },
    );
  }
  const type = verifier.algorithm === "ed25519" ? NOTE_TYPE_ED25519 : NOTE_TYPE_SM2;
  const blob = Buffer.concat([type, verifier.publicKey]);
  return `${checkKeyName(verifier.name)}+${Buffer.from(verifier.keyId).toString("hex")}+${blob.toString("base64")}`;
}

/**
 * Sign a note text (signed-note "Format"): the text, a blank line, then one line
 * "— <name> <base64(key ID ‖ signature)>" per signer. The text must be valid
 * UTF-8, end in a newline and have no control characters other than newline.
 *
 * @example
 * const note = await signNote("audit.example.gov.cn/log\n3\n…=\n", [signer]);
 */
export async function signNote(text: string, signers: NoteSigner[]): Promise<string> {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw new NoteError(
      "malformed_note",
      "注记正文须以换行 (U+000A) 结尾。请在末尾加换行。",
      "the note text must end with a newline (U+000A): append one.",
    );
  }
  checkText(text, "text");
  if (!Array.isArray(signers) || signers.length === 0) {
    throw new NoteError(
      "malformed_note",
      "至少需要一个签名者。",
      "a note needs at least one signer: pass one.",
    );
  }
  const message = utf8.encode(text);
  const lines: string[] = [];
  for (const signer of signers) {
    checkKeyName(signer.name);
    if (!(signer.keyId instanceof Uint8Array) || signer.keyId.length !== 4) {
      throw new NoteError(
        "malformed_key",
        `签名者 ${signer.name} 的密钥 ID 应为 4 字节。`,
        `signer ${signer.name} has a key ID that is not 4 bytes: use noteKeyId().`,
        { name: signer.name },
      );
    }
    const signature = await signer.sign(message);
    if (!(signature instanceof Uint8Array) || signature.length === 0) {
      throw new NoteError(
        "invalid_signature",
        `签名者 ${signer.name} 未返回签名字节。`,
        `signer ${signer.name} returned no signature bytes: check the signer.`,
        { name: signer.name },
      );
    }
    lines.push(
      `${EM_DASH_PREFIX}${signer.name} ${encodeBase64(Buffer.concat([signer.keyId, signature]))}\n`,
    );
  }
  return `${text}\n${lines.join("")}`;
}

function malformedNote(zh: string, en: string, params: Record<string, unknown> = {}): NoteError {
  return new NoteError(
    "malformed_note",
    `签名注记格式错误: ${zh}`,
    `malformed signed note: ${en}`,
    params,
  );
}

/**
 * Parse a signed note and verify its signatures against trusted keys
 * (signed-note "Signatures"). Signatures from unknown keys (no verifier with the
 * same name *and* key ID) are returned with `verified: false`. Throws a
 * {@link NoteError}: `malformed_note`, `control_character`, `note_too_large`,
 * `too_many_signatures`, `invalid_signature` (a known key's signature fails: the
 * whole note is rejected), `unverified_note` (no known key signed it),
 * `ambiguous_key` (two verifiers share a name and key ID).
 *
 * @example
 * const { text, signatures } = openNote(note, [parseVerifierKey(vkey)]);
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  limits: NoteLimits = {},
): OpenedNote {
  const maxBytes = limits.maxBytes ?? NOTE_MAX_BYTES;
  const maxSignatures = limits.maxSignatures ?? NOTE_MAX_SIGNATURES;
  let input: string;
  if (note instanceof Uint8Array) {
    if (note.length > maxBytes) throw tooLarge(note.length, maxBytes);
    try {
      input = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(note);
    } catch (cause) {
      throw new NoteError(
        "malformed_note",
        "签名注记不是有效的 UTF-8。请按 UTF-8 重新编码。",
        "the note is not valid UTF-8: re-encode it as UTF-8.",
        {},
        { cause },
      );
    }
  } else if (typeof note === "string") {
    // UTF-16 length never exceeds UTF-8 length, so this cheap test comes first.
    if (note.length > maxBytes) throw tooLarge(note.length, maxBytes);
    const bytes = Buffer.byteLength(note, "utf8");
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    input = note;
  } else {
    throw malformedNote("不是字符串。", "it is not a string: pass the note text.");
  }
  checkText(input, "note");

  const split = input.lastIndexOf("\n\n");
  if (split < 0)
    throw malformedNote(
      "缺少正文与签名之间的空行。",
      "there is no blank line between the text and the signatures.",
    );
  const text = input.slice(0, split + 1);
  const block = input.slice(split + 2);
  if (!block.endsWith("\n"))
    throw malformedNote(
      "签名行须以换行结尾。",
      "the last signature line does not end with a newline.",
    );

  let count = 0;
  for (let i = block.indexOf("\n"); i >= 0; i = block.indexOf("\n", i + 1)) {
    if (++count > maxSignatures) {
      throw new NoteError(
        "too_many_signatures",
        `签名注记的签名行超过 ${maxSignatures} 行。请删去多余签名。`,
        `the note has more than ${maxSignatures} signature lines: drop the extra signatures.`,
        { maxSignatures },
      );
    }
  }

  const verifierFor = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = `${v.name}\n${Buffer.from(v.keyId).toString("hex")}`;
    if (verifierFor.has(key)) {
      throw new NoteError(
        "ambiguous_key",
        `有两个验证密钥的名称 (${v.name}) 与密钥 ID 都相同。请去掉重复的密钥。`,
        `two verifiers share name ${v.name} and key ID: remove the duplicate.`,
        { name: v.name },
      );
    }
    verifierFor.set(key, v);
  }

  const message = utf8.encode(text);
  const signatures: NoteSignature[] = [];
  const lines = block.slice(0, -1).split("\n");
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (!line.startsWith(EM_DASH_PREFIX)) {
      throw malformedNote(
        `第 ${lineNo} 个签名行不以 "— " (U+2014 空格) 开头。`,
        `signature line ${lineNo} does not start with "— " (U+2014, space).`,
        { line: lineNo },
      );
    }
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? "" : rest.slice(0, space);
    if (!KEY_NAME.test(name)) {
      throw malformedNote(
        `第 ${lineNo} 个签名行的密钥名称为空或含空白字符、"+"。`,
        `signature line ${lineNo} has an empty key name or one with spaces or "+".`,
        { line: lineNo },
      );
    }
    const blob = decodeBase64(rest.slice(space + 1));
    if (!blob || blob.length < 5) {
      throw malformedNote(
        `第 ${lineNo} 个签名行的签名不是规范 base64, 或短于 5 字节 (4 字节密钥 ID + 签名)。`,
        `signature line ${lineNo} is not canonical base64 of at least 5 bytes (4-byte key ID ‖ signature).`,
        { line: lineNo },
      );
    }
    const keyId = blob.slice(0, 4);
    const signature = blob.slice(4);
    const verifier = verifierFor.get(`${name}\n${Buffer.from(keyId).toString("hex")}`);
    let verified = false;
    if (verifier) {
      // signed-note: a known key's failing signature SHOULD reject the whole note.
      if (!safeVerify(verifier, message, signature)) {
        throw new NoteError(
          "invalid_signature",
          `已知密钥 ${name} 的签名验证失败: 注记可能被篡改。请拒绝此注记并告知发布方。`,
          `the signature of known key ${name} does not verify: the note may have been altered; reject it and tell its publisher.`,
          { name, line: lineNo },
        );
      }
      verified = true;
    }
    signatures.push({ name, keyId, signature, verified });
  });
  if (!signatures.some((s) => s.verified)) {
    throw new NoteError(
      "unverified_note",
      "签名注记没有任何已知密钥的签名。请确认验证密钥配置正确。",
      "no known key signed the note: check the configured verifier keys.",
      {
        signatures: signatures.map((s) => ({
          name: s.name,
          keyId: Buffer.from(s.keyId).toString("hex"),
        })),
      },
    );
  }
  return { text, signatures };
}

function safeVerify(verifier: NoteVerifier, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifier.verify(message, signature) === true;
  } catch {
    return false;
  }
}

function tooLarge(size: number, maxBytes: number): NoteError {
  return new NoteError(
    "note_too_large",
    `签名注记超过 ${maxBytes} 字节上限。请确认来源, 或调高 maxBytes。`,
    `the note is larger than the ${maxBytes}-byte limit: check its source, or raise maxBytes.`,
    { size, maxBytes },
  );
}

/** A transparency-log checkpoint (tlog-checkpoint "Note text"). */
export interface Checkpoint {
  /** The log's identity, e.g. "audit.example.gov.cn/log". */
  origin: string;
  /** Number of leaves, 0 ≤ size ≤ 2^53 − 1. */
  size: number;
  /** The RFC 6962 / RFC 9162 Merkle tree hash at `size` (32 bytes). */
  rootHash: Uint8Array;
  /** Optional non-empty extension lines (NOT RECOMMENDED by the spec). */
  extensions: string[];
}

function malformedCheckpoint(
  zh: string,
  en: string,
  params: Record<string, unknown> = {},
): NoteError {
  return new NoteError(
    "malformed_checkpoint",
    `检查点格式错误: ${zh}`,
    `malformed checkpoint: ${en}`,
    params,
  );
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * The checkpoint note text: origin, decimal size, base64 root hash, then any
 * extension lines, each ending in a newline (tlog-checkpoint "Note text").
 *
 * @example
 * formatCheckpoint({ origin: "example.com/behind-the-sofa", size: 20852163, rootHash, extensions: [] });
 * // "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
 */
export function formatCheckpoint(c: Checkpoint): string {
  if (typeof c?.origin !== "string" || c.origin === "" || c.origin.includes("\n")) {
    throw malformedCheckpoint(
      "origin 须为非空的单行文本。",
      "the origin must be one non-empty line.",
    );
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw malformedCheckpoint(
      `树大小 ${String(c.size)} 须为 0 到 2^53−1 的整数。`,
      `the tree size ${String(c.size)} must be an integer from 0 to 2^53 − 1.`,
      { size: c.size },
    );
  }
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== 32) {
    throw malformedCheckpoint(
      "根哈希须为 32 字节 (SHA-256)。",
      "the root hash must be 32 bytes (SHA-256).",
    );
  }
  const extensions = c.extensions ?? [];
  for (const line of extensions) {
    if (typeof line !== "string" || line === "" || line.includes("\n")) {
      throw malformedCheckpoint(
        "扩展行须为非空的单行文本。",
        "each extension line must be one non-empty line.",
      );
    }
  }
  const text = [c.origin, String(c.size), encodeBase64(c.rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join("");
  checkText(text, "text");
  return text;
}

/**
 * Parse checkpoint note text (the `text` of an opened note) into its fields.
 * Throws a {@link NoteError} `malformed_checkpoint` (or `control_character`).
 *
 * @example
 * parseCheckpoint("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").size; // 20852163
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw malformedCheckpoint("正文须以换行结尾。", "the text must end with a newline.");
  }
  checkText(text, "text");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) {
    throw malformedCheckpoint(
      "至少需要三行 (origin、树大小、根哈希)。",
      "it needs at least three lines (origin, tree size, root hash).",
      { lines: lines.length },
    );
  }
  const [origin, sizeLine, rootLine, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === "")
    throw malformedCheckpoint("第 1 行 origin 为空。", "line 1 (origin) is empty.", { line: 1 });
  if (!DECIMAL.test(sizeLine) || sizeLine.length > 16 || !Number.isSafeInteger(Number(sizeLine))) {
    throw malformedCheckpoint(
      `第 2 行树大小 ${JSON.stringify(sizeLine.slice(0, 32))} 须为无前导零的十进制整数, 且不超过 2^53−1。`,
      `line 2 (tree size) ${JSON.stringify(sizeLine.slice(0, 32))} must be decimal without leading zeros, at most 2^53 − 1.`,
      { line: 2 },
    );
  }
  const rootHash = decodeBase64(rootLine);
  if (rootHash?.length !== 32) {
    throw malformedCheckpoint(
      "第 3 行根哈希须为 32 字节的规范 base64。",
      "line 3 (root hash) must be canonical base64 of 32 bytes.",
      { line: 3 },
    );
  }
  const empty = extensions.indexOf("");
  if (empty >= 0) {
    throw malformedCheckpoint(
      `第 ${empty + 4} 行扩展行为空。`,
      `line ${empty + 4} (an extension line) is empty.`,
      { line: empty + 4 },
    );
  }
  return { origin, size: Number(sizeLine), rootHash, extensions };
}

/**
 * Sign a checkpoint as a note. The log's key name SHOULD equal the origin (tlog-checkpoint).
 *
 * @example
 * const note = await signCheckpoint({ origin, size: tree.size, rootHash: tree.root(), extensions: [] }, [signer]);
 */
export function signCheckpoint(c: Checkpoint, signers: NoteSigner[]): Promise<string> {
  return signNote(formatCheckpoint(c), signers);
}

/**
 * Open a signed checkpoint: {@link openNote}, then {@link parseCheckpoint} of its text.
 * Only trust the result if one of `verifiers` is the log's own key.
 *
 * @example
 * const { checkpoint } = openCheckpoint(note, [parseVerifierKey(logVkey)]);
 * verifyConsistency(old.size, checkpoint.size, old.rootHash, checkpoint.rootHash, proof);
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  limits?: NoteLimits,
): { checkpoint: Checkpoint; text: string; signatures: NoteSignature[] } {
  const opened = openNote(note, verifiers, limits);
  return { checkpoint: parseCheckpoint(opened.text), ...opened };
}
