/**
 * RFC 9457 problem details for the provider runtime: the registry of problem types (specs/exchange
 * v1 `ProblemType` and its `x-enum-labels`), and the mapping of adapter errors, signature failures
 * and fastify's own errors to problems.
 */
import type { SecurityCode, SignatureFailure } from "@govex/security";
import { type AdapterErrorCode, isAdapterError } from "../errors.js";

/** The problem type registry of specs/exchange v1 (`ProblemType`, `x-enum-labels`). */
export const PROBLEM_TYPES = {
  "bad-request": { status: 400, "zh-CN": "请求不合规范", en: "Bad request" },
  "validation-failed": { status: 422, "zh-CN": "数据校验未通过", en: "Validation failed" },
  "idempotency-key-missing": { status: 400, "zh-CN": "缺少幂等键", en: "Idempotency-Key missing" },
  "idempotency-key-reused": {
    status: 422,
    "zh-CN": "幂等键已用于其他请求",
    en: "Idempotency-Key reused with another request",
  },
  "idempotency-in-flight": {
    status: 409,
    "zh-CN": "请求处理中",
    en: "Request with this key in flight",
  },
  "signature-missing": { status: 401, "zh-CN": "缺少签名", en: "Signature missing" },
  "signature-invalid": { status: 401, "zh-CN": "签名无效", en: "Signature invalid" },
  "signature-expired": { status: 401, "zh-CN": "签名已过期", en: "Signature expired" },
  "signature-replayed": { status: 401, "zh-CN": "签名被重放", en: "Signature replayed" },
  "content-digest-mismatch": {
    status: 400,
    "zh-CN": "内容摘要不符",
    en: "Content-Digest mismatch",
  },
  "unknown-key": { status: 401, "zh-CN": "密钥未登记", en: "Unknown key" },
  forbidden: { status: 403, "zh-CN": "无权访问", en: "Forbidden" },
  "share-request-required": {
    status: 403,
    "zh-CN": "需要共享申请",
    en: "Approved share request required",
  },
  "not-shared": { status: 403, "zh-CN": "不予共享", en: "Resource is not shared" },
  "not-found": { status: 404, "zh-CN": "对象不存在", en: "Not found" },
  conflict: { status: 409, "zh-CN": "状态冲突", en: "Conflict" },
  "precondition-failed": { status: 412, "zh-CN": "版本不符", en: "Precondition failed" },
  "payload-too-large": { status: 413, "zh-CN": "请求体过大", en: "Payload too large" },
  "unsupported-media-type": {
    status: 415,
    "zh-CN": "不支持的媒体类型",
    en: "Unsupported media type",
  },
  "rate-limited": { status: 429, "zh-CN": "请求过于频繁", en: "Rate limited" },
  "provider-unavailable": {
    status: 503,
    "zh-CN": "提供方系统不可用",
    en: "Provider unavailable",
  },
  "provider-error": { status: 502, "zh-CN": "提供方应答无效", en: "Bad answer from the provider" },
  "provider-timeout": { status: 504, "zh-CN": "提供方应答超时", en: "Provider timed out" },
  unavailable: { status: 503, "zh-CN": "节点暂不可用", en: "Node unavailable" },
  internal: { status: 500, "zh-CN": "节点内部错误", en: "Internal error" },
} as const;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
export type Lang = "zh-CN" | "en";
export const PROBLEM_BASE = "https://govex.dev/problems/";

/** One failed check of a request (`Problem.errors[]`); `path` is a JSON Pointer (RFC 6901). */
export interface ProblemIssue {
  path: string;
  code: string;
  message: string;
}

/** A problem document as specs/exchange v1 `Problem` defines it (RFC 9457 §3). */
export interface ProviderProblem {
  type: string;
  /** Always the zh-CN title of the registry (the spec's `title` is Chinese). */
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: ProblemIssue[];
}

/** A problem to answer with, plus what the runtime needs besides the body. */
export interface ProblemAnswer {
  problem: ProviderProblem;
  /** Seconds for Retry-After (RFC 9110 §10.2.3), on 503 answers. */
  retryAfter?: number;
  /** The error to log: set for 5xx answers, whose cause the caller must not see. */
  logError?: unknown;
}

/**
 * Build a problem of a registered type. `code` defaults to the type's name in snake_case; a
 * more precise code (e.g. `signature_too_old` under `signature-expired`) keeps the type coarse
 * and the code exact.
 */
export function problem(
  slug: ProblemSlug,
  fields: { code?: string; detail?: string; instance?: string; errors?: ProblemIssue[] } = {},
): ProviderProblem {
  const entry = PROBLEM_TYPES[slug];
  return {
    type: PROBLEM_BASE + slug,
    title: entry["zh-CN"],
    status: entry.status,
    code: fields.code ?? slug.replaceAll("-", "_"),
    // RFC 9457 §3.1.4: detail is for this occurrence; the schema caps it at 2000 characters.
    ...(fields.detail === undefined ? {} : { detail: fields.detail.slice(0, 2000) }),
    ...(fields.instance === undefined ? {} : { instance: fields.instance }),
    ...(fields.errors === undefined ? {} : { errors: fields.errors.slice(0, 1000) }),
  };
}

