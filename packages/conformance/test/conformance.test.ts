import type { SignatureAlgorithm } from "@govex/security";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CHECK_IDS,
  ConformanceError,
  type ConformanceResult,
  renderJson,
  renderJunit,
  renderText,
  runConformance,
  SPEC,
} from "../src/index.js";
import { check, exchange, exchangeKeys, failedIds, keyPair, provider } from "./helpers.js";
import { type FixtureProvider, startFixtureProvider } from "./provider.js";

describe("the unbroken fixture provider", () => {
  let result: ConformanceResult;
  beforeAll(async () => {
    result = await check(undefined, { people: 120 });
  });

  test("passes every check, with every check id reported once", () => {
    expect(failedIds(result)).toEqual([]);
    expect(result.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    expect(result.summary).toEqual({
      total: CHECK_IDS.length,
      passed: CHECK_IDS.length,
      failed: 0,
      skipped: 0,
      ok: true,
    });
    expect(result.resources).toEqual(["101001/000001", "101001/000002"]);
    expect(result.spec).toEqual({ id: "specs/provider/v1", version: SPEC.version });
    // Bounded: a few hundred requests for 150 records, whatever the machine's speed.
    expect(result.requests).toBeLessThan(400);
  });

  test("text output in zh-CN and English, JSON and JUnit XML", () => {
    const zh = renderText(result, "zh-CN");
    expect(zh).toContain("govex 符合性检测");
    expect(zh).toContain("结果: 27 项通过, 0 项未通过, 0 项跳过 —— 符合规范");
    const en = renderText(result, "en");
    expect(en).toContain("Result: 27 passed, 0 failed, 0 skipped — conformant");
    for (const id of CHECK_IDS) expect(en).toContain(id);
    expect(JSON.parse(renderJson(result))).toEqual(JSON.parse(JSON.stringify(result)));
    const junit = renderJunit(result, "en");
    expect(junit.match(/<testcase /g)).toHaveLength(CHECK_IDS.length);
    expect(junit).toContain(`tests="${CHECK_IDS.length}" failures="0" skipped="0"`);
    expect(junit).not.toContain("<failure");
  });
});

describe("skips and blocked checks", () => {
  test("operations a provider does not offer are skipped with a reason, everything else passes", async () => {
    const fixture = await startFixtureProvider({
      signer: provider.signer,
      exchangeKeys,
      people: 10,
      offer: ["query", "get"],
    });
    try {
      const result = await runConformance({
        baseUrl: fixture.url,
        signer: exchange.signer,
        providerKeys: [provider.verifier],
      });
      const skipped = result.checks.filter((c) => c.status === "skip");
      expect(skipped.map((c) => c.id).sort()).toEqual(
        [
          "bad-body-4xx",
          "changes-forward-only",
          "changes-schema",
          "verify-answers",
          "verify-discloses-nothing",
          "verify-schema",
        ].sort(),
      );
      for (const c of skipped) expect(c.reason?.en).toMatch(/no resource offers (verify|changes)/);
      expect(result.summary).toMatchObject({ failed: 0, skipped: 6, ok: true });
    } finally {
      await fixture.close();
    }
  });

  test("a describe that does not answer fails the resource checks, never skips them", async () => {
    const result = await check("describe-down", { people: 5 });
    expect(result.checks.filter((c) => c.status === "skip")).toEqual([]);
    expect(failedIds(result)).toEqual(
      expect.arrayContaining([
        "describe-schema",
        "describe-consistent",
        "pagination-complete",
        "verify-answers",
      ]),
    );
    const blocked = result.checks.find((c) => c.id === "pagination-complete");
    expect(blocked?.failures[0]?.message.en).toContain(
      "describe gave no usable resource list (HTTP 500)",
    );
    // What needs no resource is still checked.
    for (const id of [
      "health-schema",
      "problem-json",
      "signature-response-valid",
      "unknown-resource-404",
    ])
      expect(result.checks.find((c) => c.id === id)?.status).toBe("pass");
  });
});

describe("signature algorithms", () => {
  test.each([["sm2-sm3"], ["ecdsa-p256-sha256"]] as [SignatureAlgorithm][])(
    "an exchange and a provider signing with %s pass",
    async (algorithm) => {
      const ours = keyPair("exchange-alg", algorithm);
      const theirs = keyPair("provider-alg", algorithm);
      const fixture = await startFixtureProvider({
        signer: theirs.signer,
        exchangeKeys: new Map([[ours.signer.keyId, ours.verifier]]),
        people: 20,
      });
      try {
        const result = await runConformance({
          baseUrl: fixture.url,
          signer: ours.signer,
          providerKeys: new Map([[theirs.signer.keyId, theirs.verifier]]),
        });
        expect(failedIds(result)).toEqual([]);
      } finally {
        await fixture.close();
      }
    },
  );

  test("a provider key the kit does not trust fails signature-response-valid only", async () => {
    const fixture = await startFixtureProvider({
      signer: provider.signer,
      exchangeKeys,
      people: 10,
    });
    try {
      const stranger = keyPair(provider.signer.keyId);
      const result = await runConformance({
        baseUrl: fixture.url,
        signer: exchange.signer,
        providerKeys: [stranger.verifier],
      });
      expect(failedIds(result)).toEqual(["signature-response-valid"]);
    } finally {
      await fixture.close();
    }
  });
});

describe("usage errors", () => {
  let fixture: FixtureProvider;
  beforeAll(async () => {
    fixture = await startFixtureProvider({ signer: provider.signer, exchangeKeys, people: 5 });
  });
  afterAll(() => fixture.close());

  test.each([
    ["ftp://127.0.0.1/v1", {}],
    ["not a url", {}],
    ["http://127.0.0.1/v1?x=1", {}],
    ["http://127.0.0.1/v1", { maxRecords: 0 }],
    ["http://127.0.0.1/v1", { timeout: -5 }],
    ["http://127.0.0.1/v1", { purpose: "x" }],
    ["http://127.0.0.1/v1", { shareRequest: "not valid!" }],
  ] as const)("%s %j is invalid_options", async (baseUrl, extra) => {
    const error = await runConformance({
      baseUrl,
      signer: exchange.signer,
      providerKeys: [provider.verifier],
      ...extra,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConformanceError);
    expect((error as ConformanceError).code).toBe("invalid_options");
  });

  test("a provider that is not there is provider_unreachable, not a failed run", async () => {
    const closed = await startFixtureProvider({ signer: provider.signer, exchangeKeys, people: 1 });
    await closed.close();
    const error = await runConformance({
      baseUrl: closed.url,
      signer: exchange.signer,
      providerKeys: [provider.verifier],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConformanceError);
    expect((error as ConformanceError).code).toBe("provider_unreachable");
    expect((error as ConformanceError).messages["zh-CN"]).toContain("无法连接提供方");
  });

  test("maxRecords caps the walk and the run still passes, with a share request id", async () => {
    const result = await runConformance({
      baseUrl: fixture.url,
      signer: exchange.signer,
      providerKeys: [provider.verifier],
      maxRecords: 3,
      shareRequest: "SR-2026-0001",
    });
    expect(failedIds(result)).toEqual([]);
  });
});
