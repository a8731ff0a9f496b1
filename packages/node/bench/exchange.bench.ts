/**
 * `pnpm bench` for @govex/node (issue: the reference exchange node, §5). A consumer query
 * through the exchange node — the consumer's RFC 9421 signature verified against the registry
 * with its nonce claimed in the database, the access rules of a 有条件共享 resource under an
 * approved share request (granted fields only, masked), the provider called over the second
 * signed hop and its answer verified, the audit leaf committed, the answer signed — against the
 * same provider called directly with requests signed the same way (by the node's key, as the
 * node signs them). Both under autocannon, 100 connections, on loopback, in one run:
 *
 *   (a) the provider directly · (b) through the node on PGlite in memory ·
 *   (c) through the node on PostgreSQL (a throwaway server on loopback, when one can be started)
 *
 * The node, the provider and the load generator are three processes (node-process.ts,
 * provider-process.ts, this one). Every request carries its own signature with a fresh nonce,
 * signed before the timed run and handed out once (load.ts); every status is counted, and the
 * node's audit log must have grown by one leaf per request.
 *
 *   BENCH_SECONDS (10): each timed run, sized from the warm-up's rate · BENCH_WARMUP_SECONDS (2)
 *   BENCH_CONNECTIONS (100) · BENCH_LIMIT (10): records a page
 *   BENCH_POSTGRES=0 skips (c) · GOVEX_BENCH_POSTGRES_URL: use that server for (c)
 *   BENCH_PROFILE=1: a profiled extra run of (b) and of (c), and the node's top CPU costs
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { availableParallelism, cpus, loadavg } from "node:os";
import { createSigner, type Signer } from "@govex/security";
import pg from "pg";
import { type Started, startPostgres } from "../../../test/global-setup.js";
import { CONDITIONAL } from "../test/helpers/exchange.js";
import { summarizeCpuProfile } from "./cpu-profile.js";
import { type LoadResult, load, presign } from "./load.js";
import {
  type NodeReply,
  type NodeRequest,
  type ProviderReply,
  type ProviderRequest,
  PURPOSE,
} from "./messages.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const LIMIT = Number(process.env.BENCH_LIMIT ?? 10);
const PROFILE = process.env.BENCH_PROFILE === "1";
const GRANTED = ["residentId", "name"];
const [PREFIX, SUFFIX] = CONDITIONAL.split("/") as [string, string];

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A forked process spoken to one request at a time. */
interface Child<Req, Reply extends { type: string }> {
  process: ChildProcess;
  ask<T extends Reply["type"]>(message: Req, want: T): Promise<Extract<Reply, { type: T }>>;
}

