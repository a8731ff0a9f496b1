import { createPublicKey, type KeyObject } from "node:crypto";
import {
  canonicalJson,
  createVerifier,
  digest,
  type HashAlgorithm,
  type KeyMaterial,
  type Signer,
  type Verifier,
} from "@govex/security";
import { CHECK_IDS } from "./checks.js";
import { ConformanceError, msg } from "./errors.js";
import type { CheckStatus, ConformanceResult, Localized } from "./types.js";

/** The `type` of a govex conformance report, version 1. */
export const REPORT_TYPE = "https://govex.dev/conformance/report/v1";

export type ReportSignatureAlgorithm = "ed25519" | "sm2-sm3";
export type ReportDigestAlgorithm = "sha-256" | "sm3";

/** The signature of a report: over the digest of the canonical JSON of everything else. */
export interface ReportSignature {
  algorithm: ReportSignatureAlgorithm;
  keyId: string;
  digestAlgorithm: ReportDigestAlgorithm;
  /** base64 of digestAlgorithm(RFC 8785 JSON of the report without `signature`). */
  digest: string;
  /** base64 of the signature over the digest bytes (Ed25519: 64 bytes; SM2: r ‖ s, 64 bytes). */
  value: string;
}

/** A signed conformance report, as an exchange receives it at registration. */
export interface ConformanceReport {
  type: typeof REPORT_TYPE;
  provider: { url: string; system?: string; resources: string[] };
  spec: { id: string; version: string };
  kit: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  checks: { id: string; status: CheckStatus }[];
  summary: { total: number; passed: number; failed: number; skipped: number; ok: boolean };
  signature: ReportSignature;
}

export type UnsignedReport = Omit<ConformanceReport, "signature">;

const PAIRED_DIGEST: Record<ReportSignatureAlgorithm, ReportDigestAlgorithm> = {
  ed25519: "sha-256",
  "sm2-sm3": "sm3",
};

/** digestAlgorithm(RFC 8785 canonical JSON of the report without its signature). */
export function reportDigest(report: UnsignedReport, algorithm: ReportDigestAlgorithm): Uint8Array {
  return digest(algorithm as HashAlgorithm, canonicalJson(report));
}

/**
 * Turn a run's result into a signed report. Ed25519 reports are digested with SHA-256 and SM2
 * reports with SM3 (GB/T 32905-2016) unless `digestAlgorithm` says otherwise.
 *
 * @throws ConformanceError `key_invalid` for a signer that is neither ed25519 nor sm2-sm3
 * @example
 * const report = await createConformanceReport(result, {
 *   signer: createSigner({ keyId: "vendor-2026", algorithm: "sm2-sm3", key: sm2PrivateKeyHex }),
 * });
 * writeFileSync("conformance-report.json", `${JSON.stringify(report, null, 2)}\n`);
 */
export async function createConformanceReport(
  result: ConformanceResult,
  options: { signer: Signer; digestAlgorithm?: ReportDigestAlgorithm },
): Promise<ConformanceReport> {
  const { signer } = options;
  if (signer.algorithm !== "ed25519" && signer.algorithm !== "sm2-sm3")
    throw new ConformanceError(
      "key_invalid",
      msg(
        `报告只能用 Ed25519 或 SM2 签名,而该密钥是 ${signer.algorithm}。`,
        `a report is signed with Ed25519 or SM2, not ${signer.algorithm}.`,
      ),
    );
  const digestAlgorithm = options.digestAlgorithm ?? PAIRED_DIGEST[signer.algorithm];
  const unsigned: UnsignedReport = {
    type: REPORT_TYPE,
    provider: {
      url: result.providerUrl,
      ...(result.system === undefined ? {} : { system: result.system }),
      resources: [...result.resources],
    },
    spec: { ...result.spec },
    kit: { ...result.kit },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    checks: result.checks.map(({ id, status }) => ({ id, status })),
    summary: { ...result.summary },
  };
  const hash = reportDigest(unsigned, digestAlgorithm);
  const value = await signer.sign(hash);
  return {
    ...unsigned,
    signature: {
      algorithm: signer.algorithm,
      keyId: signer.keyId,
      digestAlgorithm,
      digest: Buffer.from(hash).toString("base64"),
      value: Buffer.from(value).toString("base64"),
    },
  };
}

