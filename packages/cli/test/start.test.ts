/**
 * `govex start`, the main job, in-process over real sockets: a node on the embedded PGlite and on
 * the test PostgreSQL, the four example departments joined and the demo walk passing; a restart
 * on the same data directory; the node alone until stopped; bad options.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../../node/test/store-drivers.js";
import { startCommand } from "../src/commands/start.js";
import type { CliIo } from "../src/io.js";
import { cli } from "./helpers.js";

const STEPS = ["①", "②", "③", "④", "⑤", "⑥"];

const dataDir = () => mkdtempSync(join(tmpdir(), "govex-start-"));

describe("govex start", () => {
  it("runs the exchange on the embedded database with the departments joined, and restarts", async () => {
    const dir = dataDir();
    const first = await cli(["start", "--data-dir", dir, "--port", "0", "--check"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    for (const step of STEPS) expect(first.stdout).toContain(step);
    expect(first.stdout.match(/✓ /g)).toHaveLength(4);
    expect(first.stdout).toContain("演示通过");
    expect(first.stdout).toMatch(/"name":"match"/);
    // The same data directory again: members, keys and catalog are kept, systems move.
    const again = await cli(["start", "--data-dir", dir, "--port", "0", "--check", "--lang", "en"]);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Demo passed");
  }, 240_000);

  it("runs the exchange on PostgreSQL", async () => {
    const url = await freshPostgresUrl("govex_start");
    const result = await cli([
      "start",
      "--database",
      url,
      "--data-dir",
      dataDir(),
      "--port",
      "0",
      "--check",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("演示通过");
    expect(result.stdout).not.toContain(new URL(url).password || "\u0000");
  }, 240_000);

  it("serves the node alone until stopped", async () => {
    let out = "";
    const io: CliIo = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (out += s) },
      env: {},
    };
    const stop = new AbortController();
    let health: unknown;
    const code = await startCommand(
      ["--data-dir", dataDir(), "--port", "0", "--no-demo"],
      io,
      "en",
      {
        signal: stop.signal,
        onReady: (local) => {
          void fetch(`${local.url}/health`)
            .then((r) => r.json())
            .then((body) => {
              health = body;
              stop.abort();
            });
        },
      },
    );
    expect(code).toBe(0);
    expect(health).toMatchObject({ status: "ok" });
    expect(out).toContain("Serving; Ctrl-C to stop.");
  });

  it("refuses bad options and a port in use with exit 2", async () => {
    expect((await cli(["start", "--port", "http"])).code).toBe(2);
    expect((await cli(["start", "--frobnicate"])).code).toBe(2);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const busy = await cli(["start", "--data-dir", dataDir(), "--port", port, "--no-demo"]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(port);
    } finally {
      blocker.close();
    }
  });
});