function child<Req, Reply extends { type: string }>(file: string): Child<Req, Reply> {
  const proc = fork(new URL(file, import.meta.url), [], {
    execArgv: ["--conditions=@govex/source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // The child says "ready" once it listens; nothing is sent to it before.
  const ready = Promise.race([
    once(proc, "message"),
    once(proc, "exit").then(([code]) => {
      throw new Error(`${file} exited with ${code} while starting`);
    }),
  ]);
  ready.catch(() => {}); // a child killed before it was asked anything is no error
  return {
    process: proc,
    async ask(message, want) {
      await ready;
      const answer = once(proc, "message");
      const exited = once(proc, "exit").then(([code]) => {
        throw new Error(`${file} exited with ${code} before answering ${want}`);
      });
      proc.send(message as object);
      const [reply] = (await Promise.race([answer, exited])) as [Reply];
      if (reply.type === "error")
        throw new Error(`${file}: ${(reply as unknown as { message: string }).message}`);
      if (reply.type !== want) throw new Error(`${file} answered ${reply.type}, not ${want}`);
      return reply as Extract<Reply, { type: typeof want }>;
    },
  };
}

async function stop(c: Child<{ type: "close" }, { type: string }>): Promise<void> {
  if (c.process.exitCode !== null) return;
  const exited = once(c.process, "exit");
  await c.ask({ type: "close" }, "closed").catch(() => c.process.kill());
  await exited;
}

/** A running exchange: the node (its own process) and its provider (another), joined. */
interface Site {
  node: Child<NodeRequest, NodeReply>;
  provider: Child<ProviderRequest, ProviderReply>;
  nodeUrl: string;
  providerUrl: string;
  consumer: Signer;
  nodeSigner: Signer;
  shareRequestId: string;
}

async function startSite(store: { url?: string }): Promise<Site> {
  const what = store.url === undefined ? "PGlite" : "PostgreSQL";
  const t0 = performance.now();
  const took = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const node = child<NodeRequest, NodeReply>("./node-process.ts");
  // Forked now so that its modules load while the node starts; it is told its keys later.
  const provider = child<ProviderRequest, ProviderReply>("./provider-process.ts");
  try {
    const started = await node.ask({ type: "start", store }, "started");
    log(`${what}: node started at ${took()}`);
    const { url: providerUrl } = await provider.ask(
      {
        type: "start",
        provider: started.provider,
        node: { keyId: started.node.keyId, publicPem: started.nodePublicPem },
      },
      "started",
    );
    log(`${what}: provider started at ${took()}`);
    const joined = await node.ask({ type: "join", providerUrl }, "joined");
    log(`${what}: departments joined, share request approved at ${took()}`);
    // The loaded path serves the granted fields only, masked (checked once here with the
    // harness's client, which also verifies the node's signature).
    const fields = Object.keys(joined.sample).sort();
    const granted = [...GRANTED].sort().join();
    if (fields.join() !== granted || [...joined.masked].sort().join() !== granted)
      throw new Error(`the granted query answered ${JSON.stringify(joined)}`);
    const signer = (k: { keyId: string; privatePem: string }) =>
      createSigner({ keyId: k.keyId, algorithm: "ed25519", key: k.privatePem });
    return {
      node,
      provider,
      nodeUrl: started.url,
      providerUrl,
      consumer: signer(started.consumer),
      nodeSigner: signer(started.node),
      shareRequestId: joined.shareRequestId,
    };
  } catch (error) {
    node.process.kill();
    provider.process.kill();
    throw error;
  }
}

async function stopSite(site: Site): Promise<void> {
  await stop(site.node as never);
  await stop(site.provider as never);
}

/** The consumer's query through the node, as a URL. */
function nodeQuery(site: Site): URL {
  const url = new URL(`${site.nodeUrl}/resources/${PREFIX}/${SUFFIX}/records`);
  url.searchParams.append("purpose", PURPOSE);
  url.searchParams.append("limit", String(LIMIT));
  return url;
}

/** The same query as the node forwards it to the provider (specs/provider v1). */
function providerQuery(site: Site): URL {
  const url = new URL(`${site.providerUrl}/resources/${PREFIX}/${SUFFIX}/records`);
  url.searchParams.append("purpose", PURPOSE);
  url.searchParams.append("fields", GRANTED.join(","));
  url.searchParams.append("limit", String(LIMIT));
  return url;
}

interface Measured extends LoadResult {
  /** The probe's and the warm-up's requests (untimed): sent, 2xx, rate of the warm-up. */
  untimed: { sent: number; ok: number; rps: number };
  signSeconds: number;
}

const clampCount = (n: number) => Math.max(CONNECTIONS * 2, Math.min(500_000, Math.round(n)));

/**
 * Probe the rate with one request per connection, warm up until the rate holds, size the timed
 * run to about SECONDS from the last warm-up's rate, sign it, run it.
 */
async function measure(name: string, url: URL, signer: Signer, site: Site): Promise<Measured> {
  const headers = { "govex-share-request": site.shareRequestId };
  const run = async (count: number) =>
    load(url.origin, await presign(url, count, signer, headers), CONNECTIONS);
  const probe = await run(CONNECTIONS);
  const untimed = { sent: probe.sent, ok: probe.ok, rps: probe.lateRps };
  // Warm-up rounds of about WARMUP_SECONDS until the rate holds within a fifth (two at least,
  // four at most: a fresh process's rate still climbs through the first).
  for (let round = 0; round < 4; round++) {
    const warm = await run(clampCount(untimed.rps * WARMUP_SECONDS));
    const steady = Math.abs(warm.lateRps - untimed.rps) < 0.2 * untimed.rps;
    untimed.sent += warm.sent;
    untimed.ok += warm.ok;
    untimed.rps = warm.lateRps;
    if (steady && round > 0) break;
  }
  if (untimed.ok !== untimed.sent)
    log(`${name}: ${untimed.sent - untimed.ok} non-2xx answers while warming up`);
  const count = clampCount(untimed.rps * SECONDS);
  const t = performance.now();
  const requests = await presign(url, count, signer, headers);
  const signSeconds = (performance.now() - t) / 1000;
  log(
    `${name}: warm-up ${untimed.rps.toFixed(0)} req/s; ${count} requests signed in ${signSeconds.toFixed(1)} s; running…`,
  );
  const result = await load(url.origin, requests, CONNECTIONS);
  return { ...result, untimed, signSeconds };
}

/** Through the node, with the audit log checked: one leaf per request sent, untimed ones too. */
async function measureNode(name: string, site: Site): Promise<Measured & { leaves: number }> {
  const before = (await site.node.ask({ type: "audit" }, "audit")).size;
  const result = await measure(name, nodeQuery(site), site.consumer, site);
  const after = (await site.node.ask({ type: "audit" }, "audit")).size;
  return { ...result, leaves: after - before - result.untimed.sent };
}

/** One more run through the node of about SECONDS under the V8 profiler, summarized. */
async function profileNode(label: string, site: Site, rps: number): Promise<string[]> {
  const url = nodeQuery(site);
  const requests = await presign(url, clampCount(rps * SECONDS), site.consumer, {
    "govex-share-request": site.shareRequestId,
  });
  await site.node.ask({ type: "profile-start" }, "profile-started");
  const profiled = await load(url.origin, requests, CONNECTIONS);
  const { file } = await site.node.ask({ type: "profile-stop" }, "profile");
  const summary = await summarizeCpuProfile(file, 15);
  const share = (x: number) => `${fmt(x * 100, 1)} %`;
  return [
    "",
    `CPU profile of the node process, ${label} (an extra run, not the figures above): ${fmt(profiled.rps)} req/s, ` +
      `${fmt(summary.busyMs)} ms sampled busy, ${fmt(summary.idleMs)} ms idle; ${file}`,
    "| owner: nearest govex file up the stack, else the module running | self ms | share of busy |",
    "|---|---:|---:|",
    ...summary.owners.map((o) => `| ${o.name} | ${fmt(o.ms)} | ${share(o.share)} |`),
    "",
    "| function (self time) | self ms | share of busy |",
    "|---|---:|---:|",
    ...summary.functions.map(
      (f) => `| ${f.name.replaceAll("|", "\\|")} | ${fmt(f.ms)} | ${share(f.share)} |`,
    ),
  ];
}

/** A fresh UTF8 / C.UTF-8 database on the server at `admin`, dropped by the returned function. */
async function benchDatabase(admin: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `govex_node_bench_${process.pid}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`drop database if exists ${name} with (force)`);
  await run(
    `create database ${name} template template0 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`,
  );
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "—";
const verdict = (ok: boolean) => (ok ? "met" : "**MISSED**");

/** PostgreSQL for (c): a throwaway server (or GOVEX_BENCH_POSTGRES_URL) and a fresh database. */
async function startPostgresSite(): Promise<{ site: Site; stop(): Promise<void> }> {
  const preset = process.env.GOVEX_BENCH_POSTGRES_URL;
  const server: Started | undefined = preset ? undefined : await startPostgres();
  let database: { url: string; drop(): Promise<void> } | undefined;
  const stopAll = async () => {
    await database?.drop().catch(() => {});
    await server?.stop();
  };
  try {
    database = await benchDatabase(preset ?? (server?.url as string));
    const site = await startSite({ url: database.url });
    return {
      site,
      async stop() {
        await stopSite(site);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function main(): Promise<void> {
  const rows: { label: string; r: Measured; leaves?: number }[] = [];
  let postgresNote = "";
  const profileLines: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;

  // Both exchanges are set up side by side (set-up is most of the bench's time), then measured
  // one after the other while the other one idles.
  const t0 = performance.now();
  const [pglite, postgres] = await Promise.allSettled([
    startSite({}),
    process.env.BENCH_POSTGRES === "0"
      ? Promise.reject(new Error("BENCH_POSTGRES=0"))
      : startPostgresSite(),
  ]);
  if (pglite.status === "rejected") {
    if (postgres.status === "fulfilled") await postgres.value.stop();
    throw pglite.reason;
  }
  const site = pglite.value;
  log(`exchanges set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const direct = await measure("(a) direct", providerQuery(site), site.nodeSigner, site);
    rows.push({ label: "(a) provider called directly, ed25519-signed by the caller", r: direct });
    const viaPglite = await measureNode("(b) node/PGlite", site);
    rows.push({
      label: "(b) through the node, PGlite in memory",
      r: viaPglite,
      leaves: viaPglite.leaves,
    });
    if (postgres.status === "fulfilled") {
      const viaPostgres = await measureNode("(c) node/PostgreSQL", postgres.value.site);
      rows.push({
        label: "(c) through the node, PostgreSQL on loopback",
        r: viaPostgres,
        leaves: viaPostgres.leaves,
      });
      if (PROFILE) {
        profileLines.push(...(await profileNode("(b) PGlite", site, viaPglite.rps)));
        profileLines.push(
          ...(await profileNode("(c) PostgreSQL", postgres.value.site, viaPostgres.rps)),
        );
      }
    } else {
      const why =
        postgres.reason instanceof Error ? postgres.reason.message : String(postgres.reason);
      postgresNote = `(c) not measured: ${why}`;
      if (PROFILE) profileLines.push(...(await profileNode("(b) PGlite", site, viaPglite.rps)));
    }
  } finally {
    await stopSite(site);
    if (postgres.status === "fulfilled") await postgres.value.stop();
  }

  const base = rows[0]?.r as Measured;
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const out = [
    "",
    `@govex/node — GET /v1/resources/${CONDITIONAL}/records (${LIMIT} records a page, 2 of 4 fields granted, masked) ` +
      `under autocannon, ${CONNECTIONS} connections, on loopback (Node ${process.version}, ` +
      `${availableParallelism()} CPUs: ${cpu}). The node, the provider and the load generator are three ` +
      "processes sharing these CPUs; every request carries its own ed25519 signature and nonce. " +
      `1-minute load average ${loadBefore.toFixed(1)} before the run, ${(loadavg()[0] ?? 0).toFixed(1)} after it ` +
      "(the second counts the run's own processes; other work on the machine raises both).",
    "| path | requests | non-2xx or lost | req/s | p50 ms | p99 ms | p99 ms, open connections | req/s ÷ (a) | target |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const { label, r } of rows) {
    const bad = r.sent - r.ok;
    const target =
      r === base
        ? "baseline"
        : `ratio ≥ 0.4 ${verdict(r.rps / base.rps >= 0.4)}; p99 < 50 ms ${verdict(r.p99 < 50)}` +
          ` (open connections: ${verdict(r.p99Open < 50)})`;
    out.push(
      `| ${label} | ${fmt(r.sent)} | ${bad}${bad > 0 ? " (ERRORS)" : ""} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p99Open, 1)} | ${(r.rps / base.rps).toFixed(2)} | ${target} |`,
    );
  }
  out.push(
    "",
    'p99 counts every answer; "open connections" leaves out each connection\'s first answer, which also ' +
      "waits in the server's accept queue while its event loop is saturated (autocannon opens its " +
      `${CONNECTIONS} connections at the start of each run). At ${CONNECTIONS} connections the mean latency is ` +
      `${CONNECTIONS} ÷ req/s (Little's law): p99 < 50 ms needs more than ${fmt(CONNECTIONS / 0.05)} req/s.`,
  );
  for (const { label, r, leaves } of rows) {
    const statuses = Object.entries(r.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(" ");
    out.push(
      `${label.slice(0, 3)} ${fmt(r.seconds, 1)} s timed after ${r.untimed.sent} untimed (warm-up at ${fmt(r.untimed.rps)} req/s; ` +
        `signing the run took ${fmt(r.signSeconds, 1)} s before it); statuses ${statuses}; ` +
        `errors ${r.errors}, timeouts ${r.timeouts}; max ${fmt(r.max, 1)} ms` +
        (leaves === undefined
          ? ""
          : `; audit leaves appended ${leaves} for ${r.sent} requests (${leaves === r.sent ? "one each" : "MISMATCH"})`),
    );
  }
  if (postgresNote) out.push(postgresNote);
  out.push(...profileLines, "");
  process.stdout.write(out.join("\n"));
}

await main();
