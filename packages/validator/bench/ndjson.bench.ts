/**
 * `pnpm --filter @govex/validator bench`: throughput and peak RSS of NDJSON validation on N
 * synthetic, valid `person` records (BENCH_RECORDS, default 1,000,000):
 *   (a) parse — 64 KiB reads, LF splitting, JSON.parse: the ceiling;
 *   (b) govex — validateFile(file, await getValidator("person"), { workers: 1 }), the full
 *       streaming validator on one thread;
 *   (b') govex parallel — the same with { workers: "auto" } (BENCH_WORKERS overrides): the file
 *       cut into newline-aligned ranges validated by worker threads, start-up included;
 *   (c) ajv   — the same splitting + plain Ajv2020 on the raw schema, formats ignored, no rules;
 *   (d) zod   — the same splitting + the generated PersonSchema.safeParse.
 * Each variant runs in a fresh child process (so peak RSS is its own), twice, interleaved; the
 * faster run is kept. Every figure is printed beside (a) from the same run, as a ratio.
 * This is a measurement, not a test: a missed target is reported, never an exit code.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { getValidator } from "@govex/validator";
import { personFile } from "./generate.js";

const count = Number(process.env.BENCH_RECORDS ?? 1_000_000);
if (!Number.isInteger(count) || count < 1000) {
  console.log(`BENCH_RECORDS must be an integer ≥ 1000 (got ${process.env.BENCH_RECORDS})`);
  process.exit(0);
}
const RUNS = 2;
const SAMPLE = 1000;

console.log(`@govex/validator NDJSON benchmark`);
console.log(
  `node ${process.version} | ${cpus()[0]?.model.trim() ?? "unknown CPU"} × ${cpus().length}`,
);
console.log(
  `N = ${count.toLocaleString("en")} person records | load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const t0 = performance.now();
const file = await personFile(count);
const size = statSync(file).size;
console.log(
  `data: ${file} (${(size / 1048576).toFixed(1)} MB, ${(size / count).toFixed(0)} B/record; ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

// Sanity check: the generated records are valid (the benchmark measures the valid path).
{
  const validator = await getValidator("person");
  const fd = openSync(file, "r");
  const head = Buffer.alloc(Math.min(size, 4 << 20));
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const lines = head.toString("utf8").split("\n", SAMPLE);
  let valid = 0;
  let firstIssue: unknown;
  for (const l of lines) {
    const issues = validator.validate(JSON.parse(l), { lang: "en" });
    if (issues.length === 0) valid++;
    else firstIssue ??= issues[0];
  }
  console.log(
    `sample check: ${valid} of ${lines.length} records valid with getValidator("person")`,
  );
  if (firstIssue !== undefined) console.log(`first issue: ${JSON.stringify(firstIssue)}`);
}

interface Result {
  records: number;
  valid: number;
  ms: number;
  maxRssKB: number;
}
type Outcome = Result | { unavailable: string };

const runner = join(import.meta.dirname, "runner.ts");
function once(variant: string): Outcome {
  const child = spawnSync(
    process.execPath,
    ["--conditions=@govex/source", "--import", "tsx", runner, variant, file],
    { encoding: "utf8", maxBuffer: 1 << 20, cwd: join(import.meta.dirname, "..") },
  );
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as Outcome;
  } catch {
    const why = (child.stderr || child.stdout || `exit ${child.status}`)
      .trim()
      .split("\n")
      .slice(-3)
      .join(" ");
    return { unavailable: `runner failed: ${why}` };
  }
}

const variants = [
  ["a", "parse", "split + JSON.parse (ceiling)"],
  ["b", "govex", "govex validateFile, 1 thread"],
  [
    "b'",
    "govex-parallel",
    `govex validateFile, workers ${process.env.BENCH_WORKERS ?? `auto (${Math.min(availableParallelism(), 4)})`}`,
  ],
  ["c", "ajv", "plain Ajv2020, formats ignored, no rules"],
  ["d", "zod", "generated zod PersonSchema.safeParse"],
] as const;
const best = new Map<string, Outcome>();
for (let run = 0; run < RUNS; run++) {
  for (const [key, variant] of variants) {
    const r = once(variant);
    const prev = best.get(key);
    if (prev === undefined || ("ms" in r && (!("ms" in prev) || r.ms < prev.ms))) best.set(key, r);
  }
}

const rate = (r: Result) => r.records / (r.ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const get = (k: string): Result | undefined => {
  const r = best.get(k);
  return r !== undefined && "ms" in r ? r : undefined;
};
const a = get("a");
console.log(`\nbest of ${RUNS} runs per variant, each in a fresh process\n`);
console.log("| variant | records/s | × vs (a) | µs/record over (a) | peak RSS MB | valid |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [key, , label] of variants) {
  const r = get(key);
  if (r === undefined) {
    const why = (best.get(key) as { unavailable: string }).unavailable;
    console.log(`| (${key}) ${label} | not available | — | — | — | ${why} |`);
    continue;
  }
  const ratio = a === undefined ? "—" : `${(rate(r) / rate(a)).toFixed(2)}`;
  const extra = a === undefined ? "—" : ((r.ms - a.ms) * 1000) / r.records;
  console.log(
    `| (${key}) ${label} | ${fmt(rate(r))} | ${ratio} | ${typeof extra === "number" ? extra.toFixed(2) : extra} | ${(r.maxRssKB / 1024).toFixed(0)} | ${r.valid.toLocaleString("en")} / ${r.records.toLocaleString("en")} |`,
  );
}

const b = get("b");
const bp = get("b'");
const d = get("d");
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
console.log("\ntargets (issue 2 §7)");
for (const [key, r] of [
  ["b", b],
  ["b'", bp],
] as const) {
  if (a && r) {
    const ratio = rate(r) / rate(a);
    console.log(`  (${key}) ≥ 0.75 × (a): ${ratio.toFixed(2)} × — ${verdict(ratio >= 0.75)}`);
  } else console.log(`  (${key}) ≥ 0.75 × (a): not measured`);
  if (r && d) {
    const ratio = rate(r) / rate(d);
    console.log(`  (${key}) ≥ 2 × (d):    ${ratio.toFixed(2)} × — ${verdict(ratio >= 2)}`);
  } else console.log(`  (${key}) ≥ 2 × (d):    not measured (zod variant not available)`);
}
if (b && bp)
  console.log(`  (b') / (b): ${(rate(bp) / rate(b)).toFixed(2)} × on ${cpus().length} cores`);
for (const [key, r] of [
  ["b", b],
  ["b'", bp],
] as const) {
  if (r && r.valid !== r.records)
    console.log(
      `note: (${key}) found ${r.records - r.valid} of ${r.records} generated records invalid`,
    );
}
