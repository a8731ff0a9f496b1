import { generateKeyPairSync } from "node:crypto";
import { createSigner, createVerifier, generateSm2KeyPair } from "@govex/security";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  CHECK_IDS,
  CHECKS,
  type CheckStatus,
  type ConformanceReport,
  type ConformanceResult,
  createConformanceReport,
  REPORT_TYPE,
  verifyConformanceReport,
} from "../src/index.js";

const NOW = new Date("2026-03-02T08:00:00Z");

/** A run's result without running the kit: every check with the given status. */
function result(statuses: Partial<Record<string, CheckStatus>> = {}): ConformanceResult {
  const checks = CHECKS.map(({ id, title }) => ({
    id,
    title,
    status: statuses[id] ?? "pass",
    failures: [],
    omitted: 0,
  }));
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  return {
    providerUrl: "http://127.0.0.1:8080/v1",
    system: "山东省示例户籍管理系统",
    resources: ["101001/000001"],
    spec: { id: "specs/provider/v1", version: "1.0.0" },
    kit: { name: "@govex/conformance", version: "0.0.0" },
    startedAt: "2026-03-02T07:59:58.000Z",
    finishedAt: "2026-03-02T07:59:59.000Z",
    durationMs: 1000,
    requests: 200,
    checks,
    summary: {
      total: checks.length,
      passed: count("pass"),
      failed: count("fail"),
      skipped: count("skip"),
      ok: count("fail") === 0,
    },
  };
}

const ed = generateKeyPairSync("ed25519");
const edSigner = createSigner({ keyId: "vendor-ed", algorithm: "ed25519", key: ed.privateKey });
const sm2 = generateSm2KeyPair();
const smSigner = createSigner({ keyId: "vendor-sm2", algorithm: "sm2-sm3", key: sm2.privateKey });
const clone = (report: ConformanceReport) => structuredClone(report) as ConformanceReport;

