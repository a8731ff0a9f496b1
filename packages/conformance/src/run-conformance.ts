import type { KeyResolver, Verifier } from "@govex/security";
import pkg from "../package.json" with { type: "json" };
import { ConformanceError, msg } from "./errors.js";
import { Findings } from "./findings.js";
import { PROVIDER_SPEC } from "./generated/provider-spec.js";
import {
  probeBadBodies,
  probeBadInput,
  probeInjection,
  probeUnknownResource,
} from "./probes/bad-input.js";
import { probeChanges } from "./probes/changes.js";
import type { Context, Operation, Resource, Seen } from "./probes/context.js";
import { probeDescribe, probeHealth } from "./probes/describe.js";
import { probeGet } from "./probes/get.js";
import { checkProblems } from "./probes/problems.js";
import { checkRecords, probeQuery } from "./probes/query.js";
import { checkResponseSignatures, probeSignatures } from "./probes/security.js";
import { probeVerify } from "./probes/verify.js";
import type { ConformanceOptions, ConformanceResult, Localized } from "./types.js";
import { Wire } from "./wire.js";

/** The kit's name and version, as a report names them. */
export const KIT = { name: pkg.name, version: pkg.version } as const;
/** The spec the kit checks against. */
export const SPEC = { id: PROVIDER_SPEC.spec, version: PROVIDER_SPEC.version } as const;

const DEFAULT_PURPOSE = "govex 符合性检测 conformance check";

/** The checks that need an operation, and the words for skipping them when no resource offers it. */
const NEEDS: Record<Operation, { checks: Parameters<Findings["skip"]>[0][]; reason: Localized }> = {
  query: {
    checks: [
      "query-schema",
      "pagination-complete",
      "pagination-stable",
      "fields-selection",
      "filter-equality",
    ],
    reason: msg("没有资源提供查询 (query)。", "no resource offers query."),
  },
  get: {
    checks: ["get-schema", "get-matches-query", "get-unknown-404"],
    reason: msg("没有资源提供按主键读取 (get)。", "no resource offers get."),
  },
  verify: {
    checks: ["verify-schema", "verify-answers", "verify-discloses-nothing", "bad-body-4xx"],
    reason: msg("没有资源提供核验 (verify)。", "no resource offers verify."),
  },
  changes: {
    checks: ["changes-schema", "changes-forward-only"],
    reason: msg("没有资源提供增量变更 (changes)。", "no resource offers changes."),
  },
};

function providerKeys(
  keys: ConformanceOptions["providerKeys"],
): KeyResolver | ReadonlyMap<string, Verifier> {
  if (typeof keys === "function" || keys instanceof Map) return keys as KeyResolver;
  return new Map((keys as readonly Verifier[]).map((verifier) => [verifier.keyId, verifier]));
}

function checkOptions(options: ConformanceOptions): void {
  const bad = (zh: string, en: string) => {
    throw new ConformanceError("invalid_options", msg(zh, en));
  };
  let url: URL | undefined;
  try {
    url = new URL(options.baseUrl);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash)
    bad(
      `提供方地址 ${JSON.stringify(options.baseUrl)} 不是 http(s) 基地址。请给出含版本前缀的地址,如 http://127.0.0.1:8080/v1。`,
      `the provider URL ${JSON.stringify(options.baseUrl)} is not an http(s) base URL: give one with the version prefix, e.g. http://127.0.0.1:8080/v1.`,
    );
  if (!options.signer || typeof options.signer.sign !== "function")
    bad("缺少交换节点的签名密钥 signer。", "signer (the exchange's signing key) is missing.");
  if (!options.providerKeys)
    bad(
      "缺少提供方的验签公钥 providerKeys。",
      "providerKeys (the provider's public keys) are missing.",
    );
  for (const [name, value, min] of [
    ["maxRecords", options.maxRecords, 1],
    ["timeout", options.timeout, 1],
    ["concurrency", options.concurrency, 1],
  ] as const)
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= min))
      bad(`${name} 应为不小于 ${min} 的整数。`, `${name} must be a whole number ≥ ${min}.`);
  if (options.shareRequest !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(options.shareRequest))
    bad(
      "shareRequest 应为 1 到 64 个字母、数字、下划线或连字符 (specs/provider v1 Govex-Share-Request)。",
      "shareRequest must be 1 to 64 letters, digits, underscores or hyphens (specs/provider v1 Govex-Share-Request).",
    );
  const purpose = options.purpose ?? DEFAULT_PURPOSE;
  if (purpose.length < 2 || purpose.length > 200)
    bad("purpose 应为 2 到 200 个字符。", "purpose must be 2 to 200 characters.");
}

