/**
 * The exchange node of the benchmark, in its own process (forked by exchange.bench.ts, driven
 * over IPC) so that it shares no event loop with the load generator: the test harness's node
 * (test/helpers/exchange.ts) on in-memory PGlite or a PostgreSQL URL, the departments joined,
 * and a share request on the 有条件共享 resource created and approved with masked fields.
 *
 * Messages: start → started (URL and the keys the caller signs with), join → joined (the share
 * request), audit → the audit tree size, profile-start / profile-stop → a V8 CPU profile file
 * of the node alone, close → exit.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { auditTreeSize } from "../src/audit/index.js";
import type { OpenStoreOptions } from "../src/store/index.js";
import {
  CONDITIONAL,
  joinDepartments,
  startTestExchange,
  type TestExchange,
  type TestProvider,
} from "../test/helpers/exchange.js";
import { newPglite } from "../test/pglite-template.js";
import { type NodeReply, type NodeRequest, PURPOSE } from "./messages.js";

let exchange: TestExchange | undefined;
let session: Session | undefined;
let pglite: PGlite | undefined;

const send = (message: NodeReply) => process.send?.(message);
const pem = (key: { export(o: { type: "pkcs8"; format: "pem" }): string | Buffer }) =>
  key.export({ type: "pkcs8", format: "pem" }).toString();

function post<T>(s: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    s.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

async function handle(message: NodeRequest): Promise<void> {
  switch (message.type) {
    case "start": {
      // PGlite in memory, as `startTestExchange({})` would open it, from an initdb'd template.
      if (message.store.url === undefined) pglite = await newPglite();
      exchange = await startTestExchange(
        (message.store.url === undefined ? { pglite } : message.store) as OpenStoreOptions,
      );
      const e = exchange;
      send({
        type: "started",
        url: e.url,
        node: { keyId: e.nodeKey.keyId, privatePem: pem(e.nodeKey.privateKey) },
        provider: { keyId: e.provider.keyId, privatePem: pem(e.provider.privateKey) },
        nodePublicPem: e.nodeKey.publicPem,
        consumer: { keyId: e.consumer.keyId, privatePem: pem(e.consumer.privateKey) },
      });
      return;
    }
    case "join": {
      const e = exchange as TestExchange;
      await joinDepartments(e, { url: message.providerUrl } as TestProvider);
      const consumer = e.client(e.consumer);
      const dept = e.client(e.provider);
      const created = await consumer.request("post", "/share-requests", {
        body: {
          resourceCode: CONDITIONAL,
          fields: ["residentId", "name", "mobile"],
          purpose: PURPOSE,
          legalBasis: "《社会保险法》第五十八条",
          period: { from: "2026-01-01", to: "2099-12-31" },
        },
      });
      const id = created.data.id;
      await dept.request("post", "/share-requests/{shareRequestId}/decision", {
        params: { path: { shareRequestId: id } },
        body: {
          outcome: "approved",
          grantedFields: ["residentId", "name"],
          grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
          clearText: false,
        },
      });
      // One query through the harness's client, which verifies the node's signature: the
      // path the benchmark loads is the granted, masked one.
      const [prefix, suffix] = CONDITIONAL.split("/") as [string, string];
      const page = await consumer.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE, limit: 3 } },
        headers: { "govex-share-request": id },
      });
      e.recorded.length = 0;
      send({
        type: "joined",
        shareRequestId: id,
        sample: page.data.items[0] ?? {},
        masked: page.data.masked ?? [],
      });
      return;
    }
    case "audit": {
      const e = exchange as TestExchange;
      await e.node.services.audit.flush();
      // The harness keeps every answer for its spec checks; the benchmark needs none of them.
      e.recorded.length = 0;
      send({ type: "audit", size: await auditTreeSize(e.node.store) });
      return;
    }
    case "profile-start": {
      session = new Session();
      session.connect();
      await post(session, "Profiler.enable");
      // 200 µs between samples: fine enough for a 10 s run, light enough not to skew it much.
      await post(session, "Profiler.setSamplingInterval", { interval: 200 });
      await post(session, "Profiler.start");
      send({ type: "profile-started" });
      return;
    }
    case "profile-stop": {
      const s = session as Session;
      const { profile } = await post<{ profile: unknown }>(s, "Profiler.stop");
      s.disconnect();
      const file = join(tmpdir(), `govex-node-bench-${process.pid}-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      send({ type: "profile", file });
      return;
    }
    case "close": {
      await exchange?.close();
      await pglite?.close();
      process.send?.({ type: "closed" } satisfies NodeReply, () => process.exit(0));
      return;
    }
  }
}

process.on("message", (message: NodeRequest) => {
  handle(message).catch((error: unknown) => {
    send({
      type: "error",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
// The benchmark went away (finished or failed): nothing is left serving.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
