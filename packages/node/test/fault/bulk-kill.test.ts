/**
 * Fault: a node killed (SIGKILL) in the middle of a bulk push (issue: events, bulk and scale-out
 * §2, §4). The batch is pushed to node A as a department would (streamed, signed over its
 * Content-Digest); once the node has committed checkpoints of it, node A is killed -9 while the
 * body is still arriving. Then:
 *
 * - nothing of the batch is visible (the rows held are in state `receiving`, outside the view
 *   readers use);
 * - a resume under the same Govex-Batch-Id with another body is refused whole (409), and changes
 *   nothing;
 * - on a node started again over the same PostgreSQL, once the dead request's lease has run out
 *   (at most LEASE_SECONDS after the kill: nobody renews it), the same body sent again from its
 *   first byte completes the batch: the full receipt, exact counts, every line stored once.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createExchangeClient, type ExchangePaths, type GovexClient } from "@govex/client";
import { contentDigest, createSigner } from "@govex/security";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LEASE_SECONDS } from "../../src/bulk/index.js";
import { localNodeKeys } from "../../src/local-node.js";
import { openStore, type Store } from "../../src/store/index.js";
import { PROVIDER, seedResource } from "../events-bulk-fixtures.js";
import { pushBatch } from "../helpers/bulk-http.js";
import {
  type FaultSite,
  type NodeProcess,
  startFaultSite,
  startNodeProcess,
  waitFor,
} from "./cluster.js";

/** Lines of the batch, and how many are sent before the kill. */
const LINES = 40_000;
const BEFORE_KILL = 12_000;

let site: FaultSite;
const nodes: NodeProcess[] = [];
let store: Store | undefined;

beforeAll(async () => {
  site = await startFaultSite();
  nodes.push(await startNodeProcess({ dataDir: site.dataDir, databaseUrl: site.postgres.url }));
}, 120_000);

afterAll(async () => {
  for (const node of nodes) await node.stop().catch(() => {});
  await store?.close();
  await site?.close();
});

/** Line i of the batch: a record of the resource's 信息项, valid against its derived schema. */
const line = (i: number) =>
  `{"residentId":"37010219800101${String(i % 10_000).padStart(4, "0")}","name":"张${i}","heightCm":${150 + (i % 50)}}\n`;

function batch(from: number, to: number): Buffer {
  let text = "";
  for (let i = from; i < to; i++) text += line(i);
  return Buffer.from(text, "utf8");
}

