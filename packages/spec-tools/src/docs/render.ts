import { govexRules } from "@govex/schemas/core";
import { deref } from "../diff/json.js";
import { collectGovexRules } from "../lint/schema-rules.js";
import type { LoadedSpec } from "../load.js";
import type { Block, Cell } from "./blocks.js";

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function typeOf(schema: Json): string {
  if (typeof schema.$ref === "string")
    return `→ \`${schema.$ref.replace(/^#\/(\$defs|components\/schemas)\//, "")}\``;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : str(schema.type);
  const format = typeof schema.format === "string" ? ` (${schema.format})` : "";
  if (Array.isArray(schema.enum))
    return `${type || "enum"}: ${schema.enum
      .slice(0, 8)
      .map((v) => `\`${String(v)}\``)
      .join(" ")}${schema.enum.length > 8 ? " …" : ""}`;
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (type === "array" && schema.items && typeof schema.items === "object")
    return `array of ${typeOf(schema.items as Json)}`;
  return `${type || "—"}${format}`;
}

function constraints(schema: Json): string {
  const parts: string[] = [];
  for (const key of [
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "pattern",
  ]) {
    if (schema[key] !== undefined) parts.push(`${key} ${String(schema[key])}`);
  }
  return parts.join(", ");
}

function propertyTable(schema: Json, lang: "zh-CN" | "en"): Block | undefined {
  const properties = schema.properties as Record<string, Json> | undefined;
  if (!properties || Object.keys(properties).length === 0) return undefined;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const zh = lang === "zh-CN";
  return {
    table: {
      head: zh
        ? ["属性", "名称", "类型", "必填", "约束", "说明"]
        : ["property", "name", "type", "required", "constraints", "description"],
      rows: Object.entries(properties).map(([name, p]): Cell[] => [
        `\`${name}\``,
        zh ? str(p.title) : str(p["x-title-en"]) || str(p.title),
        typeOf(p),
        required.has(name) ? (zh ? "是" : "yes") : "",
        constraints(p),
        { md: zh ? str(p.description) : str(p["x-description-en"]) || str(p.description) },
      ]),
    },
  };
}

function codeTable(schema: Json, lang: "zh-CN" | "en"): Block | undefined {
  const labels = schema["x-enum-labels"] as Record<string, Record<string, string>> | undefined;
  if (!Array.isArray(schema.enum) || !labels) return undefined;
  return {
    table: {
      head: lang === "zh-CN" ? ["代码", "名称", "English"] : ["code", "name (zh-CN)", "name (en)"],
      rows: schema.enum.map((code) => [
        `\`${String(code)}\``,
        labels[String(code)]?.["zh-CN"] ?? "",
        labels[String(code)]?.en ?? "",
      ]),
    },
  };
}

