/**
 * `pnpm bench` for change events (issue 10 §5), two figures, each beside its baseline measured in
 * the same run:
 *
 *   1. events/s from the outbox to a local webhook receiver — claimed with FOR UPDATE SKIP
 *      LOCKED, the subscriber's access rules applied, the audit leaf committed, signed (RFC 9421,
 *      Ed25519, Content-Digest) and POSTed in CloudEvents binary mode — against the same receiver
 *      fed by a plain loop of undici requests with the same body and the same concurrency
 *      (target ≥ 0.5×). On PGlite in memory.
 *   2. end-to-end latency from a provider change (a record appended to the test provider's feed)
 *      to its delivery at the receiver, p50 / p99, with a poll interval of BENCH_POLL_MS; the
 *      baseline beside it is the poll interval itself (a change waits on average half of it).
 *
 *   BENCH_EVENTS (3000): events in (1) · BENCH_CONCURRENCY (16) · BENCH_SAMPLES (100): changes in (2)
 *   BENCH_POLL_MS (250): the poll interval in (2)
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSigner } from "@govex/security";
import { Agent, request } from "undici";
import { createAuditLog } from "../src/audit/index.js";
import { systemClock } from "../src/calendar/index.js";
import {
  createChangePoller,
  createDeliveryWorker,
  type ProviderChange,
  writeOutbox,
} from "../src/events/index.js";
import { openStore } from "../src/store/index.js";
import {
  CONSUMER,
  OPERATOR,
  PROVIDER,
  seedMembers,
  seedResource,
} from "../test/events-bulk-fixtures.js";
import { startReceiver } from "../test/events-webhook-receiver.js";
import {
  joinDepartments,
  startTestExchange,
  startTestProvider,
  UNCONDITIONAL,
} from "../test/helpers/exchange.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);

const log = (line: string) => process.stderr.write(`${line}\n`);
const rate = (n: number, ms: number) => (n / ms) * 1000;

/** A receiver that acknowledges everything at once (204) and counts. */
async function sink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n++;
      res.statusCode = 204;
      res.end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => n,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

const record = (i: number) => ({
  residentId: `37010219800101${String(1000 + (i % 9000)).slice(-4)}`,
  name: `张${i}`,
  heightCm: 170,
  birthDate: "1980-01-01",
});

async function throughput(): Promise<{ outbox: number; plain: number }> {
  const receiver = await sink();
  // (a) the baseline: a plain loop of undici requests, same body shape, same concurrency.
  const agent = new Agent({ connections: CONCURRENCY });
  const body = JSON.stringify({ resourceCode: "101001/000001", op: "upsert", record: record(1) });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        next++;
        const r = await request(receiver.url, {
          method: "POST",
          headers: { "content-type": "application/json", "ce-id": randomUUID() },
          body,
          dispatcher: agent,
        });
        await r.body.dump();
      }
    }),
  );
  const plain = rate(EVENTS, performance.now() - t0);
  await agent.close();

  // (b) the outbox: events written as the poller writes them, then drained by the worker.
  const db = await openStore({});
  await seedMembers(db);
  const resourceCode = await seedResource(db, { shareType: "无条件共享" });
  await db.query(
    `insert into subscriptions (id, member_code, resource_code, url, status, created_at)
     values ('sub-bench', $1, $2, $3, 'active', now())`,
    [CONSUMER, resourceCode, receiver.url],
  );
  const t1 = performance.now();
  for (let start = 0; start < EVENTS; start += 500) {
    const changes: ProviderChange[] = Array.from(
      { length: Math.min(500, EVENTS - start) },
      (_, j) => {
        const r = record(start + j);
        return { key: r.residentId, op: "upsert", time: new Date().toISOString(), record: r };
      },
    );
    await db.transaction((tx) =>
      writeOutbox(tx, {
        resourceCode,
        providerCode: PROVIDER,
        operator: OPERATOR,
        source: "urn:govex:CN/GOV/11370000MB1234562A/hukou/bench",
        changes,
        now: new Date(),
      }),
    );
  }
  log(`outbox: ${EVENTS} events written in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const { privateKey } = generateKeyPairSync("ed25519");
  const worker = createDeliveryWorker({
    db,
    signer: createSigner({ keyId: "bench", algorithm: "ed25519", key: privateKey }),
    clock: systemClock,
    audit: createAuditLog(db),
    batchSize: 256,
    concurrency: CONCURRENCY,
  });
  const before = receiver.count();
  const t2 = performance.now();
  const drained = await worker.drain({ timeoutMs: 600_000 });
  const outbox = rate(drained.delivered, performance.now() - t2);
  if (drained.delivered !== EVENTS || receiver.count() - before !== EVENTS)
    throw new Error(`delivered ${drained.delivered} of ${EVENTS}`);
  await worker.close();
  await db.close();
  await receiver.close();
  return { outbox, plain };
}

async function latency(): Promise<{ p50: number; p99: number; max: number }> {
  const exchange = await startTestExchange({});
  const provider = await startTestProvider(exchange.provider.signer, exchange.nodeVerifier);
  const receiver = await startReceiver();
  try {
    await joinDepartments(exchange, provider);
    const node = exchange.node;
    // The node's own poller polls every 5 s by default: this one polls every POLL_MS.
    await node.events.poller.stop();
    const poller = createChangePoller({
      db: node.store,
      providers: node.services.providers,
      clock: systemClock,
      operator: OPERATOR,
      instance: "CN-370000",
      intervalMs: POLL_MS,
      onDeliveries: () => node.events.worker.wake(),
    });
    await exchange.client(exchange.consumer).request("post", "/subscriptions", {
      body: { resourceCode: UNCONDITIONAL, url: `${receiver.url}/latency` },
    });
    await poller.pollOnce(); // the baseline walk of the feed
    poller.start();
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const city = `城${i}`;
      const t0 = performance.now();
      provider.records.push({
        residentId: "370102198001019999",
        name: "王五",
        mobile: "13900000000",
        city,
      });
      await receiver.until(
        () => receiver.received.some((r) => r.body.toString().includes(`"${city}"`)),
        30_000,
      );
      const got = receiver.received.find((r) => r.body.toString().includes(`"${city}"`));
      samples.push((got?.at ?? performance.now()) - t0);
    }
    await poller.stop();
    samples.sort((a, b) => a - b);
    const at = (q: number) =>
      samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1] ?? 0 };
  } finally {
    await receiver.close();
    await provider.close();
    await exchange.close();
  }
}

const { outbox, plain } = await throughput();
log("");
log(
  `events/s, outbox → webhook (claim, access rules, audit leaf, RFC 9421 Ed25519 signature): ${outbox.toFixed(0)}`,
);
log(
  `events/s, plain undici loop to the same receiver (no database, no signature):        ${plain.toFixed(0)}`,
);
log(
  `ratio: ${(outbox / plain).toFixed(2)}× (target ≥ 0.5×) — ${EVENTS} events, concurrency ${CONCURRENCY}, PGlite in memory`,
);
const lat = await latency();
log(
  `latency provider change → delivery (poll interval ${POLL_MS} ms, PGlite): p50 ${lat.p50.toFixed(0)} ms · p99 ${lat.p99.toFixed(0)} ms · max ${lat.max.toFixed(0)} ms over ${SAMPLES} changes; baseline: the poll interval, ${POLL_MS} ms (½ of it expected on average)`,
);
process.exit(0);
