/**
 * `pnpm bench` (govex): (i) start-up — `govex validate` on a one-line file, against `node -e 0`
 * measured in the same run; (ii) peak RSS of `govex validate` on a large NDJSON file
 * (BENCH_LARGE_MB, default 1024). Needs the built CLI (`pnpm build`). Misses are reported, never fatal.
 */
import { spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchDataDir, personFile, personRecord } from "../../validator/bench/generate.js";

const bin = join(import.meta.dirname, "..", "dist", "bin.js");
if (!existsSync(bin)) {
  console.log(
    "govex start-up benchmark: packages/cli/dist/bin.js is missing — run `pnpm build` first.",
  );
  process.exit(0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(args: string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(process.execPath, args, { stdio: "ignore" });
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

// (i) start-up on a one-line file.
const one = join(mkdtempSync(join(tmpdir(), "govex-bench-")), "one.ndjson");
writeFileSync(one, `${personRecord(1)}\n`);
const baseline = time(["-e", "0"], 10);
const govex = time([bin, "validate", one, "--schema", "person"], 10);
console.log("\ngovex start-up — `govex validate <one-line file> --schema person`, 10 runs each\n");
console.log("| command | median s | max s | × node -e 0 |");
console.log("|---|---:|---:|---:|");
console.log(
  `| node -e 0 (baseline) | ${median(baseline).toFixed(3)} | ${Math.max(...baseline).toFixed(3)} | 1.00 |`,
);
console.log(
  `| govex validate | ${median(govex).toFixed(3)} | ${Math.max(...govex).toFixed(3)} | ${(median(govex) / median(baseline)).toFixed(2)} |`,
);
console.log(
  `\ntarget median < 0.4 s: ${median(govex).toFixed(3)} s — ${median(govex) < 0.4 ? "PASS" : "MISS"}`,
);

// (ii) peak memory on a large file, built by repeating the 1M-record file.
const targetMb = Number(process.env.BENCH_LARGE_MB ?? 1024);
const big = join(benchDataDir, `person-${targetMb}mb.ndjson`);
if (!existsSync(big)) {
  const source = await personFile(1_000_000);
  const chunk = readFileSync(source);
  const out = createWriteStream(big);
  let written = 0;
  while (written < targetMb * 1024 * 1024) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    written += chunk.length;
  }
  await new Promise<void>((r) => out.end(() => r()));
}
const size = statSync(big).size;
const t = performance.now();
const run = spawnSync(
  "/usr/bin/time",
  ["-f", "%M", process.execPath, bin, "validate", big, "--schema", "person", "--format", "json"],
  {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  },
);
const seconds = (performance.now() - t) / 1000;
const rssMb = Number(run.stderr.trim().split("\n").at(-1)) / 1024;
const records = (JSON.parse(run.stdout) as { summary: { records: number } }).summary.records;
console.log(
  `\ngovex validate on a ${(size / 1048576).toFixed(0)} MB NDJSON file (${records.toLocaleString("en")} records)\n`,
);
console.log("| file MB | records/s | MB/s | peak RSS MB |");
console.log("|---:|---:|---:|---:|");
console.log(
  `| ${(size / 1048576).toFixed(0)} | ${Math.round(records / seconds).toLocaleString("en")} | ${(size / 1048576 / seconds).toFixed(1)} | ${rssMb.toFixed(0)} |`,
);
console.log(
  `\ntarget peak RSS < 200 MB: ${rssMb.toFixed(0)} MB — ${rssMb < 200 ? "PASS" : "MISS"}`,
);