function schemaBlocks(file: string, schema: Json, lang: "zh-CN" | "en"): Block[] {
  const zh = lang === "zh-CN";
  const title = zh ? str(schema.title) : str(schema["x-title-en"]) || str(schema.title);
  const blocks: Block[] = [{ h: 2, text: `${title} · \`${file}\``, id: file }];
  const description = zh
    ? str(schema.description)
    : str(schema["x-description-en"]) || str(schema.description);
  if (description) blocks.push({ md: description, under: 2 });
  const facts = [
    `${zh ? "标识" : "id"}: \`${str(schema.$id)}\``,
    `${zh ? "版本" : "version"}: ${str(schema["x-version"])}`,
  ];
  if (schema["x-standard"])
    facts.push(`${zh ? "依据标准" : "standard"}: ${str(schema["x-standard"])}`);
  blocks.push({ list: facts });
  const table = codeTable(schema, lang) ?? propertyTable(schema, lang);
  if (table) blocks.push(table);
  const rules = [...collectGovexRules(schema)];
  if (rules.length > 0) {
    blocks.push({ h: 3, text: zh ? "跨字段规则" : "Cross-field rules" });
    blocks.push({ list: rules.map((r) => `\`${r}\`: ${govexRules[r]?.description[lang] ?? ""}`) });
  }
  const defs = schema.$defs as Record<string, Json> | undefined;
  for (const [name, def] of Object.entries(defs ?? {})) {
    const defTitle = zh ? str(def.title) : str(def["x-title-en"]) || str(def.title);
    blocks.push({ h: 3, text: `${defTitle || name} · \`${name}\``, id: `${file}-${name}` });
    const text = zh ? str(def.description) : str(def["x-description-en"]) || str(def.description);
    if (text) blocks.push({ md: text, under: 3 });
    blocks.push({
      list: [
        `${zh ? "类型" : "type"}: ${typeOf(def)}${constraints(def) ? `; ${constraints(def)}` : ""}`,
        ...(def["x-standard"]
          ? [`${zh ? "依据标准" : "standard"}: ${str(def["x-standard"])}`]
          : []),
      ],
    });
    const t = codeTable(def, lang) ?? propertyTable(def, lang);
    if (t) blocks.push(t);
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) {
    blocks.push({ h: 3, text: zh ? "示例" : "Example" });
    blocks.push({ code: JSON.stringify(schema.examples[0], null, 2), lang: "json" });
  }
  return blocks;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

function operationBlocks(document: Json, lang: "zh-CN" | "en"): Block[] {
  const zh = lang === "zh-CN";
  const blocks: Block[] = [];
  const resolve = (node: Json): Json => deref(document, node);
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const summary = zh ? str(op.summary) : str(op["x-summary-en"]) || str(op.summary);
      blocks.push({
        h: 3,
        text: `${summary} · \`${method.toUpperCase()} ${path}\``,
        id: str(op.operationId),
      });
      const description = zh
        ? str(op.description)
        : str(op["x-description-en"]) || str(op.description);
      if (description) blocks.push({ md: description, under: 3 });
      const params = [
        ...((item.parameters as Json[]) ?? []),
        ...((op.parameters as Json[]) ?? []),
      ].map(resolve);
      if (params.length > 0) {
        blocks.push({
          table: {
            head: zh
              ? ["参数", "位置", "必填", "类型", "说明"]
              : ["parameter", "in", "required", "type", "description"],
            rows: params.map((p): Cell[] => [
              `\`${str(p.name)}\``,
              str(p.in),
              p.required ? (zh ? "是" : "yes") : "",
              typeOf((p.schema ?? {}) as Json),
              { md: zh ? str(p.description) : str(p["x-description-en"]) || str(p.description) },
            ]),
          },
        });
      }
      const body = op.requestBody ? resolve(op.requestBody as Json) : undefined;
      for (const [mediaType, media] of Object.entries(
        (body?.content ?? {}) as Record<string, Json>,
      )) {
        blocks.push({
          p: `${zh ? "请求体" : "Request body"} \`${mediaType}\`: ${typeOf((media.schema ?? {}) as Json)}`,
        });
        const example = firstExample(media, document);
        if (example !== undefined)
          blocks.push({
            code: typeof example === "string" ? example : JSON.stringify(example, null, 2),
            lang: typeof example === "string" ? "" : "json",
          });
      }
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(
        ([status, r]): Cell[] => {
          const resolved = resolve(r);
          return [
            status,
            { md: str(resolved.description) },
            Object.keys((resolved.content ?? {}) as Json).join(", "),
          ];
        },
      );
      blocks.push({
        table: {
          head: zh ? ["状态码", "说明", "媒体类型"] : ["status", "description", "media type"],
          rows: responses,
        },
      });
    }
  }
  return blocks;
}

function firstExample(media: Json, document: Json): unknown {
  if (media.example !== undefined) return media.example;
  const first = Object.values((media.examples ?? {}) as Record<string, Json>)[0];
  return first === undefined ? undefined : deref(document, first).value;
}

/** The documentation of a spec in one language, as blocks (see {@link renderSpecDocs}). */
export function specBlocks(spec: LoadedSpec, lang: "zh-CN" | "en"): Block[] {
  const zh = lang === "zh-CN";
  if (spec.kind === "schemas") {
    const blocks: Block[] = [
      {
        h: 1,
        text: zh
          ? `数据规范 ${spec.version ?? ""}`.trim()
          : `Data standard ${spec.version ?? ""}`.trim(),
      },
      {
        p: zh
          ? "本文由 govex spec docs 从机器可读的规范生成,规范文件是唯一的依据。"
          : "Generated by govex spec docs from the machine-readable spec, which is the normative text.",
      },
    ];
    for (const [file, schema] of Object.entries(spec.files))
      blocks.push(...schemaBlocks(file, schema, lang));
    return blocks;
  }
  const info = (spec.document.info ?? {}) as Json;
  const blocks: Block[] = [{ h: 1, text: `${str(info.title)} ${str(info.version)}` }];
  const description = zh
    ? str(info.description)
    : str(info["x-description-en"]) || str(info.description);
  if (description) blocks.push({ md: description, under: 1 });
  blocks.push({ h: 2, text: zh ? "接口" : "Operations" });
  blocks.push(...operationBlocks(spec.document, lang));
  const problemType = ((spec.document.components as Json | undefined)?.schemas as Json | undefined)
    ?.ProblemType as Json | undefined;
  const labels = problemType?.["x-enum-labels"] as
    | Record<string, Record<string, unknown>>
    | undefined;
  if (Array.isArray(problemType?.enum) && labels) {
    blocks.push({ h: 2, text: zh ? "错误类型登记表" : "Problem type registry" });
    blocks.push({
      table: {
        head: zh ? ["类型", "状态码", "标题"] : ["type", "status", "title"],
        rows: (problemType.enum as string[]).map((t) => [
          `\`${t}\``,
          String(labels[t]?.status ?? ""),
          String(labels[t]?.[lang] ?? ""),
        ]),
      },
    });
  }
  return blocks;
}
