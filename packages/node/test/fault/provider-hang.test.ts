/**
 * Fault: a provider that accepts the connection and never answers (issue: events, bulk and
 * scale-out §4). Every call through the node ends in 504 provider-timeout within the node's
 * deadline, each one audited; the sockets the hung calls held are closed afterwards (none
 * leaked on either side); and once the provider answers again the node serves it at once.
 */
import { createExchangeClient, ProblemError } from "@govex/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  joinDepartments,
  startTestExchange,
  startTestProvider,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "../helpers/exchange.js";
import { freshLocation } from "../store-drivers.js";
import { connectionsAt, waitFor } from "./cluster.js";

const DEADLINE_MS = 500;
const HUNG_CALLS = 40;
const PURPOSE = "办理社会保险参保登记时核对参保人身份";

let exchange: TestExchange;
let provider: TestProvider;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  exchange = await startTestExchange(await freshLocation("pglite", (fn) => cleanups.push(fn)), {
    providerTimeoutMs: DEADLINE_MS,
  });
  provider = await startTestProvider(exchange.provider.signer, exchange.nodeVerifier);
  await joinDepartments(exchange, provider);
});

afterAll(async () => {
  await provider?.close();
  await exchange?.close();
  for (const fn of cleanups.reverse()) await fn();
});

it(`answers ${HUNG_CALLS} calls to a hung provider with 504 and leaks no socket`, async () => {
  const consumer = createExchangeClient({
    baseUrl: exchange.url,
    signer: exchange.consumer.signer,
    keys: new Map([[exchange.nodeVerifier.keyId, exchange.nodeVerifier]]),
    retry: { retries: 0 },
  });
  const [prefix, suffix] = UNCONDITIONAL.split("/") as [string, string];
  const query = () =>
    consumer.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix, suffix }, query: { purpose: PURPOSE, limit: 2 } },
    });

  await query(); // keep-alive connections made on both hops: the baseline holds them
  const providerPort = Number(new URL(provider.url).port);
  const baseline = connectionsAt(providerPort);
  /** Queries in the audit log (each with its outcome, 504 included). */
  const audited = async () =>
    (
      await exchange.node.store.query<{ n: number }>(
        "select count(*)::int as n from audit_entries where operation = 'queryRecords'",
      )
    ).rows[0]?.n ?? 0;

  const queriesBefore = await audited();
  provider.hang = true;
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: HUNG_CALLS }, () =>
      query().then(
        () => "answered",
        (error: unknown) =>
          error instanceof ProblemError ? `${error.status} ${error.code}` : String(error),
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  expect(new Set(outcomes)).toEqual(new Set(["504 provider_timeout"]));
  expect((await audited()) - queriesBefore).toBe(HUNG_CALLS); // refused accesses are audited too

  // The node gave up on every hung call: their connections to the provider close, both ends
  // (TIME_WAIT entries aside, which hold no socket).
  const settled = await waitFor("the hung calls' connections to close", () => {
    const now = connectionsAt(providerPort);
    return now <= baseline ? now : undefined;
  });
  process.stdout.write(
    `[fault] hung provider: ${HUNG_CALLS} calls → 504 in ${seconds.toFixed(1)} s (deadline ${DEADLINE_MS} ms, one retry); connections to the provider ${baseline} before, ${settled} after\n`,
  );

  provider.hang = false;
  const again = await query();
  expect(again.status).toBe(200);
  await consumer.close();
});