export type ReportErrorCode =
  | "report_malformed"
  | "report_unsupported"
  | "report_key_mismatch"
  | "report_digest_mismatch"
  | "report_signature_invalid"
  | "report_summary_mismatch"
  | "report_provider_mismatch"
  | "report_check_missing"
  | "report_check_failed"
  | "report_stale"
  | "report_from_future";

export type ReportVerification =
  | { ok: true; report: ConformanceReport }
  | { ok: false; code: ReportErrorCode; message: Localized };

export interface VerifyReportOptions {
  /** Oldest acceptable report, in seconds since it finished (default 30 days). */
  maxAgeSeconds?: number;
  /** The clock (default now). */
  now?: Date;
  /** Checks that must be present and not failed (default: every check of this kit version). */
  requiredChecks?: readonly string[];
  /** Accept a required check that was skipped because the provider does not offer its operation (default true). */
  allowSkipped?: boolean;
  /** The provider URL the report must be about. */
  providerUrl?: string;
  /** The key id the report must be signed under. */
  keyId?: string;
}

const DEFAULT_MAX_AGE = 30 * 24 * 3600;
const CLOCK_SKEW = 300;

const failure = (code: ReportErrorCode, zh: string, en: string): ReportVerification => ({
  ok: false,
  code,
  message: msg(zh, en),
});

/**
 * Check a conformance report at registration: its shape, that it is signed by `publicKey`
 * (Ed25519: a KeyObject or PEM; SM2: the public key as hex, 04 ‖ x ‖ y; or a Verifier), that its
 * digest is that of its content, that its summary adds up, that every required check passed (or
 * was legitimately skipped), and that it is fresh. Returns data, never throws for a bad report.
 *
 * @example
 * const verdict = await verifyConformanceReport(JSON.parse(body), vendorPublicKeyPem, { maxAgeSeconds: 7 * 86400 });
 * if (!verdict.ok) refuse(verdict.code, verdict.message["zh-CN"]);
 */