describe("signed conformance reports", () => {
  test.each([
    ["Ed25519 over SHA-256", edSigner, ed.publicKey, "sha-256"],
    ["SM2 over SM3", smSigner, sm2.publicKey, "sm3"],
  ] as const)("%s: signs and verifies", async (_name, signer, publicKey, digestAlgorithm) => {
    const report = await createConformanceReport(result(), { signer });
    expect(report.type).toBe(REPORT_TYPE);
    expect(report.signature).toMatchObject({
      algorithm: signer.algorithm,
      keyId: signer.keyId,
      digestAlgorithm,
    });
    expect(report.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    const verdict = await verifyConformanceReport(report, publicKey, { now: NOW });
    expect(verdict).toEqual({ ok: true, report });
    // The report survives a JSON round trip (what an exchange receives), pretty-printed or not.
    const received = JSON.parse(JSON.stringify(report, null, 2));
    expect((await verifyConformanceReport(received, publicKey, { now: NOW })).ok).toBe(true);
  });

  test("a PEM public key and a Verifier work as well", async () => {
    const report = await createConformanceReport(result(), { signer: edSigner });
    const pem = ed.publicKey.export({ type: "spki", format: "pem" }).toString();
    expect((await verifyConformanceReport(report, pem, { now: NOW })).ok).toBe(true);
    const verifier = createVerifier({ keyId: "x", algorithm: "ed25519", key: ed.publicKey });
    expect((await verifyConformanceReport(report, verifier, { now: NOW })).ok).toBe(true);
  });

  const tampered: [string, (r: ConformanceReport) => void, string][] = [
    [
      "a failed check turned to pass",
      (r) => {
        const check = r.checks.find((c) => c.id === "pagination-stable") as { status: string };
        check.status = "pass";
      },
      "report_digest_mismatch",
    ],
    [
      "another provider URL",
      (r) => {
        r.provider.url = "http://evil.example/v1";
      },
      "report_digest_mismatch",
    ],
    [
      "a later finishedAt",
      (r) => {
        r.finishedAt = "2026-03-02T08:00:00.000Z";
      },
      "report_digest_mismatch",
    ],
    [
      "the digest recomputed by the forger",
      (r) => {
        r.signature.digest = Buffer.alloc(32, 1).toString("base64");
      },
      "report_digest_mismatch",
    ],
    [
      "the signature bytes flipped",
      (r) => {
        r.signature.value = Buffer.alloc(64, 7).toString("base64");
      },
      "report_signature_invalid",
    ],
    [
      "the algorithm relabelled",
      (r) => {
        r.signature.algorithm = "sm2-sm3";
      },
      "report_key_mismatch",
    ],
    [
      "an extra member",
      (r) => {
        (r as unknown as Record<string, unknown>).note = "x";
      },
      "report_malformed",
    ],
    [
      "a check removed",
      (r) => {
        r.checks.pop();
      },
      "report_digest_mismatch",
    ],
    [
      "another type",
      (r) => {
        (r as { type: string }).type = "https://example.com/x";
      },
      "report_malformed",
    ],
  ];

  test.each(tampered)("tampered: %s → %s", async (_name, change, code) => {
    const report = await createConformanceReport(result({ "pagination-stable": "fail" }), {
      signer: edSigner,
    });
    const forged = clone(report);
    change(forged);
    const verdict = await verifyConformanceReport(forged, ed.publicKey, {
      now: NOW,
      requiredChecks: [],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.code).toBe(code);
  });

  test("another key does not verify", async () => {
    const report = await createConformanceReport(result(), { signer: edSigner });
    const other = generateKeyPairSync("ed25519").publicKey;
    const verdict = await verifyConformanceReport(report, other, { now: NOW });
    expect(verdict.ok === false && verdict.code).toBe("report_signature_invalid");
    // An SM2 key for an Ed25519 report is a key mismatch, never a crash.
    const wrongKind = await verifyConformanceReport(report, sm2.publicKey, { now: NOW });
    expect(wrongKind.ok === false && wrongKind.code).toBe("report_key_mismatch");
  });

  test.each([
    [
      "a failed required check",
      result({ "verify-discloses-nothing": "fail" }),
      {},
      "report_check_failed",
    ],
    [
      "a skipped check when skips are not allowed",
      result({ "changes-schema": "skip" }),
      { allowSkipped: false },
      "report_check_failed",
    ],
    [
      "a required check the kit does not know",
      result(),
      { requiredChecks: [...CHECK_IDS, "future-check"] },
      "report_check_missing",
    ],
    ["an old report", result(), { now: new Date("2026-06-01T00:00:00Z") }, "report_stale"],
    [
      "a report from the future",
      result(),
      { now: new Date("2026-03-01T00:00:00Z") },
      "report_from_future",
    ],
    [
      "another provider",
      result(),
      { providerUrl: "http://127.0.0.1:9999/v1" },
      "report_provider_mismatch",
    ],
    ["another key id", result(), { keyId: "someone-else" }, "report_key_mismatch"],
  ] as const)("refused: %s", async (_name, run, options, code) => {
    const report = await createConformanceReport(run, { signer: edSigner });
    const verdict = await verifyConformanceReport(report, ed.publicKey, { now: NOW, ...options });
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.code).toBe(code);
    expect(verdict.ok === false && verdict.message["zh-CN"].length).toBeGreaterThan(0);
  });

  test("a legitimately skipped check is accepted by default; a trailing slash is the same URL", async () => {
    const report = await createConformanceReport(result({ "changes-schema": "skip" }), {
      signer: smSigner,
    });
    const verdict = await verifyConformanceReport(report, sm2.publicKey, {
      now: NOW,
      providerUrl: "http://127.0.0.1:8080/v1/",
      maxAgeSeconds: 3600,
    });
    expect(verdict.ok).toBe(true);
  });

  test("a summary that does not add up is refused even when signed", async () => {
    const run = result();
    run.summary = { ...run.summary, passed: run.summary.passed - 1, failed: 1, ok: false };
    const report = await createConformanceReport(run, { signer: edSigner });
    const verdict = await verifyConformanceReport(report, ed.publicKey, { now: NOW });
    expect(verdict.ok === false && verdict.code).toBe("report_summary_mismatch");
  });

  let deep: unknown = "x";
  for (let i = 0; i < 5000; i++) deep = { a: deep };
  test.each([
    ["null", null],
    ["a string", "report"],
    ["an array", []],
    ["__proto__ members", JSON.parse(`{"__proto__":{"ok":true},"type":"${REPORT_TYPE}"}`)],
    ["deep nesting", { type: REPORT_TYPE, provider: deep }],
    [
      "a huge check list",
      {
        type: REPORT_TYPE,
        checks: Array.from({ length: 100_000 }, () => ({ id: "a", status: "pass" })),
      },
    ],
  ])("hostile input: %s is report_malformed", async (_name, value) => {
    const verdict = await verifyConformanceReport(value, ed.publicKey, { now: NOW });
    expect(verdict.ok === false && verdict.code).toBe("report_malformed");
  });

  test("only Ed25519 and SM2 sign reports", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const signer = createSigner({
      keyId: "ec",
      algorithm: "ecdsa-p256-sha256",
      key: ec.privateKey,
    });
    await expect(createConformanceReport(result(), { signer })).rejects.toMatchObject({
      code: "key_invalid",
    });
  });

  test("property: changing any one check's status breaks the signature", async () => {
    const report = await createConformanceReport(result(), { signer: edSigner });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: CHECK_IDS.length - 1 }),
        fc.constantFrom<CheckStatus>("fail", "skip"),
        async (index, status) => {
          const forged = clone(report);
          (forged.checks[index] as { status: CheckStatus }).status = status;
          const verdict = await verifyConformanceReport(forged, ed.publicKey, { now: NOW });
          return verdict.ok === false && verdict.code === "report_digest_mismatch";
        },
      ),
      { numRuns: 50 },
    );
  });
});
