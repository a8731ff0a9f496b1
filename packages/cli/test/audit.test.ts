/**
 * `govex audit verify` against a real exchange node (PGlite) over real HTTP: the consumer
 * department's audited reads, a first run trusted on first use, a later run proving consistency,
 * state files that disagree with the log, a wrong log key, an audit row edited in SQL, and the
 * usage and network failures.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  signCheckpoint,
} from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONSUMER,
  joinDepartments,
  NOT_SHARED,
  startTestExchange,
  startTestProvider,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "../../node/test/helpers/exchange.js";
import { freshLocation } from "../../node/test/store-drivers.js";
import { cli, tempFile } from "./helpers.js";

const ORIGIN = "exchange.test/audit";
const PURPOSE = "social insurance registration check";
const [uPrefix, uSuffix] = UNCONDITIONAL.split("/") as [string, string];
const [nPrefix, nSuffix] = NOT_SHARED.split("/") as [string, string];

let exchange: TestExchange;
let provider: TestProvider;
const cleanups: (() => Promise<void>)[] = [];
let keyFile: string;
let nodeKeyFile: string;
let vkey: string;
let vkeyFile: string;
const dir = mkdtempSync(join(tmpdir(), "govex-cli-audit-"));
const statePath = join(dir, "nested", "audit-state.json");

/** The command's arguments with the consumer's files; `extra` adds or overrides. */
function args(extra: string[] = [], url = exchange.url): string[] {
  return [
    "audit",
    "verify",
    url,
    "--key",
    keyFile,
    "--key-id",
    exchange.consumer.keyId,
    "--member",
    CONSUMER,
    "--node-key",
    nodeKeyFile,
    "--log-key",
    vkeyFile,
    "--state",
    statePath,
    ...extra,
  ];
}

async function verify(extra: string[] = [], url?: string) {
  const run = await cli(args(extra, url));
  return { ...run, json: run.stdout.startsWith("{") ? JSON.parse(run.stdout) : undefined };
}

/** Audited traffic of the consumer: reads of the unconditional resource, a refused read. */
async function traffic(reads: number): Promise<void> {
  const consumer = exchange.client(exchange.consumer);
  for (let i = 0; i < reads; i++)
    await consumer.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: uPrefix, suffix: uSuffix }, query: { purpose: PURPOSE, limit: 1 } },
    });
  await consumer
    .request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix: nPrefix, suffix: nSuffix }, query: { purpose: PURPOSE } },
    })
    .catch((error: { status?: number }) => expect(error.status).toBe(403));
}

const readState = () => JSON.parse(readFileSync(statePath, "utf8"));

beforeAll(async () => {
  exchange = await startTestExchange(await freshLocation("pglite", (fn) => cleanups.push(fn)));
  provider = await startTestProvider(exchange.provider.signer, exchange.nodeVerifier);
  await joinDepartments(exchange, provider);
  await traffic(3);
  keyFile = tempFile(
    "consumer.pem",
    exchange.consumer.privateKey.export({ type: "pkcs8", format: "pem" }),
  );
  nodeKeyFile = tempFile("node.pub.pem", exchange.nodeKey.publicPem);
  vkey = formatVerifierKey(
    ed25519NoteVerifier(ORIGIN, createPublicKey(exchange.nodeKey.publicPem)),
  );
  vkeyFile = tempFile("log.vkey", `# the exchange's audit log\n${vkey}\n`);
}, 120_000);

afterAll(async () => {
  await provider?.close();
  await exchange?.close();
  for (const fn of cleanups.reverse()) await fn();
});

