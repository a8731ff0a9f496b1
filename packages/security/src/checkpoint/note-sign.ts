/**
 * Signing a note (c2sp.org/signed-note "Format").
 *
 * @module checkpoint/note-sign
 */
import { NoteError } from "./note-error.js";
import {
  checkKeyName,
  checkText,
  EM_DASH_PREFIX,
  encodeBase64,
  type NoteSigner,
  utf8,
} from "./note-format.js";

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
