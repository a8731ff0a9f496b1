import { govexFormats, govexRules, SPEC_ANNOTATION_KEYWORDS } from "@govex/schemas/core";
import type { ErrorObject } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { escapeToken } from "../diff/json.js";
import type { LintProblem } from "./types.js";

type Json = Record<string, unknown>;
const CJK = /[\u3400-\u9fff]/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
/** JSON Schema 2020-12 §7.3 formats that ajv-formats implements. */
const STANDARD_FORMATS = new Set([
  "date",
  "time",
  "date-time",
  "iso-time",
  "iso-date-time",
  "duration",
  "uri",
  "uri-reference",
  "uri-template",
  "url",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "regex",
  "uuid",
  "json-pointer",
  "json-pointer-uri-fragment",
  "relative-json-pointer",
  "byte",
  "int32",
  "int64",
  "float",
  "double",
  "password",
  "binary",
]);
const KNOWN_FORMATS = new Set([...STANDARD_FORMATS, ...Object.keys(govexFormats)]);
// Keywords whose values are schemas, or maps / arrays of schemas (JSON Schema 2020-12 §10).
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "dependentSchemas"];
const SCHEMA_ARRAYS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_VALUES = [
  "items",
  "contains",
  "additionalProperties",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
];

function problem(
  rule: string,
  severity: LintProblem["severity"],
  file: string,
  pointer: string,
  zh: string,
  en: string,
): LintProblem {
  return { rule, severity, file, pointer, message: { "zh-CN": zh, en } };
}

/**
 * Walk every subschema with its pointer. `named` marks a property or `$defs` entry that
 * declares something (and so needs a title); properties inside `allOf`/`if`/`then`/… only
 * constrain ones declared elsewhere.
 */
function walk(
  node: unknown,
  pointer: string,
  visit: (schema: Json, pointer: string, named: boolean) => void,
  named = false,
  depth = 0,
  conditional = false,
): void {
  if (typeof node !== "object" || node === null || Array.isArray(node) || depth > 64) return;
  const schema = node as Json;
  visit(schema, pointer, named);
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map && typeof map === "object") {
      for (const [name, sub] of Object.entries(map)) {
        const declares = !conditional && (key === "properties" || key === "$defs");
        walk(
          sub,
          `${pointer}/${key}/${escapeToken(name)}`,
          visit,
          declares,
          depth + 1,
          conditional,
        );
      }
    }
  }
  for (const key of SCHEMA_ARRAYS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const [i, sub] of list.entries())
      walk(sub, `${pointer}/${key}/${i}`, visit, false, depth + 1, true);
  }
  for (const key of SCHEMA_VALUES) {
    const applicator =
      key === "if" || key === "then" || key === "else" || key === "not" || key === "contains";
    walk(schema[key], `${pointer}/${key}`, visit, false, depth + 1, conditional || applicator);
  }
}

function makeAjv(files: Record<string, Json>): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats =
    (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
    addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  for (const [name, format] of Object.entries(govexFormats))
    ajv.addFormat(name, { validate: (v: string) => format.validate(v) });
  ajv.addVocabulary([...SPEC_ANNOTATION_KEYWORDS]);
  for (const schema of Object.values(files))
    if (typeof schema.$id === "string") ajv.addSchema(schema);
  return ajv;
}

/**
 * The govex rules for a set of JSON Schema files (docs/decisions/0001): zh-CN titles and
 * descriptions with English annotations, a stable `$id` carrying the major version, a semver
 * `x-version`, no `$dynamicRef`/`unevaluated*`, known formats, labelled code tables, and
 * examples that validate (and `x-examples-invalid` that do not).
 */