describe("govex audit verify", () => {
  it("documents itself in both languages", async () => {
    for (const [lang, words] of [
      ["zh-CN", ["首次使用即信任", "--since-index", "退出码"]],
      ["en", ["trusted on first use", "--since-index", "Exit codes"]],
    ] as const) {
      const help = await cli(["audit", "verify", "--help", "--lang", lang]);
      expect(help.code).toBe(0);
      for (const word of words) expect(help.stdout).toContain(word);
      for (const option of ["--key", "--key-id", "--member", "--node-key", "--log-key", "--state"])
        expect(help.stdout).toContain(option);
    }
    const top = await cli(["--help", "--lang", "en"]);
    expect(top.stdout).toContain("govex audit verify <node-url>");
  });

  it("refuses bad usage with exit 2 and a message saying what to fix", async () => {
    const without = (name: string) => {
      const all = args();
      const at = all.indexOf(name);
      return [...all.slice(0, at), ...all.slice(at + 2)];
    };
    const cases: [string, string[], string][] = [
      ["no subcommand", ["audit"], "Usage: govex audit verify"],
      ["an unknown subcommand", ["audit", "frob"], 'unknown audit command "frob"'],
      ["no URL", ["audit", "verify", "--key", "k"], "node URL is missing"],
      ["a non-http URL", args([], "ftp://127.0.0.1/v1"), "not valid"],
      ["two URLs", [...args(), "http://127.0.0.2/v1"], "one node at a time"],
      ["no --key", without("--key"), "--key is missing"],
      ["no --key-id", without("--key-id"), "--key-id is missing"],
      ["no --member", without("--member"), "--member is missing"],
      ["no --node-key", without("--node-key"), "--node-key is missing"],
      ["no --log-key", without("--log-key"), "--log-key is missing"],
      ["a bad USCC", args(["--member", "11370000MB01645660"]), "unified social credit code"],
      ["a hostile --member", args(["--member", "__proto__"]), "unified social credit code"],
      ["a control character", args(["--member", "\u001b[31m"]), "\\u001b"],
      ["a negative --since-index", args(["--since-index", "-1"]), "--since-index"],
      ["a huge --since-index", args(["--since-index", "9".repeat(40)]), "--since-index"],
      ["--max-proofs over the cap", args(["--max-proofs", "10001"]), "at most 10000"],
      ["an unknown --format", args(["--format", "xml"]), "--format"],
      ["an unknown option", args(["--force"]), 'unknown option "--force"'],
      ["a missing key file", args(["--key", join(dir, "none.pem")]), "cannot read the --key"],
      ["a key that is no key", args(["--key", vkeyFile]), "--key: cannot read the private key"],
      [
        "a node key that is no key",
        args(["--node-key", tempFile("node.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n")]),
        "--node-key: ",
      ],
      ["a --log-key that is neither", args(["--log-key", "not+a+key"]), "--log-key"],
      [
        "a malformed verifier key",
        args(["--log-key", tempFile("bad.vkey", "exchange.test/audit+00000000+AQID\n")]),
        "verifier key 1 is not valid",
      ],
      [
        "a state file that is not JSON",
        args(["--state", tempFile("state.json", "{not json")]),
        "state file",
      ],
      [
        "a state file of the wrong shape",
        args(["--state", tempFile("state.json", '{"__proto__":{"note":"x"}}')]),
        "origin, size, root and note",
      ],
    ];
    for (const [name, argv, message] of cases) {
      const run = await cli([...argv, "--lang", "en"]);
      expect(run.code, name).toBe(2);
      expect(run.stdout, name).toBe("");
      expect(run.stderr, name).toContain(message);
    }
    expect(() => readFileSync(statePath)).toThrow();
  });

  it("exits 2 with a clear message when the node is unreachable or cannot be trusted", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = await verify(["--lang", "en"], `http://127.0.0.1:${port}/v1`);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach the node at http:\/\/127\.0\.0\.1:\d+\/v1 \(E/);
    const zh = await verify([], `http://127.0.0.1:${port}/v1`);
    expect(zh.stderr).toContain("无法连接节点");

    const stranger = generateKeyPairSync("ed25519").publicKey;
    const wrongNode = await verify([
      "--lang",
      "en",
      "--node-key",
      tempFile("other.pub.pem", stranger.export({ type: "spki", format: "pem" })),
    ]);
    expect(wrongNode.code).toBe(2);
    expect(wrongNode.stderr).toContain("check that --node-key is the node's response-signing");

    const unknownKey = await verify(["--lang", "en", "--key-id", "no-such-key"]);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain("the node refused GET /audit/checkpoint (401");
    expect(unknownKey.stderr).toContain("check --key and --key-id");

    const notMine = await verify(["--lang", "en", "--member", exchange.provider.code]);
    expect(notMine.code).toBe(2);
    expect(notMine.stderr).toContain("the node refused GET /audit/entries (403");
    expect(() => readFileSync(statePath)).toThrow();
  });

  it("trusts the first checkpoint on first use and saves it", async () => {
    const run = await verify(["--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = run.json;
    expect(report).toMatchObject({
      ok: true,
      member: CONSUMER,
      origin: ORIGIN,
      trustOnFirstUse: true,
      consistency: null,
      issues: [],
      state: { path: statePath, written: true },
    });
    // Three reads and one refusal of the consumer, each proven in the signed log.
    expect(report.entries.checked).toBeGreaterThanOrEqual(4);
    expect(report.entries.verified).toBe(report.entries.checked);
    const state = readState();
    expect(Object.keys(state).sort()).toEqual(["note", "origin", "root", "size"]);
    expect(state).toMatchObject({
      origin: ORIGIN,
      size: report.checkpoint.size,
      root: report.checkpoint.rootHash,
    });
    expect(state.note).toMatch(new RegExp(`^${ORIGIN}\\n${state.size}\\n`));

    const text = await verify(["--lang", "en", "--state", join(dir, "other-state.json")]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("trusted on first use (TOFU)");
    expect(text.stdout).toMatch(/result\s+verified/);
    const zh = await verify(["--state", join(dir, "zh-state.json")]);
    expect(zh.stdout).toContain("首次使用即信任");
    expect(zh.stdout).toMatch(/结果\s+通过/);
  });

  it("fails with exit 1 under a wrong log key, and keeps the state", async () => {
    const before = readFileSync(statePath, "utf8");
    const wrong = formatVerifierKey(
      ed25519NoteVerifier(ORIGIN, generateKeyPairSync("ed25519").publicKey),
    );
    const run = await verify(["--log-key", wrong, "--format", "json"]);
    expect(run.code).toBe(1);
    const codes = run.json.issues.map((i: { code: string }) => i.code);
    expect(codes).toContain("checkpoint_invalid");
    expect(codes).toContain("no_checkpoint");
    expect(
      run.json.issues
        .filter((i: { code: string }) => i.code === "checkpoint_invalid")
        .map((i: { checkpoint: string }) => i.checkpoint),
    ).toEqual(["saved", "latest"]);
    expect(run.json.state.written).toBe(false);
    expect(readFileSync(statePath, "utf8")).toBe(before);
    const text = await verify(["--log-key", wrong, "--lang", "en"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/checkpoint\s+not verified/);
    expect(text.stdout).toContain("  checkpoint_invalid checkpoint 1 is invalid (unverified_note)");
    expect(text.stdout).toContain(`[the checkpoint saved in ${statePath}]`);
    expect(text.stdout).toContain("[the node's latest checkpoint]");
  });

  it("proves the log consistent with the saved checkpoint after more traffic", async () => {
    const first = readState();
    await traffic(2);
    const run = await verify(["--format", "json"]);
    expect(run.code).toBe(0);
    expect(run.json.trustOnFirstUse).toBe(false);
    expect(run.json.checkpoint.size).toBeGreaterThan(first.size);
    expect(run.json.consistency).toEqual({
      from: first.size,
      to: run.json.checkpoint.size,
      verified: true,
    });
    expect(run.json.entries.verified).toBeGreaterThanOrEqual(7);
    expect(readState().size).toBe(run.json.checkpoint.size);

    const again = await verify(["--lang", "en"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`unchanged since the last run (size ${readState().size}`);
    await traffic(1);
    const grown = await verify(["--lang", "en"]);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(/consistent from size \d+ to \d+ \(RFC 9162 §2\.1\.4\)/);
    expect(grown.stdout).toMatch(/checkpoint saved to/);
  });

  it("caps the proofs of a run and resumes from --since-index", async () => {
    const capped = await verify(["--max-proofs", "2", "--format", "json"]);
    expect(capped.code).toBe(0);
    expect(capped.json.entries).toMatchObject({ checked: 2, verified: 2, capped: true, cap: 2 });
    const next = capped.json.entries.nextIndex as number;
    expect(next).toBeGreaterThan(0);
    const text = await verify(["--max-proofs", "2", "--lang", "en"]);
    expect(text.stdout).toContain(`run again with --since-index ${next} for the rest`);

    const rest = await verify(["--since-index", String(next), "--format", "json"]);
    expect(rest.code).toBe(0);
    expect(rest.json.entries.skipped).toBe(2);
    expect(rest.json.entries.capped).toBe(false);
    expect(rest.json.entries.verified).toBe(rest.json.entries.checked);
    const none = await verify(["--since-index", "9007199254740991", "--format", "json"]);
    expect(none.json.entries).toMatchObject({ checked: 0, capped: false });
  });

  it("fails with exit 1 when the saved checkpoint is not consistent with the log", async () => {
    const good = readState();
    const signer = ed25519NoteSigner(ORIGIN, exchange.nodeKey.privateKey);
    const signed = async (size: number) => {
      const rootHash = randomBytes(32);
      const note = await signCheckpoint({ origin: ORIGIN, size, rootHash, extensions: [] }, [
        signer,
      ]);
      return { origin: ORIGIN, size, root: rootHash.toString("base64"), note };
    };
    const cases: [string, object, string][] = [
      // The log's own key signed two roots for one size: it showed two histories.
      ["a forged root of the same size", await signed(good.size), "checkpoint_fork"],
      ["a larger size than the log", await signed(good.size + 100), "checkpoint_rollback"],
      ["a rewritten older history", await signed(good.size - 3), "consistency_failed"],
      ["fields edited beside the note", { ...good, size: good.size - 1 }, "state_mismatch"],
      [
        "a note not signed by the log",
        { ...good, note: good.note.replace(/— .*\n$/, "— exchange.test/audit AAAA\n") },
        "checkpoint_invalid",
      ],
      [
        "a checkpoint of a log the key is not for",
        await (async () => {
          const other = ed25519NoteSigner("other.test/audit", exchange.nodeKey.privateKey);
          const rootHash = randomBytes(32);
          const note = await signCheckpoint(
            { origin: "other.test/audit", size: 1, rootHash, extensions: [] },
            [other],
          );
          return { origin: "other.test/audit", size: 1, root: rootHash.toString("base64"), note };
        })(),
        "checkpoint_invalid",
      ],
    ];
    for (const [name, state, code] of cases) {
      const path = tempFile("state.json", JSON.stringify(state));
      const before = readFileSync(path, "utf8");
      const run = await cli([...args(["--state", path, "--format", "json"])]);
      expect(run.code, name).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(
        report.issues.map((i: { code: string }) => i.code),
        name,
      ).toContain(code);
      expect(report.ok, name).toBe(false);
      expect(report.state.written, name).toBe(false);
      expect(readFileSync(path, "utf8"), name).toBe(before);
    }
    const fork = tempFile("state.json", JSON.stringify(cases[0]?.[1]));
    const text = await cli([...args(["--state", fork, "--lang", "en"])]);
    expect(text.stdout).toMatch(/history\s+NOT shown consistent/);
    expect(text.stdout).toContain(`  checkpoint_fork two signed checkpoints of size ${good.size}`);
  });

  it("detects an audit row edited in SQL, naming the entry", async () => {
    const { rows } = await exchange.node.store.query<{ leaf_index: number; entry: Uint8Array }>(
      "select leaf_index, entry from audit_entries where caller = $1 order by leaf_index limit 1",
      [CONSUMER],
    );
    const row = rows[0];
    if (!row) throw new Error("the consumer has no audit entry");
    const leafIndex = Number(row.leaf_index);
    const bytes = Buffer.from(row.entry);
    // One byte of the purpose: "social …" becomes "Social …".
    const at = bytes.indexOf(`"purpose":"${PURPOSE}"`) + '"purpose":"'.length;
    expect(at).toBeGreaterThan(10);
    const edit = (value: number) =>
      exchange.node.store.query(
        "update audit_entries set entry = set_byte(entry, $1, $2) where leaf_index = $3",
        [at, value, leafIndex],
      );
    const before = readFileSync(statePath, "utf8");
    await edit("S".charCodeAt(0));
    try {
      const run = await verify(["--format", "json"]);
      expect(run.code).toBe(1);
      const mine = run.json.issues.filter(
        (i: { params: { leafIndex?: number } }) => i.params.leafIndex === leafIndex,
      );
      expect(mine.map((i: { code: string }) => i.code).sort()).toEqual([
        "entry_hash_mismatch",
        "inclusion_failed",
      ]);
      expect(mine[0].entry).toMatchObject({ leafIndex, operation: "queryRecords" });
      expect(run.json.consistency.verified).toBe(true);
      expect(run.json.entries.verified).toBe(run.json.entries.checked - 1);
      expect(readFileSync(statePath, "utf8")).toBe(before);
      const text = await verify(["--lang", "en"]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(
        `  entry_hash_mismatch entry ${leafIndex}'s content does not hash to its leaf hash`,
      );
      expect(text.stdout).toMatch(/result\s+2 issue\(s\) found/);
      const zh = await verify([]);
      expect(zh.stdout).toContain(`entry_hash_mismatch 条目 ${leafIndex} 的内容与其叶哈希不符`);
    } finally {
      await edit("s".charCodeAt(0));
    }
    const restored = await verify([]);
    expect(restored.code).toBe(0);
  });
});
