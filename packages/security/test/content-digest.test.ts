import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contentDigest,
  createContentDigestVerifier,
  digest,
  verifyContentDigest,
} from "../src/index.js";
import { readVector } from "./vectors.js";

interface DigestVectors {
  sampleDigestValues: { input: string; values: { alg: string; byteSequence: string }[] };
}
const vectors = readVector<DigestVectors>("http-signatures/rfc9530-content-digest.json");
const input = vectors.sampleDigestValues.input;

describe("contentDigest (RFC 9530)", () => {
  const active = vectors.sampleDigestValues.values.filter(
    (v) => v.alg === "sha-256" || v.alg === "sha-512",
  );
  it.each(active)("matches RFC 9530 Appendix D for $alg", ({ alg, byteSequence }) => {
    expect(contentDigest(input, [alg as "sha-256" | "sha-512"])).toBe(`${alg}=${byteSequence}`);
    expect(verifyContentDigest(`${alg}=${byteSequence}`, input)).toEqual({
      ok: true,
      algorithm: alg,
    });
  });

  it("computes SM3 per GB/T 32905-2016 Appendix A", () => {
    const sm3 = readVector<{ sm3: { inputHex: string; digest: string }[] }>(
      "sm2/sm-vectors.json",
    ).sm3;
    expect(sm3.length).toBeGreaterThanOrEqual(3);
    for (const v of sm3) {
      expect(Buffer.from(digest("sm3", Buffer.from(v.inputHex, "hex"))).toString("hex")).toBe(
        v.digest.toLowerCase(),
      );
    }
    const field = contentDigest("abc", ["sm3"]);
    expect(field).toBe(
      `sm3=:${Buffer.from("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", "hex").toString("base64")}:`,
    );
  });

  it("writes several algorithms in one field and checks every known one", () => {
    const field = contentDigest(input, ["sha-256", "sha-512", "sm3"]);
    expect(field.split(", ").map((m) => m.split("=")[0])).toEqual(["sha-256", "sha-512", "sm3"]);
    expect(verifyContentDigest(field, input).ok).toBe(true);
    const sha256Only = contentDigest(input, ["sha-256"]);
    const badSm3 = `${sha256Only}, sm3=:${Buffer.alloc(32).toString("base64")}:`;
    expect(verifyContentDigest(badSm3, input)).toMatchObject({
      ok: false,
      code: "content_digest_mismatch",
    });
  });

  it.each([
    ["tampered content", contentDigest(input), `${input} `, "content_digest_mismatch"],
    ["truncated content", contentDigest(input), input.slice(0, -1), "content_digest_mismatch"],
    [
      "unknown algorithm only",
      "md5=:Sd/dVLAcvNLSq16eXua5uQ==:",
      input,
      "content_digest_unsupported",
    ],
    ["a bare key", "sha-256", input, "content_digest_malformed"],
    ["string instead of bytes", 'sha-256="abc"', input, "content_digest_malformed"],
    ["broken base64", "sha-256=:!!!:", input, "content_digest_malformed"],
    ["garbage", "\u0000\u0001", input, "content_digest_malformed"],
    ["huge field", `sha-256=:${"A".repeat(100_000)}:`, input, "content_digest_malformed"],
  ])("refuses %s", (_label, field, content, code) => {
    expect(verifyContentDigest(field, content)).toMatchObject({ ok: false, code });
  });

  it("writes an algorithm asked for twice once", () => {
    expect(contentDigest(input, ["sha-256", "sm3", "sha-256"])).toBe(
      contentDigest(input, ["sha-256", "sm3"]),
    );
    expect(contentDigest(input, [])).toBe("");
  });

  it("gives the same answer whole and in chunks, for any content and field", () => {
    const algorithms = fc.subarray(["sha-256", "sha-512", "sm3"] as const, { minLength: 1 });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        algorithms,
        fc.subarray(["sha-256", "sha-512", "sm3"] as const),
        fc.nat(200),
        (content, other, algs, accept, cut) => {
          const accepted = accept.some((a) => algs.includes(a));
          const same = Buffer.from(content).equals(Buffer.from(other));
          for (const [field, ok] of [
            [contentDigest(content, algs), accepted],
            [contentDigest(other, algs), accepted && same],
          ] as const) {
            const whole = verifyContentDigest(field, content, accept);
            expect(whole.ok).toBe(ok);
            const verifier = createContentDigestVerifier(field, accept);
            verifier.update(content.subarray(0, cut));
            verifier.update(content.subarray(cut));
            expect(verifier.result()).toEqual(whole);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts only the algorithms asked for", () => {
    const field = contentDigest(input, ["sha-512"]);
    expect(verifyContentDigest(field, input, ["sha-256"])).toMatchObject({
      ok: false,
      code: "content_digest_unsupported",
    });
  });

  it("checks a body that arrives in chunks, byte by byte", () => {
    const field = contentDigest(input, ["sha-512", "sm3"]);
    const verifier = createContentDigestVerifier(field);
    for (const byte of Buffer.from(input)) verifier.update(Uint8Array.of(byte));
    expect(verifier.result()).toEqual({ ok: true, algorithm: "sha-512" });
    const short = createContentDigestVerifier(field);
    short.update(input.slice(0, 10));
    expect(short.result()).toMatchObject({ ok: false, code: "content_digest_mismatch" });
    expect(createContentDigestVerifier("((").result()).toMatchObject({
      ok: false,
      code: "content_digest_malformed",
    });
  });
});
