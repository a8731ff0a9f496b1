/**
 * specs/data/v1/**\/*.schema.json → src/generated/*.ts (TypeScript types + zod 4 schemas).
 * `--check` regenerates in memory and exits 1 when a committed file is stale, missing or extra.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFiles } from "./generator/files.js";

const specDir = fileURLToPath(new URL("../../../specs/data/v1", import.meta.url));
const outDir = fileURLToPath(new URL("../src/generated", import.meta.url));
const check = process.argv.includes("--check");

const files = generateFiles(specDir);
mkdirSync(outDir, { recursive: true });
const existing = readdirSync(outDir).filter((f) => f.endsWith(".ts"));
const stale: string[] = [];
for (const [name, content] of files) {
  let current: string | undefined;
  try {
    current = readFileSync(join(outDir, name), "utf8");
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) stale.push(`${name} (${current === undefined ? "missing" : "stale"})`);
  else writeFileSync(join(outDir, name), content);
}
for (const f of existing) {
  if (files.has(f)) continue;
  if (check) stale.push(`${f} (extra: no spec generates it)`);
  else rmSync(join(outDir, f));
}
if (check) {
  if (stale.length) {
    process.stderr.write(
      `src/generated is out of date with specs/data:\n${stale.map((s) => `  src/generated/${s}`).join("\n")}\nrun pnpm generate (pnpm --filter @govex/schemas generate)\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`src/generated is up to date (${files.size} files)\n`);
} else {
  process.stdout.write(`generated ${files.size} files in src/generated\n`);
}