export function lintSchemaSet(files: Record<string, Json>): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const [file, root] of Object.entries(files)) {
    const id = root.$id;
    const version = root["x-version"];
    if (typeof version !== "string" || !SEMVER.test(version)) {
      problems.push(
        problem(
          "schema-version",
          "error",
          file,
          "",
          "根模式须有语义化版本 x-version。",
          "The root schema needs a semver x-version.",
        ),
      );
    }
    const major = typeof version === "string" ? version.split(".")[0] : undefined;
    const idMajor = typeof id === "string" ? /\/v(\d+)\//.exec(id)?.[1] : undefined;
    if (typeof id !== "string" || !/^https:\/\/[^/]+\/.+\/v\d+\/.+\.schema\.json$/.test(id)) {
      problems.push(
        problem(
          "schema-id",
          "error",
          file,
          "/$id",
          "$id 须为稳定的 https URI,路径中含主版本号(/v1/)并以 .schema.json 结尾。",
          "$id must be a stable https URI with the major version in its path (/v1/), ending in .schema.json.",
        ),
      );
    } else if (major !== undefined && idMajor !== major) {
      problems.push(
        problem(
          "schema-id-major",
          "error",
          file,
          "/$id",
          `$id 中的主版本 v${idMajor} 与 x-version ${version} 不符。`,
          `The major version v${idMajor} in $id does not match x-version ${version}.`,
        ),
      );
    }
    if (!Array.isArray(root.examples) || root.examples.length === 0) {
      problems.push(
        problem(
          "schema-examples",
          "error",
          file,
          "/examples",
          "根模式须有至少一个示例 examples。",
          "The root schema needs at least one example.",
        ),
      );
    }
    walk(root, "", (schema, pointer, named) => {
      const isRoot = pointer === "";
      if (isRoot || named) {
        const hasRef = typeof schema.$ref === "string";
        if (
          !(typeof schema.title === "string" && CJK.test(schema.title)) &&
          !(hasRef && schema.title === undefined && !isRoot)
        ) {
          problems.push(
            problem(
              "schema-title-zh",
              "error",
              file,
              pointer,
              "缺少中文标题 title。",
              "A zh-CN title is missing.",
            ),
          );
        }
        if (isRoot && !(typeof schema.description === "string" && CJK.test(schema.description))) {
          problems.push(
            problem(
              "schema-description-zh",
              "error",
              file,
              pointer,
              "缺少中文说明 description。",
              "A zh-CN description is missing.",
            ),
          );
        }
        if (typeof schema.title === "string" && typeof schema["x-title-en"] !== "string") {
          problems.push(
            problem(
              "schema-title-en",
              "warning",
              file,
              pointer,
              "有中文标题但缺少英文标题 x-title-en。",
              "A title has no English x-title-en.",
            ),
          );
        }
        if (
          typeof schema.description === "string" &&
          typeof schema["x-description-en"] !== "string"
        ) {
          problems.push(
            problem(
              "schema-description-en",
              "warning",
              file,
              pointer,
              "有中文说明但缺少英文说明 x-description-en。",
              "A description has no English x-description-en.",
            ),
          );
        }
      }
      for (const banned of [
        "$dynamicRef",
        "$dynamicAnchor",
        "unevaluatedProperties",
        "unevaluatedItems",
      ]) {
        if (banned in schema) {
          problems.push(
            problem(
              "schema-banned-keyword",
              "error",
              file,
              `${pointer}/${banned}`,
              `不得使用 ${banned}(ajv 对其支持最弱)。`,
              `${banned} is not allowed (ajv's support is weakest there).`,
            ),
          );
        }
      }
      if (typeof schema.format === "string" && !KNOWN_FORMATS.has(schema.format)) {
        problems.push(
          problem(
            "schema-format-known",
            "error",
            file,
            `${pointer}/format`,
            `未知的格式 ${schema.format}:只能用标准格式或 govex 格式。`,
            `Unknown format ${schema.format}: use a standard or a govex format.`,
          ),
        );
      }
      if (
        Array.isArray(schema.enum) &&
        (typeof schema["x-standard"] === "string" || schema["x-enum-labels"] !== undefined)
      ) {
        const labels = (schema["x-enum-labels"] ?? {}) as Record<string, { "zh-CN"?: string }>;
        const missing = schema.enum.filter((v) => typeof labels[String(v)]?.["zh-CN"] !== "string");
        if (missing.length > 0) {
          problems.push(
            problem(
              "schema-code-table-labels",
              "error",
              file,
              `${pointer}/x-enum-labels`,
              `代码表缺少代码 ${missing.slice(0, 5).join("、")} 的中文名称。`,
              `The code table has no zh-CN label for ${missing.slice(0, 5).join(", ")}.`,
            ),
          );
        }
      }
    });
  }
  problems.push(...checkExamples(files));
  return problems;
}

/** Whether any of the set's cross-field rules (x-govex-rules) finds an issue anywhere in the value. */
function breaksARule(value: unknown, rules: string[], depth = 0): boolean {
  if (typeof value !== "object" || value === null || depth > 64) return false;
  if (
    !Array.isArray(value) &&
    rules.some((name) => (govexRules[name]?.check(value) ?? []).length > 0)
  )
    return true;
  return Object.values(value).some((v) => breaksARule(v, rules, depth + 1));
}

/** The cross-field rules (`x-govex-rules`) named anywhere in a schema's subschemas. */
export function collectGovexRules(schema: unknown, into = new Set<string>()): Set<string> {
  walk(schema, "", (node) => {
    const rules = node["x-govex-rules"];
    if (Array.isArray(rules)) for (const r of rules) into.add(String(r));
  });
  return into;
}

function checkExamples(files: Record<string, Json>): LintProblem[] {
  const problems: LintProblem[] = [];
  const rules = new Set<string>();
  for (const root of Object.values(files)) collectGovexRules(root, rules);
  let ajv: Ajv2020;
  try {
    ajv = makeAjv(files);
  } catch (error) {
    return [
      problem(
        "schema-compiles",
        "error",
        Object.keys(files)[0] ?? "",
        "",
        `模式无法编译:${(error as Error).message}`,
        `The schemas do not compile: ${(error as Error).message}`,
      ),
    ];
  }
  for (const [file, root] of Object.entries(files)) {
    if (typeof root.$id !== "string") continue;
    let validate: ReturnType<Ajv2020["compile"]> | undefined;
    try {
      validate = ajv.getSchema(root.$id);
    } catch (error) {
      problems.push(
        problem(
          "schema-compiles",
          "error",
          file,
          "",
          `模式无法编译:${(error as Error).message}`,
          `The schema does not compile: ${(error as Error).message}`,
        ),
      );
      continue;
    }
    if (!validate) continue;
    (Array.isArray(root.examples) ? root.examples : []).forEach((example, i) => {
      if (!validate(example)) {
        const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
        const where = first ? `${first.instancePath || "/"} ${first.message ?? ""}` : "";
        problems.push(
          problem(
            "schema-examples-valid",
            "error",
            file,
            `/examples/${i}`,
            `示例 ${i} 不符合模式:${where}`,
            `Example ${i} does not validate: ${where}`,
          ),
        );
      }
    });
    const invalid = root["x-examples-invalid"];
    (Array.isArray(invalid) ? invalid : []).forEach((entry, i) => {
      const data = (entry as Json)?.data;
      if (validate(data) && !breaksARule(data, [...rules])) {
        problems.push(
          problem(
            "schema-invalid-examples-fail",
            "error",
            file,
            `/x-examples-invalid/${i}`,
            `反例 ${i} 竟然通过了校验。`,
            `Invalid example ${i} passes validation.`,
          ),
        );
      }
    });
  }
  return problems;
}
