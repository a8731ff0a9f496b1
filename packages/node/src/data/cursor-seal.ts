/**
 * Provider cursors are sealed before a consumer sees them. A provider's cursor is its own
 * business and may hold the last record's key in clear (the adapter's keyset cursor does): handed
 * on as it is, it would disclose a 公民身份号码 the consumer sees only masked, or a field it was
 * never granted. The node gives out AES-256-GCM ciphertext instead, bound to the caller, the
 * resource and the share request (the additional data), under a key derived with HKDF
 * (RFC 5869) from the node's own key — so every node of one exchange opens the others' cursors,
 * and a cursor is useless to anyone it was not given to.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** specs/exchange v1 `Cursor` maxLength. */
export const CURSOR_MAX_LENGTH = 512;

export interface CursorSeal {
  /** The consumer's opaque cursor for a provider cursor; undefined when it would be too long. */
  seal(providerCursor: string, context: string): string | undefined;
  /** The provider cursor, or undefined for a cursor that was not sealed by this exchange for `context`. */
  open(cursor: string, context: string): string | undefined;
}

const IV = 12;
const TAG = 16;

/**
 * @param secret the node's key material (every node of one exchange holds the same)
 */
export function createCursorSeal(secret: Uint8Array): CursorSeal {
  const key = Buffer.from(hkdfSync("sha256", secret, new Uint8Array(), "govex-node-cursor-v1", 32));
  return {
    seal(providerCursor, context) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(providerCursor, "utf8"), cipher.final()]);
      const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
      return sealed.length <= CURSOR_MAX_LENGTH ? sealed : undefined;
    },
    open(cursor, context) {
      const bytes = Buffer.from(cursor, "base64url");
      if (bytes.length < IV + TAG || bytes.toString("base64url") !== cursor) return undefined;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
        const text = Buffer.concat([
          decipher.update(bytes.subarray(IV, bytes.length - TAG)),
          decipher.final(),
        ]);
        return text.toString("utf8");
      } catch {
        return undefined;
      }
    },
  };
}