it("a batch cut by kill -9 is invisible, refused with another body, and resumed whole", async () => {
  const keys = await localNodeKeys({ dataDir: site.dataDir });
  const nodeKeys = new Map([[keys.nodeVerifier.keyId, keys.nodeVerifier]]);
  const operatorOf = (url: string): GovexClient<ExchangePaths> =>
    createExchangeClient({ baseUrl: url, signer: keys.operator.signer, keys: nodeKeys });
  const first = nodes[0] as NodeProcess;
  const target = (node: NodeProcess) => ({ url: node.url, nodeVerifier: keys.nodeVerifier });

  // The provider joins: member and key through the operator, its resource in the catalog.
  const operator = operatorOf(first.url);
  await operator.request("post", "/members", {
    body: { code: PROVIDER, name: "示例户籍管理单位", memberClass: "GOV", divisionCode: "370000" },
  });
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const keyId = "fault-bulk-provider";
  await operator.request("post", "/members/{memberCode}/keys", {
    params: { path: { memberCode: PROVIDER } },
    body: {
      keyId,
      algorithm: "ed25519",
      publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    },
  });
  await operator.close();
  const provider = { signer: createSigner({ keyId, algorithm: "ed25519", key: privateKey }) };
  store = await openStore({ url: site.postgres.url, migrate: false });
  const db = store;
  const resourceCode = await seedResource(db, { shareType: "无条件共享" });

  const whole = batch(0, LINES);
  const digest = contentDigest(whole, ["sha-256"]);
  const batchId = randomUUID();
  const progress = async () =>
    (
      await db.query<{ state: string; bytes: string; lines: string; accepted: number }>(
        "select state, bytes, lines, accepted from batches where id = $1",
        [batchId],
      )
    ).rows[0];
  const visible = async () =>
    Number(
      (
        await db.query<{ n: string }>(
          "select count(*) as n from accepted_batch_records where batch_id = $1",
          [batchId],
        )
      ).rows[0]?.n,
    );
  const stored = async () =>
    (
      await db.query<{ n: string; lines: string }>(
        `select count(*) as n, count(distinct (e.value ->> 'l')) as lines
           from batch_chunks c cross join lateral jsonb_array_elements(c.records::jsonb) as e(value)
          where c.batch_id = $1`,
        [batchId],
      )
    ).rows[0];

  // (1) Push to node A; the body stops after BEFORE_KILL lines until the node is dead.
  let killed!: () => void;
  const dead = new Promise<void>((resolve) => {
    killed = resolve;
  });
  async function* cut(): AsyncIterable<Uint8Array> {
    const head = batch(0, BEFORE_KILL);
    for (let i = 0; i < head.length; i += 64 * 1024) yield head.subarray(i, i + 64 * 1024);
    await dead;
    throw new Error("the node was killed");
  }
  const upload = pushBatch(target(first), provider, resourceCode, cut, { digest, batchId }).then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );
  const held = await waitFor("a committed checkpoint of the batch", async () => {
    const p = await progress();
    return p !== undefined && Number(p.lines) > 0 ? p : undefined;
  });
  const killedAt = performance.now();
  await first.kill9();
  killed();
  const cutOff = await upload;
  expect("error" in cutOff).toBe(true);

  // (2) Invisible: held rows are there, in state receiving, none readable.
  const atKill = await progress();
  expect(atKill?.state).toBe("receiving");
  expect(Number(atKill?.lines)).toBeGreaterThanOrEqual(Number(held.lines));
  expect(Number(atKill?.lines)).toBeLessThanOrEqual(BEFORE_KILL);
  expect(Number((await stored())?.n)).toBe(atKill?.accepted);
  expect(await visible()).toBe(0);

  // (3) A node started again over the same database and keys.
  const second = await startNodeProcess({
    dataDir: site.dataDir,
    databaseUrl: site.postgres.url,
  });
  nodes.push(second);

  // (4) Another body under the batch id: refused whole, nothing changed.
  const other = batch(1, LINES + 1);
  const refused = await pushBatch(target(second), provider, resourceCode, other, { batchId });
  expect(refused.status).toBe(409);
  expect(refused.json.code).toBe("batch_resume_mismatch");
  expect(refused.signed).toBe(true);
  expect(await progress()).toEqual(atKill);
  expect(await visible()).toBe(0);

  // (5) The dead request's lease runs out (nobody renews it); then the same body resumes.
  await waitFor(
    "the dead upload's lease to run out",
    async () => {
      const { rows } = await db.query<{ over: boolean }>(
        "select coalesce(lease_until <= now(), true) as over from batches where id = $1",
        [batchId],
      );
      return rows[0]?.over ? true : undefined;
    },
    (LEASE_SECONDS + 10) * 1000,
  );
  const leaseWait = (performance.now() - killedAt) / 1000;
  const started = performance.now();
  const resumed = await pushBatch(target(second), provider, resourceCode, whole, {
    digest,
    batchId,
  });
  const resumeSeconds = (performance.now() - started) / 1000;
  expect(resumed.signed).toBe(true);
  expect(resumed.status).toBe(201);
  expect(resumed.json).toMatchObject({
    batchId,
    resourceCode,
    state: "complete",
    bytes: whole.length,
    received: LINES,
    accepted: LINES,
    rejected: 0,
    rejections: [],
  });
  expect(String(resumed.json.digest)).toContain(digest);
  // Every line once: as many rows as lines, each line number once, all of them visible.
  const rows = await stored();
  expect(Number(rows?.n)).toBe(LINES);
  expect(Number(rows?.lines)).toBe(LINES);
  expect(await visible()).toBe(LINES);

  process.stdout.write(
    `[fault] bulk push killed -9 mid-upload — ${LINES} lines (${(whole.length / 1048576).toFixed(1)} MB); ` +
      `held at the kill: ${atKill?.lines} lines, ${atKill?.bytes} bytes, ${atKill?.accepted} rows (0 visible); ` +
      `other body → 409 ${refused.json.code}; lease free ${leaseWait.toFixed(1)} s after the kill ` +
      `(LEASE_SECONDS ${LEASE_SECONDS}); resumed on a new node in ${resumeSeconds.toFixed(1)} s: ` +
      `${resumed.json.accepted} accepted, ${rows?.n} rows stored, ${await visible()} visible, 0 written twice\n`,
  );
}, 120_000);
