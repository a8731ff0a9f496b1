import type { Source, SourceRow } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { type ApiServer, type Marriage, startApiServer } from "./api-server.js";

let api: ApiServer;
const sources: Source[] = [];
const context = { baseDir: ".", env: {} };

beforeAll(async () => {
  api = await startApiServer();
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await api.close();
});

async function source(block: Record<string, unknown>): Promise<Source> {
  const s = await createSource({ kind: "rest", baseUrl: `${api.url}/`, ...block }, context);
  sources.push(s);
  return s;
}

/** Read every page the way the core does: after = the last key, until a short page. */
async function traverse(
  s: Source,
  limit: number,
  filter: Record<string, string> = {},
): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  let after: string | undefined;
  for (let calls = 0; calls < 1000; calls++) {
    const rows = await s.scan({
      keyField: "zsbh",
      filter,
      fields: [],
      limit,
      ...(after ? { after } : {}),
    });
    out.push(...rows);
    if (rows.length < limit) return out;
    after = String(rows[rows.length - 1]?.zsbh);
  }
  throw new Error("no end");
}

const expected = (filter: (m: Marriage) => boolean = () => true) =>
  [...api.data].filter(filter).sort((a, b) => (a.zsbh < b.zsbh ? -1 : 1));

const OFFICE = "济南市市中区民政局";

const styles: [string, Record<string, unknown>][] = [
  [
    "page/size in key order",
    {
      path: "/api/marriages",
      query: { page: "{page}", size: "{limit}" },
      items: "data.records",
      order: "key",
      pageSize: 10,
      filterParams: { office: "djjg" },
    },
  ],
  [
    "page/size from 0, unordered, JSON Pointer",
    {
      path: "/api/shuffled",
      query: { pageNo: "{page}", pageSize: "{limit}" },
      items: "/rows",
      firstPage: 0,
      pageSize: 10,
    },
  ],
  [
    "offset/limit in key order",
    {
      path: "/api/offset",
      query: { offset: "{offset}", limit: "{limit}" },
      items: "items",
      order: "key",
      pageSize: 8,
      filterParams: { office: "djjg" },
    },
  ],
  [
    "keyset {after}",
    {
      path: "/api/keyset",
      query: { after: "{after}", size: "{limit}" },
      items: "data",
      pageSize: 10,
      filterParams: { office: "djjg" },
    },
  ],
  [
    "opaque cursor in key order",
    {
      path: "/api/cursor",
      query: { cursor: "{cursor}", size: "{limit}" },
      items: "items",
      next: "nextCursor",
      order: "key",
      pageSize: 10,
    },
  ],
  [
    "opaque cursor, unordered",
    {
      path: "/api/cursor",
      query: { cursor: "{cursor}", size: "{limit}" },
      items: "items",
      next: "/nextCursor",
      pageSize: 9,
    },
  ],
  ["one call for everything", { path: "/api/all", items: "$" }],
  [
    "POST with a JSON body, filter in the body",
    {
      method: "POST",
      path: "/api/query",
      body: { pageNum: "{page}", pageSize: "{limit}" },
      items: "data.list",
      order: "key",
      pageSize: 10,
      filterParams: { "body.params.office": "djjg" },
    },
  ],
];

