/**
 * `govex census analyze` and `govex evaluate`: offline on a generated census, and against a real
 * node over a real socket with signed requests; every format, and bad input.
 */
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCensus } from "../../node/test/helpers/census-generator.js";
import {
  PROVIDER,
  startTestExchange,
  type TestExchange,
} from "../../node/test/helpers/exchange.js";
import { freshLocation } from "../../node/test/store-drivers.js";
import { cli, tempFile } from "./helpers.js";

async function sheetRows(path: string, sheet: number): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  book.worksheets[sheet]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe("govex census analyze --input", () => {
  const census = generateCensus({ systems: 1_000, seed: 7 });
  const input = tempFile("census.json", JSON.stringify(census.inputs));

  it("writes JSON, Markdown and XLSX of the same analysis", async () => {
    const json = await cli(["census", "analyze", "--input", input]);
    expect(json.code).toBe(0);
    const analysis = JSON.parse(json.stdout);
    expect(analysis.summary.systems).toBeGreaterThanOrEqual(1_000);
    expect(analysis.summary.zombies).toBeGreaterThan(0);
    expect(analysis.integrationPlan.length).toBeGreaterThan(0);

    const md = await cli(["census", "analyze", "--input", input, "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("## 清理清单");
    expect(md.stdout).toContain("usage_detached");
    const en = await cli(["census", "analyze", "--input", input, "--format", "md", "--lang", "en"]);
    expect(en.stdout).toContain("## Clean-up list");

    const out = tempFile("census.xlsx", "");
    const xlsx = await cli([
      "census",
      "analyze",
      "--input",
      input,
      "--format",
      "xlsx",
      "--out",
      out,
    ]);
    expect(xlsx.code).toBe(0);
    const rows = await sheetRows(out, 0);
    expect(rows[0]?.[0]).toBe("普查记录");
    expect(rows.length - 1).toBe(analysis.cleanupList.length);
  });

  it("reads NDJSON records and keeps spreadsheet formulas out", async () => {
    const records = [
      {
        name: '=HYPERLINK("http://evil")旧系统',
        ownerDepartment: "市示例局",
        ownerDepartmentCode: "11370000MB1234562A",
        function: "档案录入。",
        networks: ["部门专网"],
        status: "停用",
        frequencyOfUse: "长期未使用",
        scopeOfUse: ["本部门"],
        userCount: 0,
      },
    ];
    // A hostile own "__proto__" key, as JSON text carries it.
    const lines = records.map((r) =>
      JSON.stringify(r).replace(/^\{/, '{"__proto__":{"polluted":true},'),
    );
    const file = tempFile("census.ndjson", lines.join("\n"));
    const out = tempFile("x.xlsx", "");
    const result = await cli([
      "census",
      "analyze",
      "--input",
      file,
      "--format",
      "xlsx",
      "--out",
      out,
    ]);
    expect(result.code).toBe(0);
    const rows = await sheetRows(out, 0);
    expect(String(rows[1]?.[1])).toMatch(/^'=HYPERLINK/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["no source", ["census", "analyze"], /--node|--input/],
    ["both sources", ["census", "analyze", "--input", "a", "--node", "http://x"], /--node|--input/],
    ["xlsx to the terminal", ["census", "analyze", "--input", "a", "--format", "xlsx"], /--out/],
    ["bad format", ["census", "analyze", "--input", "a", "--format", "pdf"], /pdf/],
    ["bad member", ["census", "analyze", "--input", "a", "--member", "123"], /GB 32100/],
    ["bad idle months", ["census", "analyze", "--input", "a", "--idle-months", "0"], /idle-months/],
    ["unknown sub-command", ["census", "clean"], /census analyze/],
    ["missing file", ["census", "analyze", "--input", "/nonexistent/c.json"], /nonexistent/],
    ["node without key", ["census", "analyze", "--node", "http://127.0.0.1:1/v1"], /--key/],
    ["evaluate bad JSON", ["evaluate", "--input", tempFile("e.json", "{nope")], /JSON/],
  ])("refuses %s with exit 2", async (_name, argv, message) => {
    const result = await cli(argv as string[], { LANG: "en_US.UTF-8" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("refuses a record without the required fields, naming it", async () => {
    const file = tempFile("bad.json", JSON.stringify([{ name: "x", status: "运行" }]));
    const result = await cli(["census", "analyze", "--input", file, "--lang", "en"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("record 1 has no string ownerDepartment");
  });
});

describe("against a running node", () => {
  let exchange: TestExchange;
  const cleanups: (() => Promise<void>)[] = [];
  let keyArgs: string[];
  beforeAll(async () => {
    exchange = await startTestExchange(await freshLocation("pglite", (fn) => cleanups.push(fn)));
    const key = tempFile(
      "operator.pem",
      exchange.operator.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const nodeKey = tempFile("node.pem", exchange.nodeKey.publicPem);
    keyArgs = [
      "--node",
      exchange.url,
      "--key",
      key,
      "--key-id",
      exchange.operator.keyId,
      "--node-key",
      nodeKey,
    ];
    const op = exchange.client(exchange.operator);
    await op.request("post", "/members", {
      body: { code: PROVIDER, name: "山东省示例厅", memberClass: "GOV", divisionCode: "370000" },
    });
    await op.request("post", "/census/systems", {
      body: {
        name: "示例旧版出生登记系统",
        ownerDepartment: "山东省示例厅",
        ownerDepartmentCode: PROVIDER,
        function: "出生医学证明信息录入。",
        networks: ["电子政务外网"],
        status: "停用",
        frequencyOfUse: "长期未使用",
      } as never,
    });
  }, 120_000);
  afterAll(async () => {
    await exchange?.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  it("analyzes the node's census, signed", async () => {
    const result = await cli(["census", "analyze", ...keyArgs, "--format", "md"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("示例旧版出生登记系统");
    expect(result.stdout).toContain("maintenance_stopped");
  });

  it("evaluates the node as XLSX, and refuses with the node's problem", async () => {
    const out = tempFile("evaluation.xlsx", "");
    const result = await cli(["evaluate", ...keyArgs, "--format", "xlsx", "--out", out]);
    expect(result.code).toBe(0);
    const rows = await sheetRows(out, 0);
    expect(rows.map((r) => r[0])).toContain("share_ratio");
    const scores = await sheetRows(out, 1);
    expect(scores[1]?.[0]).toBe("整个平台");
    // A wrong key id: the node answers 401, the command exits 2 and says so.
    const refused = await cli(["evaluate", ...keyArgs.slice(0, 5), "nobody", ...keyArgs.slice(6)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/节点/);
  });
});