const ADAPTER_TYPES: Record<Exclude<AdapterErrorCode, "config_invalid">, ProblemSlug> = {
  bad_request: "bad-request",
  not_found: "not-found",
  not_supported: "not-found",
  unavailable: "unavailable",
  record_invalid: "unavailable",
};

const INTERNAL_DETAIL: Record<Lang, string> = {
  "zh-CN": "提供方内部错误，已记入日志。请稍后重试，或将 instance 中的请求标识告知提供方。",
  en: "Internal error, logged. Retry later, or give the provider the request id in instance.",
};

/** The 500 answer: the cause stays in the log. */
export function internalProblem(lang: Lang): ProviderProblem {
  return problem("internal", { detail: INTERNAL_DETAIL[lang] });
}

/**
 * Map what an adapter threw to a problem: its code decides the type; anything that is not an
 * AdapterError (or is a configuration error) is a 500 whose message never leaves the server.
 */
export function adapterProblem(error: unknown, lang: Lang, retryAfter: number): ProblemAnswer {
  if (!isAdapterError(error) || error.code === "config_invalid") {
    return { problem: internalProblem(lang), logError: error };
  }
  const slug = ADAPTER_TYPES[error.code];
  const detail = error.localized(lang);
  const errors =
    error.code === "bad_request"
      ? [{ path: error.path ?? "", code: error.code, message: detail }]
      : undefined;
  const answer: ProblemAnswer = {
    problem: problem(slug, { code: error.code, detail, ...(errors ? { errors } : {}) }),
  };
  if (slug === "unavailable") {
    const given = error.params.retryAfter;
    answer.retryAfter =
      typeof given === "number" && Number.isInteger(given) && given >= 0 ? given : retryAfter;
    answer.logError = error;
  }
  return answer;
}

/** The registry type of each signature or digest failure (docs/en/security.md, failure codes). */
const SIGNATURE_TYPES: Record<SecurityCode, ProblemSlug> = {
  signature_missing: "signature-missing",
  signature_malformed: "signature-invalid",
  signature_unknown_key: "unknown-key",
  signature_algorithm_mismatch: "signature-invalid",
  signature_component_missing: "signature-invalid",
  signature_component_invalid: "signature-invalid",
  signature_not_covered: "signature-invalid",
  signature_expired: "signature-expired",
  signature_created_in_future: "signature-expired",
  signature_too_old: "signature-expired",
  signature_nonce_missing: "signature-invalid",
  signature_replayed: "signature-replayed",
  signature_invalid: "signature-invalid",
  content_digest_missing: "content-digest-mismatch",
  content_digest_malformed: "content-digest-mismatch",
  content_digest_unsupported: "content-digest-mismatch",
  content_digest_mismatch: "content-digest-mismatch",
};

/** A failed request signature or Content-Digest (RFC 9421 §3.2, RFC 9530 §2) as a problem. */
export function signatureProblem(failure: SignatureFailure): ProviderProblem {
  return problem(SIGNATURE_TYPES[failure.code], {
    code: failure.code,
    detail: `${failure.message} (${failure.detail})`,
  });
}

/** Fastify's own errors by code, then by status (RFC 9110 §15.5.14, §15.5.16). */
const FRAMEWORK_MESSAGES: Record<string, { slug: ProblemSlug } & Record<Lang, string>> = {
  413: {
    slug: "payload-too-large",
    "zh-CN": "请求体超过上限。请缩小请求体后重试。",
    en: "The request body exceeds the limit: send a smaller body.",
  },
  415: {
    slug: "unsupported-media-type",
    "zh-CN": "请求体的媒体类型不受支持。请以 application/json（UTF-8）发送。",
    en: "The body's media type is not supported: send application/json (UTF-8).",
  },
  FST_ERR_BAD_URL: {
    slug: "bad-request",
    "zh-CN": "请求路径含有无效的百分号编码。请按 RFC 3986 编码路径。",
    en: "The request path has an invalid percent-encoding: encode it as RFC 3986 says.",
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    slug: "bad-request",
    "zh-CN": "请求路径的某一段过长。请核对资源代码和主键。",
    en: "A path segment is too long: check the resource code and the key.",
  },
};

const GENERIC_CLIENT_ERROR: Record<Lang, string> = {
  "zh-CN": "请求无法处理。请核对请求的格式。",
  en: "The request cannot be processed: check its format.",
};

/**
 * Fastify's own errors (body limits, media types, bad URLs) as problems: 4xx keep their
 * meaning, anything else is internal and is logged, never shown.
 */
export function frameworkProblem(
  error: { code?: string; statusCode?: number },
  lang: Lang,
): ProblemAnswer {
  const status = error.statusCode ?? 500;
  const known = FRAMEWORK_MESSAGES[error.code ?? ""] ?? FRAMEWORK_MESSAGES[String(status)];
  if (known) return { problem: problem(known.slug, { detail: known[lang] }) };
  if (status >= 400 && status < 500) {
    return { problem: problem("bad-request", { detail: GENERIC_CLIENT_ERROR[lang] }) };
  }
  return { problem: internalProblem(lang), logError: error };
}
