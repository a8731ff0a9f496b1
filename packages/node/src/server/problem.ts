/**
 * Errors a handler answers with: RFC 9457 problem details of a type in the specs/exchange v1
 * registry, with a precise snake_case code and the detail in zh-CN and English.
 */
import {
  type ProblemAnswer,
  type ProblemIssue,
  type ProblemSlug,
  type ProviderProblem,
  problem,
} from "@govex/adapter";
import { GovexNodeError } from "../errors.js";
import { isStoreError } from "../store/errors.js";

export type { ProblemIssue, ProblemSlug };
export type Lang = "zh-CN" | "en";

/** Thrown by a handler: the node answers with the problem, signed, and logs nothing more. */
export class NodeProblem extends GovexNodeError {
  override readonly name = "NodeProblem";
  readonly slug: ProblemSlug;
  readonly errors: ProblemIssue[] | undefined;
  /** Seconds for Retry-After (503). */
  readonly retryAfter: number | undefined;

  constructor(
    slug: ProblemSlug,
    options: {
      code?: string;
      zh: string;
      en: string;
      errors?: ProblemIssue[];
      retryAfter?: number;
      params?: Record<string, unknown>;
      cause?: unknown;
    },
  ) {
    super(options.code ?? slug.replaceAll("-", "_"), options);
    this.slug = slug;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }

  /** The problem document in a language. */
  toProblem(lang: Lang, instance?: string): ProviderProblem {
    return problem(this.slug, {
      code: this.code,
      detail: this.localized(lang),
      ...(instance === undefined ? {} : { instance }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    });
  }
}

export const isNodeProblem = (error: unknown): error is NodeProblem => error instanceof NodeProblem;

/** 404 for an object that does not exist (or that the caller may not know exists). */
export function notFound(what: { zh: string; en: string }): NodeProblem {
  return new NodeProblem("not-found", {
    zh: `${what.zh}不存在。请核对标识。`,
    en: `${what.en} does not exist: check the identifier.`,
  });
}

/** 403: the caller's member may not do this. */
export function forbidden(zh: string, en: string, code = "forbidden"): NodeProblem {
  return new NodeProblem("forbidden", { code, zh, en });
}

/** 409: the object is in a state that does not allow this. */
export function conflict(zh: string, en: string, code = "conflict"): NodeProblem {
  return new NodeProblem("conflict", { code, zh, en });
}

/** 422 validation_failed with located issues. */
export function invalid(
  zh: string,
  en: string,
  errors: ProblemIssue[],
  code = "validation_failed",
) {
  return new NodeProblem("validation-failed", { code, zh, en, errors });
}

/** Seconds a caller is asked to wait when the database is unreachable. */
const DATABASE_RETRY_AFTER = 5;

const INTERNAL_DETAIL: Record<Lang, string> = {
  "zh-CN": "交换节点内部错误, 已记入日志。请稍后重试, 或将 instance 中的请求标识告知交换运营方。",
  en: "Internal error of the exchange node, logged: retry later, or give the operator the request id in instance.",
};

/**
 * The answer to an error no handler turned into a problem. The database out of reach (stopped,
 * restarting, connections cut) is 503 with Retry-After: the caller retries and the node serves
 * again by itself once the database is back (RFC 9110 §15.6.4). Anything else is a 500 whose
 * cause stays in the log.
 */
export function unexpectedProblem(error: unknown, lang: Lang): ProblemAnswer {
  if (isStoreError(error) && error.code === "unavailable")
    return {
      problem: problem("unavailable", {
        code: "database_unavailable",
        detail:
          lang === "en"
            ? "The exchange node cannot reach its database just now: retry after the time in Retry-After."
            : "交换节点暂时无法访问数据库。请按 Retry-After 给出的秒数后重试。",
      }),
      retryAfter: DATABASE_RETRY_AFTER,
      logError: error,
    };
  return { problem: nodeInternalProblem(lang), logError: error };
}

/** The node's 500: the cause stays in the log; the detail names the exchange, not a provider. */
export function nodeInternalProblem(lang: Lang): ProviderProblem {
  return problem("internal", { detail: INTERNAL_DETAIL[lang] });
}
