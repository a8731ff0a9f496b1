/**
 * adapter-sql through the provider runtime (ed25519-signed requests and responses, mapping,
 * validation) against a plain `pg` keyset read of the same rows, on a throwaway PostgreSQL on
 * loopback. Both walk every row in pages of PAGE; variants alternate over ROUNDS rounds and the
 * median is reported, with the ratio to the baseline measured in the same run.
 *
 *   pnpm --filter @govex/adapter-sql bench          (BENCH_ROWS=100000 BENCH_PAGE=1000 BENCH_ROUNDS=3)
 *   GOVEX_BENCH_POSTGRES_URL=postgres://… uses that server instead of starting one.
 */
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { createMappedAdapter, createProviderServer, loadMapping } from "@govex/adapter";
import { createProviderClient } from "@govex/client";
import { residentIdCheckCharacter } from "@govex/schemas";
import { createSigner, createVerifier } from "@govex/security";
import pg from "pg";
import { startPostgres } from "../../../test/global-setup.js";
import { createSource } from "../src/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PAGE = Number(process.env.BENCH_PAGE ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function row(n: number): unknown[] {
  // A distinct (birth date, sequence) pair for every n: 20,000 birth dates × 1,000 sequences.
  const birth = new Date(Date.UTC(1950, 0, 1) + (n % 20_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll("-", "");
  const first17 = `370102${birth}${String(Math.floor(n / 20_000) % 1000).padStart(3, "0")}`;
  return [
    first17 + residentIdCheckCharacter(first17),
    `测试人员${n}`,
    n % 2 ? "M" : "F",
    birth,
    `山东省济南市历下区示例路${n}号`,
  ];
}

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("drop table if exists t_rk_jbxx");
  await client.query(
    "create table t_rk_jbxx (gmsfhm text primary key, xm text not null, xb text, csrq text, zz text)",
  );
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map(
      (_, i) => `($${i * 5 + 1},$${i * 5 + 2},$${i * 5 + 3},$${i * 5 + 4},$${i * 5 + 5})`,
    );
    await client.query(`insert into t_rk_jbxx values ${values.join(",")}`, batch.flat());
    batch = [];
  };
  for (let n = 0; n < ROWS; n++) {
    batch.push(row(n));
    if (batch.length === 2000) await flush();
  }
  await flush();
  await client.query("analyze t_rk_jbxx");
  await client.end();
}

/** Baseline: the same rows, columns and pages, read with a plain pg keyset query. */
async function plainPg(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  let after = "";
  let total = 0;
  for (;;) {
    const { rows } = await client.query(
      "select gmsfhm, xm, xb, csrq, zz from t_rk_jbxx where gmsfhm > $1 order by gmsfhm limit $2",
      [after, PAGE],
    );
    total += rows.length;
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].gmsfhm;
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  if (total !== ROWS) throw new Error(`plain pg read ${total} rows, expected ${ROWS}`);
  return total / seconds;
}

async function main(): Promise<void> {
  const preset = process.env.GOVEX_BENCH_POSTGRES_URL;
  const server = preset ? undefined : await startPostgres();
  const url = preset ?? (server?.url as string);
  try {
    process.stdout.write(`seeding ${ROWS} rows… `);
    await seed(url);
    process.stdout.write("done\n");

    const exchange = generateKeyPairSync("ed25519");
    const provider = generateKeyPairSync("ed25519");
    const env = { BENCH_DATABASE_URL: url };
    const mapping = await loadMapping(join(import.meta.dirname, "mapping.yaml"));
    const source = await createSource(mapping.source, { baseDir: mapping.baseDir, env });
    const adapter = await createMappedAdapter({
      system: "基准测试系统",
      resources: [{ mapping, source }],
      // BENCH_PREFETCH_MS=0 measures without the read-ahead of the next page.
      ...(process.env.BENCH_PREFETCH_MS
        ? { prefetchMs: Number(process.env.BENCH_PREFETCH_MS) }
        : {}),
    });
    const runtime = createProviderServer({
      adapter,
      signer: createSigner({ keyId: "provider", algorithm: "ed25519", key: provider.privateKey }),
      exchangeKeys: new Map([
        [
          "exchange",
          createVerifier({ keyId: "exchange", algorithm: "ed25519", key: exchange.publicKey }),
        ],
      ]),
      metricsPath: false,
    });
    const baseUrl = await runtime.listen({ port: 0, host: "127.0.0.1" });
    const client = createProviderClient({
      baseUrl,
      signer: createSigner({ keyId: "exchange", algorithm: "ed25519", key: exchange.privateKey }),
      keys: new Map([
        [
          "provider",
          createVerifier({ keyId: "provider", algorithm: "ed25519", key: provider.publicKey }),
        ],
      ]),
    });

    /** govex: every page signed, verified, mapped and validated. */
    const viaProvider = async (): Promise<number> => {
      const started = performance.now();
      let total = 0;
      let cursor: string | undefined;
      for (;;) {
        const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records", {
          params: {
            path: { prefix: "101001", suffix: "900001" },
            query: { purpose: "性能基准测试", limit: PAGE, ...(cursor ? { cursor } : {}) },
          },
        });
        total += data.items.length;
        if (!data.nextCursor) break;
        cursor = data.nextCursor;
      }
      const seconds = (performance.now() - started) / 1000;
      if (total !== ROWS) throw new Error(`provider served ${total} records, expected ${ROWS}`);
      return total / seconds;
    };

    /** The mapped adapter called in-process: reads, mapping and validation without HTTP or signatures. */
    const inProcess = async (): Promise<number> => {
      const started = performance.now();
      let total = 0;
      let cursor: string | undefined;
      for (;;) {
        const page = await adapter.query(
          "101001/900001",
          { filter: {}, limit: PAGE, ...(cursor ? { cursor } : {}) },
          { requestId: "bench", purpose: "性能基准测试" },
        );
        total += page.items.length;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return total / ((performance.now() - started) / 1000);
    };

    // Warm up both paths once (JIT, connection pools), then alternate.
    await plainPg(url);
    await viaProvider();
    const baseline: number[] = [];
    const govex: number[] = [];
    const adapterOnly: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push(await plainPg(url));
      govex.push(await viaProvider());
      adapterOnly.push(await inProcess());
    }
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const a = median(baseline);
    const b = median(govex);
    const c = median(adapterOnly);
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    process.stdout.write(
      [
        "",
        `adapter-sql via the provider runtime, ${ROWS.toLocaleString("en-US")} rows in PostgreSQL, pages of ${PAGE}, median of ${ROUNDS} rounds`,
        "| variant | records/s | × (a) |",
        "|---|---:|---:|",
        `| (a) plain pg keyset query, same rows and columns | ${fmt(a)} | 1.00 |`,
        `| (b) govex provider: ed25519-signed both ways, mapped, validated | ${fmt(b)} | ${(b / a).toFixed(2)} |`,
        `| (c) the mapped adapter in-process (no HTTP, no signatures) | ${fmt(c)} | ${(c / a).toFixed(2)} |`,
        `target (b) ≥ 0.5 × (a): ${b / a >= 0.5 ? "met" : "missed"}`,
        "",
      ].join("\n"),
    );
    await runtime.close();
  } finally {
    await server?.stop();
  }
}

await main();