export async function verifyConformanceReport(
  report: unknown,
  publicKey: KeyMaterial | Verifier,
  options: VerifyReportOptions = {},
): Promise<ReportVerification> {
  const shape = checkShape(report);
  if (shape)
    return failure(
      "report_malformed",
      `报告格式错误: ${shape}。`,
      `the report is malformed: ${shape}.`,
    );
  const r = report as ConformanceReport;
  if (r.spec.id !== "specs/provider/v1" || !/^1\.\d+\.\d+/.test(r.spec.version))
    return failure(
      "report_unsupported",
      `报告针对 ${r.spec.id} ${r.spec.version},本工具只认 specs/provider/v1 1.x。`,
      `the report is about ${r.spec.id} ${r.spec.version}; this kit knows specs/provider/v1 1.x only.`,
    );
  if (options.keyId !== undefined && r.signature.keyId !== options.keyId)
    return failure(
      "report_key_mismatch",
      `报告由密钥 ${r.signature.keyId} 签名,应为 ${options.keyId}。`,
      `the report is signed under key ${r.signature.keyId}, expected ${options.keyId}.`,
    );
  const verifier = reportVerifier(publicKey, r.signature);
  if (!verifier)
    return failure(
      "report_key_mismatch",
      `公钥与报告的签名算法 ${r.signature.algorithm} 不符。`,
      `the public key does not fit the report's signature algorithm ${r.signature.algorithm}.`,
    );
  const { signature, ...unsigned } = r;
  let hash: Uint8Array;
  try {
    hash = reportDigest(unsigned, signature.digestAlgorithm);
  } catch {
    return failure(
      "report_malformed",
      "报告无法规范化为 JSON。",
      "the report has no canonical JSON form.",
    );
  }
  if (Buffer.from(hash).toString("base64") !== signature.digest)
    return failure(
      "report_digest_mismatch",
      "报告内容的摘要与签名中的摘要不符:报告在签名后被改动。",
      "the digest of the report's content differs from the signed digest: the report was changed after signing.",
    );
  let valid = false;
  try {
    valid = await verifier.verify(hash, Buffer.from(signature.value, "base64"));
  } catch {
    valid = false;
  }
  if (!valid)
    return failure(
      "report_signature_invalid",
      "报告签名无效。",
      "the report's signature does not verify.",
    );

  const count = (status: CheckStatus) => r.checks.filter((c) => c.status === status).length;
  const { summary } = r;
  if (
    summary.total !== r.checks.length ||
    summary.passed !== count("pass") ||
    summary.failed !== count("fail") ||
    summary.skipped !== count("skip") ||
    summary.ok !== (summary.failed === 0)
  )
    return failure(
      "report_summary_mismatch",
      "报告的汇总与各检测项不符。",
      "the summary does not add up to the checks.",
    );
  if (
    options.providerUrl !== undefined &&
    stripSlash(r.provider.url) !== stripSlash(options.providerUrl)
  )
    return failure(
      "report_provider_mismatch",
      `报告针对 ${r.provider.url},而不是 ${options.providerUrl}。`,
      `the report is about ${r.provider.url}, not ${options.providerUrl}.`,
    );
  const byId = new Map(r.checks.map((c) => [c.id, c.status]));
  const required = options.requiredChecks ?? CHECK_IDS;
  const missing = required.filter((id) => !byId.has(id));
  if (missing.length > 0)
    return failure(
      "report_check_missing",
      `报告缺少必需的检测项 ${missing.join("、")}。请用当前版本的检测工具重新检测。`,
      `the report lacks required checks ${missing.join(", ")}: run the current kit again.`,
    );
  const allowSkipped = options.allowSkipped ?? true;
  const failed = required.filter(
    (id) => byId.get(id) === "fail" || (!allowSkipped && byId.get(id) === "skip"),
  );
  if (failed.length > 0)
    return failure(
      "report_check_failed",
      `必需的检测项未通过: ${failed.join("、")}。`,
      `required checks did not pass: ${failed.join(", ")}.`,
    );
  const now = (options.now ?? new Date()).getTime() / 1000;
  const finished = Date.parse(r.finishedAt) / 1000;
  if (finished > now + CLOCK_SKEW)
    return failure(
      "report_from_future",
      `报告的完成时间 ${r.finishedAt} 晚于当前时间。`,
      `the report finished at ${r.finishedAt}, which is in the future.`,
    );
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE;
  if (now - finished > maxAge)
    return failure(
      "report_stale",
      `报告完成于 ${r.finishedAt},已超过 ${maxAge} 秒的有效期。请重新检测。`,
      `the report finished at ${r.finishedAt}, more than ${maxAge} seconds ago: run the kit again.`,
    );
  return { ok: true, report: r };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function reportVerifier(
  key: KeyMaterial | Verifier,
  signature: ReportSignature,
): Verifier | undefined {
  const keyId = signature.keyId;
  if (typeof (key as Verifier).verify === "function") {
    const verifier = key as Verifier;
    return verifier.algorithm === signature.algorithm ? verifier : undefined;
  }
  try {
    // The algorithm comes from the key, never from the (untrusted) report alone.
    if (typeof key === "string" && /^04[0-9a-fA-F]{128}$/.test(key.trim())) {
      return signature.algorithm === "sm2-sm3"
        ? createVerifier({ keyId, algorithm: "sm2-sm3", key: key.trim().toLowerCase() })
        : undefined;
    }
    const object: KeyObject =
      typeof key === "string"
        ? createPublicKey(key)
        : (key as KeyObject).type === "private"
          ? createPublicKey(key as KeyObject)
          : (key as KeyObject);
    if (object.asymmetricKeyType !== "ed25519" || signature.algorithm !== "ed25519")
      return undefined;
    return createVerifier({ keyId, algorithm: "ed25519", key: object });
  } catch {
    return undefined;
  }
}

const REPORT_KEYS = [
  "type",
  "provider",
  "spec",
  "kit",
  "startedAt",
  "finishedAt",
  "checks",
  "summary",
  "signature",
];

function plain(value: unknown, keys: readonly string[], optional: readonly string[] = []): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return (
    keys.every((k) => Object.hasOwn(value, k)) &&
    own.every((k) => keys.includes(k) || optional.includes(k))
  );
}

