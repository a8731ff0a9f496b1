import { type LoadedSpec, loadSpec } from "../load.js";
import { lintOpenApi } from "./openapi-rules.js";
import { lintSchemaSet } from "./schema-rules.js";
import { type LintProblem, type LintResult, summarize } from "./types.js";

export { GOVEX_REDOCLY_CONFIG, govexOpenApiRules, lintOpenApi } from "./openapi-rules.js";
export { lintSchemaSet } from "./schema-rules.js";
export type { LintProblem, LintResult } from "./types.js";

/**
 * Lint a spec: a directory or file of govex JSON Schemas, or an OpenAPI 3.1 document.
 *
 * @example
 * const result = await lintSpec("specs/exchange/v1/openapi.yaml");
 * if (result.errors > 0) console.log(formatLint(result, "text", { lang: "zh-CN" }));
 */
export async function lintSpec(
  path: string,
  options: { configPath?: string } = {},
): Promise<LintResult> {
  const spec: LoadedSpec = await loadSpec(path);
  if (spec.kind === "schemas") {
    const base = path.replace(/[\\/]$/, "");
    const single = Object.keys(spec.files).length === 1 && base.endsWith(".schema.json");
    return summarize(
      lintSchemaSet(spec.files).map((p) => ({ ...p, file: single ? base : `${base}/${p.file}` })),
    );
  }
  // The bundled document: the same operations and local $refs as the file, read once.
  return summarize(await lintOpenApi(path, spec.document, options));
}

const SARIF_LEVEL = { error: "error", warning: "warning" } as const;

/** Render lint results as text (zh-CN or English), JSON, or SARIF 2.1.0 (for code scanning). */
export function formatLint(
  result: LintResult,
  format: "text" | "json" | "sarif",
  options: { lang?: "zh-CN" | "en" } = {},
): string {
  const lang = options.lang ?? "zh-CN";
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (format === "sarif") {
    const rules = [...new Set(result.problems.map((p) => p.rule))].map((id) => ({ id }));
    return `${JSON.stringify(
      {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
          {
            tool: {
              driver: { name: "govex spec lint", informationUri: "https://govex.dev", rules },
            },
            results: result.problems.map((p: LintProblem) => ({
              ruleId: p.rule,
              level: SARIF_LEVEL[p.severity],
              message: { text: p.message[lang] },
              locations: [
                {
                  physicalLocation: { artifactLocation: { uri: p.file } },
                  logicalLocations: [{ fullyQualifiedName: p.pointer || "/" }],
                },
              ],
            })),
          },
        ],
      },
      null,
      2,
    )}\n`;
  }
  const lines = result.problems.map(
    (p) =>
      `${p.file}#${p.pointer || "/"}  ${p.severity === "error" ? (lang === "en" ? "error" : "错误") : lang === "en" ? "warning" : "警告"}  ${p.rule}  ${p.message[lang]}`,
  );
  const summary =
    lang === "en"
      ? `${result.errors} error(s), ${result.warnings} warning(s)`
      : `${result.errors} 个错误,${result.warnings} 个警告`;
  return `${[...lines, summary].join("\n")}\n`;
}
