import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import type { Source } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { type ApiServer, startApiServer } from "./api-server.js";

const TOKEN = "s3cr3t-T0KEN-7f9a2c41e8b5d6";
const env = { MINZHENG_API_URL: "", MINZHENG_API_TOKEN: TOKEN };
let api: ApiServer;
const sources: Source[] = [];

beforeAll(async () => {
  api = await startApiServer({ token: TOKEN });
  env.MINZHENG_API_URL = api.url;
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await api.close();
});

async function source(block: Record<string, unknown>, timeout = 10_000): Promise<Source> {
  const s = await createSource(
    {
      kind: "rest",
      baseUrl: { env: "MINZHENG_API_URL" },
      headers: {
        Authorization: { env: "MINZHENG_API_TOKEN", prefix: "Bearer " },
        Accept: "application/json",
      },
      timeout,
      maxBytes: 1024 * 1024,
      ...block,
    },
    { baseDir: ".", env },
  );
  sources.push(s);
  return s;
}

const scanOf = (s: Source) => s.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 10 });
const list = (path: string, items = "data.records") => ({ list: { path, items } });

/** Everything an error could leak through: message, zh, params, cause chain, inspect output. */
function everything(error: unknown): string {
  return `${JSON.stringify(error)} ${inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })} ${String(error)}`;
}

describe("credentials", () => {
  it("sends the token read from the environment", async () => {
    const s = await source(list("/api/marriages"));
    api.authorizations.length = 0;
    expect(await scanOf(s)).toHaveLength(10);
    expect(api.authorizations).toEqual([`Bearer ${TOKEN}`]);
  });

  it("a refused token is unavailable, and names no token", async () => {
    const s = await createSource(
      {
        kind: "rest",
        baseUrl: api.url,
        headers: { Authorization: { env: "WRONG" } },
        ...list("/api/marriages"),
      },
      { baseDir: ".", env: { WRONG: "Bearer wrong-T0KEN-0000000000" } },
    );
    sources.push(s);
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { status: 401 } });
    expect(everything(error)).not.toContain("wrong-T0KEN");
  });
});

describe("a slow or unreachable API", () => {
  it.each([
    ["no answer at all", "/api/slow"],
    ["headers, then nothing", "/api/slowbody"],
  ])("%s: unavailable within the timeout", async (_name, path) => {
    const s = await source(list(path), 200);
    const started = performance.now();
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { timeout: 200 } });
    // Bounded: the deadline, not a hang (the server never answers).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(everything(error)).not.toContain(TOKEN);
  });

  it("the caller's signal aborts a call at once, with its own reason", async () => {
    const s = await source(list("/api/slow"));
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => {
      api.onRequest = (path) => {
        if (path === "/api/slow") resolve();
      };
    });
    const pending = s.scan({
      keyField: "zsbh",
      filter: {},
      fields: [],
      limit: 10,
      signal: controller.signal,
    });
    await arrived;
    controller.abort(new Error("client went away"));
    await expect(pending).rejects.toThrow("client went away");
    api.onRequest = undefined;
  });

  it("a closed port is unavailable, naming no secret", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");
    const s = await createSource(
      {
        kind: "rest",
        baseUrl: { env: "URL" },
        headers: { "X-Api-Key": { env: "KEY" } },
        timeout: 2000,
        ...list("/api/marriages"),
      },
      { baseDir: ".", env: { URL: `http://127.0.0.1:${port}`, KEY: TOKEN } },
    );
    sources.push(s);
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(everything(error)).not.toContain(TOKEN);
  });
});

describe("hostile answers", () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ["a 3 MiB chunked body", "/api/huge", { params: { maxBytes: 1024 * 1024 } }],
    ["a body declared as 64 MiB", "/api/huge-declared", { params: { maxBytes: 1024 * 1024 } }],
    ["100 000 nested arrays", "/api/deep", { params: { maxDepth: 64 } }],
    ["HTML instead of JSON", "/api/html", { message: expect.stringContaining("text/html") }],
    ["GBK bytes without a charset", "/api/gbk-undeclared", { params: { charset: "utf-8" } }],
    [
      "rows that are not objects",
      "/api/marriages",
      { message: expect.stringContaining("not an object") },
    ],
    ["a server error", "/api/fail", { params: { status: 500 } }],
  ];
  it.each(cases)("%s: unavailable with a clear message", async (_name, path, want) => {
    const items = path === "/api/marriages" ? "data.records.zsbh" : "data.records";
    const s = await source({ list: { path, items } });
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", ...want });
    expect(error.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(everything(error)).not.toContain(TOKEN);
  });

  it("a 200 KB Chinese value within the limits passes through intact", async () => {
    const s = await source(list("/api/big-ok"));
    const [row] = await scanOf(s);
    expect(row?.nfxm).toBe("婚".repeat(100_000));
  });

  it("__proto__ members are dropped and pollute nothing", async () => {
    const s = await source({
      list: { path: "/api/proto", items: "data.records" },
      get: { path: "/api/proto", query: { k: "{key}" }, item: "/data/records/0" },
    });
    const rows = await scanOf(s);
    expect(rows.map((r) => r.zsbh)).toEqual(["P1", "P2"]);
    for (const row of rows) {
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.hasOwn(row, "__proto__")).toBe(false);
      expect((row as { polluted?: unknown }).polluted).toBeUndefined();
    }
    const row = await s.get({ keyField: "zsbh", key: "P1", fields: [] });
    expect(row).toMatchObject({ zsbh: "P1", nfxm: "甲" });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("reads a body in the charset it declares (GBK)", async () => {
    const s = await source(list("/api/gbk"));
    expect(await scanOf(s)).toEqual([{ zsbh: "G1", nfxm: "张三" }]);
  });

  it("keeps integers beyond 2^53 exact, as strings", async () => {
    const s = await source(list("/api/bigint"));
    expect(await scanOf(s)).toEqual([
      { zsbh: "1234567890123456789", n: 12, f: -1500, s: "12345678901234567890" },
    ]);
  });

  it.each([
    [
      "an API that claims key order but does not keep it",
      "/api/unsorted",
      "key",
      /not in strictly ascending key order/,
    ],
    [
      "an API that ignores the page parameter",
      "/api/ignores-page",
      "key",
      /did not advance|already read/,
    ],
    [
      "an API that ignores the page parameter (unordered)",
      "/api/ignores-page",
      "none",
      /same key|more than maxRows/,
    ],
    ["duplicate keys", "/api/dup", "none", /same key/],
  ])("%s: unavailable, never wrong pages", async (_name, path, order, message) => {
    const s = await source({
      list: {
        path,
        query: { page: "{page}", size: "{limit}" },
        items: "data.records",
        order,
        pageSize: 10,
        maxRows: 200,
      },
    });
    const error = await (async () => {
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const rows = await s.scan({
          keyField: "zsbh",
          filter: {},
          fields: [],
          limit: 10,
          ...(after ? { after } : {}),
        });
        if (rows.length < 10) return undefined;
        after = String(rows[9]?.zsbh);
      }
      return undefined;
    })().catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(error.message).toMatch(message);
  });
});