const text = (value: unknown, max: number, min = 0) =>
  typeof value === "string" && value.length >= min && value.length <= max;
const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What is wrong with a report's shape, or undefined (a strict, bounded check of hostile input). */
function checkShape(report: unknown): string | undefined {
  if (!plain(report, REPORT_KEYS)) return "members missing or unknown";
  const r = report as Record<string, Record<string, unknown>>;
  if ((r.type as unknown) !== REPORT_TYPE) return "type is not a govex conformance report v1";
  const p = r.provider as Record<string, unknown>;
  if (!plain(p, ["url", "resources"], ["system"]) || !text(p.url, 2048, 1)) return "provider";
  if (p.system !== undefined && !text(p.system, 200)) return "provider.system";
  if (
    !Array.isArray(p.resources) ||
    p.resources.length > 1000 ||
    !p.resources.every((x) => text(x, 64, 1))
  )
    return "provider.resources";
  if (
    !plain(r.spec, ["id", "version"]) ||
    !text(r.spec?.id, 100, 1) ||
    !text(r.spec?.version, 64, 1)
  )
    return "spec";
  if (
    !plain(r.kit, ["name", "version"]) ||
    !text(r.kit?.name, 214, 1) ||
    !text(r.kit?.version, 64, 1)
  )
    return "kit";
  for (const field of ["startedAt", "finishedAt"] as const) {
    const value = r[field] as unknown;
    if (
      !text(value, 40) ||
      !INSTANT.test(value as string) ||
      Number.isNaN(Date.parse(value as string))
    )
      return field;
  }
  const checks = r.checks as unknown;
  if (!Array.isArray(checks) || checks.length > 500) return "checks";
  const ids = new Set<string>();
  for (const c of checks) {
    if (!plain(c, ["id", "status"]) || !text(c.id, 64, 1) || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id))
      return "checks[].id";
    if (!["pass", "fail", "skip"].includes(c.status)) return "checks[].status";
    if (ids.has(c.id)) return `check ${c.id} twice`;
    ids.add(c.id);
  }
  const s = r.summary;
  if (!plain(s, ["total", "passed", "failed", "skipped", "ok"])) return "summary";
  if (
    !["total", "passed", "failed", "skipped"].every((k) => count(s?.[k])) ||
    typeof s?.ok !== "boolean"
  )
    return "summary";
  const sig = r.signature;
  if (!plain(sig, ["algorithm", "keyId", "digestAlgorithm", "digest", "value"])) return "signature";
  if (!["ed25519", "sm2-sm3"].includes(sig?.algorithm as string)) return "signature.algorithm";
  if (!["sha-256", "sm3"].includes(sig?.digestAlgorithm as string))
    return "signature.digestAlgorithm";
  if (!text(sig?.keyId, 256, 1)) return "signature.keyId";
  if (!text(sig?.digest, 200, 1) || !BASE64.test(sig?.digest as string)) return "signature.digest";
  if (!text(sig?.value, 400, 1) || !BASE64.test(sig?.value as string)) return "signature.value";
  return undefined;
}
