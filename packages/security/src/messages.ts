/** zh-CN and English texts for the security checks' failure codes: what is wrong, then what to do. */
export const SECURITY_MESSAGES = {
  signature_missing: {
    "zh-CN":
      "消息没有签名（缺少 Signature 或 Signature-Input 字段）。请按 govex 签名规范对消息签名。",
    en: "The message is not signed (Signature or Signature-Input is missing). Sign it as the govex signature profile says.",
  },
  signature_malformed: {
    "zh-CN": "签名字段格式不正确。请按 RFC 9421 和 RFC 8941 生成 Signature 与 Signature-Input。",
    en: "The signature fields are malformed. Produce Signature and Signature-Input as RFC 9421 and RFC 8941 say.",
  },
  signature_unknown_key: {
    "zh-CN": "签名使用的密钥（keyid）未登记。请先在交换节点登记公钥，或使用已登记的密钥。",
    en: "The signing key (keyid) is not registered. Register the public key with the exchange node, or sign with a registered key.",
  },
  signature_algorithm_mismatch: {
    "zh-CN": "签名声明的算法与登记的密钥算法不一致。请使用该密钥登记的算法。",
    en: "The signature's declared algorithm differs from the registered key's. Sign with the key's registered algorithm.",
  },
  signature_component_missing: {
    "zh-CN": "签名覆盖的某个组件在消息中不存在。请只覆盖消息中实际存在的字段。",
    en: "A component the signature covers is absent from the message. Cover only fields the message carries.",
  },
  signature_component_invalid: {
    "zh-CN": "签名覆盖的组件无效。请检查组件标识符及其参数。",
    en: "A covered component is invalid. Check the component identifiers and their parameters.",
  },
  signature_not_covered: {
    "zh-CN": "签名未覆盖规范要求的组件。请按 govex 签名规范覆盖所有必需组件。",
    en: "The signature does not cover a component the profile requires. Cover every required component.",
  },
  signature_expired: {
    "zh-CN": "签名已过期。请重新签名后再发送。",
    en: "The signature has expired. Sign the message again and resend it.",
  },
  signature_created_in_future: {
    "zh-CN": "签名时间晚于当前时间。请校准系统时钟（NTP）。",
    en: "The signature was created in the future. Synchronize the system clock (NTP).",
  },
  signature_too_old: {
    "zh-CN": "签名创建时间过早，超出允许的时间窗口。请重新签名后再发送。",
    en: "The signature was created too long ago for the allowed window. Sign the message again and resend it.",
  },
  signature_nonce_missing: {
    "zh-CN": "签名缺少防重放随机数（nonce）。请在签名参数中加入 nonce。",
    en: "The signature has no nonce against replay. Add a nonce to the signature parameters.",
  },
  signature_replayed: {
    "zh-CN": "该签名已被使用过（重放）。请为每条消息重新签名并使用新的 nonce。",
    en: "The signature has been used before (a replay). Sign each message afresh with a new nonce.",
  },
  signature_invalid: {
    "zh-CN": "签名验证失败：消息在签名后被修改，或签名密钥不符。请勿修改已签名的消息。",
    en: "The signature does not verify: the message changed after signing, or the key differs. Do not alter signed messages.",
  },
  content_digest_missing: {
    "zh-CN": "消息有内容但缺少 Content-Digest 字段。请按 RFC 9530 计算并添加。",
    en: "The message has content but no Content-Digest. Compute and add it as RFC 9530 says.",
  },
  content_digest_malformed: {
    "zh-CN": "Content-Digest 字段格式不正确。请按 RFC 9530 生成。",
    en: "Content-Digest is malformed. Produce it as RFC 9530 says.",
  },
  content_digest_unsupported: {
    "zh-CN": "Content-Digest 未包含可接受的算法（sha-256、sha-512 或 sm3）。",
    en: "Content-Digest has no acceptable algorithm (sha-256, sha-512 or sm3).",
  },
  content_digest_mismatch: {
    "zh-CN": "Content-Digest 与消息内容不符：内容在传输中被修改或被截断。请重新发送。",
    en: "Content-Digest does not match the content: it was altered or truncated in transit. Resend it.",
  },
} as const;

export type SecurityCode = keyof typeof SECURITY_MESSAGES;
export type SecurityLocale = "zh-CN" | "en";

/** The message for a code in a locale (zh-CN by default). */
export function securityMessage(code: SecurityCode, locale: SecurityLocale = "zh-CN"): string {
  return SECURITY_MESSAGES[code][locale];
}
