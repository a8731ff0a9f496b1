import { generateKeyPairSync } from "node:crypto";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProviderClient } from "@govex/client";
import { createSigner, createVerifier } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemorySource,
  loadProviderConfig,
  MappingError,
  type RunningProvider,
  startProvider,
} from "../src/index.js";
import { personRow } from "./fixtures-people.js";

const fixtures = join(import.meta.dirname, "fixtures", "hukou");
let dir: string;
const exchange = generateKeyPairSync("ed25519");
const provider = generateKeyPairSync("ed25519");

const config = (extra = "") => `system: 户籍管理系统
listen: { host: 127.0.0.1, port: 0 }
signing: { keyId: hukou-1, algorithm: ed25519, privateKey: { file: ./provider.pem } }
exchange:
  keys:
    - { keyId: exchange-1, algorithm: ed25519, publicKey: { env: TEST_EXCHANGE_KEY } }
resources:
  - mapping: ./mapping.yaml
issueLog: ./issues.ndjson
${extra}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "govex-provider-"));
  for (const f of ["mapping.yaml", "entry.json"]) await copyFile(join(fixtures, f), join(dir, f));
  await writeFile(
    join(dir, "provider.pem"),
    provider.privateKey.export({ type: "pkcs8", format: "pem" }),
  );
  await writeFile(join(dir, "provider.yaml"), config());
});

const env = (): Record<string, string> => ({
  TEST_EXCHANGE_KEY: exchange.publicKey.export({ type: "spki", format: "pem" }) as string,
});

async function issuesOf(text: string, environment = env()) {
  await writeFile(join(dir, "bad.yaml"), text);
  try {
    await loadProviderConfig(join(dir, "bad.yaml"), environment);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).issues;
  }
  throw new Error("expected a MappingError");
}

describe("loadProviderConfig", () => {
  it("loads keys from a file and the environment", async () => {
    const loaded = await loadProviderConfig(join(dir, "provider.yaml"), env());
    expect(loaded.signer.keyId).toBe("hukou-1");
    expect([...loaded.exchangeKeys.keys()]).toEqual(["exchange-1"]);
    expect(loaded.mappings).toEqual([join(dir, "mapping.yaml")]);
    expect(loaded.basePath).toBe("/v1");
  });

  it.each<[string, string, Record<string, unknown>, Record<string, string>?]>([
    [
      "an unknown setting, at its line",
      config("secret: abc"),
      { line: 10, path: "/secret", code: "unrecognized_keys" },
    ],
    [
      "a missing environment key",
      config(),
      { path: "/exchange/keys/0/publicKey", code: "env_missing" },
      {},
    ],
    [
      "a key of the wrong algorithm",
      config().replace(
        "algorithm: ed25519, privateKey",
        "algorithm: ecdsa-p256-sha256, privateKey",
      ),
      { line: 3, path: "/signing/privateKey", code: "key_invalid" },
    ],
    ["a bad port", config().replace("port: 0", "port: 70000"), { line: 2, path: "/listen/port" }],
  ])("reports %s", async (_name, text, want, environment = env()) => {
    const issues = await issuesOf(text, environment);
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining(want)]));
  });
});

describe("startProvider", () => {
  let running: RunningProvider;
  const source = createMemorySource("SFZH", [
    ...Array.from({ length: 30 }, (_, i) => personRow(i)),
    { ...personRow(99), CSRQ: "20230230" },
  ]);
  beforeAll(async () => {
    running = await startProvider({
      config: await loadProviderConfig(join(dir, "provider.yaml"), env()),
      resolveSource: async (kind) => {
        expect(kind).toBe("memory");
        return async () => source;
      },
    });
  });
  afterAll(() => running.close());

  const client = () =>
    createProviderClient({
      baseUrl: running.url,
      signer: createSigner({ keyId: "exchange-1", algorithm: "ed25519", key: exchange.privateKey }),
      keys: new Map([
        [
          "hukou-1",
          createVerifier({ keyId: "hukou-1", algorithm: "ed25519", key: provider.publicKey }),
        ],
      ]),
    });

  it("serves the mapped resource over a socket, signed both ways", async () => {
    const { data } = await client().request("get", "/resources/{prefix}/{suffix}/records", {
      params: {
        path: { prefix: "101001", suffix: "000001" },
        query: { purpose: "依法履职核查", limit: 100 },
      },
    });
    expect(data.items).toHaveLength(30);
    expect(data.items[0]).toHaveProperty("sex");
  });

  it("writes the withheld record to the issue log, without its values", async () => {
    const log = await readFile(join(dir, "issues.ndjson"), "utf8");
    const entries = log
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(entries).toEqual([
      expect.objectContaining({
        resourceCode: "101001/000001",
        key: personRow(99).SFZH,
        operation: "query",
      }),
    ]);
    expect(log).not.toContain("20230230");
    const metrics = await running.server.registry.metrics();
    expect(metrics).toMatch(
      /govex_adapter_records_withheld_total\{resource="101001\/000001",code="date_invalid"\} 1/,
    );
  });

  it("refuses to start when a source block is wrong, pointing at the mapping's line", async () => {
    const loaded = await loadProviderConfig(join(dir, "provider.yaml"), env());
    await expect(
      startProvider({
        config: loaded,
        resolveSource: async () => async () => {
          const { AdapterError } = await import("../src/index.js");
          throw new AdapterError("config_invalid", {
            zh: "缺少 table。",
            en: "table is missing",
            path: "/table",
          });
        },
      }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: "/source/table", line: 6 })],
    });
    await expect(
      startProvider({ config: loaded, resolveSource: async () => Promise.reject(new Error("no")) }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: "unknown_kind", line: 7 })],
    });
  });
});
