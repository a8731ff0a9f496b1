/**
 * A large batch keeps the node's memory flat (issue 10 §2): a batch generated on the fly —
 * 100 MB in CI, GOVEX_BULK_MEMORY_MB=1024 for the 1 GB manual run — pushed over a real socket to
 * a node on PostgreSQL (PGlite's WebAssembly memory grows and is never given back, which would
 * measure PGlite, not the node). The node, the client and the generator share this process.
 *
 * Two figures, two bounds:
 * - live memory (JS heap + external, right after a full garbage collection) sampled every 8 MB:
 *   what the push holds. Flat means it does not grow with the batch: from the first sample after
 *   warm-up to the last it may move by at most LIVE_DRIFT_MB, and it never exceeds the baseline
 *   by more than LIVE_BOUND_MB (about two checkpoints of text in flight, plus buffers);
 * - RSS: includes garbage V8 has not collected yet (it lets the old generation grow before it
 *   collects) and memory the allocator keeps. Bounded too, with room for that lag, and printed.
 */
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createDigest } from "@govex/security";
import { expect, test } from "vitest";
import { pushBatch } from "./helpers/bulk-http.js";
import { UNCONDITIONAL } from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";

const MEGABYTES = Number(process.env.GOVEX_BULK_MEMORY_MB ?? 100);
const LIVE_BOUND_MB = 64;
const LIVE_DRIFT_MB = 16;
const RSS_BOUND_MB = 200;
const SAMPLE_EVERY = 8 * 1024 * 1024;

// A full collection on demand, without starting vitest's workers with --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MB = 1024 * 1024;
const live = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};
const LINE_PAD = "x".repeat(120);

/** Deterministic lines of about 200 bytes, in 256 KiB chunks, `MEGABYTES` in all. */
function* chunks(): Generator<Buffer> {
  const target = MEGABYTES * 1024 * 1024;
  let made = 0;
  let i = 0;
  while (made < target) {
    let text = "";
    while (text.length < 256 * 1024) {
      text += `{"residentId":"37010219800101${String(1000 + (i % 9000)).slice(-4)}","name":"张${i}","city":"${LINE_PAD}"}\n`;
      i++;
    }
    const chunk = Buffer.from(text, "utf8");
    made += chunk.length;
    yield chunk;
  }
}

const t = useTestExchange("postgres");

test(`a ${MEGABYTES} MB batch keeps the process's live memory flat`, async () => {
  const hash = createDigest("sha-256");
  let lines = 0;
  for (const chunk of chunks()) {
    hash.update(chunk);
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
  }
  const digest = `sha-256=:${Buffer.from(hash.digest()).toString("base64")}:`;
  gc();
  const baseline = { rss: process.memoryUsage().rss, live: live() };
  let rssPeak = baseline.rss;
  const samples: number[] = [];
  let sent = 0;
  let nextSample = SAMPLE_EVERY;
  async function* body(): AsyncIterable<Uint8Array> {
    for (const chunk of chunks()) {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      sent += chunk.length;
      if (sent >= nextSample) {
        nextSample += SAMPLE_EVERY;
        gc();
        samples.push(live());
      }
      yield chunk;
    }
  }
  const started = performance.now();
  const pushed = await pushBatch(t.exchange, t.exchange.provider, UNCONDITIONAL, body, {
    digest,
    batchId: randomUUID(),
  });
  const seconds = (performance.now() - started) / 1000;
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const rssGrowth = (rssPeak - baseline.rss) / MB;
  // Skip the first sample: the first checkpoints warm the validator, the pool and the buffers.
  const steady = samples.slice(1);
  const liveMax = (Math.max(...samples) - baseline.live) / MB;
  const drift = ((steady.at(-1) ?? 0) - (steady[0] ?? 0)) / MB;
  process.stderr.write(
    `bulk memory: ${MEGABYTES} MB, ${lines} rows in ${seconds.toFixed(1)} s ` +
      `(${(MEGABYTES / seconds).toFixed(1)} MB/s, ${Math.round(lines / seconds)} rows/s); ` +
      `live after GC: +${liveMax.toFixed(0)} MB at most over the baseline, ` +
      `${drift >= 0 ? "+" : ""}${drift.toFixed(1)} MB from the 2nd to the last of ${samples.length} samples; ` +
      `RSS ${Math.round(baseline.rss / MB)} MB → peak ${Math.round(rssPeak / MB)} MB (+${rssGrowth.toFixed(0)} MB)\n`,
  );
  expect(pushed.status).toBe(201);
  expect(pushed.json).toMatchObject({ received: lines, accepted: lines, rejected: 0 });
  expect(samples.length).toBeGreaterThanOrEqual(Math.floor(MEGABYTES / 8) - 1);
  expect(liveMax).toBeLessThan(LIVE_BOUND_MB);
  expect(Math.abs(drift)).toBeLessThan(LIVE_DRIFT_MB);
  expect(rssGrowth).toBeLessThan(RSS_BOUND_MB);
}, 600_000);
