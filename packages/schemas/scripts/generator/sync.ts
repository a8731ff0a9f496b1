/**
 * Write generated files to their folder, or (`check`) only report how the folder differs.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SyncResult {
  /** Files written (or, with `check`, that would be), with why: "missing", "stale" or "extra". */
  changes: { file: string; why: "missing" | "stale" | "extra" }[];
}

/**
 * Make `outDir` hold exactly `files` (name → content): write what is missing or stale, delete
 * `.ts` files no spec generates. With `check`, change nothing and only report.
 */
export function syncGenerated(
  files: ReadonlyMap<string, string>,
  outDir: string,
  check: boolean,
): SyncResult {
  const changes: SyncResult["changes"] = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  let existing: string[] = [];
  try {
    existing = readdirSync(outDir).filter((f) => f.endsWith(".ts"));
  } catch {
    existing = [];
  }
  for (const [name, content] of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(outDir, name), "utf8");
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    changes.push({ file: name, why: current === undefined ? "missing" : "stale" });
    if (!check) writeFileSync(join(outDir, name), content);
  }
  for (const f of existing.sort()) {
    if (files.has(f)) continue;
    changes.push({ file: f, why: "extra" });
    if (!check) rmSync(join(outDir, f));
  }
  return { changes };
}
