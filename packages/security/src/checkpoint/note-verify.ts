/**
 * Parsing a signed note and verifying its signatures (c2sp.org/signed-note "Signatures").
 *
 * @module checkpoint/note-verify
 */
import { NoteError } from "./note-error.js";
import {
  checkText,
  decodeBase64,
  EM_DASH_PREFIX,
  KEY_NAME,
  NOTE_MAX_BYTES,
  NOTE_MAX_SIGNATURES,
  type NoteLimits,
  type NoteSignature,
  type NoteVerifier,
  type OpenedNote,
  utf8,
} from "./note-format.js";

export function malformedNote(
  zh: string,
  en: string,
  params: Record<string, unknown> = {},
): NoteError {
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

export function safeVerify(
  verifier: NoteVerifier,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verifier.verify(message, signature) === true;
  } catch {
    return false;
  }
}

export function tooLarge(size: number, maxBytes: number): NoteError {
  return new NoteError(
    "note_too_large",
    `签名注记超过 ${maxBytes} 字节上限。请确认来源, 或调高 maxBytes。`,
    `the note is larger than the ${maxBytes}-byte limit: check its source, or raise maxBytes.`,
    { size, maxBytes },
  );
}
