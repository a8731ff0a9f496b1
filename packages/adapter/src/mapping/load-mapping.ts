/**
 * Reading a mapping file (specs/adapter/v1): YAML or JSON, checked against the mapping schema,
 * the resource's catalog entry checked against specs/data/v1 catalog-entry, then the rules a
 * schema cannot say (the key is mapped, every field is an item of the entry, code-table targets
 * are national codes, date patterns are well formed). Every problem points at the file, line
 * and field, in zh-CN and English; all problems are reported at once.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { getValidator, type ValidationIssue } from "@govex/validator";
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { ProviderOperation } from "../adapter.js";
import { mappingSchema } from "../generated/mapping-schema.js";
import { MappingError, type MappingIssue } from "./mapping-error.js";
import { type CatalogItem, deriveRecordSchema, type MaskSpec, withMasks } from "./record-schema.js";
import {
  CODE_TABLES,
  type CompiledTransform,
  compileTransforms,
  dateFormatProblem,
  type TransformSpec,
} from "./transforms.js";

/** Largest mapping or entry file read, in bytes. */
export const MAPPING_MAX_BYTES = 4 * 1024 * 1024;

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

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const pointer = (...segments: (string | number)[]) =>
  segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

class Located {
  readonly issues: MappingIssue[] = [];
  constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter | undefined,
  ) {}

  /** Where a JSON Pointer points: a map entry at its key, a list item at the item; a missing one at its parent. */
  locate(path: string): { line: number; column: number } {
    if (!this.doc || !this.lines) return { line: 0, column: 0 };
    const segments = path
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    let node: unknown = this.doc.contents;
    let at: { range?: readonly number[] | null } | undefined = isNode(node) ? node : undefined;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) break;
        at = isNode(pair.key) ? pair.key : at;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (!isNode(item)) break;
        at = item;
        node = item;
      } else break;
    }
    if (!at?.range) return { line: 0, column: 0 };
    const { line, col } = this.lines.linePos(at.range[0] as number);
    return { line, column: col };
  }

  add(path: string, code: string, zh: string, en: string): void {
    this.issues.push({ file: this.file, ...this.locate(path), path, code, zh, en });
  }

  /** Throw when anything was found. */
  done(): void {
    if (this.issues.length > 0) throw new MappingError(this.issues);
  }
}

async function readText(file: string, at: Located, path: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    at.add(
      path,
      "file_unreadable",
      `无法读取文件 ${file}(${code})。`,
      `cannot read ${file} (${code})`,
    );
    return undefined;
  }
  if (bytes.length > MAPPING_MAX_BYTES) {
    at.add(
      path,
      "file_too_large",
      `文件超过 ${MAPPING_MAX_BYTES} 字节。`,
      `file exceeds ${MAPPING_MAX_BYTES} bytes`,
    );
    return undefined;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    at.add(
      path,
      "not_utf8",
      "文件不是 UTF-8 编码:请转为 UTF-8。",
      "file is not UTF-8: convert it to UTF-8",
    );
    return undefined;
  }
}

/** Parse YAML (JSON is YAML) with line positions; duplicate keys and syntax errors are issues. */
function parseYaml(text: string, file: string): { value: unknown; at: Located } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = new Located(file, doc, lines);
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    at.issues.push({
      file,
      line,
      column: col,
      path: "",
      code: "syntax_error",
      zh: `YAML/JSON 语法错误:${error.message.split("\n")[0]}`,
      en: `YAML/JSON syntax error: ${error.message.split("\n")[0]}`,
    });
  }
  if (at.issues.length > 0) return { value: undefined, at };
  return { value: doc.toJS({ maxAliasCount: 100 }), at };
}

function hasForbiddenKey(value: unknown, at: Located, path = "", depth = 0): boolean {
  if (depth > 64) {
    at.add(path, "nesting_too_deep", "嵌套超过 64 层。", "nested deeper than 64 levels");
    return true;
  }
  if (value === null || typeof value !== "object") return false;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      at.add(path, "forbidden_key", `不允许的键名 ${key}。`, `key ${key} is not allowed`);
      return true;
    }
    if (
      hasForbiddenKey(
        (value as Record<string, unknown>)[key],
        at,
        pointer(...path.split("/").slice(1), key),
        depth + 1,
      )
    )
      return true;
  }
  return false;
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

async function readJsonOrYaml(file: string, at: Located, path: string): Promise<unknown> {
  const text = await readText(file, at, path);
  if (text === undefined) return undefined;
  const inner = parseYaml(text, file);
  if (inner.at.issues.length > 0) at.issues.push(...inner.at.issues);
  return inner.value;
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
