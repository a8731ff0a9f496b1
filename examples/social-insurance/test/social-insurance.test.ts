/**
 * The social insurance example end to end, over real sockets: the legacy InsuredService runs
 * with the `soap` package on 127.0.0.1, the department's provider.yaml serves it through
 * @govex/adapter-soap, and the exchange's side (the conformance kit, a signed client, the CLI)
 * sees standard records. The example's files are copied to a temporary folder, so the test never
 * touches a running `pnpm start`.
 */
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GovexClient, ProblemError, type ProviderPaths } from "@govex/client";
import { checkResidentId, isResidentId, isUscc, residentIdCheckCharacter } from "@govex/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideCommand } from "../../../packages/cli/src/commands/provide.js";
import {
  type CbryRow,
  EXAMPLE_DIR,
  insuredData,
  MAX_PAGE_SIZE,
  type RunningExample,
  SOAP_URL_ENV,
  startExample,
} from "../src/index.js";

type Client = GovexClient<ProviderPaths>;
type Record_ = Record<string, unknown>;
const path = { prefix: "203001", suffix: "000001" };
const purpose = "社会保险参保信息核查(示例测试)";
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;
const NS = "http://shebao.renshe.example/InsuredService";

// The mapping, written again by hand: what each legacy row must become.
const SEX: Record<string, string> = { "1": "1", "2": "2", 男: "1", 女: "2" };
const INSURANCE: Record<string, string> = {
  "1": "110",
  "2": "310",
  "3": "210",
  "4": "410",
  "5": "510",
  "6": "120",
};
const PAYMENT: Record<string, string> = { 正常: "1", 中断: "2", 终止: "3" };
const halfwidth = (text: string) =>
  text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );

function expected(row: CbryRow): Record_ {
  const date = row.CBRQ.replaceAll("-", "");
  const out: Record_ = {
    residentId: row.SFZH,
    name: row.XM.trim(),
    sex: SEX[row.XB],
    insuredDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    insuranceType: INSURANCE[row.XZLX],
    paymentStatus: PAYMENT[row.JFZT],
    contributionBase: String(row.JFJS),
  };
  if (row.DWMC !== undefined) out.employerName = row.DWMC.trim();
  if (row.DWTYXYDM !== undefined) out.employerUscc = halfwidth(row.DWTYXYDM).toUpperCase();
  if (row.SJHM !== "") out.mobile = halfwidth(row.SJHM);
  return out;
}

const bySfzh = (a: CbryRow, b: CbryRow) => (a.SFZH < b.SFZH ? -1 : a.SFZH > b.SFZH ? 1 : 0);

let dir: string;
let example: RunningExample;
let client: Client;
let closed = false;

