/**
 * Fault: PostgreSQL stopped and started again under load (issue: events, bulk and scale-out §4).
 * While the database is down the node answers 503 problem+json with Retry-After — signed, in
 * zh-CN or English — to every call, writes included, and writes nothing; once the database is
 * back the node serves again by itself, without a restart, and a write refused meanwhile can be
 * sent again under its Idempotency-Key.
 */
import { createExchangeClient, ProblemError } from "@govex/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { localNodeKeys } from "../../src/local-node.js";
import {
  type FaultSite,
  type NodeProcess,
  startFaultSite,
  startNodeProcess,
  waitFor,
} from "./cluster.js";

let site: FaultSite;
let node: NodeProcess;

beforeAll(async () => {
  site = await startFaultSite();
  node = await startNodeProcess({ dataDir: site.dataDir, databaseUrl: site.postgres.url });
});

afterAll(async () => {
  await node?.stop();
  await site?.close();
});

/** 统一社会信用代码 of fictional members (GB 32100-2015 check characters). */
const MEMBERS = ["11370000MB01645665", "11370000MB1234562A"] as const;

it("answers 503 problem+json while PostgreSQL is down and recovers by itself", async () => {
  const keys = await localNodeKeys({ dataDir: site.dataDir });
  // No client retries: every answer is counted as the node gave it.
  const operator = createExchangeClient({
    baseUrl: node.url,
    signer: keys.operator.signer,
    keys: new Map([[keys.nodeVerifier.keyId, keys.nodeVerifier]]),
    retry: { retries: 0 },
  });
  const statuses = new Map<string, number>();
  const count = (label: string) => statuses.set(label, (statuses.get(label) ?? 0) + 1);
  const read = async () => {
    try {
      await operator.request("get", "/members", { params: { query: { limit: 5 } } });
      count("200");
      return 200;
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error; // a transport error fails the test
      count(`${error.status} ${error.code}`);
      return error.status;
    }
  };

  expect(await read()).toBe(200);

  // Load: four callers reading in a loop until told to stop, through the outage.
  let loading = true;
  const callers = Array.from({ length: 4 }, async () => {
    while (loading) await read();
  });

  await site.postgres.halt();
  const refused = await waitFor("a 503 while the database is down", async () => {
    try {
      await operator.request("get", "/members", {});
      return undefined;
    } catch (error) {
      return error instanceof ProblemError && error.status === 503 ? error : undefined;
    }
  });
  expect(refused.problem.type).toMatch(/unavailable/);
  expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
  expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);

  // A write during the outage is refused whole.
  const write = {
    body: { code: MEMBERS[0], name: "停库期间登记的示例单位", memberClass: "GOV" as const },
    headers: { "idempotency-key": "fault-db-restart-0001" },
  };
  const writeDuringOutage = await operator.request("post", "/members", write).then(
    () => 201,
    (error: unknown) => (error instanceof ProblemError ? error.status : -1),
  );
  expect(writeDuringOutage).toBe(503);

  await site.postgres.resume();
  await waitFor("a 200 after the database is back", async () =>
    (await read()) === 200 ? true : undefined,
  );
  loading = false;
  await Promise.all(callers);

  // Nothing of the refused write was kept; sent again under its key, it is done once.
  const before = await operator
    .request("get", "/members/{memberCode}", {
      params: { path: { memberCode: MEMBERS[0] } },
    })
    .then(
      () => 200,
      (error: unknown) => (error instanceof ProblemError ? error.status : -1),
    );
  expect(before).toBe(404);
  const created = await operator.request("post", "/members", write);
  expect(created.status).toBe(201);

  const summary = [...statuses.entries()].map(([k, v]) => `${k}: ${v}`).join(", ");
  process.stdout.write(`[fault] database restart under load — answers: ${summary}\n`);
  // Only 200 and 503 were ever answered, and the node is the same process throughout.
  for (const label of statuses.keys()) expect(label).toMatch(/^(200|503 \w+)$/);
  expect(statuses.get("200")).toBeGreaterThan(1);
  expect([...statuses.keys()].some((k) => k.startsWith("503"))).toBe(true);
  expect(node.child.exitCode).toBeNull();
  await operator.close();
});
