import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { verifyConformanceReport } from "@govex/conformance";
import { createSigner, createVerifier, generateSm2KeyPair } from "@govex/security";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FixtureProvider, startFixtureProvider } from "../../conformance/test/provider.js";
import { cli, tempFile } from "./helpers.js";

// The exchange's and the provider's keys, as files in the formats the command documents.
const exchangeKeys = generateKeyPairSync("ed25519");
const providerKeys = generateKeyPairSync("ed25519");
const exchangeKeyFile = tempFile(
  "exchange.pem",
  exchangeKeys.privateKey.export({ type: "pkcs8", format: "pem" }),
);
const providerKeyFile = tempFile(
  "provider.pub.pem",
  providerKeys.publicKey.export({ type: "spki", format: "pem" }),
);
const sm2Exchange = generateSm2KeyPair();
const sm2Provider = generateSm2KeyPair();
const sm2ExchangeFile = tempFile("exchange.sm2", `${sm2Exchange.privateKey}\n`);
const sm2ProviderFile = tempFile("provider.sm2.pub", `${sm2Provider.publicKey}\n`);

const exchangeVerifiers = new Map([
  [
    "exchange-test",
    createVerifier({ keyId: "exchange-test", algorithm: "ed25519", key: exchangeKeys.publicKey }),
  ],
  [
    "exchange-sm2",
    createVerifier({ keyId: "exchange-sm2", algorithm: "sm2-sm3", key: sm2Exchange.publicKey }),
  ],
]);

let good: FixtureProvider;
let broken: FixtureProvider;
let sm2: FixtureProvider;
beforeAll(async () => {
  const signer = createSigner({
    keyId: "provider-test",
    algorithm: "ed25519",
    key: providerKeys.privateKey,
  });
  good = await startFixtureProvider({ signer, exchangeKeys: exchangeVerifiers, people: 20 });
  broken = await startFixtureProvider({
    signer,
    exchangeKeys: exchangeVerifiers,
    people: 20,
    break: "pagination-complete",
  });
  sm2 = await startFixtureProvider({
    signer: createSigner({
      keyId: "provider-sm2",
      algorithm: "sm2-sm3",
      key: sm2Provider.privateKey,
    }),
    exchangeKeys: exchangeVerifiers,
    people: 10,
  });
});
afterAll(async () => {
  await Promise.all([good.close(), broken.close(), sm2.close()]);
});

const keys = (url: string) => [
  "conformance",
  url,
  "--key",
  exchangeKeyFile,
  "--key-id",
  "exchange-test",
  "--alg",
  "ed25519",
  "--provider-key",
  providerKeyFile,
];

describe("govex conformance", () => {
  test("a conformant provider: exit 0, a zh-CN report, and a signed report that verifies", async () => {
    const out = tempFile("report.json", "");
    const r = await cli([
      ...keys(good.url),
      "--report",
      out,
      "--report-key",
      exchangeKeyFile,
      "--report-key-id",
      "vendor-2026",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("govex 符合性检测");
    expect(r.stdout).toContain("0 项未通过");
    const report = JSON.parse(readFileSync(out, "utf8"));
    expect(report.signature.keyId).toBe("vendor-2026");
    const verdict = await verifyConformanceReport(report, exchangeKeys.publicKey, {
      providerUrl: good.url,
    });
    expect(verdict.ok).toBe(true);
  });

  test("a provider that breaks a rule: exit 1, the failed check named in English, JSON and JUnit", async () => {
    const text = await cli([...keys(broken.url), "--lang", "en"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✗ FAIL\s+pagination-complete/);
    const json = await cli([...keys(broken.url), "--format", "json"]);
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout);
    expect(
      result.checks
        .filter((c: { status: string }) => c.status === "fail")
        .map((c: { id: string }) => c.id),
    ).toEqual(["pagination-complete"]);
    const junit = await cli([...keys(broken.url), "--format", "junit"]);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<failure type="pagination-complete"');
  });

  test("SM2 keys as hex files, the provider's key id pinned", async () => {
    const r = await cli([
      "conformance",
      sm2.url,
      "--key",
      sm2ExchangeFile,
      "--key-id",
      "exchange-sm2",
      "--alg",
      "sm2-sm3",
      "--provider-key",
      sm2ProviderFile,
      "--provider-key-id",
      "provider-sm2",
      "--max-records",
      "50",
      "--timeout",
      "10000",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  const missing = tempFile("gone.pem", "");
  const notAKey = tempFile(
    "not-a-key.pem",
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
  );
  test.each([
    [["conformance"], "缺少提供方地址"],
    [["conformance", "http://127.0.0.1:1/v1", "--key", exchangeKeyFile], "--key-id"],
    [
      [...keys("http://127.0.0.1:1/v1").slice(0, 7), "rsa", "--provider-key", providerKeyFile],
      "--alg",
    ],
    [[...keys("http://127.0.0.1:1/v1"), "--format", "xml"], "--format"],
    [[...keys("http://127.0.0.1:1/v1"), "--max-records", "0"], "--max-records"],
    [[...keys("http://127.0.0.1:1/v1"), "--timeout", "abc"], "--timeout"],
    [[...keys("http://127.0.0.1:1/v1"), "--report", "out.json"], "--report-key"],
    [[...keys("http://127.0.0.1:1/v1"), "--bogus"], "--bogus"],
    [
      [...keys("http://127.0.0.1:1/v1").slice(0, 3), `${missing}.absent`, ...keys("").slice(4)],
      "无法读取",
    ],
    [[...keys("http://127.0.0.1:1/v1").slice(0, 3), notAKey, ...keys("").slice(4)], "--key"],
    // An Ed25519 key file with --alg sm2-sm3: the key and the algorithm disagree.
    [
      [...keys("http://127.0.0.1:1/v1").slice(0, 7), "sm2-sm3", "--provider-key", providerKeyFile],
      "sm2-sm3",
    ],
    [keys("ftp://127.0.0.1/v1"), "http(s)"],
    // Nothing listens on port 1: unreachable is a usage error, not a failed conformance run.
    [keys("http://127.0.0.1:1/v1"), "无法连接提供方"],
  ])("usage error %#: exit 2, one line on stderr", async (argv, text) => {
    const r = await cli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(text);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("--help prints the command's options in the chosen language", async () => {
    const zh = await cli(["conformance", "--help"]);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain("--provider-key");
    const en = await cli(["conformance", "--help", "--lang", "en"]);
    expect(en.stdout).toContain("Exit codes: 0 every check passed");
  });
});
