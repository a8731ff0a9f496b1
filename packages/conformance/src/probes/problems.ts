import { msg } from "../errors.js";
import { describeIssues, specValidator } from "../spec-schemas.js";
import type { Context } from "./context.js";

/**
 * problem-json: every error answer of the run (status 400–599) is application/problem+json
 * (RFC 9457 §3) with a registered `type`, a `title`, the HTTP `status` and a snake_case `code`,
 * as the exchange spec's Problem schema says.
 */
export async function checkProblems(context: Context): Promise<void> {
  const { findings } = context;
  const problem = await specValidator("Problem");
  for (const exchange of context.wire.exchanges) {
    const status = exchange.status;
    if (status === undefined || status < 400) continue;
    const fail = (zh: string, en: string) =>
      findings.fail(
        "problem-json",
        msg(`HTTP ${status} 答复: ${zh}`, `HTTP ${status} answer: ${en}`),
        exchange.line,
      );
    if (exchange.mediaType !== "application/problem+json") {
      fail(
        `Content-Type 应为 application/problem+json,实为 ${exchange.mediaType ?? "(无)"}。`,
        `Content-Type should be application/problem+json, got ${exchange.mediaType ?? "(none)"}.`,
      );
      continue;
    }
    if (!exchange.isJson) {
      fail("答复体不是有效的 JSON。", "the body is not valid JSON.");
      continue;
    }
    const issues = describeIssues(problem, exchange.json);
    if (issues) {
      fail(`不符合 Problem 模式: ${issues["zh-CN"]}`, `does not match Problem: ${issues.en}`);
      continue;
    }
    const body = exchange.json as { status: number };
    if (body.status !== status) {
      fail(
        `status 成员为 ${body.status},与 HTTP 状态码 ${status} 不同 (RFC 9457 §3.1.2)。`,
        `the status member is ${body.status}, not the HTTP status ${status} (RFC 9457 §3.1.2).`,
      );
      continue;
    }
    findings.pass("problem-json");
  }
}
