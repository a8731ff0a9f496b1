import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceContext } from "@govex/adapter";
import { createSource, type FileSource, type FileSourceConfigInput } from "../../src/index.js";

/** A fresh mapping directory with a `data` folder; returns both paths. */
export function tempMappingDir(prefix = "govex-file-"): { base: string; data: string } {
  const base = mkdtempSync(join(tmpdir(), prefix));
  const data = join(base, "data");
  mkdirSync(data);
  return { base, data };
}

/** Write files (text as UTF-8, or bytes) into a directory. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** A source over `base/data` with the given settings. */
export function open(
  base: string,
  settings: Partial<FileSourceConfigInput> = {},
  context: Partial<SourceContext> = {},
): Promise<FileSource> {
  return createSource(
    { kind: "file", directory: "data", pattern: "*", ...settings },
    { baseDir: base, env: {}, ...context },
  );
}

/** Every row of a source, page by page, in key order. */
export async function scanAll(
  source: FileSource,
  keyField: string,
  filter: Record<string, string> = {},
  pageSize = 1000,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await source.scan({
      keyField,
      filter,
      fields: [],
      limit: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    out.push(...page);
    if (page.length < pageSize) return out;
    after = String(page[page.length - 1]?.[keyField]);
  }
}

/** [code, file, line] of each issue, for compact assertions. */
export function issueSummary(
  source: FileSource,
): [string, string | undefined, number | undefined][] {
  return source.issues().map((i) => [i.code, i.file, i.line]);
}