/**
 * Check a provider against specs/provider v1, acting as the exchange node: every request is
 * signed with `signer`, every response's signature and Content-Digest is checked against
 * `providerKeys`. Each check of {@link CHECKS} passes, fails or is skipped (only when no resource
 * offers the operation it needs). Never throws for what the provider does; throws
 * {@link ConformanceError} for unusable options or an unreachable provider.
 *
 * @example
 * const result = await runConformance({
 *   baseUrl: "http://127.0.0.1:8080/v1",
 *   signer: createSigner({ keyId: "exchange-test", algorithm: "ed25519", key: exchangePrivateKey }),
 *   providerKeys: [createVerifier({ keyId: "hukou-2026", algorithm: "ed25519", key: providerPublicKey })],
 * });
 * if (!result.summary.ok) console.log(renderText(result, "zh-CN"));
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  checkOptions(options);
  const now = options.now ?? (() => new Date());
  const started = now();
  const startedAt = performance.now();
  const wire = new Wire({
    baseUrl: options.baseUrl,
    signer: options.signer,
    keys: providerKeys(options.providerKeys),
    timeout: options.timeout ?? 5_000,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const findings = new Findings();
  const context: Context = {
    wire,
    findings,
    maxRecords: options.maxRecords ?? 1_000,
    concurrency: options.concurrency ?? 8,
    purpose: options.purpose ?? DEFAULT_PURPOSE,
    dataHeaders: (): Record<string, string> =>
      options.shareRequest ? { "govex-share-request": options.shareRequest } : {},
  };
  let system: string | undefined;
  let codes: string[] = [];
  try {
    const described = await probeDescribe(context);
    await probeHealth(context);
    const { resources } = described;
    system = described.system;
    codes = resources.map((r) => r.code);
    for (const op of Object.keys(NEEDS) as Operation[]) {
      if (!resources.some((r) => r.operations.has(op)))
        for (const id of NEEDS[op].checks) findings.skip(id, NEEDS[op].reason);
    }
    const records: Resource[] = [];
    const verifying = resources.find((r) => r.operations.has("verify"));
    for (const resource of resources) {
      const seen: Seen = { walked: [], all: [], live: [] };
      if (resource.operations.has("query")) await probeQuery(context, resource, seen);
      if (resource.operations.has("get")) await probeGet(context, resource, seen);
      if (resource.operations.has("changes")) await probeChanges(context, resource, seen);
      if (resource.operations.has("verify")) await probeVerify(context, resource, seen);
      checkRecords(context, resource, seen.all);
      if (seen.all.length > 0) records.push(resource);
      // The malformed bodies go to one resource: they test the provider's parsing, not its data.
      if (resource === verifying) await probeBadBodies(context, resource, seen);
    }
    if (
      !resources.some(
        (r) => r.operations.has("query") || r.operations.has("get") || r.operations.has("changes"),
      )
    )
      findings.skip(
        "record-schema",
        msg("没有资源提供查询、读取或增量变更。", "no resource offers query, get or changes."),
      );
    else if (records.length === 0)
      findings.missing(
        "record-schema",
        msg(
          "提供方没有返回任何记录。符合性检测需要至少一条记录。",
          "the provider returned no record: the run needs at least one.",
        ),
      );
    if (resources.length > 0) {
      await probeBadInput(context, resources);
      await probeInjection(context, resources);
    }
    await probeUnknownResource(context, resources);
    await probeSignatures(context, options.signer, resources);
    checkResponseSignatures(context);
    await checkProblems(context);
  } finally {
    await wire.close();
  }

  const checks = findings.results();
  const passed = checks.filter((c) => c.status === "pass").length;
  const failed = checks.filter((c) => c.status === "fail").length;
  const skipped = checks.filter((c) => c.status === "skip").length;
  return {
    providerUrl: options.baseUrl,
    ...(system === undefined ? {} : { system }),
    resources: codes,
    spec: { ...SPEC },
    kit: { ...KIT },
    startedAt: started.toISOString(),
    finishedAt: now().toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
    requests: wire.exchanges.length,
    checks,
    summary: { total: checks.length, passed, failed, skipped, ok: failed === 0 },
  };
}