describe("scan", () => {
  it.each(styles)("%s: every row once, in key order, filtered", async (_name, list) => {
    const s = await source({ list });
    for (const limit of [1, 7, 10, 100]) {
      const rows = await traverse(s, limit);
      expect(rows).toEqual(expected());
    }
    const filtered = await traverse(s, 4, { djjg: OFFICE });
    expect(filtered).toEqual(expected((m) => m.djjg === OFFICE));
    expect(filtered.length).toBeGreaterThan(10);
  });

  it("pushes filters down as query parameters and re-checks them", async () => {
    const s = await source({ list: styles[0]?.[1] });
    api.log.length = 0;
    const rows = await s.scan({
      keyField: "zsbh",
      filter: { djjg: OFFICE, nvxm: "no such name" },
      fields: [],
      limit: 5,
    });
    expect(rows).toEqual([]);
    expect(api.log.every((l) => l.includes(`office=${encodeURIComponent(OFFICE)}`))).toBe(true);
  });

  it("reads on from a remembered page: one call per page when paging through", async () => {
    const s = await source({ list: styles[0]?.[1] });
    api.log.length = 0;
    const rows = await traverse(s, 10);
    expect(rows).toHaveLength(57);
    // 6 pages; each scan after the first re-reads the remembered page and the next one.
    expect(api.log.length).toBeLessThanOrEqual(2 * 6 + 1);
  });

  it("finds a deep cursor key in a fresh process with O(log n) calls", async () => {
    const s = await source({ list: { ...styles[0]?.[1], pageSize: 5 } });
    const all = expected();
    api.log.length = 0;
    const after = all[44]?.zsbh as string;
    const rows = await s.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 5, after });
    expect(rows).toEqual(all.slice(45, 50));
    // 12 pages of 5: galloping 0,1,3,7,15 then a binary search, then one read.
    expect(api.log.length).toBeLessThanOrEqual(10);
  });

  it("reads an unordered API once per snapshot, and again after snapshotTtl", async () => {
    const cached = await source({ list: styles[1]?.[1] });
    api.log.length = 0;
    await traverse(cached, 10);
    expect(api.log.length).toBe(6);

    const uncached = await source({ list: { ...styles[1]?.[1], snapshotTtl: 0 } });
    api.log.length = 0;
    await traverse(uncached, 20);
    expect(api.log.length).toBe(3 * 6);
  });

  it("refuses a full read beyond maxRows rather than cutting it short", async () => {
    const s = await source({ list: { ...styles[1]?.[1], maxRows: 30 } });
    await expect(
      s.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 5 }),
    ).rejects.toMatchObject({
      code: "unavailable",
      params: { maxRows: 30 },
    });
  });

  it("keeps numeric keys in numeric order with keyOrder: numeric", async () => {
    const s = await source({
      list: { path: "/api/bigint", items: "data.records", keyOrder: "numeric" },
    });
    const rows = await s.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 10, after: "1" });
    expect(rows.map((r) => r.zsbh)).toEqual(["1234567890123456789"]);
    await expect(
      s.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 10, after: "abc" }),
    ).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("get", () => {
  const getBlock = { path: "/api/marriages/{key}", item: "data" };
  const list = styles[0]?.[1];

  it("reads one record by key; 404 means none", async () => {
    const s = await source({ list, get: getBlock });
    const first = api.data[3] as Marriage;
    const cases: [string, Marriage | undefined][] = [
      [first.zsbh, first],
      ["J370102-2020-999999", undefined],
      ["张三/../../admin?x=1#y", undefined],
      ["%2e%2e", undefined],
    ];
    for (const [key, want] of cases) {
      expect(await s.get({ keyField: "zsbh", key, fields: [] })).toEqual(want);
    }
    // The key is one encoded path segment: no request left /api/marriages/.
    expect(api.log.filter((l) => l.includes("admin"))).toEqual([
      `GET /api/marriages/${encodeURIComponent("张三/../../admin?x=1#y")}`,
    ]);
  });

  it("refuses keys that would change the path (., .., empty)", async () => {
    const s = await source({ list, get: getBlock });
    for (const key of [".", "..", ""]) {
      await expect(s.get({ keyField: "zsbh", key, fields: [] })).rejects.toMatchObject({
        code: "bad_request",
      });
    }
  });

  it("understands a body-level not-found and body-level failures", async () => {
    const s = await source({
      success: "code = 0",
      message: "msg",
      list: { ...list, path: "/api/bizfail" },
      get: { path: "/api/legacy/{key}", item: "data", notFoundWhen: "code = 404" },
    });
    const row = api.data[5] as Marriage;
    expect(await s.get({ keyField: "zsbh", key: row.zsbh, fields: [] })).toEqual(row);
    expect(await s.get({ keyField: "zsbh", key: "none", fields: [] })).toBeUndefined();
    const error = await s
      .scan({ keyField: "zsbh", filter: {}, fields: [], limit: 5 })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { message: "数据库连接失败" } });
    expect(error.zh).toContain("数据库连接失败");
  });

  it("answers an HTTP error other than notFound as unavailable", async () => {
    const s = await source({
      list,
      get: { path: "/api/fail", query: { id: "{key}" }, item: "data" },
    });
    await expect(s.get({ keyField: "zsbh", key: "x", fields: [] })).rejects.toMatchObject({
      code: "unavailable",
      params: { status: 500 },
    });
  });

  it("without a get call, scans for the key (pushed down when possible)", async () => {
    const s = await source({ list: { ...list, filterParams: { certNo: "zsbh" } } });
    const row = api.data[9] as Marriage;
    api.log.length = 0;
    expect(await s.get({ keyField: "zsbh", key: row.zsbh, fields: [] })).toEqual(row);
    expect(api.log).toHaveLength(1);
    expect(api.log[0]).toContain(`certNo=${row.zsbh}`);
    expect(await s.get({ keyField: "zsbh", key: "none", fields: [] })).toBeUndefined();
  });

  it("does not take another record's answer for this key", async () => {
    const other = api.data[1] as Marriage;
    const s = await source({
      list,
      get: { path: `/api/marriages/${other.zsbh}`, query: { k: "{key}" }, item: "data" },
    });
    expect(await s.get({ keyField: "zsbh", key: "J-something-else", fields: [] })).toBeUndefined();
  });
});

describe("check", () => {
  it("calls the health path when there is one, else one small list call", async () => {
    const withHealth = await source({ list: styles[0]?.[1], health: { path: "/ping" } });
    api.log.length = 0;
    expect(await withHealth.check()).toEqual({ status: "ok" });
    expect(api.log).toEqual(["GET /ping"]);

    const without = await source({ list: styles[0]?.[1] });
    api.log.length = 0;
    expect(await without.check()).toEqual({ status: "ok" });
    expect(api.log).toEqual(["GET /api/marriages?page=1&size=1"]);

    const failing = await source({ list: { ...styles[0]?.[1], path: "/api/fail" } });
    await expect(failing.check()).rejects.toMatchObject({ code: "unavailable" });
  });
});
