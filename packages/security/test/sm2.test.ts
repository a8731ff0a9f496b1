import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sm2 } from "sm-crypto-v2";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateSm2KeyPair,
  SM2_DEFAULT_USER_ID,
  sm2PublicKeyFromPrivate,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  sm2Verify,
} from "../src/index.js";
import { readVector } from "./vectors.js";

interface SignatureVector {
  id: string;
  curve: string;
  userIdAscii: string;
  messageAscii: string;
  privateKey: string;
  publicKeyX: string;
  publicKeyY: string;
  ZA: string;
  r: string;
  s: string;
}
const { signatures } = readVector<{ signatures: SignatureVector[] }>("sm2/sm-vectors.json");
const recommended = signatures.find((v) => v.curve === "sm2p256v1");
const opensslVector = readVector<{ d: string; P: string; msg: string; ZA: string; sigDER: string }>(
  "sm2/sm2-openssl-distid-vector.json",
);
const message = (text: string) => new TextEncoder().encode(text);

describe("SM2 (GB/T 32918.2-2016) with the default user ID", () => {
  if (!recommended) throw new Error("sm2p256v1 vector missing from sm-vectors.json");
  const publicKey = `04${recommended.publicKeyX}${recommended.publicKeyY}`.toLowerCase();

  it("derives the standard example's public key from its private key", () => {
    expect(sm2PublicKeyFromPrivate(recommended.privateKey.toLowerCase())).toBe(publicKey);
  });

  it("computes the standard example's ZA with ID 1234567812345678", () => {
    expect(recommended.userIdAscii).toBe(SM2_DEFAULT_USER_ID);
    expect(Buffer.from(sm2.getZ(publicKey, SM2_DEFAULT_USER_ID)).toString("hex")).toBe(
      recommended.ZA.toLowerCase(),
    );
  });

  it("verifies the standard example's signature (r, s)", () => {
    const signature = Buffer.from(recommended.r + recommended.s, "hex");
    expect(sm2Verify(message(recommended.messageAscii), signature, publicKey)).toBe(true);
    expect(sm2Verify(message(`${recommended.messageAscii}.`), signature, publicKey)).toBe(false);
    // The same signature under Node's empty-ID convention does not verify: the IDs are not interchangeable.
    expect(sm2Verify(message(recommended.messageAscii), signature, publicKey, { userId: "" })).toBe(
      false,
    );
  });

  it("verifies the OpenSSL-made signature (distid:1234567812345678)", () => {
    const raw = sm2SignatureFromDer(Buffer.from(opensslVector.sigDER, "hex"));
    expect(raw).toBeDefined();
    expect(sm2Verify(message(opensslVector.msg), raw as Uint8Array, opensslVector.P)).toBe(true);
    expect(Buffer.from(sm2SignatureToDer(raw as Uint8Array)).toString("hex")).toBe(
      opensslVector.sigDER,
    );
  });

  it("signs and verifies round trip, and rejects other keys and tampered signatures", () => {
    const keys = generateSm2KeyPair();
    const other = generateSm2KeyPair();
    const signature = sm2Sign(message("政务信息资源共享"), keys.privateKey);
    expect(signature).toHaveLength(64);
    expect(sm2Verify(message("政务信息资源共享"), signature, keys.publicKey)).toBe(true);
    expect(sm2Verify(message("政务信息资源共享"), signature, other.publicKey)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(sm2Verify(message("政务信息资源共享"), flipped, keys.publicKey)).toBe(false);
    expect(sm2Verify(message("x"), new Uint8Array(63), keys.publicKey)).toBe(false);
    expect(sm2Verify(message("x"), new Uint8Array(64), keys.publicKey)).toBe(false);
  });

  it("rejects r or s outside [1, n-1] (GB/T 32918.2-2016 §7.1 B1–B2)", () => {
    const n = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123";
    const data = message(recommended.messageAscii);
    const sig = (r: string, s: string) => Buffer.from(r + s, "hex");
    expect(sm2Verify(data, sig("00".repeat(32), recommended.s), publicKey)).toBe(false);
    expect(sm2Verify(data, sig(recommended.r, "00".repeat(32)), publicKey)).toBe(false);
    expect(sm2Verify(data, sig(recommended.r, n), publicKey)).toBe(false);
    expect(sm2Verify(data, sig(n, recommended.s), publicKey)).toBe(false);
    expect(sm2Verify(data, sig("FF".repeat(32), "FF".repeat(32)), publicKey)).toBe(false);
  });

  it("refuses malformed keys with a clear error", () => {
    expect(() => sm2Sign(message("x"), "zz")).toThrow(/32 bytes of hex/);
    expect(() => sm2Verify(message("x"), new Uint8Array(64), "04abc")).toThrow(/uncompressed/);
  });

  it.each([
    ["empty", new Uint8Array()],
    ["wrong tag", Uint8Array.from([0x31, 0x06, 2, 1, 1, 2, 1, 1])],
    ["length lies", Uint8Array.from([0x30, 0x7f, 2, 1, 1, 2, 1, 1])],
    ["trailing bytes", Uint8Array.from([0x30, 0x07, 2, 1, 1, 2, 1, 1, 0])],
    ["33-byte integer", Uint8Array.from([0x30, 0x27, 2, 0x21, 1, ...new Uint8Array(32), 2, 1, 1])],
  ])("rejects a malformed DER signature: %s", (_label, der) => {
    expect(sm2SignatureFromDer(der)).toBeUndefined();
  });
});

describe("interoperability with the OpenSSL command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "govex-sm2-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a signature made here verifies with `openssl pkeyutl -verify … -pkeyopt distid:1234567812345678`", () => {
    const keys = generateSm2KeyPair();
    const data = message("govex 交换节点签名互通测试");
    writeFileSync(join(dir, "pub.pem"), sm2PublicKeyToPem(keys.publicKey));
    writeFileSync(join(dir, "msg.bin"), data);
    writeFileSync(join(dir, "sig.der"), sm2SignatureToDer(sm2Sign(data, keys.privateKey)));
    const verify = (file: string) =>
      execFileSync(
        "openssl",
        [
          "pkeyutl",
          "-verify",
          "-pubin",
          "-inkey",
          "pub.pem",
          "-rawin",
          "-digest",
          "sm3",
          "-in",
          file,
          "-sigfile",
          "sig.der",
          "-pkeyopt",
          `distid:${SM2_DEFAULT_USER_ID}`,
        ],
        { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
    expect(verify("msg.bin")).toMatch(/Signature Verified Successfully/);
    writeFileSync(join(dir, "other.bin"), message("tampered"));
    expect(() => verify("other.bin")).toThrow(/Signature Verification Failure|Command failed/);
  });
});
