/**
 * `pnpm --filter govex bench`: the built CLI (packages/cli/dist/bin.js, so `pnpm build` first).
 *   (i)  start-up — `govex validate <one-line file> --schema person`, 10 runs, beside `node -e 0`
 *        measured in the same run;
 *   (ii) peak memory — `govex validate <big> --schema person --format json` on an NDJSON file of
 *        BENCH_LARGE_MB (default 1024) MB, beside a plain `node` that reads, splits and
 *        JSON.parses the same file (the ceiling), measured in the same run.
 * Peak RSS comes from `/usr/bin/time -f %M`, else from polling /proc/<pid>/status VmHWM.
 * This is a measurement, not a test: a missed target is reported, never an exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { benchDataDir, personFile, personRecord } from "../../validator/bench/generate.js";

const bin = join(import.meta.dirname, "..", "dist", "bin.js");
console.log("govex CLI benchmark");
if (!existsSync(bin)) {
  console.log("packages/cli/dist/bin.js is missing: run pnpm build first.");
  process.exit(0);
}
console.log(
  `node ${process.version} | ${cpus()[0]?.model.trim() ?? "unknown CPU"} × ${cpus().length}`,
);

const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

// (i) start-up on a one-line file ------------------------------------------------------------
const RUNS = 10;
const tmp = mkdtempSync(join(tmpdir(), "govex-bench-"));
const one = join(tmp, "one.ndjson");
writeFileSync(one, `${personRecord(0)}\n`);

function wall(args: string[]): { s: number; status: number | null } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: "ignore" });
  return { s: (performance.now() - t) / 1000, status: r.status };
}
const base: number[] = [];
const cli: number[] = [];
const statuses = new Set<number | null>();
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so that load from other processes hits both alike.
  base.push(wall(["-e", "0"]).s);
  const r = wall([bin, "validate", one, "--schema", "person"]);
  cli.push(r.s);
  statuses.add(r.status);
}
rmSync(tmp, { recursive: true, force: true });

console.log(`\n(i) start-up: govex validate <one-line file> --schema person, ${RUNS} runs each\n`);
console.log("| command | median s | max s | × vs node -e 0 (median) |");
console.log("|---|---:|---:|---:|");
console.log(
  `| node -e 0 (baseline) | ${median(base).toFixed(3)} | ${Math.max(...base).toFixed(3)} | 1.00 |`,
);
console.log(
  `| govex validate | ${median(cli).toFixed(3)} | ${Math.max(...cli).toFixed(3)} | ${(median(cli) / median(base)).toFixed(2)} |`,
);
console.log(`exit status of govex validate: ${[...statuses].join(", ")} (0 = file valid)`);
console.log(`target median < 0.4 s: ${median(cli).toFixed(3)} s — ${verdict(median(cli) < 0.4)}`);

// (ii) peak memory on a large file ----------------------------------------------------------
const targetMb = Number(process.env.BENCH_LARGE_MB ?? 1024);
const big = join(benchDataDir, `person-${targetMb}mb.ndjson`);
if (!existsSync(big)) {
  const source = await personFile(1_000_000);
  const chunk = readFileSync(source);
  const part = `${big}.${process.pid}.tmp`;
  const out = createWriteStream(part);
  let written = 0;
  const target = targetMb * 1048576;
  while (written < target) {
    // Whole records only: the last copy is cut at the last LF that fits.
    const left = target - written;
    const piece =
      left >= chunk.length ? chunk : chunk.subarray(0, chunk.lastIndexOf(0x0a, left - 1) + 1);
    if (piece.length === 0) break;
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    written += piece.length;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(part, big);
}
const size = statSync(big).size;

interface Measured {
  s: number;
  rssKB: number;
  stdout: string;
  status: number | null;
}
const hasTime = existsSync("/usr/bin/time");

/** Runs node with args; wall time and peak RSS (KB) of that process. */
async function measure(args: string[]): Promise<Measured> {
  const t = performance.now();
  if (hasTime) {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
    const s = (performance.now() - t) / 1000;
    const rssKB = Number(r.stderr.trim().split("\n").at(-1));
    return { s, rssKB, stdout: r.stdout, status: r.status };
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  let rssKB = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) rssKB = Math.max(rssKB, Number(m[1]));
    } catch {
      // the process has just exited
    }
  }, 20);
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(poll);
  return { s: (performance.now() - t) / 1000, rssKB, stdout, status };
}

// The ceiling: read in 64 KiB chunks, split on LF, JSON.parse each line; nothing else.
const ceilingScript = `
const fs = require("node:fs");
let n = 0, rest = null;
const s = fs.createReadStream(process.argv[1], { highWaterMark: 65536 });
s.on("data", (c) => {
  let pos = 0, nl = c.indexOf(10);
  if (rest) { if (nl < 0) { rest = Buffer.concat([rest, c]); return; }
    JSON.parse(Buffer.concat([rest, c.subarray(0, nl)]).toString("utf8")); n++; rest = null; pos = nl + 1; nl = c.indexOf(10, pos); }
  while (nl >= 0) { if (nl > pos) { JSON.parse(c.toString("utf8", pos, nl)); n++; } pos = nl + 1; nl = c.indexOf(10, pos); }
  if (pos < c.length) rest = Buffer.from(c.subarray(pos));
});
s.on("end", () => console.log(n));
`;
const ceiling = await measure(["-e", ceilingScript, big]);
const ceilingRecords = Number(ceiling.stdout.trim());
const govex = await measure([bin, "validate", big, "--schema", "person", "--format", "json"]);
let summary: { records?: number; valid?: number } = {};
try {
  summary = (JSON.parse(govex.stdout) as { summary: typeof summary }).summary;
} catch {
  console.log(`could not read the JSON report (exit status ${govex.status})`);
}
const records = summary.records ?? ceilingRecords;
const mb = size / 1048576;

console.log(
  `\n(ii) large file: ${mb.toFixed(0)} MB NDJSON, ${records.toLocaleString("en")} records (${summary.valid?.toLocaleString("en") ?? "?"} valid); peak RSS via ${hasTime ? "/usr/bin/time -f %M" : "/proc/<pid>/status VmHWM"}\n`,
);
console.log("| command | s | records/s | MB/s | peak RSS MB |");
console.log("|---|---:|---:|---:|---:|");
const row = (label: string, m: Measured, n: number) =>
  `| ${label} | ${m.s.toFixed(1)} | ${Math.round(n / m.s).toLocaleString("en")} | ${(mb / m.s).toFixed(1)} | ${(m.rssKB / 1024).toFixed(0)} |`;
console.log(row("node: split + JSON.parse (ceiling)", ceiling, ceilingRecords));
console.log(row("govex validate --format json", govex, records));
console.log(
  `govex vs ceiling: ${(ceiling.s / govex.s).toFixed(2)} × the throughput, ${(govex.rssKB / Math.max(ceiling.rssKB, 1)).toFixed(2)} × the peak RSS`,
);
const rssMb = govex.rssKB / 1024;
console.log(`target peak RSS < 200 MB: ${rssMb.toFixed(0)} MB — ${verdict(rssMb < 200)}`);
