/**
 * Fault: `kill -9` of a node in the middle of deliveries (issue: events, bulk and scale-out §4).
 * Two node processes on one PostgreSQL both poll a provider's changes feed and deliver to a
 * subscriber's webhook. Node A is killed while deliveries run, then started again: no event is
 * lost — every change arrives, verified with @govex/client — and an event arrives twice only when
 * a dead node's lease ran out on it, which the subscriber's deduplicator absorbs.
 */
import { createDeduplicator, createExchangeClient, verifyDelivery } from "@govex/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type LocalNodeAccess, localNodeKeys } from "../../src/local-node.js";
import { openStore, type Store } from "../../src/store/index.js";
import { type Receiver, startReceiver } from "../events-webhook-receiver.js";
import {
  CONSUMER,
  joinDepartments,
  type Party,
  party,
  residents,
  startTestProvider,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "../helpers/exchange.js";
import {
  type FaultSite,
  type NodeProcess,
  startFaultSite,
  startNodeProcess,
  waitFor,
} from "./cluster.js";

const CHANGES = Number(process.env.FAULT_EVENT_CHANGES ?? 200);
/** Short loops and leases, so a dead node's claims come back within seconds. */
const TUNING = {
  events: {
    poll: { intervalMs: 200, leaseMs: 3_000 },
    delivery: {
      timeoutMs: 1_000,
      leaseMs: 1_000,
      retryBaseMs: 50,
      retryCapMs: 500,
      maxAttempts: 200,
    },
  },
};

let site: FaultSite;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
let access: LocalNodeAccess;
let provider: TestProvider;
let receiver: Receiver;
let store: Store;

/** The test exchange's parties over node processes: the operator's key is the data directory's. */
function exchangeOver(url: string, keys: LocalNodeAccess): TestExchange {
  const operator: Party = {
    code: keys.operator.code,
    keyId: keys.operator.keyId,
    signer: keys.operator.signer,
    publicPem: "",
    privateKey: undefined as never,
  };
  const nodeKey: Party = { ...operator, keyId: keys.nodeSigner.keyId, signer: keys.nodeSigner };
  const parties = {
    provider: party("11370000MB1234562A", "provider-key"),
    consumer: party(CONSUMER, "consumer-key"),
    other: party("91370102MA3C00011F", "other-key"),
  };
  return {
    node: undefined as never,
    url,
    nodeKey,
    operator,
    ...parties,
    nodeVerifier: keys.nodeVerifier,
    client: (p: Party) =>
      createExchangeClient({
        baseUrl: url,
        signer: p.signer,
        keys: new Map([[keys.nodeVerifier.keyId, keys.nodeVerifier]]),
      }),
    recorded: [],
    close: async () => {},
  };
}

beforeAll(async () => {
  site = await startFaultSite();
  const start = () =>
    startNodeProcess({ dataDir: site.dataDir, databaseUrl: site.postgres.url, tuning: TUNING });
  nodeA = await start();
  nodeB = await start();
  const keys = await localNodeKeys({ dataDir: site.dataDir });
  access = { ...keys, url: nodeA.url };
  store = await openStore({ url: site.postgres.url });
  receiver = await startReceiver();
});

afterAll(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await provider?.close();
  await receiver?.close();
  await store?.close();
  await site?.close();
});

it(`loses no event of ${CHANGES} when a delivering node is killed and restarted`, async () => {
  const exchange = exchangeOver(access.url, access);
  provider = await startTestProvider(exchange.provider.signer, access.nodeVerifier);
  await joinDepartments(exchange, provider);
  const consumer = exchange.client(exchange.consumer);
  await consumer.request("post", "/subscriptions", {
    body: { resourceCode: UNCONDITIONAL, url: `${receiver.url}/hook` },
  });
  // The first poll walks to the end of the feed (old changes are not news): wait for it.
  await waitFor("the first poll of the resource", async () => {
    const { rows } = await store.query<{ baseline_done: boolean; last_error: string | null }>(
      "select baseline_done, last_error from event_cursors where resource_code = $1",
      [UNCONDITIONAL],
    );
    if (rows[0]?.last_error) throw new Error(`the poll failed: ${rows[0].last_error}`);
    return rows[0]?.baseline_done ? true : undefined;
  });

  // New changes on the provider: each becomes one event for the subscription.
  const fresh = residents(CHANGES).map((r, i) => ({
    ...r,
    residentId: `3701021990${String(10_000_000 + i).slice(-8)}`,
  }));
  provider.records.push(...fresh);

  // A tenth is acknowledged, then the receiver stops answering: deliveries are in flight on
  // both nodes (and time out, and are retried) when A is killed.
  const first = Math.ceil(CHANGES / 10);
  receiver.script("/hook", [...Array.from({ length: first }, () => 204), "hang"]);
  await receiver
    .until(
      () =>
        receiver.acknowledged("/hook").length >= first &&
        receiver.received.length > receiver.acknowledged("/hook").length,
      60_000,
    )
    .catch(async (error: unknown) => {
      const state = await store.query(
        "select status, last_error, count(*)::int as n from deliveries group by 1, 2",
      );
      const outbox = await store.query("select count(*)::int as n from event_outbox");
      throw new Error(
        `${(error as Error).message}; deliveries ${JSON.stringify(state.rows)}, outbox ${JSON.stringify(outbox.rows)}, received ${receiver.received.length}\n${nodeA.output().slice(-1500)}`,
      );
    });
  await nodeA.kill9();
  const deliveredAtKill = receiver.acknowledged("/hook").length;
  const inFlightAtKill = receiver.received.length - deliveredAtKill;
  nodeA = await startNodeProcess({
    dataDir: site.dataDir,
    databaseUrl: site.postgres.url,
    tuning: TUNING,
  });
  receiver.script("/hook", [204]);

  // Every change arrives; each delivery checks as a signed event of the exchange.
  const dedup = createDeduplicator();
  const unique = new Set<string>();
  let duplicates = 0;
  await receiver.until(() => {
    for (const r of receiver.acknowledged("/hook").slice(unique.size + duplicates)) {
      const id = String(r.headers["ce-id"]);
      if (unique.has(id)) duplicates++;
      else unique.add(id);
    }
    return unique.size >= CHANGES;
  }, 120_000);
  const verified = await Promise.all(
    receiver.acknowledged("/hook").map((r) =>
      verifyDelivery(
        {
          method: "POST",
          url: `${receiver.url}/hook`,
          headers: r.headers as Record<string, string>,
          body: r.body,
        },
        { keys: new Map([[access.nodeVerifier.keyId, access.nodeVerifier]]) },
      ),
    ),
  );
  let passed = 0;
  for (const delivery of verified) {
    expect(delivery.ok).toBe(true);
    if (delivery.ok && (await dedup.firstTime(delivery.event))) passed++;
  }
  // One event per change, none lost, none extra; the deduplicator passes each exactly once.
  expect(unique.size).toBe(CHANGES);
  expect(passed).toBe(CHANGES);

  const { rows } = await store.query<{ status: string; n: number }>(
    "select status, count(*)::int as n from deliveries group by status",
  );
  expect(rows).toEqual([{ status: "delivered", n: CHANGES }]);
  process.stdout.write(
    `[fault] kill -9 during deliveries: ${CHANGES} changes, ${deliveredAtKill} delivered and ${inFlightAtKill} unanswered when node A was killed, ` +
      `0 lost, ${duplicates} duplicates (absorbed by the subscriber's deduplicator)\n`,
  );
  await consumer.close();
});
