import { join } from "node:path";
import { Registry } from "prom-client";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Adapter,
  AdapterError,
  createMappedAdapter,
  createMemorySource,
  loadMapping,
  type Mapping,
  type MemorySource,
  type RecordIssue,
} from "../src/index.js";
import { personRow, residentId } from "./fixtures-people.js";

const CODE = "101001/000001";
/** The same ID with another check character (GB 11643-1999 §5.2 makes it invalid). */
const wrongCheck = (id: string) => id.slice(0, 17) + (id.endsWith("1") ? "2" : "1");
const context = { requestId: "t-1", purpose: "测试用途" };
const ROWS = 50;

let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping(join(import.meta.dirname, "fixtures", "hukou", "mapping.yaml"));
});

async function setup(rows = Array.from({ length: ROWS }, (_, i) => personRow(i))) {
  const source = createMemorySource("SFZH", rows);
  const issues: RecordIssue[] = [];
  const registry = new Registry();
  const adapter = await createMappedAdapter({
    system: "户籍管理系统",
    resources: [{ mapping, source }],
    onRecordIssue: (issue) => issues.push(issue),
    registry,
  });
  return { adapter, source, issues, registry };
}

async function walk(adapter: Adapter, limit: number, filter: Record<string, string> = {}) {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await adapter.query(
      CODE,
      { filter, limit, ...(cursor ? { cursor } : {}) },
      context,
    );
    keys.push(...page.items.map((r) => String(r.residentId)));
    if (!page.nextCursor) return keys;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("createMappedAdapter", () => {
  it("describes the resource with its key, record schema and operations", async () => {
    const { adapter } = await setup();
    const description = await adapter.describe(context);
    expect(description.system).toBe("户籍管理系统");
    expect(description.resources[0]).toMatchObject({
      keyField: "residentId",
      operations: ["query", "get", "verify", "changes"],
      entry: { resourceCode: CODE },
    });
  });

  it("maps rows to standard records", async () => {
    const { adapter } = await setup([
      {
        SFZH: " １１０１０５１９４９１２３１００２ｘ ",
        XM: " 张三 ",
        XB: "M",
        CSRQ: "19491231",
        ZZ: "北京",
      },
    ]);
    const page = await adapter.query(CODE, { filter: {}, limit: 10 }, context);
    expect(page.items).toEqual([
      {
        residentId: "11010519491231002X",
        name: "张三",
        sex: "1",
        birthDate: "1949-12-31",
        address: "北京",
      },
    ]);
  });

  it("pages completely and stably, whatever the page size", async () => {
    const { adapter } = await setup();
    const all = await walk(adapter, 1000);
    expect(all).toHaveLength(ROWS);
    expect(new Set(all).size).toBe(ROWS);
    for (const limit of [1, 7, 49, 50]) expect(await walk(adapter, limit)).toEqual(all);
  });

  it("pushes a code-table filter down and re-checks a transformed one", async () => {
    const { adapter } = await setup();
    const women = await walk(adapter, 4, { sex: "2" });
    expect(women).toHaveLength(ROWS / 2);
    const one = personRow(7);
    expect(await walk(adapter, 3, { name: String(one.XM) })).toEqual([one.SFZH]);
    expect(await walk(adapter, 3, { sex: "9" })).toEqual([]);
  });

  it("returns only the requested fields", async () => {
    const { adapter } = await setup();
    const page = await adapter.query(CODE, { filter: {}, fields: ["name"], limit: 2 }, context);
    expect(page.items.map((r) => Object.keys(r))).toEqual([["name"], ["name"]]);
  });

  it.each([
    ["a garbage cursor", { filter: {}, cursor: "not a cursor!", limit: 5 }, "/cursor"],
    [
      "a forged cursor",
      { filter: {}, cursor: Buffer.from('{"v":9}').toString("base64url"), limit: 5 },
      "/cursor",
    ],
    ["an unknown filter field", { filter: { nickname: "x" }, limit: 5 }, "/filter/nickname"],
    ["an unknown field", { filter: {}, fields: ["password"], limit: 5 }, "/fields/password"],
  ])("refuses %s with bad_request", async (_name, request, path) => {
    const { adapter } = await setup();
    await expect(adapter.query(CODE, request, context)).rejects.toMatchObject({
      code: "bad_request",
      path,
    });
  });

  it("refuses a cursor of another filter", async () => {
    const { adapter } = await setup();
    const page = await adapter.query(CODE, { filter: { sex: "1" }, limit: 2 }, context);
    await expect(
      adapter.query(
        CODE,
        { filter: { sex: "2" }, limit: 2, cursor: page.nextCursor as string },
        context,
      ),
    ).rejects.toMatchObject({ code: "bad_request", path: "/cursor" });
  });

  it("withholds a record that breaks the standard, and reports it (log and metric), never its values", async () => {
    const rows = [
      personRow(1),
      { ...personRow(2), CSRQ: "20230230" }, // no such date
      { ...personRow(3), XB: "U" }, // no national code
      { ...personRow(4), SFZH: wrongCheck(String(personRow(4).SFZH)) },
      { ...personRow(5), XM: "名".repeat(51) }, // longer than the item's length
      personRow(6),
    ];
    const { adapter, issues, registry } = await setup(rows);
    const page = await adapter.query(CODE, { filter: {}, limit: 10 }, context);
    expect(page.items.map((r) => r.residentId).sort()).toEqual(
      [personRow(1).SFZH, personRow(6).SFZH].sort(),
    );
    expect(issues.map((i) => i.issues[0]?.code).sort()).toEqual([
      "code_unmapped",
      "date_invalid",
      "invalid_check_character",
      "max_length",
    ]);
    expect(issues.every((i) => i.operation === "query" && i.requestId === "t-1")).toBe(true);
    expect(JSON.stringify(issues)).not.toContain("名名名");
    const metric = await registry.getSingleMetricAsString("govex_adapter_records_withheld_total");
    expect(metric).toContain('code="date_invalid"');
    await expect(adapter.get(CODE, String(rows[2]?.SFZH), context)).rejects.toMatchObject({
      code: "record_invalid",
    });
    expect(issues.at(-1)?.operation).toBe("get");
  });

  it("gets by key, and answers undefined for an unknown key", async () => {
    const { adapter } = await setup();
    expect(await adapter.get(CODE, String(personRow(3).SFZH), context)).toMatchObject({
      name: "测试3",
    });
    expect(await adapter.get(CODE, residentId(999), context)).toBeUndefined();
    expect(await adapter.get(CODE, "__proto__", context)).toBeUndefined();
  });

  it("verifies per field and discloses nothing", async () => {
    const { adapter } = await setup();
    const row = personRow(3);
    const result = await adapter.verify(
      CODE,
      { key: String(row.SFZH), values: { name: "测试3", sex: "2", nickname: "x" } },
      context,
    );
    expect(result).toEqual({
      found: true,
      fields: { name: "match", sex: "no_match", nickname: "not_available" },
    });
    expect(JSON.stringify(result)).not.toContain("1");
    expect(
      await adapter.verify(CODE, { key: residentId(999), values: { name: "x" } }, context),
    ).toEqual({
      found: false,
      fields: { name: "not_available" },
    });
  });

  it("reads changes forward only, announcing a withheld record without its values", async () => {
    const { adapter, source } = await setup([personRow(1), personRow(2)]);
    const first = await adapter.changes(CODE, { limit: 10 }, context);
    expect(first.items.map((c) => c.op)).toEqual(["upsert", "upsert"]);
    (source as MemorySource).upsert({ ...personRow(1), XM: "改名" });
    (source as MemorySource).remove(String(personRow(2).SFZH));
    (source as MemorySource).upsert({ ...personRow(9), CSRQ: "bad" });
    const next = await adapter.changes(CODE, { limit: 10, cursor: first.nextCursor }, context);
    expect(next.items).toEqual([
      expect.objectContaining({ op: "upsert", record: expect.objectContaining({ name: "改名" }) }),
      expect.objectContaining({ op: "delete", key: personRow(2).SFZH }),
      { key: personRow(9).SFZH, op: "upsert", time: expect.any(String) },
    ]);
    const again = await adapter.changes(CODE, { limit: 10, cursor: next.nextCursor }, context);
    expect(again.items).toEqual([]);
    expect(again.nextCursor).toBe(next.nextCursor);
  });

  it("refuses an unknown resource and an operation the mapping leaves out", async () => {
    const { adapter } = await setup();
    await expect(adapter.get("999999/1", "x", context)).rejects.toMatchObject({
      code: "not_found",
    });
    const limited = await createMappedAdapter({
      system: "s",
      resources: [
        { mapping: { ...mapping, operations: ["query"] }, source: createMemorySource("SFZH") },
      ],
    });
    await expect(
      limited.verify(CODE, { key: "x", values: { name: "y" } }, context),
    ).rejects.toBeInstanceOf(AdapterError);
    expect((await limited.describe(context)).resources[0]?.operations).toEqual(["query"]);
  });
});
