import type { KeyResolver, Signer, Verifier } from "@govex/security";
import type { Dispatcher } from "undici";
import type { CheckId } from "./checks.js";

/** Language of messages and text output. */
export type Lang = "zh-CN" | "en";

/** A message in both languages: what is wrong, then what to do. */
export interface Localized {
  "zh-CN": string;
  en: string;
}

export interface ConformanceOptions {
  /** The provider's base URL including the version prefix, e.g. `https://hukou.example.gov.cn/govex/v1`. */
  baseUrl: string;
  /** Signs every request as the exchange node would (the key the provider trusts). */
  signer: Signer;
  /** The provider's response-signing key(s): a Map by key id, a resolver, or a list. */
  providerKeys: ReadonlyMap<string, Verifier> | KeyResolver | readonly Verifier[];
  /** Most records walked per resource and per walk (default 1000). */
  maxRecords?: number;
  /** Milliseconds one request may take before it counts as a hang (default 5000). */
  timeout?: number;
  /** The `purpose` sent with data requests (default "govex 符合性检测 conformance check"). */
  purpose?: string;
  /** A `Govex-Share-Request` id sent with data requests, for providers that want one. */
  shareRequest?: string;
  /** Requests in flight at once for the bad-input probes (default 8). */
  concurrency?: number;
  /** An undici dispatcher; by default the run opens and closes its own Agent. */
  dispatcher?: Dispatcher;
  /** The clock, for tests. */
  now?: () => Date;
}

export type CheckStatus = "pass" | "fail" | "skip";

/** One way a provider broke a check: the message and the request that showed it. */
export interface CheckFailure {
  message: Localized;
  /** The request, e.g. `GET /v1/resources/101001/000001/records?limit=0`. */
  request?: string;
}

export interface CheckResult {
  id: CheckId;
  title: Localized;
  status: CheckStatus;
  /** Why the check was skipped (an operation the provider does not offer). */
  reason?: Localized;
  /** The first failures (at most 20); `omitted` counts the rest. */
  failures: CheckFailure[];
  omitted: number;
}

export interface ConformanceSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** True when no check failed. */
  ok: boolean;
}

/** The outcome of {@link runConformance}. */
export interface ConformanceResult {
  providerUrl: string;
  /** `system` of the provider's describe answer, when it gave one. */
  system?: string;
  /** The resource codes the run checked. */
  resources: string[];
  spec: { id: string; version: string };
  kit: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Requests sent. */
  requests: number;
  checks: CheckResult[];
  summary: ConformanceSummary;
}
