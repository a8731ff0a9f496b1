/**
 * Several nodes on one PostgreSQL (issue: events, bulk and scale-out §3, §4): three `govex start`
 * processes share one database and one set of keys. The example departments join through the
 * first; the demo consumer's walk runs through each of the three at once; then a loopback load
 * of mixed reads, verifies and writes is spread over the three. Afterwards: no errors, every
 * request is a leaf of the one audit log (by its request id), the log checks whole from the
 * inside, and every checkpoint any node signed is consistent with the next.
 *
 *   FAULT_LOAD_SECONDS (60): the timed load · FAULT_WARMUP_SECONDS (20): the warm-up before it
 *   (repeated, up to twice more, until the nodes' memory is steady)
 *   FAULT_LOAD_CONNECTIONS (8): connections per node
 */
import {
  closeDepartments,
  joinDemoDepartments,
  runDemoWalk,
  type StartedDepartment,
} from "@govex/example-exchange";
import { parseVerifierKey } from "@govex/security";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type LoadResult, load, type Presigned, presignOne } from "../../bench/load.js";
import { checkAuditLog } from "../../src/audit/check.js";
import { listAuditCheckpoints } from "../../src/audit/checkpoints.js";
import { todayInChina } from "../../src/calendar/index.js";
import { type LocalNodeAccess, localNodeKeys } from "../../src/local-node.js";
import { openStore, type Store } from "../../src/store/index.js";
import {
  type FaultSite,
  type NodeProcess,
  rssOf,
  startFaultSite,
  startNodeProcess,
} from "./cluster.js";

const SECONDS = Number(process.env.FAULT_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.FAULT_LOAD_CONNECTIONS ?? 8);
const WARMUP_SECONDS = Number(process.env.FAULT_WARMUP_SECONDS ?? 20);
const PURPOSE = "办理社会保险参保登记时核对参保人身份";

let site: FaultSite;
let nodes: NodeProcess[] = [];
let access: LocalNodeAccess[] = [];
let departments: StartedDepartment[] = [];
let store: Store;
const report: string[] = [];

beforeAll(async () => {
  site = await startFaultSite();
  const start = () =>
    startNodeProcess({ dataDir: site.dataDir, databaseUrl: site.postgres.url, gc: true });
  // The first makes the keys and migrates the database; the other two share both.
  const first = await start();
  nodes = [first, ...(await Promise.all([start(), start()]))];
  const keys = await localNodeKeys({ dataDir: site.dataDir });
  access = nodes.map((node) => ({ ...keys, url: node.url }));
  store = await openStore({ url: site.postgres.url });
});

afterAll(async () => {
  await closeDepartments(departments);
  await Promise.all(nodes.map((node) => node.stop()));
  await store?.close();
  await site?.close();
  if (report.length > 0) process.stdout.write(`${report.join("\n")}\n`);
});

const mib = (bytes: number | undefined) => ((bytes ?? 0) / 2 ** 20).toFixed(0);

function nodeAt(i: number): LocalNodeAccess {
  const node = access[i % access.length];
  if (!node) throw new Error("no node");
  return node;
}

it("joins the example departments through one node and runs the demo walk through all three", async () => {
  departments = await joinDemoDepartments(nodeAt(0), {
    dataDir: site.dataDir,
    ports: 0,
    say: () => {},
  });
  const walks = await Promise.all(access.map((node) => runDemoWalk(node, departments, () => {})));
  for (const walk of walks) {
    expect(walk.masked.length).toBeGreaterThan(0);
    expect(walk.verified).toEqual({ name: "match", residentId: "match" });
  }
  // Three share requests, one per walk, each answered through another node than the next.
  expect(new Set(walks.map((w) => w.shareRequestId)).size).toBe(3);
});

