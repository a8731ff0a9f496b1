import { createConfig, lint, loadConfig, type NormalizedProblem } from "@redocly/openapi-core";
import { deref, escapeToken } from "../diff/json.js";
import type { LintProblem } from "./types.js";

/**
 * The Redocly configuration govex specs are linted with: Redocly's `recommended-strict`
 * plus govex's rules (every operation has a zh-CN summary, an English `x-summary-en` and a
 * description; every body has an example; every error response is a shared problem+json
 * response; no `$dynamicRef`/`unevaluated*`). Examples are validated by govex instead of
 * Redocly (which cannot resolve a `$ref` relative to a remote `$id` nor knows the govex formats).
 */
export const GOVEX_REDOCLY_CONFIG = {
  extends: ["recommended-strict"],
  rules: {
    "no-invalid-media-type-examples": "off",
    "no-invalid-schema-examples": "off",
    "rule/operation-summary-zh-cn": {
      subject: { type: "Operation", property: "summary" },
      assertions: { defined: true, pattern: "/[\\u4e00-\\u9fff]/" },
      message: "Every operation has a zh-CN summary (每个操作须有中文摘要).",
    },
    "rule/operation-summary-en": {
      subject: { type: "Operation", property: "x-summary-en" },
      assertions: { defined: true, pattern: "/^[A-Z]/" },
      message: "Every operation has an English summary in x-summary-en (须有英文摘要).",
    },
    "rule/operation-description": {
      subject: { type: "Operation", property: "description" },
      assertions: { defined: true, minLength: 10 },
      message: "Every operation has a description (须有说明).",
    },
    "rule/media-type-examples": {
      subject: { type: "MediaType" },
      assertions: { requireAny: ["example", "examples"] },
      message: "Every request and response body has an example (每个请求体和响应体须有示例).",
    },
    "rule/error-problem-json": {
      subject: {
        type: "Response",
        filterInParentKeys: [
          "400",
          "401",
          "403",
          "404",
          "409",
          "412",
          "413",
          "415",
          "422",
          "429",
          "500",
          "503",
        ],
      },
      assertions: { required: ["content"], ref: "/#\\/components\\/responses\\//" },
      message:
        "Error responses are shared problem+json responses from components/responses (RFC 9457).",
    },
    "rule/no-dynamic-ref": {
      subject: { type: "Schema", property: "$dynamicRef" },
      assertions: { defined: false },
      message: "$dynamicRef is not allowed in govex specs.",
    },
    "rule/no-unevaluated-properties": {
      subject: { type: "Schema", property: "unevaluatedProperties" },
      assertions: { defined: false },
      message: "unevaluatedProperties is not allowed in govex specs.",
    },
    "rule/no-unevaluated-items": {
      subject: { type: "Schema", property: "unevaluatedItems" },
      assertions: { defined: false },
      message: "unevaluatedItems is not allowed in govex specs.",
    },
  },
} as const;

const SAFE = new Set(["get", "head", "options", "trace"]);

function toProblem(p: NormalizedProblem): LintProblem {
  const location = p.location[0];
  const file = location?.source.absoluteRef ?? "";
  const pointer = (location?.pointer ?? "").replace(/^#/, "");
  return {
    rule: p.ruleId,
    severity: p.severity === "error" ? "error" : "warning",
    file,
    pointer,
    message: { "zh-CN": p.message, en: p.message },
  };
}

/** govex's own OpenAPI rules that Redocly's assertions cannot express. */
export function govexOpenApiRules(file: string, document: Record<string, unknown>): LintProblem[] {
  const problems: LintProblem[] = [];
  const items = [
    ...Object.entries((document.paths ?? {}) as Record<string, unknown>).map(
      ([p, item]) => [`/paths/${escapeToken(p)}`, item] as const,
    ),
    ...Object.entries((document.webhooks ?? {}) as Record<string, unknown>).map(
      ([w, item]) => [`/webhooks/${w}`, item] as const,
    ),
  ];
  for (const [pointer, item] of items) {
    const pathItem = item as Record<string, unknown>;
    for (const method of ["get", "put", "post", "delete", "patch", "options", "head", "trace"]) {
      const op = pathItem[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const params = [
        ...((pathItem.parameters as unknown[]) ?? []),
        ...((op.parameters as unknown[]) ?? []),
      ].map((p) => deref(document, p));
      const key = params.find((p) => p.name === "Idempotency-Key" && p.in === "header");
      if (!SAFE.has(method) && key?.required !== true) {
        problems.push({
          rule: "govex-idempotency-key",
          severity: "error",
          file,
          pointer: `${pointer}/${method}`,
          message: {
            "zh-CN": "非安全操作须有必填的 Idempotency-Key 请求头参数。",
            en: "A non-safe operation must take a required Idempotency-Key header.",
          },
        });
      }
    }
  }
  return problems;
}

/**
 * Lint an OpenAPI file with Redocly's engine and {@link GOVEX_REDOCLY_CONFIG}, or with the
 * Redocly configuration file given as `configPath`.
 */
export async function lintOpenApi(
  path: string,
  document: Record<string, unknown>,
  options: { configPath?: string } = {},
): Promise<LintProblem[]> {
  const config = options.configPath
    ? await loadConfig({ configPath: options.configPath })
    : await createConfig(GOVEX_REDOCLY_CONFIG as unknown as Parameters<typeof createConfig>[0]);
  const problems = await lint({ ref: path, config });
  return [...problems.map(toProblem), ...govexOpenApiRules(path, document)];
}
