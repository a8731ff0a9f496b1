/**
 * Reading a mapping file (specs/adapter/v1): YAML or JSON, checked against the mapping schema,
 * the resource's catalog entry checked against specs/data/v1 catalog-entry, then the rules a
 * schema cannot say (the key is mapped, every field is an item of the entry, code-table targets
 * are national codes, date patterns are well formed). Every problem points at the file, line
 * and field, in zh-CN and English; all problems are reported at once.
 */
import { dirname, resolve } from "node:path";
import { getValidator, type ValidationIssue } from "@govex/validator";
import type { ProviderOperation } from "../adapter.js";
import { mappingSchema } from "../generated/mapping-schema.js";
import { type CatalogItem, deriveRecordSchema, type MaskSpec, withMasks } from "./record-schema.js";
import {
  CODE_TABLES,
  type CompiledTransform,
  compileTransforms,
  dateFormatProblem,
  type TransformSpec,
} from "./transforms.js";
import {
  hasForbiddenKey,
  Located,
  parseYaml,
  pointer,
  readJsonOrYaml,
  readText,
} from "./yaml-file.js";

export interface FieldMapping {
  /** The 信息项 code. */
  item: string;
  /** The source field. */
  source: string;
  transforms: readonly TransformSpec[];
  transform: CompiledTransform;
  mask?: MaskSpec;
}

/** A checked mapping, ready for `createMappedAdapter`. */
export interface Mapping {
  /** The mapping file, or "(inline)". */
  file: string;
  /** Relative paths in the mapping resolve against it. */
  baseDir: string;
  entry: Record<string, unknown> & { resourceCode: string; items: CatalogItem[] };
  resourceCode: string;
  /** The key item code and its source field. */
  key: string;
  keySource: string;
  /** The `source` block as written; the adapter package checks the rest of it. */
  source: Record<string, unknown> & { kind: string };
  fields: ReadonlyMap<string, FieldMapping>;
  /** Operations offered, when the mapping restricts them. */
  operations?: readonly ProviderOperation[];
  /** The record schema records are validated against (with `x-govex-mask` annotations). */
  recordSchema: Record<string, unknown>;
  /** Line and column of a JSON Pointer into the mapping (0, 0 when unknown). */
  locate(path: string): { line: number; column: number };
}

interface RawField {
  source: string;
  transforms?: TransformSpec[];
  mask?: MaskSpec;
}
interface RawMapping {
  version: "1";
  resource: {
    entry: { file: string } | Record<string, unknown>;
    recordSchema?: string | { file: string } | Record<string, unknown>;
    operations?: ProviderOperation[];
  };
  key: string;
  source: Record<string, unknown> & { kind: string };
  fields: Record<string, string | RawField>;
}

/** Validate and hand each issue over with its English message beside the zh-CN one. */
async function addSchemaIssues(
  schema: string | object,
  value: unknown,
  add: (issue: ValidationIssue, en: string) => void,
): Promise<void> {
  const validator = await getValidator(schema);
  const zh = validator.validate(value, { maxErrors: 50 });
  if (zh.length === 0) return;
  const en = validator.validate(value, { lang: "en", maxErrors: 50 });
  for (const [i, issue] of zh.entries()) add(issue, en[i]?.message ?? issue.message);
}

/**
 * Read and check a mapping file.
 *
 * @throws MappingError with every problem found (file, line, column, field; zh-CN and English)
 * @example
 * const mapping = await loadMapping("./hukou.mapping.yaml");
 * const adapter = createMappedAdapter({ system: "户籍系统", resources: [{ mapping, source }] });
 */
export async function loadMapping(file: string): Promise<Mapping> {
  const absolute = resolve(file);
  const at = new Located(absolute, undefined, undefined);
  const text = await readText(absolute, at, "");
  at.done();
  return parseMapping(text as string, { file: absolute, baseDir: dirname(absolute) });
}