it(`carries a ${SECONDS} s mixed load over the three nodes without an error, memory flat`, async () => {
  const household = departments.find((d) => d.spec.key === "household");
  const insurance = departments.find((d) => d.spec.key === "insurance");
  if (!household || !insurance) throw new Error("the demo departments are not running");
  const consumer = insurance.department.keys.providerSigner;
  const resource = household.entry.resourceCode;
  const [prefix, suffix] = resource.split("/") as [string, string];
  // The consumer's approved share request, made by the walk.
  const granted = await store.query<{ id: string }>(
    `select id from share_requests where resource_code = $1 and requester_code = $2 and status = 'approved' limit 1`,
    [resource, insurance.entry.providerCode],
  );
  const grant = granted.rows[0]?.id;
  if (!grant) throw new Error("the walk left no approved share request");
  const shareRequestId: string = grant;
  const today = todayInChina();
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;

  /** A mix of 6 reads, 3 verifies and 1 write in 10, for node `n`. */
  async function requests(n: number, count: number): Promise<Presigned[]> {
    const base = nodeAt(n).url;
    const out: Presigned[] = [];
    for (let i = 0; i < count; i++) {
      const kind = i % 10;
      if (kind < 6) {
        const url = new URL(`${base}/resources/${prefix}/${suffix}/records`);
        url.searchParams.set("purpose", PURPOSE);
        url.searchParams.set("limit", "5");
        out.push(
          await presignOne(url, consumer, { headers: { "govex-share-request": shareRequestId } }),
        );
      } else if (kind < 9) {
        const url = new URL(`${base}/resources/${prefix}/${suffix}/verify`);
        url.searchParams.set("purpose", PURPOSE);
        out.push(
          await presignOne(url, consumer, {
            method: "POST",
            headers: {
              "govex-share-request": shareRequestId,
              "idempotency-key": `fault-verify-${n}-${count}-${i}`,
            },
            body: {
              key: `37010219800101${String(1000 + (i % 9000)).slice(-4)}`,
              values: { name: "张三" },
            },
          }),
        );
      } else {
        out.push(
          await presignOne(new URL(`${base}/share-requests`), consumer, {
            method: "POST",
            headers: { "idempotency-key": `fault-load-${n}-${count}-${i}` },
            body: {
              resourceCode: resource,
              fields: ["residentId", "name"],
              purpose: PURPOSE,
              legalBasis: "《中华人民共和国社会保险法》第五十八条",
              period: { from: today, to: nextYear },
            },
          }),
        );
      }
    }
    return out;
  }

  async function run(perNode: number[]): Promise<{ results: LoadResult[]; ids: string[] }> {
    const batches = await Promise.all(perNode.map((count, n) => requests(n, count)));
    const results = await Promise.all(
      batches.map((batch, n) => load(new URL(nodeAt(n).url).origin, batch, CONNECTIONS)),
    );
    const ids = batches.flat().map((r) => r.headers["x-request-id"] as string);
    return { results, ids };
  }

  // One write (201) in every ten requests, every other request a 200.
  const expected = (sent: number) => ({
    200: sent - Math.floor(sent / 10),
    201: Math.floor(sent / 10),
  });
  // RSS after a full collection in each node: what the node holds, not garbage not yet collected.
  const settledRss = async () => {
    await Promise.all(nodes.map((node) => node.collect()));
    return nodes.map((node) => rssOf(node.pid));
  };
  // Warm-up: a short run gives each node's rate; then rounds of WARMUP_SECONDS / 2 until every
  // node's settled RSS moved less than 3 % over a round (at least two rounds, at most four), so
  // the baseline is the nodes' steady state, not a heap still growing into it.
  const sizing = await run(nodes.map(() => CONNECTIONS * 10));
  let warm = sizing;
  let rssAfterWarmUp = await settledRss();
  for (let round = 1; round <= 4; round++) {
    warm = await run(
      warm.results.map((r) =>
        Math.max(CONNECTIONS * 4, Math.round(r.lateRps * (WARMUP_SECONDS / 2))),
      ),
    );
    for (const r of warm.results) expect(r.statuses).toEqual(expected(r.sent));
    const previous = rssAfterWarmUp;
    rssAfterWarmUp = await settledRss();
    const steady = rssAfterWarmUp.every(
      (rss, n) => Math.abs(rss - (previous[n] as number)) < 0.03 * (previous[n] as number),
    );
    if (round >= 2 && steady) break;
  }
  for (const r of sizing.results) expect(r.statuses).toEqual(expected(r.sent));
  const sizeBefore =
    (await store.query<{ n: number }>("select count(*)::int as n from audit_entries")).rows[0]?.n ??
    0;

  // RSS sampled every 5 s through the timed run, for the report.
  const samples: number[][] = nodes.map(() => []);
  const sampler = setInterval(() => {
    for (const [n, node] of nodes.entries()) samples[n]?.push(rssOf(node.pid));
  }, 5_000);
  const timed = await run(
    warm.results.map((r) => Math.max(CONNECTIONS * 4, Math.round(r.lateRps * SECONDS))),
  ).finally(() => clearInterval(sampler));
  const rssAtEnd = await settledRss();

  for (const [n, r] of timed.results.entries()) {
    report.push(
      `[fault] load on node ${n + 1}: ${r.sent} requests in ${r.seconds.toFixed(1)} s, ${r.rps.toFixed(0)} req/s, ` +
        `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms, ` +
        `statuses ${JSON.stringify(r.statuses)}; RSS ${mib(rssAfterWarmUp[n])} after warm-up, ${(samples[n] ?? []).map(mib).join(" ")} every 5 s, ${mib(rssAtEnd[n])} MiB at the end`,
    );
    expect(r.errors).toBe(0);
    expect(r.timeouts).toBe(0);
    expect(r.statuses).toEqual(expected(r.sent));
  }
  // Memory flat: each node's RSS at the end within 10 % of its RSS after the warm-up, both read
  // after a full collection (the samples in between are raw).
  for (const [n, after] of rssAtEnd.entries())
    expect(after, `node ${n + 1} RSS`).toBeLessThanOrEqual((rssAfterWarmUp[n] as number) * 1.1);

  // Every request of the timed run is a leaf of the one log, once.
  const sizeAfter =
    (await store.query<{ n: number }>("select count(*)::int as n from audit_entries")).rows[0]?.n ??
    0;
  expect(sizeAfter - sizeBefore).toBe(timed.ids.length);
  const logged = await store.query<{ n: number }>(
    "select count(distinct request_id)::int as n from audit_entries where request_id = any($1)",
    [timed.ids],
  );
  expect(logged.rows[0]?.n).toBe(timed.ids.length);
});

it("leaves one audit log: whole from the inside, every checkpoint consistent with the next", async () => {
  const verifier = parseVerifierKey(nodeAt(0).auditVerifierKey);
  // A checkpoint from each node now: all three sign the same log.
  for (const node of access) {
    const response = await fetch(`${node.url}/health`);
    expect(response.status).toBe(200);
  }
  const checked = await checkAuditLog(store, { verifiers: [verifier] });
  expect(checked.issues).toEqual([]);
  expect(checked.ok).toBe(true);
  const checkpoints = await listAuditCheckpoints(store);
  expect(checkpoints.length).toBeGreaterThan(0);
  for (let i = 1; i < checkpoints.length; i++)
    expect((checkpoints[i] as { size: number }).size).toBeGreaterThanOrEqual(
      (checkpoints[i - 1] as { size: number }).size,
    );
  report.push(
    `[fault] audit log after the cluster run: ${checked.size} leaves, ${checked.checkpoints} checkpoints, all consistent`,
  );
});
