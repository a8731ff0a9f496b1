/**
 * The market regulation example end to end, over real sockets and real files: the legacy export
 * job writes a GBK CSV and an XLSX workbook, the department's provider.yaml serves them through
 * @govex/adapter-file, and the exchange's side (the conformance kit, a signed client, the CLI)
 * sees standard records. The example's files are copied to a temporary folder, so the test never
 * touches a running `pnpm start`.
 */
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GovexClient, ProblemError, type ProviderPaths } from "@govex/client";
import { isUscc } from "@govex/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideCommand } from "../../../packages/cli/src/commands/provide.js";
import {
  CSV_FILE,
  EXAMPLE_DIR,
  type ExportRow,
  exportData,
  type RunningExample,
  startExample,
  XLSX_FILE,
} from "../src/index.js";

type Client = GovexClient<ProviderPaths>;
type Record_ = Record<string, unknown>;
const path = { prefix: "102001", suffix: "000001" };
const purpose = "企业登记信息核查(示例测试)";
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Full-width forms and the ideographic space: none may leave the provider (names keep （）).
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;
const LOCAL_STATUS: Record<string, string> = {
  "在营（开业）": "存续",
  停业: "停业",
  "吊销，未注销": "吊销",
  注销: "注销",
  迁出: "迁出",
};
const STATUSES = ["存续", "在业", "迁入", "迁出", "停业", "歇业", "清算", "吊销", "注销", "撤销"];

let dir: string;
let example: RunningExample;
let client: Client;
let closed = false;

function chineseToIso(text: string): string {
  return text.replace(/^(\d{4})年(\d{2})月(\d{2})日$/, "$1-$2-$3");
}

async function allRecords(): Promise<Record_[]> {
  const out: Record_[] = [];
  for await (const item of client.paginate("get", "/resources/{prefix}/{suffix}/records", {
    params: { path, query: { purpose, limit: 1000 } },
  }))
    out.push(item as Record_);
  return out;
}

async function getRecord(key: string): Promise<Record_> {
  const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records/{key}", {
    params: { path: { ...path, key }, query: { purpose } },
  });
  return data as Record_;
}

async function problemOf(call: Promise<unknown>): Promise<ProblemError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "govex-scjg-"));
  for (const file of ["provider.yaml", "mapping.yaml", "entry.json"])
    await copyFile(join(EXAMPLE_DIR, file), join(dir, file));
  example = await startExample({ port: 0, dir });
  // A withheld record answers 503: no retrying it here.
  client = example.department.client({ retry: { retries: 0 } });
});

afterAll(async () => {
  await client?.close();
  if (!closed) await example?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the legacy export", () => {
  it("is deterministic, a GBK CSV and an XLSX workbook with valid identifiers", async () => {
    expect(exportData(1)).toEqual(exportData(1));
    const csv = await readFile(join(example.legacy.directory, CSV_FILE));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(csv)).toThrow();
    const text = new TextDecoder("gbk").decode(csv);
    expect(text.startsWith("统一社会信用代码,企业名称,法定代表人,")).toBe(true);
    expect(text).toContain("\r\n");
    const xlsx = await readFile(join(example.legacy.directory, XLSX_FILE));
    expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");

    const { csv: rows, xlsx: shops, badRows } = exportData(1);
    expect(example.legacy.counts).toEqual({ csv: rows.length, xlsx: shops.length });
    const bad = new Set(badRows.map((b) => b.key));
    const good = [...rows, ...shops].filter((r) => !bad.has(r.统一社会信用代码));
    expect(good.every((r) => isUscc(r.统一社会信用代码))).toBe(true);
    expect(new Set(good.map((r) => r.统一社会信用代码)).size).toBe(good.length);
  });
});

