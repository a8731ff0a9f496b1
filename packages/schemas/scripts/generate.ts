/**
 * specs/data/v1/**\/*.schema.json → src/generated/*.ts (TypeScript types + zod 4 schemas).
 *
 *     pnpm --filter @govex/schemas generate          # write src/generated
 *     pnpm --filter @govex/schemas generate:check    # exit 1 if src/generated is out of date
 *
 * `--check` regenerates in memory and names every committed file that is stale, missing or
 * extra (a file no spec generates any more).
 * @module
 */
import { fileURLToPath } from "node:url";
import { GenerateError } from "./generator/emit.js";
import { generateFiles } from "./generator/files.js";
import { syncGenerated } from "./generator/sync.js";

const specDir = fileURLToPath(new URL("../../../specs/data/v1", import.meta.url));
const outDir = fileURLToPath(new URL("../src/generated", import.meta.url));
const check = process.argv.includes("--check");

let files: Map<string, string>;
try {
  files = generateFiles(specDir);
} catch (e) {
  if (!(e instanceof GenerateError)) throw e;
  process.stderr.write(
    `generate: ${e.message}\nfix the spec under specs/data/v1, then run pnpm generate again\n`,
  );
  process.exit(1);
}
const { changes } = syncGenerated(files, outDir, check);
if (check) {
  if (changes.length) {
    const what = { missing: "missing", stale: "stale", extra: "extra: no spec generates it" };
    process.stderr.write(
      `src/generated is out of date with specs/data:\n${changes.map((c) => `  packages/schemas/src/generated/${c.file} (${what[c.why]})`).join("\n")}\nfix: run pnpm --filter @govex/schemas generate, then commit src/generated\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`src/generated is up to date (${files.size} files)\n`);
} else {
  const summary = changes.length
    ? changes.map((c) => `${c.file} (${c.why})`).join(", ")
    : "no changes";
  process.stdout.write(`generated ${files.size} files in src/generated: ${summary}\n`);
}
