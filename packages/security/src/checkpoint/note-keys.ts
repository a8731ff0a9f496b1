/**
 * Note signing keys: Ed25519 and SM2-with-SM3 signers and verifiers, and verifier
 * keys in their text form (c2sp.org/signed-note "Verifier keys").
 *
 * @module checkpoint/note-keys
 */
import {
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { sm2PublicKeyFromPrivate, sm2Sign, sm2Verify } from "../sm2.js";
import { NoteError } from "./note-error.js";
import {
  bytesEqual,
  checkKeyName,
  decodeBase64,
  type KeyedNoteVerifier,
  NOTE_TYPE_ED25519,
  NOTE_TYPE_SM2,
  type NoteKeyAlgorithm,
  type NoteSigner,
  noteKeyId,
} from "./note-format.js";

export function ed25519Raw(key: KeyObject): Uint8Array {
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

export function ed25519KeyObject(raw: Uint8Array): KeyObject {
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

export const SM2_PUBLIC_HEX = /^04[0-9a-fA-F]{128}$/;

export function sm2PublicBytes(publicKeyHex: string): Uint8Array {
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

export function malformedKey(
  en: string,
  zh: string,
  params: Record<string, unknown> = {},
): NoteError {
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