/** Check a mapping given as text (YAML or JSON). */
export async function parseMapping(
  text: string,
  options: { file?: string; baseDir?: string } = {},
): Promise<Mapping> {
  const file = options.file ?? "(inline)";
  const baseDir = options.baseDir ?? process.cwd();
  const { value, at } = parseYaml(text, file);
  at.done();
  if (hasForbiddenKey(value, at)) at.done();

  await addSchemaIssues(mappingSchema, value, (issue, en) =>
    at.add(issue.path, issue.code, issue.message, en),
  );
  at.done();
  const raw = value as RawMapping;

  // The catalog entry, inline or from a file, checked against specs/data/v1 catalog-entry.
  let entry: unknown = raw.resource.entry;
  let entryAt = at;
  let entryBase = "/resource/entry";
  if (typeof (raw.resource.entry as { file?: unknown }).file === "string") {
    const entryFile = resolve(baseDir, (raw.resource.entry as { file: string }).file);
    entryAt = new Located(entryFile, undefined, undefined);
    entry = await readJsonOrYaml(entryFile, entryAt, "");
    entryBase = "";
    entryAt.done();
  }
  await addSchemaIssues("catalog-entry", entry, (issue, en) =>
    entryAt.add(
      `${entryBase}${issue.path}`,
      issue.code,
      `目录条目:${issue.message}`,
      `catalog entry: ${en}`,
    ),
  );
  entryAt.done();
  const catalogEntry = entry as Mapping["entry"];
  const itemCodes = new Map(
    catalogEntry.items.filter((i) => i.code !== undefined).map((i) => [i.code as string, i]),
  );

  // Fields: every item exists in the entry; transforms are well formed.
  const fields = new Map<string, FieldMapping>();
  for (const [item, rawField] of Object.entries(raw.fields)) {
    const field: RawField = typeof rawField === "string" ? { source: rawField } : rawField;
    const path = pointer("fields", item);
    if (!itemCodes.has(item))
      at.add(
        path,
        "unknown_item",
        `信息项 ${item} 不在目录条目的信息项中:请核对信息项代码(code)。`,
        `item ${item} is not an item of the catalog entry: check the item code`,
      );
    const transforms = field.transforms ?? [];
    transforms.forEach((t, i) => {
      const tpath = pointer("fields", item, "transforms", i);
      if (typeof t === "object" && "date" in t) {
        const problem = dateFormatProblem(t.date.from);
        if (problem)
          at.add(
            `${tpath}/date/from`,
            "date_pattern_invalid",
            `日期格式 ${t.date.from} 无效:应包含 ${problem}。`,
            `date pattern ${t.date.from} is invalid: use ${problem}`,
          );
      }
      if (typeof t === "object" && "codeTable" in t && t.codeTable.table) {
        const table: readonly string[] = CODE_TABLES[t.codeTable.table];
        for (const [from, to] of Object.entries(t.codeTable.map))
          if (!table.includes(to))
            at.add(
              `${tpath}/codeTable/map/${from}`,
              "code_not_in_table",
              `${to} 不是代码表 ${t.codeTable.table} 中的代码。`,
              `${to} is not a code of table ${t.codeTable.table}`,
            );
      }
    });
    fields.set(item, {
      item,
      source: field.source,
      transforms,
      transform: compileTransforms(transforms),
      ...(field.mask ? { mask: field.mask } : {}),
    });
  }
  const keyField = fields.get(raw.key);
  if (!keyField)
    at.add(
      "/key",
      "key_not_mapped",
      `主键信息项 ${raw.key} 未在 fields 中映射。`,
      `key item ${raw.key} is not mapped in fields`,
    );
  at.done();

  const masks = new Map([...fields.values()].map((f) => [f.item, f.mask]));
  const recordSchema = await resolveRecordSchema(raw, catalogEntry, masks, baseDir, at);
  at.done();

  return {
    file,
    baseDir,
    entry: catalogEntry,
    resourceCode: catalogEntry.resourceCode,
    key: raw.key,
    keySource: (keyField as FieldMapping).source,
    source: raw.source,
    fields,
    ...(raw.resource.operations ? { operations: raw.resource.operations } : {}),
    recordSchema,
    locate: (path) => at.locate(path),
  };
}

async function resolveRecordSchema(
  raw: RawMapping,
  entry: Mapping["entry"],
  masks: ReadonlyMap<string, MaskSpec | undefined>,
  baseDir: string,
  at: Located,
): Promise<Record<string, unknown>> {
  const declared = raw.resource.recordSchema;
  let schema: Record<string, unknown>;
  if (declared === undefined) schema = deriveRecordSchema(entry.items, masks, raw.key);
  else if (typeof declared === "string") {
    // A built-in spec by name: referenced, so its $id stays its own.
    try {
      schema = { $ref: (await getValidator(declared)).id };
    } catch {
      at.add(
        "/resource/recordSchema",
        "unknown_schema",
        `没有内置模式 ${declared}。`,
        `no built-in schema ${declared}`,
      );
      return {};
    }
  } else if (typeof declared.file === "string") {
    const file = resolve(baseDir, declared.file);
    schema = (await readJsonOrYaml(file, at, "/resource/recordSchema")) as Record<string, unknown>;
  } else schema = declared;
  if (at.issues.length > 0) return {};
  schema = withMasks(schema, masks);
  try {
    await getValidator(schema);
  } catch (error) {
    at.add(
      "/resource/recordSchema",
      "schema_invalid",
      `记录模式无法编译:${(error as Error).message}`,
      `record schema does not compile: ${(error as Error).message}`,
    );
  }
  return schema;
}
