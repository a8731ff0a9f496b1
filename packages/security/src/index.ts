export * from "./algorithms.js";
export * from "./canonical-json.js";
export * from "./checkpoint.js";
export * from "./content-digest.js";
export * from "./hash.js";
export * from "./http-message.js";
export * from "./http-signatures.js";
export * from "./masking.js";
export * from "./merkle.js";
export * from "./messages.js";
export * from "./nonce-store.js";
export * from "./profile.js";
export * from "./signature-base.js";
export * from "./sm2.js";
export {
  generateSm4Key,
  SM4_BLOCK_BYTES,
  SM4_KEY_BYTES,
  type Sm4Backend,
  type Sm4BackendOptions,
  type Sm4CbcOptions,
  type Sm4CbcSealed,
  sm4Backend,
  sm4CbcDecrypt,
  sm4CbcEncrypt,
  sm4DecryptBlock,
  sm4EncryptBlock,
} from "./sm4.js";
export { Sm4Error, type Sm4ErrorCode } from "./sm4-errors.js";
export * from "./sm4-gcm.js";
export * from "./structured-fields.js";
export * from "./symmetric-key.js";
