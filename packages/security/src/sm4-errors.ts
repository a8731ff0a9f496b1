/**
 * The one error class of SM4 encryption (GB/T 32907-2016) and of {@link SymmetricKey}s.
 *
 * @module sm4-errors
 */

/** Why an SM4 operation refused to run or to return plaintext. */
export type Sm4ErrorCode =
  | "sm4_invalid_input"
  | "sm4_invalid_key"
  | "sm4_invalid_iv"
  | "sm4_invalid_tag"
  | "sm4_invalid_ciphertext"
  | "sm4_invalid_padding"
  | "sm4_auth_failed"
  | "sm4_aad_unsupported"
  | "sm4_key_mismatch"
  | "sm4_sealed_malformed"
  | "sm4_unknown_algorithm"
  | "sm4_unavailable";

type Messages = { "zh-CN": string; en: string };

const MESSAGES: Record<Sm4ErrorCode, (p: Record<string, unknown>) => Messages> = {
  sm4_invalid_input: (p) => ({
    "zh-CN": `${String(p.name)} 必须是字节数组（Uint8Array），实为 ${String(p.type)}。请先把文本按 UTF-8 编码为字节。`,
    en: `The ${String(p.name)} must be bytes (a Uint8Array), got ${String(p.type)}. Encode text as UTF-8 bytes first.`,
  }),
  sm4_invalid_key: (p) => ({
    "zh-CN": `SM4 密钥必须为 16 字节（128 位，GB/T 32907-2016），实为 ${String(p.length)} 字节。请使用 generateSm4Key() 生成的密钥。`,
    en: `An SM4 key must be 16 bytes (128 bits, GB/T 32907-2016), got ${String(p.length)}. Use a key from generateSm4Key().`,
  }),
  sm4_invalid_iv: (p) => ({
    "zh-CN": `${String(p.mode)} 的初始向量长度应为 ${String(p.expected)} 字节，实为 ${String(p.length)} 字节。请按该模式的要求提供 IV，或省略 IV 让其随机生成。`,
    en: `The ${String(p.mode)} IV must be ${String(p.expected)} bytes, got ${String(p.length)}. Pass an IV of that length, or omit it to get a random one.`,
  }),
  sm4_invalid_tag: (p) => ({
    "zh-CN": `SM4-GCM 认证标签长度应为 ${String(p.expected)} 字节，实为 ${String(p.length)} 字节。请传入加密时得到的完整标签。`,
    en: `The SM4-GCM authentication tag must be ${String(p.expected)} bytes, got ${String(p.length)}. Pass the whole tag that encryption returned.`,
  }),
  sm4_invalid_ciphertext: (p) => ({
    "zh-CN": `SM4-CBC 密文长度必须是 16 字节的正整数倍，实为 ${String(p.length)} 字节：密文被截断或不是 CBC 密文。请检查数据来源。`,
    en: `SM4-CBC ciphertext must be a positive multiple of 16 bytes, got ${String(p.length)}: it is truncated or not CBC ciphertext. Check where it came from.`,
  }),
  sm4_invalid_padding: () => ({
    "zh-CN":
      "SM4-CBC 解密后的 PKCS#7 填充无效：密钥或 IV 不对，或密文被修改。请核对密钥和 IV；需要防篡改时请改用 SM4-GCM。",
    en: "The PKCS#7 padding after SM4-CBC decryption is invalid: the key or IV is wrong, or the ciphertext was altered. Check the key and IV; use SM4-GCM where tampering matters.",
  }),
  sm4_auth_failed: () => ({
    "zh-CN":
      "SM4-GCM 认证失败：密文、附加数据（AAD）或标签被修改，或密钥、IV 不对。不返回任何明文。请勿使用该数据，并核对密钥和来源。",
    en: "SM4-GCM authentication failed: the ciphertext, associated data (AAD) or tag was altered, or the key or IV is wrong. No plaintext is returned. Do not use the data; check the key and its source.",
  }),
  sm4_aad_unsupported: () => ({
    "zh-CN": "SM4-CBC 不支持附加认证数据（AAD）。需要绑定上下文时请改用 SM4-GCM。",
    en: "SM4-CBC takes no associated data (AAD). Use SM4-GCM to bind a context to the ciphertext.",
  }),
  sm4_key_mismatch: (p) => ({
    "zh-CN": `密文由密钥 ${String(p.sealedKeyId)}（${String(p.sealedAlgorithm)}）加密，而当前密钥为 ${String(p.keyId)}（${String(p.algorithm)}）。请用加密时的密钥解密。`,
    en: `The data was sealed under key ${String(p.sealedKeyId)} (${String(p.sealedAlgorithm)}), not ${String(p.keyId)} (${String(p.algorithm)}). Decrypt it with the key that sealed it.`,
  }),
  sm4_sealed_malformed: (p) => ({
    "zh-CN": `加密字段的文本格式不正确：${String(p.reason)}。请传入 sealedToString() 生成的完整文本。`,
    en: `The sealed field text is malformed: ${String(p.reason)}. Pass the whole text that sealedToString() produced.`,
  }),
  sm4_unknown_algorithm: (p) => ({
    "zh-CN": `不支持的对称算法 ${String(p.algorithm)}。可用算法：sm4-gcm、sm4-cbc。`,
    en: `Unknown symmetric algorithm ${String(p.algorithm)}. Use sm4-gcm or sm4-cbc.`,
  }),
  sm4_unavailable: (p) => ({
    "zh-CN": `本机 Node.js 使用的 OpenSSL 不提供 ${String(p.cipher)}。请去掉 backend: "openssl" 以使用纯 JavaScript 实现，或换用带 SM4 的 OpenSSL。`,
    en: `This Node.js's OpenSSL has no ${String(p.cipher)}. Drop backend: "openssl" to use the JavaScript implementation, or use an OpenSSL built with SM4.`,
  }),
};

/**
 * An SM4 failure: a snake_case `code`, `params` with the details, and zh-CN/English
 * `messages` (what is wrong, then what to do). `message` is both, zh-CN first.
 *
 * @example
 * try {
 *   await key.decrypt(sealed, { aad });
 * } catch (e) {
 *   if (e instanceof Sm4Error && e.code === "sm4_auth_failed") quarantine(record);
 * }
 */
export class Sm4Error extends Error {
  override name = "Sm4Error";
  readonly messages: Messages;
  constructor(
    readonly code: Sm4ErrorCode,
    readonly params: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    const messages = MESSAGES[code](params);
    super(`${messages["zh-CN"]} / ${messages.en}`, options);
    this.messages = messages;
  }
}

/** Throw `sm4_invalid_input` unless `value` is a Uint8Array (Buffers are). */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    throw new Sm4Error("sm4_invalid_input", { name, type });
  }
}
