import type { Source, SourceRow } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { type InsuredServer, type Person, startInsuredServer, WSDL_PATH } from "./soap-server.js";

let service: InsuredServer;
const sources: Source[] = [];

const list = {
  operation: "QueryInsured",
  input: { pageNo: "{page}", pageSize: "{limit}" },
  items: "Result.Item",
  order: "key",
  pageSize: 4,
  filterParams: { cbzt: "cbzt" },
};
const get = {
  operation: "GetInsured",
  input: { sfzh: "{key}" },
  item: "Result",
  notFound: ["Client.NotFound"],
};

beforeAll(async () => {
  service = await startInsuredServer();
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await service.close();
});

async function source(block: Record<string, unknown>): Promise<Source> {
  const s = await createSource(
    {
      kind: "soap",
      wsdl: "./fixtures/insured-service.wsdl",
      endpoint: { env: "RENSHE_SOAP_URL" },
      timeout: 5000,
      ...block,
    },
    { baseDir: new URL(".", import.meta.url).pathname, env: { RENSHE_SOAP_URL: service.url } },
  );
  sources.push(s);
  return s;
}

async function traverse(
  s: Source,
  limit: number,
  filter: Record<string, string> = {},
): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  let after: string | undefined;
  for (let calls = 0; calls < 1000; calls++) {
    const rows = await s.scan({
      keyField: "sfzh",
      filter,
      fields: [],
      limit,
      ...(after ? { after } : {}),
    });
    out.push(...rows);
    if (rows.length < limit) return out;
    after = String(rows[rows.length - 1]?.sfzh);
  }
  throw new Error("no end");
}

const sorted = (filter: (p: Person) => boolean = () => true) =>
  [...service.people].filter(filter).sort((a, b) => (a.sfzh < b.sfzh ? -1 : 1));

describe("scan", () => {
  it.each([
    ["in key order, pages remembered", { ...list }],
    ["unordered (sorted in memory)", { ...list, order: "none" }],
    ["no pushed-down filter", { ...list, filterParams: {} }],
  ])("%s: every 参保人员 once, in 公民身份号码 order", async (_name, block) => {
    const s = await source({ list: block, get });
    for (const limit of [1, 5, 50]) expect(await traverse(s, limit)).toEqual(sorted());
    const paused = await traverse(s, 3, { cbzt: "暂停缴费" });
    expect(paused).toEqual(sorted((p) => p.cbzt === "暂停缴费"));
    expect(paused.length).toBeGreaterThan(5);
  });

  it("keeps Chinese text, dates as written and xsd:long beyond 2^53 exact", async () => {
    const s = await source({ list, get });
    const [first] = await s.scan({ keyField: "sfzh", filter: {}, fields: [], limit: 1 });
    expect(first).toMatchObject({
      xm: "张伟",
      xzlx: "企业职工基本养老保险",
      csrq: "1960-01-01",
      grbh: "9007199254740993",
    });
  });

  it("pushes filters into the operation's input and checks them again", async () => {
    const s = await source({ list, get });
    service.log.length = 0;
    expect(
      await s.scan({
        keyField: "sfzh",
        filter: { cbzt: "终止参保", xm: "无此人" },
        fields: [],
        limit: 5,
      }),
    ).toEqual([]);
    expect(service.log.every((op) => op === "QueryInsured")).toBe(true);
  });

  it("finds a deep key without memory in few calls", async () => {
    const s = await source({ list: { ...list, pageSize: 2 } });
    const all = sorted();
    service.log.length = 0;
    const rows = await s.scan({
      keyField: "sfzh",
      filter: {},
      fields: [],
      limit: 3,
      after: all[30]?.sfzh as string,
    });
    expect(rows.map((r) => r.sfzh)).toEqual(all.slice(31, 34).map((p) => p.sfzh));
    expect(service.log.length).toBeLessThanOrEqual(12);
  });

  it("a body-level failure (ResultCode) is unavailable, quoting the service", async () => {
    const s = await source({
      success: "ResultCode = '0'",
      message: "ResultMsg",
      list: { ...list, input: { ...list.input, dwmc: "FAIL" } },
    });
    const error = await s
      .scan({ keyField: "sfzh", filter: {}, fields: [], limit: 5 })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { message: "数据库连接失败" } });
  });
});

describe("get", () => {
  it("reads one 参保人员 by 公民身份号码; a NotFound fault means none", async () => {
    const s = await source({ list, get });
    const person = service.people[7] as Person;
    expect(await s.get({ keyField: "sfzh", key: person.sfzh, fields: [] })).toEqual(person);
    for (const key of [
      "370102199001011234",
      "</tns:sfzh><tns:sfzh>x",
      "' OR '1'='1",
      "&lt;&amp;",
      "张三",
    ]) {
      expect(await s.get({ keyField: "sfzh", key, fields: [] })).toBeUndefined();
    }
  });

  it("sends hostile keys as text, escaped", async () => {
    const s = await source({ list, get });
    const key = "</tns:sfzh><tns:sfzh>370102196001011000";
    // Were the key not escaped, the injected element would find the first person.
    expect(await s.get({ keyField: "sfzh", key, fields: [] })).toBeUndefined();
  });

  it("other faults are unavailable, with the fault code", async () => {
    const s = await source({ list, get });
    const error = await s.get({ keyField: "sfzh", key: "FAULT", fields: [] }).catch((e) => e);
    expect(error).toMatchObject({
      code: "unavailable",
      params: { faultCode: "soap:Server", status: 500 },
    });
    expect(error.zh).toContain("系统繁忙");
  });

  it("without notFound codes, a NotFound fault is unavailable", async () => {
    const s = await source({ list, get: { ...get, notFound: [] } });
    await expect(s.get({ keyField: "sfzh", key: "nobody", fields: [] })).rejects.toMatchObject({
      code: "unavailable",
      params: { faultCode: "soap:Client.NotFound" },
    });
  });

  it("an answer without the record, or a body-level not-found, is none", async () => {
    const plain = await source({ list, get });
    expect(await plain.get({ keyField: "sfzh", key: "EMPTY", fields: [] })).toBeUndefined();
    const coded = await source({
      success: "ResultCode = '0'",
      list,
      get: { ...get, notFoundWhen: "ResultCode = '1'" },
    });
    expect(await coded.get({ keyField: "sfzh", key: "EMPTY", fields: [] })).toBeUndefined();
  });

  it("without a get operation, scans for the key", async () => {
    const s = await source({ list });
    const person = service.people[12] as Person;
    expect(await s.get({ keyField: "sfzh", key: person.sfzh, fields: [] })).toEqual(person);
  });
});

describe("check", () => {
  it("calls the health operation, else one small list call", async () => {
    const withPing = await source({ list, health: { operation: "Ping" } });
    service.log.length = 0;
    expect(await withPing.check()).toEqual({ status: "ok" });
    expect(service.log).toEqual(["Ping"]);
    const without = await source({ list });
    service.log.length = 0;
    expect(await without.check()).toEqual({ status: "ok" });
    expect(service.log).toEqual(["QueryInsured"]);
  });

  it("reads the WSDL from an absolute path too", async () => {
    const s = await createSource(
      { kind: "soap", wsdl: WSDL_PATH, endpoint: service.url, list },
      { baseDir: "/nonexistent", env: {} },
    );
    sources.push(s);
    expect((await s.scan({ keyField: "sfzh", filter: {}, fields: [], limit: 2 })).length).toBe(2);
  });
});
