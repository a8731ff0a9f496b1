/**
 * The one error class of signed notes and checkpoints.
 *
 * @module checkpoint/note-error
 */

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
