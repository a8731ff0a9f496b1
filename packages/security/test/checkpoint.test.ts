import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type Checkpoint,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatCheckpoint,
  formatVerifierKey,
  NOTE_MAX_SIGNATURES,
  NOTE_TYPE_SM2,
  NoteError,
  type NoteErrorCode,
  type NoteVerifier,
  noteKeyId,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  sm2NoteSigner,
  sm2NoteVerifier,
} from "../src/checkpoint.js";
import { MerkleTreeBuilder, merkleLeafHash } from "../src/merkle.js";
import { generateSm2KeyPair } from "../src/sm2.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Run fn and return the NoteError code it throws (fails the test if it does not throw one). */
function codeOf(fn: () => unknown): NoteErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof NoteError) return e.code;
    throw e;
  }
  throw new Error("expected a NoteError, nothing was thrown");
}

// Ed25519 private KeyObject from a 32-byte seed (PKCS #8, RFC 8410 §7).
const ed25519FromSeed = (seed: Uint8Array): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]),
    format: "der",
    type: "pkcs8",
  });

// The published example key and note of golang.org/x/mod/sumdb/note (note_test.go and
// package doc), the implementation signed-note was written from. signed-note.md's own
// example note (quasimodo.example/salvatore) and tlog-checkpoint.md's example
// (example.com/behind-the-sofa) come with no public key, so they can only be parsed.
const GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_SKEY_SEED = Buffer.from("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "base64").subarray(
  1,
);
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const SPEC_NOTE =
  "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n" +
  "— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
const SPEC_CHECKPOINT_TEXT =
  "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const SPEC_CHECKPOINT = `${SPEC_CHECKPOINT_TEXT}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n`;

const ORIGIN = "audit.example.gov.cn/log";
const ed = generateKeyPairSync("ed25519");
const sm = generateSm2KeyPair();
const edSigner = ed25519NoteSigner(ORIGIN, ed.privateKey);
const edVerifier = ed25519NoteVerifier(ORIGIN, ed.publicKey);
const smSigner = sm2NoteSigner(ORIGIN, sm.privateKey);
const smVerifier = sm2NoteVerifier(ORIGIN, sm.publicKey);

function sampleCheckpoint(size = 5): Checkpoint {
  const tree = new MerkleTreeBuilder();
  for (let i = 0; i < size; i++) tree.append(merkleLeafHash(Uint8Array.of(i)));
  return { origin: ORIGIN, size: tree.size, rootHash: tree.root(), extensions: [] };
}

