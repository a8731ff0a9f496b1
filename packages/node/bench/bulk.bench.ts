/**
 * `node --conditions=@govex/source --import tsx bench/bulk.bench.ts` (issue 10 §5): bulk push
 * throughput through the exchange node — streamed over a real socket, every line checked and
 * validated, rows written in checkpoints, SHA-256 and SM3 of the bytes, the signed receipt —
 * beside `govex validate`'s validator (@govex/validator validateFile, one thread and "auto")
 * on the same NDJSON file, in the same run, as a ratio (target ≥ 0.7×).
 *
 *   BENCH_BULK_MB (64): size of the file · BENCH_POSTGRES=0: the node on PGlite in memory only ·
 *   BENCH_PGLITE=0: on PostgreSQL only
 *   GOVEX_BENCH_POSTGRES_URL: the PostgreSQL to push to (default: a throwaway server)
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getValidator, validateFile } from "@govex/validator";
import { type Started, startPostgres } from "../../../test/global-setup.js";
import { pushBatch } from "../test/helpers/bulk-http.js";
import {
  joinDepartments,
  startTestExchange,
  startTestProvider,
  UNCONDITIONAL,
} from "../test/helpers/exchange.js";

/** The record schema the test provider describes (test/helpers/exchange.ts): the node's rules. */
const RECORD_SCHEMA = {
  type: "object",
  properties: {
    residentId: { type: "string" },
    name: { type: "string" },
    mobile: { type: "string" },
    city: { type: "string" },
  },
};

const MB = Number(process.env.BENCH_BULK_MB ?? 64);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "govex-bulk-bench-"));
  const file = join(dir, "people.ndjson");
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < MB * 1024 * 1024; i++) {
    const line = `{"residentId":"37010219800101${String(1000 + (i % 9000)).slice(-4)}","name":"张${i}","mobile":"139${String(10000000 + i).slice(-8)}","city":"济南"}\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  await writeFile(file, lines.join(""));
  const rows = lines.length;
  lines.length = 0;
  const bytes = (await stat(file)).size;
  const rate = (seconds: number) =>
    `${Math.round(rows / seconds)} rows/s, ${(bytes / 1048576 / seconds).toFixed(1)} MB/s`;

  // (a) govex validate's validator on the same file, against the same record schema.
  const validator = await getValidator(RECORD_SCHEMA);
  const figures: Record<string, number> = {};
  for (const workers of [1, "auto"] as const) {
    const started = performance.now();
    const report = await validateFile(file, validator, { workers, lang: "en" });
    figures[`validate (${workers})`] = (performance.now() - started) / 1000;
    if (report.records !== rows) throw new Error(`validate saw ${report.records} of ${rows} rows`);
  }

  // (b) pushed through the node, streamed from the file: on PGlite in memory (in this process),
  // then on PostgreSQL (its own processes).
  const push = async (label: string, store: { url?: string }) => {
    const exchange = await startTestExchange(store);
    const provider = await startTestProvider(exchange.provider.signer, exchange.nodeVerifier);
    try {
      await joinDepartments(exchange, provider);
      const started = performance.now();
      const pushed = await pushBatch(exchange, exchange.provider, UNCONDITIONAL, () =>
        createReadStream(file, { highWaterMark: 256 * 1024 }),
      );
      figures[label] = (performance.now() - started) / 1000;
      if (pushed.status !== 201 || pushed.json.accepted !== rows)
        throw new Error(
          `push answered ${pushed.status} ${JSON.stringify(pushed.json).slice(0, 300)}`,
        );
    } finally {
      await provider.close();
      await exchange.close();
    }
  };
  let server: Started | undefined;
  try {
    if (process.env.BENCH_PGLITE !== "0") await push("push (node, PGlite)", {});
    if (process.env.BENCH_POSTGRES !== "0") {
      const preset = process.env.GOVEX_BENCH_POSTGRES_URL;
      server = preset === undefined ? await startPostgres() : undefined;
      await push("push (node, PostgreSQL)", { url: preset ?? (server?.url as string) });
    }
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const base = figures["validate (1)"] as number;
  log(`bulk: ${rows} rows, ${(bytes / 1048576).toFixed(1)} MB`);
  for (const [name, seconds] of Object.entries(figures))
    log(
      `  ${name.padEnd(22)} ${seconds.toFixed(2)} s  ${rate(seconds)}  ${(base / seconds).toFixed(2)}× of validate (1 thread)`,
    );
}

await main();
