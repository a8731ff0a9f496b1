/**
 * Configuration files in YAML or JSON with line positions: every problem found in them is
 * reported with the file, line, column and JSON Pointer, in zh-CN and English.
 */
import { readFile } from "node:fs/promises";
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { MappingError, type MappingIssue } from "./mapping-error.js";

/** Largest configuration file read, in bytes. */
export const MAPPING_MAX_BYTES = 4 * 1024 * 1024;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
export const pointer = (...segments: (string | number)[]) =>
  segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

export class Located {
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

export async function readText(
  file: string,
  at: Located,
  path: string,
): Promise<string | undefined> {
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
export function parseYaml(text: string, file: string): { value: unknown; at: Located } {
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

export function hasForbiddenKey(value: unknown, at: Located, path = "", depth = 0): boolean {
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

export async function readJsonOrYaml(file: string, at: Located, path: string): Promise<unknown> {
  const text = await readText(file, at, path);
  if (text === undefined) return undefined;
  const inner = parseYaml(text, file);
  if (inner.at.issues.length > 0) at.issues.push(...inner.at.issues);
  return inner.value;
}