describe("published examples", () => {
  test("Go sumdb/note vector: key ID, verifier key, verification and byte-exact signing", async () => {
    const verifier = parseVerifierKey(GO_VKEY);
    expect(verifier.name).toBe("PeterNeumann");
    expect(hex(verifier.keyId)).toBe("c74f20a3");
    expect(verifier.algorithm).toBe("ed25519");
    expect(formatVerifierKey(verifier)).toBe(GO_VKEY);

    const opened = openNote(GO_NOTE, [verifier]);
    expect(opened.text).toBe(GO_TEXT);
    expect(opened.signatures).toHaveLength(1);
    expect(opened.signatures[0]).toMatchObject({ name: "PeterNeumann", verified: true });

    // Ed25519 is deterministic (RFC 8032 §5.1.6), so signing reproduces the note exactly.
    const signer = ed25519NoteSigner("PeterNeumann", ed25519FromSeed(GO_SKEY_SEED));
    expect(hex(signer.keyId)).toBe("c74f20a3");
    expect(await signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect(formatVerifierKey("PeterNeumann", "ed25519", ed25519FromSeed(GO_SKEY_SEED))).toBe(
      GO_VKEY,
    );
  });

  test("signed-note.md example: well-formed, but its key is unpublished, so it stays unverified", () => {
    let error: unknown;
    try {
      openNote(SPEC_NOTE, [parseVerifierKey(GO_VKEY)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoteError);
    expect((error as NoteError).code).toBe("unverified_note");
    expect((error as NoteError).params.signatures).toEqual([
      { name: "quasimodo.example/salvatore", keyId: "367ba04b" },
    ]);
  });

  test("tlog-checkpoint.md example: body parses and re-formats byte for byte; signature unverifiable", () => {
    const c = parseCheckpoint(SPEC_CHECKPOINT_TEXT);
    expect(c.origin).toBe("example.com/behind-the-sofa");
    expect(c.size).toBe(20852163);
    expect(c.rootHash).toHaveLength(32);
    expect(c.extensions).toEqual([]);
    expect(formatCheckpoint(c)).toBe(SPEC_CHECKPOINT_TEXT);
    expect(codeOf(() => openCheckpoint(SPEC_CHECKPOINT, [edVerifier]))).toBe("unverified_note");
  });
});

describe("round trips", () => {
  test.each([
    ["Ed25519", [edSigner], [edVerifier]],
    ["SM2", [smSigner], [smVerifier]],
    ["Ed25519 + SM2 cosigned", [edSigner, smSigner], [edVerifier, smVerifier]],
  ] as const)("%s checkpoint", async (_name, signers, verifiers) => {
    const c = { ...sampleCheckpoint(), extensions: ["govex-ext 1"] };
    const note = await signCheckpoint(c, [...signers]);
    const opened = openCheckpoint(note, verifiers);
    expect(opened.checkpoint).toEqual(c);
    expect(opened.signatures.map((s) => s.verified)).toEqual(signers.map(() => true));
    expect(opened.signatures.map((s) => s.signature.length)).toEqual(signers.map(() => 64));
  });

  test("SM2 and Ed25519 verifier keys round trip through formatVerifierKey/parseVerifierKey", () => {
    const smVkey = formatVerifierKey(ORIGIN, "sm2", sm.publicKey);
    const blob = Buffer.from(smVkey.split("+").slice(2).join("+"), "base64");
    expect(hex(blob.subarray(0, NOTE_TYPE_SM2.length))).toBe(hex(NOTE_TYPE_SM2));
    expect(blob[0]).toBe(0xff);
    expect(blob.subarray(1, NOTE_TYPE_SM2.length).toString("ascii")).toBe(
      "govex.dev/signed-note/sm2-sm3",
    );
    expect(hex(blob.subarray(NOTE_TYPE_SM2.length))).toBe(sm.publicKey.toLowerCase());
    const parsed = parseVerifierKey(smVkey);
    expect(parsed.algorithm).toBe("sm2");
    expect(hex(parsed.keyId)).toBe(hex(smSigner.keyId));
    expect(hex(parsed.keyId)).toBe(
      hex(noteKeyId(ORIGIN, NOTE_TYPE_SM2, Buffer.from(sm.publicKey, "hex"))),
    );
    expect(formatVerifierKey(parsed)).toBe(smVkey);
    expect(formatVerifierKey(ORIGIN, "sm2", Buffer.from(sm.publicKey, "hex"))).toBe(smVkey);

    const edVkey = formatVerifierKey(edVerifier);
    expect(formatVerifierKey(ORIGIN, "ed25519", edVerifier.publicKey)).toBe(edVkey);
    expect(hex(parseVerifierKey(edVkey).keyId)).toBe(hex(edSigner.keyId));
  });

  test("property: any checkpoint signs and opens back to itself (Ed25519)", async () => {
    const line = fc
      .string({ minLength: 1, maxLength: 40 })
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it filters out
      .filter((s) => !/[\u0000-\u001f\uD800-\uDFFF]/.test(s));
    await fc.assert(
      fc.asyncProperty(
        line,
        fc.oneof(fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat()),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        async (origin, size, rootHash, extensions) => {
          const c: Checkpoint = { origin, size, rootHash, extensions };
          expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
          const note = await signCheckpoint(c, [edSigner]);
          expect(openCheckpoint(note, [edVerifier]).checkpoint).toEqual(c);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("note text may contain blank lines; the last blank line separates the signatures", async () => {
    const text = "first\n\nsecond\n\n";
    const note = await signNote(text, [edSigner]);
    expect(openNote(note, [edVerifier]).text).toBe(text);
  });
});

describe("rejections", () => {
  const goodNote = signCheckpoint(sampleCheckpoint(), [edSigner, smSigner]);

  test.each([
    [
      "tampered origin",
      (n: string) => n.replace(ORIGIN, "audit.example.gov.cn/lo9"),
      "invalid_signature",
    ],
    ["tampered size", (n: string) => n.replace("\n5\n", "\n6\n"), "invalid_signature"],
    [
      "tampered root",
      (n: string) => {
        const lines = n.split("\n");
        const root = Buffer.from(lines[2] ?? "", "base64");
        root[0] = (root[0] ?? 0) ^ 1;
        lines[2] = root.toString("base64");
        return lines.join("\n");
      },
      "invalid_signature",
    ],
    ["added extension line", (n: string) => n.replace("\n\n", "\nextra\n\n"), "invalid_signature"],
    [
      "every signature swapped for an unknown key ID",
      (n: string) => n.replace(/(— \S+ )\S+/g, "$1AAAAAAAAAAAA"),
      "unverified_note",
    ],
    [
      "bad base64 signature",
      (n: string) => n.replace(/\n— (\S+) \S+\n/, "\n— $1 not*base64!\n"),
      "malformed_note",
    ],
    ["unpadded base64", (n: string) => n.replace(/=\n/g, "\n"), "malformed_note"],
    [
      "signature shorter than key ID + 1 byte",
      (n: string) => n.replace(/\n— (\S+) \S+\n/, "\n— $1 AAAAAA==\n"),
      "malformed_note",
    ],
    ["hyphen instead of em dash", (n: string) => n.replace(/\n— /, "\n- "), "malformed_note"],
    ["empty key name", (n: string) => n.replace(/\n— \S+ /, "\n—  "), "malformed_note"],
    ["no final newline", (n: string) => n.slice(0, -1), "malformed_note"],
    ["no blank line", (n: string) => n.replace("\n\n", "\n"), "malformed_note"],
    ["CRLF line endings", (n: string) => n.replace(/\n/g, "\r\n"), "control_character"],
    ["tab in text", (n: string) => n.replace(ORIGIN, `${ORIGIN}\t`), "control_character"],
    ["NUL in signature line", (n: string) => n.replace(/\n$/, "\u0000\n"), "control_character"],
    ["lone surrogate", (n: string) => n.replace(ORIGIN, `${ORIGIN}\uD800`), "malformed_note"],
    ["empty note", () => "", "malformed_note"],
    ["only a blank line", () => "\n\n", "malformed_note"],
  ] as const)("%s → %s", async (_name, mutate, want) => {
    const note = await goodNote;
    expect(openNote(note, [edVerifier, smVerifier]).signatures).toHaveLength(2);
    expect(codeOf(() => openNote(mutate(note), [edVerifier, smVerifier]))).toBe(want);
  });

  test("tampered SM2 signature alone fails (invalid_signature)", async () => {
    const note = await signNote("x\n", [smSigner]);
    const [text, line] = note.split("\n\n") as [string, string];
    const blob = Buffer.from(line.split(" ")[2] ?? "", "base64");
    blob[10] = (blob[10] ?? 0) ^ 0x80;
    const bad = `${text}\n\n— ${ORIGIN} ${blob.toString("base64")}\n`;
    expect(codeOf(() => openNote(bad, [smVerifier]))).toBe("invalid_signature");
  });

  test("unknown keys are kept but unverified; same name or same ID alone is not a match", async () => {
    const other = generateKeyPairSync("ed25519");
    const stranger = ed25519NoteSigner("stranger.example", other.privateKey);
    const sameName = ed25519NoteVerifier(ORIGIN, other.publicKey); // same name, different ID
    const note = await signNote("hello\n", [stranger, edSigner]);
    const opened = openNote(note, [edVerifier, sameName]);
    expect(opened.signatures.map((s) => [s.name, s.verified])).toEqual([
      ["stranger.example", false],
      [ORIGIN, true],
    ]);
    // Same ID, different name: ignored too.
    const renamed: NoteVerifier = { ...edVerifier, name: "renamed.example" };
    const hi = await signNote("hi\n", [edSigner]);
    expect(codeOf(() => openNote(hi, [renamed]))).toBe("unverified_note");
    expect(codeOf(() => openNote(note, []))).toBe("unverified_note");
  });

  test("two verifiers with the same name and ID are a configuration error", async () => {
    const note = await signNote("hi\n", [edSigner]);
    expect(codeOf(() => openNote(note, [edVerifier, edVerifier]))).toBe("ambiguous_key");
  });

  test("a verifier that throws counts as a failed signature, not a crash", async () => {
    const note = await signNote("hi\n", [edSigner]);
    const throwing: NoteVerifier = {
      ...edVerifier,
      verify: () => {
        throw new Error("boom");
      },
    };
    expect(codeOf(() => openNote(note, [throwing]))).toBe("invalid_signature");
  });

  test("bytes input must be valid UTF-8", async () => {
    const note = await signNote("hi\n", [edSigner]);
    expect(openNote(new TextEncoder().encode(note), [edVerifier]).text).toBe("hi\n");
    const bad = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(note)]);
    expect(codeOf(() => openNote(bad, [edVerifier]))).toBe("malformed_note");
  });
});

describe("limits on hostile input", () => {
  test("a 1 MB note opens; one byte over the 1 MiB limit is refused before parsing", async () => {
    const text = `${"政".repeat(333_000)}\n`; // ≈ 1 MB of UTF-8
    const note = await signNote(text, [edSigner]);
    expect(Buffer.byteLength(note)).toBeGreaterThan(999_000);
    expect(openNote(note, [edVerifier]).text).toBe(text);
    const huge = `${"a".repeat(1024 * 1024)}\n\n— x AAAAAAA=\n`;
    expect(codeOf(() => openNote(huge, [edVerifier]))).toBe("note_too_large");
    // Multi-byte text under the UTF-16 limit but over the byte limit.
    expect(codeOf(() => openNote(`${"政".repeat(400_000)}\n\n— x AAAAAAA=\n`, [edVerifier]))).toBe(
      "note_too_large",
    );
    expect(codeOf(() => openNote(note, [edVerifier], { maxBytes: 1000 }))).toBe("note_too_large");
  });

  test("10,000 signature lines are refused by count; 16 (the spec's minimum) and the default limit are accepted", async () => {
    const note = await signNote("hi\n", [edSigner]);
    const junk = "— junk.example AAAAAAA=\n";
    expect(codeOf(() => openNote(note + junk.repeat(10_000), [edVerifier]))).toBe(
      "too_many_signatures",
    );
    expect(openNote(note + junk.repeat(15), [edVerifier]).signatures).toHaveLength(16);
    expect(
      openNote(note + junk.repeat(NOTE_MAX_SIGNATURES - 1), [edVerifier]).signatures,
    ).toHaveLength(NOTE_MAX_SIGNATURES);
    expect(codeOf(() => openNote(note + junk.repeat(NOTE_MAX_SIGNATURES), [edVerifier]))).toBe(
      "too_many_signatures",
    );
  });
});

describe("verifier keys", () => {
  test.each([
    [
      "wrong key length",
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
      "malformed_key",
    ],
    [
      "key ID mismatch",
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "key_id_mismatch",
    ],
    [
      "upper-case key ID",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "malformed_key",
    ],
    [
      "space in name",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "invalid_key_name",
    ],
    ["empty name", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid_key_name"],
    ["two parts only", "PeterNeumann+c74f20a3", "malformed_key"],
    ["bad base64", "PeterNeumann+c74f20a3+!!!!", "malformed_key"],
    [
      "unknown type 0x65 (Go's adjusted-hash vector)",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "unsupported_key_type",
    ],
    [
      "0xff with another identifier",
      `x+00000000+${Buffer.from([0xff, 0x41, 0x42]).toString("base64")}`,
      "unsupported_key_type",
    ],
    [
      "truncated SM2 key",
      `x+00000000+${Buffer.concat([NOTE_TYPE_SM2, Buffer.from([4, 1, 2])]).toString("base64")}`,
      "malformed_key",
    ],
    ["absurdly long", `x+00000000+${"A".repeat(10_000)}`, "malformed_key"],
  ] as const)("%s", (_name, vkey, want) => {
    expect(codeOf(() => parseVerifierKey(vkey))).toBe(want);
  });

  test.each(["", "a b", "a+b", "tab\there", "nbsp\u00a0here", "ideographic\u3000space"])(
    "key name %j is refused by signers and verifiers",
    (name) => {
      expect(codeOf(() => ed25519NoteSigner(name, ed.privateKey))).toBe("invalid_key_name");
      expect(codeOf(() => sm2NoteVerifier(name, sm.publicKey))).toBe("invalid_key_name");
    },
  );

  test("wrong key material is refused", () => {
    expect(codeOf(() => ed25519NoteSigner(ORIGIN, ed.publicKey))).toBe("malformed_key");
    expect(codeOf(() => ed25519NoteVerifier(ORIGIN, new Uint8Array(31)))).toBe("malformed_key");
    expect(codeOf(() => ed25519NoteVerifier(ORIGIN, generateKeyPairSync("x25519").publicKey))).toBe(
      "unsupported_key_type",
    );
    expect(codeOf(() => sm2NoteSigner(ORIGIN, "zz"))).toBe("malformed_key");
    expect(codeOf(() => sm2NoteVerifier(ORIGIN, sm.publicKey.slice(2)))).toBe("malformed_key");
    expect(edVerifier.verify(new Uint8Array(1), new Uint8Array(63))).toBe(false);
    expect(smVerifier.verify(new Uint8Array(1), new Uint8Array(65))).toBe(false);
  });
});

describe("checkpoint text", () => {
  const root = Buffer.alloc(32, 1).toString("base64");
  test.each([
    ["leading zero", `o\n01\n${root}\n`],
    ["negative size", `o\n-1\n${root}\n`],
    ["plus sign", `o\n+1\n${root}\n`],
    ["exponent", `o\n1e3\n${root}\n`],
    ["size 2^53 (beyond safe integers)", `o\n9007199254740992\n${root}\n`],
    ["size with spaces", `o\n 1\n${root}\n`],
    ["root of 31 bytes", `o\n1\n${Buffer.alloc(31).toString("base64")}\n`],
    ["root not canonical base64", `o\n1\n${root.replace("=", "")}\n`],
    ["two lines", `o\n1\n`],
    ["empty origin", `\n1\n${root}\n`],
    ["empty extension line", `o\n1\n${root}\next\n\n`],
    ["no final newline", `o\n1\n${root}`],
  ])("%s is malformed_checkpoint", (_name, text) => {
    expect(codeOf(() => parseCheckpoint(text))).toBe("malformed_checkpoint");
  });

  test("size 2^53 − 1, size 0 and extensions parse", () => {
    expect(parseCheckpoint(`o\n9007199254740991\n${root}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCheckpoint(`o\n0\n${root}\na\nb\n`)).toMatchObject({
      size: 0,
      extensions: ["a", "b"],
    });
    expect(codeOf(() => parseCheckpoint(`o\r\n1\n${root}\n`))).toBe("control_character");
  });

  test.each([
    ["empty origin", { origin: "" }],
    ["newline in origin", { origin: "a\nb" }],
    ["negative size", { size: -1 }],
    ["fractional size", { size: 1.5 }],
    ["NaN size", { size: Number.NaN }],
    ["short root", { rootHash: new Uint8Array(31) }],
    ["empty extension", { extensions: [""] }],
    ["multi-line extension", { extensions: ["a\nb"] }],
  ] as [string, Partial<Checkpoint>][])("formatCheckpoint refuses %s", (_name, patch) => {
    expect(codeOf(() => formatCheckpoint({ ...sampleCheckpoint(), ...patch }))).toBe(
      "malformed_checkpoint",
    );
  });

  test("signNote refuses text without final newline, with control characters, or without signers", async () => {
    await expect(signNote("no newline", [edSigner])).rejects.toMatchObject({
      code: "malformed_note",
    });
    await expect(signNote("a\r\n", [edSigner])).rejects.toMatchObject({
      code: "control_character",
    });
    await expect(signNote("a\n", [])).rejects.toMatchObject({ code: "malformed_note" });
  });

  test("errors carry zh-CN and English messages", () => {
    try {
      parseCheckpoint("o\n01\nx\n");
    } catch (e) {
      expect(e).toBeInstanceOf(NoteError);
      const err = e as NoteError;
      expect(err.messageZh).toMatch(/检查点/);
      expect(err.messageEn).toMatch(/checkpoint/);
      expect(err.message).toBe(`${err.messageZh} / ${err.messageEn}`);
      return;
    }
    throw new Error("expected a NoteError");
  });
});
