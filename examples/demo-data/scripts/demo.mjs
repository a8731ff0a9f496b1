// The main job of the quickstart: validate every file of the demo data set with the built
// govex CLI, show the human report, and check the outcome against data/expected.json.
// The data set holds deliberate errors, so success means "exactly the expected findings".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "..", "data");
const bin = join(here, "..", "..", "..", "packages", "cli", "dist", "bin.js");
if (!existsSync(bin)) {
  console.error("govex is not built: run `pnpm build` (or `pnpm start` from the repository root).");
  process.exit(2);
}
const expected = JSON.parse(readFileSync(join(dataDir, "expected.json"), "utf8"));
const govex = (args, stdio) =>
  spawnSync(process.execPath, [bin, "validate", ...args], { encoding: "utf8", stdio });

let mismatches = 0;
for (const [file, want] of Object.entries(expected)) {
  const path = relative(process.cwd(), join(dataDir, file));
  console.log(`\n$ govex validate ${path} --schema ${want.schema}`);
  govex([path, "--schema", want.schema], ["ignore", "inherit", "inherit"]);
  const json = govex([path, "--schema", want.schema, "--format", "json"], "pipe");
  const got = JSON.parse(json.stdout);
  // Every deliberate error exactly where data/expected.json puts it, and nothing else.
  const issues = got.issues.map(({ record, path, code }) => ({ record, path, code }));
  const same =
    json.status === (want.invalid > 0 ? 1 : 0) &&
    got.summary.records === want.records &&
    got.summary.valid === want.valid &&
    got.summary.invalid === want.invalid &&
    JSON.stringify(issues) === JSON.stringify(want.issues);
  if (!same) {
    mismatches++;
    console.error(
      `✗ ${file}: expected ${JSON.stringify(want)}, got ${JSON.stringify({ status: json.status, ...got.summary, issues })}`,
    );
  }
}
console.log(
  mismatches === 0
    ? "\n✓ 示例数据集的校验结果与 data/expected.json 一致 / the demo data set validated exactly as expected."
    : `\n✗ ${mismatches} file(s) differ from data/expected.json.`,
);
process.exit(mismatches === 0 ? 0 : 1);