describe("the department", () => {
  it("passes the conformance kit", async () => {
    const result = await example.department.conformance();
    const failed = result.checks.filter((c) => c.status === "fail");
    expect(failed.map((c) => [c.id, JSON.stringify(c).slice(0, 600)])).toEqual([]);
    expect(result.checks.every((c) => c.status === "pass" || c.status === "skip")).toBe(true);
    expect(result.summary.ok).toBe(true);
  });

  it("describes the resource with its masks, and no unmapped column", async () => {
    const { data } = await client.request("get", "/describe");
    expect(data.system).toBe("某市市场监管局企业登记系统");
    const resource = data.resources[0] as { keyField: string; recordSchema: Record_ };
    expect(resource.keyField).toBe("uscc");
    const properties = resource.recordSchema.properties as Record<string, Record_>;
    expect(properties.legalRepresentativeId?.["x-govex-mask"]).toEqual({
      kind: "resident-id",
      grade: 2,
    });
    expect(properties.contactMobile?.["x-govex-mask"]).toEqual({ kind: "mobile", grade: 2 });
    expect(Object.keys(properties)).not.toContain("经办人");
  });

  it("serves standard records: national codes, ISO dates, half-width", async () => {
    const { csv, xlsx, badRows } = exportData(1);
    const records = await allRecords();
    expect(records).toHaveLength(csv.length + xlsx.length - badRows.length);
    for (const r of records) {
      expect(["91", "92", "93"]).toContain(r.entityType);
      expect(STATUSES).toContain(r.status);
      expect(r.establishmentDate).toMatch(ISO_DATE);
      expect(r.approvalDate).toMatch(ISO_DATE);
      expect(String(r.name)).not.toMatch(/\u3000/);
      for (const [item, value] of Object.entries(r))
        if (item !== "name" && item !== "registrationOffice")
          expect(String(value), `${item} of ${r.uscc}`).not.toMatch(FULL_WIDTH);
    }

    // Row 150 of the CSV has every quirk: padded name, full-width capital, address and mobile.
    const raw = csv[150] as ExportRow;
    expect(raw.企业名称).toMatch(/\u3000$/);
    for (const column of ["注册资本（万元）", "住所", "联系电话"] as const)
      expect(raw[column]).toMatch(FULL_WIDTH);
    const record = await getRecord(raw.统一社会信用代码);
    expect(record).toMatchObject({
      uscc: raw.统一社会信用代码,
      name: raw.企业名称.trim(),
      legalRepresentativeName: raw.法定代表人,
      entityType: raw.企业类型 === "HZ10" ? "93" : "91",
      establishmentDate: chineseToIso(raw.成立日期),
      approvalDate: raw.核准日期.replaceAll("/", "-"),
      registrationOffice: raw.登记机关,
    });
    expect(record.registeredCapital).toMatch(/^[0-9]+(\.[0-9]+)?$/);
    expect(record.contactMobile).toMatch(/^1[3-9][0-9]{9}$/);
    expect(record.registeredAddress).toMatch(/^某市.+[0-9]+号/);
    expect(record).not.toHaveProperty("经办人");

    // An individual business from the XLSX's 个体工商户 sheet: a number cell for the capital.
    const shop = xlsx.find((r) => r["注册资本（万元）"] === "2.5") as ExportRow;
    expect(await getRecord(shop.统一社会信用代码)).toMatchObject({
      entityType: "92",
      registeredCapital: "2.5",
      status: LOCAL_STATUS[shop.登记状态],
      establishmentDate: chineseToIso(shop.成立日期),
    });

    // Filters on mapped values go through the code tables: 92 is the XLSX's GT10.
    const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records", {
      params: {
        path,
        query: { purpose, filter: { entityType: "92", status: "停业" }, limit: 1000 },
      },
    });
    const expected = xlsx.filter((r) => r.登记状态 === "停业").length;
    expect(data.items.length).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  it("withholds the deliberately bad rows", async () => {
    const { badRows } = exportData(1);
    expect(badRows.map((b) => b.code)).toEqual([
      "invalid_check_character",
      "date_invalid",
      "code_unmapped",
    ]);
    const served = new Set((await allRecords()).map((r) => r.uscc));
    for (const bad of badRows) {
      expect(served.has(bad.key)).toBe(false);
      const problem = await problemOf(getRecord(bad.key));
      expect([problem.status, problem.code]).toEqual([503, "record_invalid"]);
    }
  });

  it("turns the next night's export into changes", async () => {
    // Read the feed to its end: the snapshot of night 1.
    let cursor: string | undefined;
    let snapshot = 0;
    for (;;) {
      const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
        params: { path, query: { limit: 1000, ...(cursor ? { cursor } : {}) } },
      });
      cursor = data.nextCursor;
      snapshot += data.items.length;
      if (data.items.length === 0) break;
    }
    expect(snapshot).toBe(example.legacy.counts.csv + example.legacy.counts.xlsx);

    const night = await example.legacy.runNextNight();
    const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path, query: { limit: 1000, cursor } },
    });
    const byKey = new Map(data.items.map((c) => [c.key, c]));
    expect([...byKey.keys()].sort()).toEqual(
      [night.deregistered, night.corrected, night.added, night.moved].sort(),
    );
    expect(data.items.every((c) => c.op === "upsert" && c.record !== undefined)).toBe(true);
    expect(byKey.get(night.deregistered)?.record).toMatchObject({
      status: "注销",
      approvalDate: "2026-03-02",
    });
    expect(byKey.get(night.corrected)?.record).toMatchObject({ establishmentDate: "2019-02-28" });
    expect(byKey.get(night.added)?.record).toMatchObject({
      uscc: night.added,
      establishmentDate: "2026-03-02",
      status: "存续",
    });
    expect(byKey.get(night.moved)?.record).toMatchObject({
      entityType: "92",
      registeredAddress: "某市历下区文化东路88号",
    });
    const times = data.items.map((c) => Date.parse(c.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The corrected row is served again; the cursor has moved past every change.
    expect((await getRecord(night.corrected)).uscc).toBe(night.corrected);
    const after = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path, query: { cursor: data.nextCursor } },
    });
    expect(after.data.items).toEqual([]);
  });

  it("runs from the same provider.yaml through `govex provide`", async () => {
    const abort = new AbortController();
    const out: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => out.push(s) },
      env: process.env,
    };
    let listening: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => {
      listening = resolve;
    });
    const command = provideCommand(
      ["--config", join(dir, "provider.yaml"), "--port", "0"],
      io,
      "zh-CN",
      { signal: abort.signal, onListening: listening },
    );
    const cli = example.department.client({
      baseUrl: await Promise.race([url, command.then((code) => `exited with ${code}`)]),
    });
    try {
      const { data } = await cli.request("get", "/describe");
      expect(data.system).toBe("某市市场监管局企业登记系统");
      expect(data.resources.map((r) => (r.entry as { resourceCode: string }).resourceCode)).toEqual(
        ["102001/000001"],
      );
    } finally {
      abort.abort();
      await cli.close();
    }
    expect(await command).toBe(0);
    expect(out.join("")).toContain("某市市场监管局企业登记系统");
  });

  it("logs every withheld row, without its values", async () => {
    const { csv, xlsx, badRows } = exportData(1);
    await example.close(); // flushes the issue log
    closed = true;
    const lines = (await readFile(join(dir, ".data", "issues.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { key: string; resourceCode: string; issues: { code: string }[] },
      );
    for (const bad of badRows) {
      const logged = lines.filter((l) => l.key === bad.key);
      expect(logged.length, bad.key).toBeGreaterThan(0);
      expect(logged.every((l) => l.resourceCode === "102001/000001")).toBe(true);
      expect(logged.flatMap((l) => l.issues.map((i) => i.code))).toContain(bad.code);
    }
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set(badRows.map((b) => b.key)));
    const log = await readFile(join(dir, ".data", "issues.ndjson"), "utf8");
    for (const bad of badRows) {
      const raw = [...csv, ...xlsx].find((r) => r.统一社会信用代码 === bad.key) as ExportRow;
      expect(log).not.toContain(raw.法定代表人证件号码);
      expect(log).not.toContain(raw.法定代表人);
    }
    expect(log).not.toContain("2019年02月30日");
  });
});