async function allRecords(filter?: Record<string, string>): Promise<Record_[]> {
  const out: Record_[] = [];
  for await (const item of client.paginate("get", "/resources/{prefix}/{suffix}/records", {
    params: { path, query: { purpose, limit: 1000, ...(filter ? { filter } : {}) } },
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

/** A raw SOAP 1.1 call, as the bureau's counter clients make it. */
async function rawCall(operation: string, body: string): Promise<string> {
  const response = await fetch(example.legacy.url, {
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: `"${NS}/${operation}"` },
    body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="${NS}"><soap:Body><t:${operation}>${body}</t:${operation}></soap:Body></soap:Envelope>`,
  });
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "govex-shebao-"));
  for (const file of ["provider.yaml", "mapping.yaml", "entry.json", "legacy"])
    await cp(join(EXAMPLE_DIR, file), join(dir, file), { recursive: true });
  example = await startExample({ port: 0, dir });
  // A withheld record answers 503: no retrying it here.
  client = example.department.client({ retry: { retries: 0 } });
});

afterAll(async () => {
  await client?.close();
  if (!closed) await example?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the legacy service", () => {
  it("is deterministic, with valid identifiers and the old system's habits", () => {
    expect(insuredData()).toEqual(insuredData());
    const { rows, badRows } = insuredData();
    expect(rows).toHaveLength(303);
    const bad = new Set(badRows.map((b) => b.key));
    expect(bad.size).toBe(3);
    expect(new Set(rows.map((r) => r.SFZH)).size).toBe(rows.length);
    const good = rows.filter((r) => !bad.has(r.SFZH));
    for (const r of good) {
      expect(isResidentId(r.SFZH), r.SFZH).toBe(true);
      // GB 11643-1999 §5.3: the sequence code's parity is the sex the row records.
      expect(SEX[r.XB]).toBe(checkResidentId(r.SFZH).info?.sex);
      if (r.DWTYXYDM !== undefined) expect(isUscc(halfwidth(r.DWTYXYDM).toUpperCase())).toBe(true);
    }
    const bad1 = rows.find((r) => r.SFZH === badRows[0]?.key) as CbryRow;
    expect(residentIdCheckCharacter(bad1.SFZH)).not.toBe(bad1.SFZH[17]);

    // Every quirk the mapping must handle is in the data, more than once.
    const count = (test: (r: CbryRow) => boolean) => good.filter(test).length;
    expect(count((r) => r.XB === "男" || r.XB === "女")).toBeGreaterThan(10);
    expect(count((r) => r.XB === "1" || r.XB === "2")).toBeGreaterThan(10);
    expect(count((r) => /^\d{8}$/.test(r.CBRQ))).toBeGreaterThan(10);
    expect(count((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.CBRQ))).toBeGreaterThan(10);
    expect(count((r) => r.XM.endsWith("\u3000"))).toBeGreaterThan(10);
    expect(count((r) => FULL_WIDTH.test(r.DWTYXYDM ?? ""))).toBeGreaterThan(10);
    expect(count((r) => /[a-z]/.test(r.DWTYXYDM ?? ""))).toBeGreaterThan(5);
    expect(count((r) => FULL_WIDTH.test(r.SJHM))).toBeGreaterThan(10);
    expect(count((r) => r.SJHM === "")).toBeGreaterThan(10);
    expect(count((r) => r.DWMC === undefined)).toBeGreaterThan(10);
    expect(count((r) => (r.DWMC ?? "").includes("（"))).toBeGreaterThan(5);
    expect(new Set(good.map((r) => r.XZLX))).toEqual(new Set(Object.keys(INSURANCE)));
  });

  it("is a SOAP 1.1 service with a WSDL, pages capped at 100 and ResultCode in every answer", async () => {
    const wsdl = await (await fetch(example.legacy.wsdlUrl)).text();
    expect(wsdl).toContain('wsdl:operation name="QueryInsured"');

    const page = await rawCall(
      "QueryInsured",
      "<t:pageNo>1</t:pageNo><t:pageSize>500</t:pageSize>",
    );
    expect(page).toMatch(/ResultCode>0</);
    expect(page.match(/<(\w+:)?SFZH>/g)).toHaveLength(MAX_PAGE_SIZE);
    const sorted = [...example.legacy.rows()];
    expect(page).toContain(`SFZH>${sorted[0]?.SFZH}<`);

    const missing = await rawCall("GetInsured", "<t:sfzh>11010519491231002X</t:sfzh>");
    expect(missing).toMatch(/ResultCode>1</);
    expect(missing).toContain("查无此人");
  });
});

describe("the department", () => {
  it("passes the conformance kit", async () => {
    const result = await example.department.conformance();
    const failed = result.checks.filter((c) => c.status === "fail");
    expect(failed.map((c) => [c.id, JSON.stringify(c).slice(0, 600)])).toEqual([]);
    expect(result.checks.every((c) => c.status === "pass" || c.status === "skip")).toBe(true);
    // The service has a change log: no check is skipped.
    expect(result.checks.filter((c) => c.status === "skip").map((c) => c.id)).toEqual([]);
    expect(result.summary.ok).toBe(true);
  });

  it("describes the resource with its masks, and no unmapped column", async () => {
    const { data } = await client.request("get", "/describe");
    expect(data.system).toBe("某市人力资源和社会保障局社保参保系统");
    const resource = data.resources[0] as {
      keyField: string;
      recordSchema: Record_;
      operations: string[];
    };
    expect(resource.keyField).toBe("residentId");
    expect(resource.operations).toEqual(["query", "get", "verify", "changes"]);
    const properties = resource.recordSchema.properties as Record<string, Record_>;
    expect(properties.residentId?.["x-govex-mask"]).toEqual({ kind: "resident-id", grade: 2 });
    expect(properties.name?.["x-govex-mask"]).toMatchObject({ kind: "name" });
    expect(properties.mobile?.["x-govex-mask"]).toEqual({ kind: "mobile", grade: 2 });
    expect(Object.keys(properties)).not.toContain("JBR");
  });

  it("serves every good row as a standard record: national codes, ISO dates, half-width", async () => {
    const { rows, badRows } = insuredData();
    const bad = new Set(badRows.map((b) => b.key));
    const records = await allRecords();
    expect(records).toEqual(
      rows
        .filter((r) => !bad.has(r.SFZH))
        .sort(bySfzh)
        .map(expected),
    );
    expect(records).toHaveLength(300);
    for (const r of records) {
      expect(r.insuredDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(["110", "120", "210", "310", "410", "510"]).toContain(r.insuranceType);
      expect(checkResidentId(String(r.residentId)).info?.sex).toBe(r.sex);
      for (const [item, value] of Object.entries(r))
        if (item !== "employerName")
          expect(String(value), `${item} of ${r.residentId}`).not.toMatch(FULL_WIDTH);
    }

    // A migrated row with every quirk at once, read by key.
    const quirky = rows.find(
      (r) =>
        !bad.has(r.SFZH) &&
        r.XB === "男" &&
        /^\d{8}$/.test(r.CBRQ) &&
        FULL_WIDTH.test(r.DWTYXYDM ?? "") &&
        r.XM.endsWith("\u3000"),
    ) as CbryRow;
    expect(quirky).toBeDefined();
    const record = await getRecord(quirky.SFZH);
    expect(record).toEqual(expected(quirky));
    expect(record).toMatchObject({ sex: "1", insuredDate: expect.stringMatching(/^200\d-/) });
    expect(isUscc(String(record.employerUscc))).toBe(true);

    // A 灵活就业人员 has no employer items at all.
    const flexible = rows.find((r) => !bad.has(r.SFZH) && r.DWMC === undefined) as CbryRow;
    const free = await getRecord(flexible.SFZH);
    expect(free).not.toHaveProperty("employerName");
    expect(free).not.toHaveProperty("employerUscc");
  });

  it("hands a filter on 险种类型 to the service as its local code", async () => {
    const { rows, badRows } = insuredData();
    const bad = new Set(badRows.map((b) => b.key));
    example.legacy.calls.length = 0;
    const unemployment = await allRecords({ insuranceType: "210" });
    const want = rows.filter((r) => r.XZLX === "3" && !bad.has(r.SFZH)).sort(bySfzh);
    expect(unemployment.map((r) => r.residentId)).toEqual(want.map((r) => r.SFZH));
    expect(want.length).toBeGreaterThan(5);
    const lists = example.legacy.calls.filter((c) => c.operation === "QueryInsured");
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((c) => c.args.xzlx === "3")).toBe(true);

    // Filters the service cannot apply are checked on the mapped records: 男 and 1 are both sex=1.
    const men = await allRecords({ sex: "1", paymentStatus: "2" });
    const wantMen = rows.filter(
      (r) => !bad.has(r.SFZH) && (r.XB === "1" || r.XB === "男") && r.JFZT === "中断",
    );
    expect(men.map((r) => r.residentId).sort()).toEqual(wantMen.map((r) => r.SFZH).sort());
    expect(wantMen.some((r) => r.XB === "男") && wantMen.some((r) => r.XB === "1")).toBe(true);
  });

  it("answers 404 for a person the service does not know (查无此人 is no SOAP fault)", async () => {
    for (const key of ["11010519491231002X", "' OR '1'='1", "</t:sfzh><t:sfzh>x", "370102&amp;"]) {
      const problem = await problemOf(getRecord(key));
      expect([problem.status, problem.code], key).toEqual([404, "not_found"]);
    }
  });

  it("withholds the deliberately bad rows", async () => {
    const { badRows } = insuredData();
    expect(badRows.map((b) => b.code)).toEqual([
      "invalid_check_character",
      "date_invalid",
      "code_unmapped",
    ]);
    const served = new Set((await allRecords()).map((r) => r.residentId));
    for (const bad of badRows) {
      expect(served.has(bad.key)).toBe(false);
      const problem = await problemOf(getRecord(bad.key));
      expect([problem.status, problem.code]).toEqual([503, "record_invalid"]);
    }
  });

  it("turns the service's change log into changes", async () => {
    const { rows, badRows } = insuredData();
    const bad = new Set(badRows.map((b) => b.key));
    // Read the feed to its end: one I per enrolment, bad rows announced without their record.
    let cursor: string | undefined;
    const seen: { key: string; op: string; record?: unknown }[] = [];
    for (;;) {
      const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
        params: { path, query: { limit: 1000, ...(cursor ? { cursor } : {}) } },
      });
      cursor = data.nextCursor;
      seen.push(...data.items);
      if (data.items.length === 0) break;
    }
    expect(seen.map((c) => c.key)).toEqual(rows.map((r) => r.SFZH));
    expect(seen.filter((c) => c.record === undefined).map((c) => c.key)).toEqual(
      rows.filter((r) => bad.has(r.SFZH)).map((r) => r.SFZH),
    );

    // A clerk ends one person's insurance, deletes a row entered by mistake, enrols someone.
    const good = rows.filter((r) => !bad.has(r.SFZH));
    const ended = good[10] as CbryRow;
    const mistaken = good[20] as CbryRow;
    const first17 = "37010220000229012";
    const enrolled: CbryRow = {
      SFZH: first17 + residentIdCheckCharacter(first17),
      XM: "欧阳娜娜",
      XB: "2",
      CBRQ: "2026-04-01",
      XZLX: "1",
      JFZT: "正常",
      JFJS: 4500,
      SJHM: "１３９１２３４５６７８",
      JBR: "JB001",
    };
    example.legacy.upsert({ ...ended, JFZT: "终止" });
    example.legacy.remove(mistaken.SFZH);
    example.legacy.upsert(enrolled);

    const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path, query: { limit: 1000, cursor } },
    });
    expect(data.items.map((c) => [c.key, c.op])).toEqual([
      [ended.SFZH, "upsert"],
      [mistaken.SFZH, "delete"],
      [enrolled.SFZH, "upsert"],
    ]);
    expect(data.items[0]?.record).toEqual({ ...expected(ended), paymentStatus: "3" });
    expect(data.items[1]?.record).toBeUndefined();
    expect(data.items[2]?.record).toEqual({
      residentId: enrolled.SFZH,
      name: "欧阳娜娜",
      sex: "2",
      insuredDate: "2026-04-01",
      insuranceType: "110",
      paymentStatus: "1",
      contributionBase: "4500",
      mobile: "13912345678",
    });
    for (const c of data.items) expect(c.time).toMatch(/\+08:00$/);

    expect(await getRecord(enrolled.SFZH)).toEqual(data.items[2]?.record);
    const gone = await problemOf(getRecord(mistaken.SFZH));
    expect(gone.status).toBe(404);
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
      // The department sets the service's address where the provider runs.
      env: { ...process.env, [SOAP_URL_ENV]: example.legacy.url },
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
      expect(data.system).toBe("某市人力资源和社会保障局社保参保系统");
      expect(data.resources.map((r) => (r.entry as { resourceCode: string }).resourceCode)).toEqual(
        ["203001/000001"],
      );
      const bad = new Set(insuredData().badRows.map((b) => b.key));
      const key = example.legacy
        .rows()
        .find((r) => !bad.has(r.SFZH) && r.JFZT === "正常" && r.XZLX === "1")?.SFZH;
      const { data: record } = await cli.request(
        "get",
        "/resources/{prefix}/{suffix}/records/{key}",
        { params: { path: { ...path, key: key as string }, query: { purpose } } },
      );
      expect(record).toMatchObject({ residentId: key, insuranceType: "110", paymentStatus: "1" });
    } finally {
      abort.abort();
      await cli.close();
    }
    expect(await command).toBe(0);
    expect(out.join("")).toContain("某市人力资源和社会保障局社保参保系统");
  });

  it("logs every withheld row, without its values", async () => {
    const { rows, badRows } = insuredData();
    await example.close(); // flushes the issue log
    closed = true;
    const log = await readFile(join(dir, ".data", "issues.ndjson"), "utf8");
    const lines = log
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            key: string;
            resourceCode: string;
            operation: string;
            issues: { code: string; path: string }[];
          },
      );
    for (const bad of badRows) {
      const logged = lines.filter((l) => l.key === bad.key);
      expect(logged.length, bad.key).toBeGreaterThan(0);
      expect(logged.every((l) => l.resourceCode === "203001/000001")).toBe(true);
      expect(logged.flatMap((l) => l.issues.map((i) => i.code))).toContain(bad.code);
      expect(logged.flatMap((l) => l.issues.map((i) => i.path))).toContain(`/${bad.item}`);
      expect(new Set(logged.map((l) => l.operation))).toEqual(new Set(["query", "get", "changes"]));
    }
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set(badRows.map((b) => b.key)));
    for (const bad of badRows) {
      const raw = rows.find((r) => r.SFZH === bad.key) as CbryRow;
      expect(log).not.toContain(raw.XM.trim());
      if (raw.SJHM) expect(log).not.toContain(raw.SJHM);
    }
    expect(log).not.toContain("2019-02-30");
    expect(log).not.toContain("20190230");
  });
});
