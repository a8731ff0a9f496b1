/**
 * `pnpm bench` (validator): records/s and peak RSS on N synthetic `person` records in NDJSON —
 * (a) line splitting + JSON.parse alone, the ceiling; (b) govex validateFile; (c) plain ajv on the
 * same schema without govex formats or rules; (d) the generated zod schema's safeParse.
 * Every figure is printed beside the ceiling measured in the same run, as a ratio. Each variant
 * runs in a fresh process, twice; the faster run is kept. Misses are reported, never fatal.
 *
 * BENCH_RECORDS=N overrides the count (default 1,000,000).
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { personFile } from "./generate.js";

const count = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const file = await personFile(count);
const runner = join(import.meta.dirname, "runner.ts");

interface Result {
  records: number;
  valid: number;
  ms: number;
  maxRssMB: number;
}

function run(variant: string): Result {
  const once = () =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ["--conditions=@govex/source", "--import", "tsx", runner, variant, file],
        {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        },
      ),
    ) as Result;
  const a = once();
  const b = once();
  return a.ms <= b.ms ? a : b;
}

const variants = [
  ["a", "parse", "split + JSON.parse (ceiling)"],
  ["b", "govex", "govex validateFile"],
  ["c", "ajv", "plain ajv, no govex formats/rules"],
  ["d", "zod", "generated zod safeParse"],
] as const;
const results = new Map<string, Result>();
for (const [key, variant] of variants) results.set(key, run(variant));

const rate = (r: Result) => r.records / (r.ms / 1000);
const ceiling = rate(results.get("a") as Result);
console.log(`\n@govex/validator NDJSON benchmark — ${count.toLocaleString("en")} person records`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}\n`);
console.log("| variant | records/s | × (a) | valid | peak RSS MB |");
console.log("|---|---:|---:|---:|---:|");
for (const [key, , label] of variants) {
  const r = results.get(key) as Result;
  console.log(
    `| (${key}) ${label} | ${Math.round(rate(r)).toLocaleString("en")} | ${(rate(r) / ceiling).toFixed(2)} | ${r.valid.toLocaleString("en")} | ${r.maxRssMB.toFixed(0)} |`,
  );
}
const b = rate(results.get("b") as Result);
const d = rate(results.get("d") as Result);
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
console.log(
  `\ntarget (b) ≥ 0.75 × (a): ${(b / ceiling).toFixed(2)} × — ${verdict(b / ceiling >= 0.75)}`,
);
console.log(`target (b) ≥ 2 × (d):    ${(b / d).toFixed(2)} × — ${verdict(b / d >= 2)}`);
if ((results.get("b") as Result).valid !== count)
  console.log(
    `note: only ${(results.get("b") as Result).valid} of ${count} generated records were valid`,
  );
