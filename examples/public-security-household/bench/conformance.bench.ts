/**
 * A full conformance run against an example department (公安 户籍人口 on adapter-sql over
 * embedded PGlite, in a temporary copy of the example), beside its baseline measured in the same
 * run: as many signed `GET /health` calls, one after another, as the kit sent requests — the
 * protocol's own floor for that many round trips. Target: a run under 10 s.
 *
 *   pnpm --filter @govex/example-public-security-household bench          (BENCH_ROUNDS=3)
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_DIR, startExample } from "../src/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = await mkdtemp(join(tmpdir(), "govex-bench-conformance-"));
await cp(EXAMPLE_DIR, dir, {
  recursive: true,
  filter: (source) => !/[\\/](node_modules|\.data)([\\/]|$)/.test(source),
});
const example = await startExample({ port: 0, dir });
try {
  const client = example.department.client();
  // Warm-up: the first run in a process compiles the spec's schemas.
  await example.department.conformance();
  const runs: number[] = [];
  const floors: number[] = [];
  let requests = 0;
  let passed = 0;
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    const result = await example.department.conformance();
    runs.push(performance.now() - started);
    ({ requests } = result);
    ({ passed, total } = result.summary);
    started = performance.now();
    for (let i = 0; i < requests; i++) await client.request("get", "/health", {});
    floors.push(performance.now() - started);
  }
  const run = median(runs);
  const floor = median(floors);
  process.stdout.write(
    [
      "",
      `conformance kit against examples/public-security-household (PGlite), median of ${ROUNDS} rounds`,
      "| measurement | time | × baseline | target |",
      "|---|---:|---:|---|",
      `| baseline: ${requests} signed GET /health in sequence | ${(floor / 1000).toFixed(2)} s | 1.00 | — |`,
      `| full conformance run (${passed}/${total} checks passed, ${requests} requests) | ${(run / 1000).toFixed(2)} s | ${(run / floor).toFixed(2)} | < 10 s — ${run < 10_000 ? "met" : "missed"} |`,
      "",
    ].join("\n"),
  );
} finally {
  await example.close();
  await rm(dir, { recursive: true, force: true });
}
