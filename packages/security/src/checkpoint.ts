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
export { NoteError, type NoteErrorCode } from "./checkpoint/note-error.js";
export {
  type KeyedNoteVerifier,
  NOTE_MAX_BYTES,
  NOTE_MAX_SIGNATURES,
  NOTE_TYPE_ED25519,
  NOTE_TYPE_SM2,
  type NoteKeyAlgorithm,
  type NoteLimits,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  type OpenedNote,
} from "./checkpoint/note-format.js";
export {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  parseVerifierKey,
  sm2NoteSigner,
  sm2NoteVerifier,
} from "./checkpoint/note-keys.js";
export { signNote } from "./checkpoint/note-sign.js";
export { openNote } from "./checkpoint/note-verify.js";
export {
  type Checkpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from "./checkpoint/tlog-checkpoint.js";
