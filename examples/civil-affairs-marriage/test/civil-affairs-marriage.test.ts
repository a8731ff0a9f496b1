/**
 * The civil affairs example end to end, over real sockets: the legacy marriage registration
 * API (node:http, a token header, { code, msg, data } answers, page/size paging), the
 * department's provider.yaml serving it through @govex/adapter-rest, and the exchange's side
 * (the conformance kit, a signed client, the CLI) seeing standard records. The example's files
 * are copied to a temporary folder, so the test never touches a running `pnpm start`.
 */
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAdapterError, loadMapping } from "@govex/adapter";
import { createSource } from "@govex/adapter-rest";
import { type GovexClient, ProblemError, type ProviderPaths } from "@govex/client";
import { checkResidentId, EthnicityCodes, isResidentId, lookupDivision } from "@govex/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideCommand } from "../../../packages/cli/src/commands/provide.js";
import {
  EXAMPLE_DIR,
  legacyData,
  MAX_PAGE_SIZE,
  type MarriageRow,
  RECORD_COUNT,
  type RunningExample,
  startExample,
} from "../src/index.js";

type Client = GovexClient<ProviderPaths>;
type Record_ = Record<string, unknown>;
const path = { prefix: "307001", suffix: "3701MZ0001" };
const purpose = "婚姻状况核查(示例测试)";
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;
const TYPES: Record<number, string> = { 1: "结婚登记", 2: "离婚登记", 3: "补领婚姻登记证" };
/** The mapping's 民族 code table (GB 3304-1991). */
const ETHNICITY: Record<string, string> = {
  汉族: "01",
  汉: "01",
  蒙古族: "02",
  回族: "03",
  壮族: "08",
  朝鲜族: "10",
  满族: "11",
};

let dir: string;
let example: RunningExample;
let client: Client;
let closed = false;

const halfwidth = (s: string) =>
  s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
const iso = (yyyymmdd: string) =>
  `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

interface LegacyAnswer {
  code: number;
  msg: string;
  data: { records: MarriageRow[]; total: number } | null;
}

/** A call to the legacy API as a department client makes it. */
async function legacyCall(
  pathAndQuery: string,
  init: { token?: string | null; method?: string } = {},
): Promise<{ status: number; body: LegacyAnswer }> {
  const token = init.token === undefined ? example.env.HUNYIN_API_TOKEN : init.token;
  const res = await fetch(`${example.legacy.url}${pathAndQuery}`, {
    method: init.method ?? "GET",
    headers: token === null ? {} : { "X-Access-Token": token },
  });
  return { status: res.status, body: (await res.json()) as LegacyAnswer };
}

async function allRecords(limit = 1000): Promise<Record_[]> {
  const out: Record_[] = [];
  for await (const item of client.paginate("get", "/resources/{prefix}/{suffix}/records", {
    params: { path, query: { purpose, limit } },
  }))
    out.push(item as Record_);
  return out;
}

async function query(filter: Record<string, string>): Promise<Record_[]> {
  const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records", {
    params: { path, query: { purpose, filter, limit: 1000 } },
  });
  return data.items as Record_[];
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

function goodRows(): MarriageRow[] {
  const bad = new Set(example.legacy.badRows().map((b) => b.key));
  return example.legacy.rows().filter((r) => !bad.has(r.djbh));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "govex-hunyin-"));
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

describe("the legacy API", () => {
  it("holds deterministic registrations with valid resident IDs and real division codes", () => {
    const { rows, badRows } = legacyData(1);
    expect(legacyData(1)).toEqual(legacyData(1));
    expect(rows).toHaveLength(RECORD_COUNT);
    expect(new Set(rows.map((r) => r.djbh)).size).toBe(rows.length);
    expect(badRows.map((b) => b.code)).toEqual([
      "date_invalid",
      "invalid_check_character",
      "code_unmapped",
    ]);
    const bad = new Set(badRows.map((b) => b.key));
    for (const r of rows.filter((row) => !bad.has(row.djbh))) {
      const man = checkResidentId(halfwidth(r.nfsfzh).toUpperCase());
      const woman = checkResidentId(halfwidth(r.nvsfzh).toUpperCase());
      expect([man.valid, woman.valid], r.djbh).toEqual([true, true]);
      // GB 11643-1999 §5.3: the sequence code's parity is the holder's sex.
      expect([man.info?.sex, woman.info?.sex]).toEqual(["1", "2"]);
      expect(lookupDivision(r.djjgdm)?.prefecture).toBe("济南市");
      expect(r.djbh.startsWith(r.djjgdm + r.djrq.slice(0, 4))).toBe(true);
      const prefix = halfwidth(r.zsbh).match(/^(J|L|BJ|BL)(\d{6})-(\d{4})-\d{6}$/);
      expect(prefix?.[2]).toBe(r.djjgdm);
      expect({ 1: ["J"], 2: ["L"], 3: ["BJ", "BL"] }[r.djlx]).toContain(prefix?.[1]);
    }
    // The legacy habits are really there.
    expect(rows.some((r) => /^Ｊ/.test(r.zsbh))).toBe(true);
    expect(rows.some((r) => FULL_WIDTH.test(r.nfsfzh))).toBe(true);
    expect(rows.some((r) => r.nfsfzh.endsWith("x") || r.nvsfzh.endsWith("x"))).toBe(true);
    expect(rows.some((r) => r.djjg.endsWith("\u3000"))).toBe(true);
    expect(rows.some((r) => r.nfmz === "汉" || r.nvmz === "汉")).toBe(true);
    expect(new Set(rows.map((r) => r.djlx))).toEqual(new Set([1, 2, 3, 9]));
  });

  it("answers like the department's API: wrapped, token-guarded, size cut to 100, newest first", async () => {
    const page = await legacyCall("/api/hydj/page?page=1&size=500");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ code: 0, msg: "成功", data: { total: RECORD_COUNT } });
    const records = page.body.data?.records ?? [];
    expect(records).toHaveLength(MAX_PAGE_SIZE);
    const times = records.map((r) => r.createTime);
    expect(times).toEqual([...times].sort().reverse());
    expect(records.map((r) => r.djbh)).not.toEqual(records.map((r) => r.djbh).sort());

    // No token, a wrong token: HTTP 200 all the same, the failure is in the body.
    const wrong = example.env.HUNYIN_API_TOKEN.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    for (const token of [null, wrong, "", "' OR '1'='1"]) {
      const answer = await legacyCall("/api/hydj/page?page=1&size=1", { token });
      expect([answer.status, answer.body.code, answer.body.data]).toEqual([200, 401, null]);
    }
    // Hostile parameters are refused or find nothing; nothing leaks a prototype.
    for (const q of ["page=-1", "size=1e99", "page=abc", "sort=djbh;DROP TABLE hydj"]) {
      const answer = await legacyCall(`/api/hydj/page?${q}`);
      expect([q, answer.body.code]).toEqual([q, 400]);
    }
    for (const key of ["__proto__", "constructor", "' OR '1'='1", "../info"]) {
      const info = await legacyCall(`/api/hydj/info?djbh=${encodeURIComponent(key)}`);
      expect(info.body).toEqual({ code: 1004, msg: "登记信息不存在", data: null });
      const filtered = await legacyCall(`/api/hydj/page?djbh=${encodeURIComponent(key)}`);
      expect(filtered.body.data?.records).toEqual([]);
    }
    expect((await legacyCall("/api/hydj/page", { method: "POST" })).status).toBe(405);
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

  it("describes the resource with its masks, and no internal field", async () => {
    const { data } = await client.request("get", "/describe");
    expect(data.system).toBe("某市民政局婚姻登记管理系统");
    const resource = data.resources[0] as { keyField: string; recordSchema: Record_ };
    expect(resource.keyField).toBe("registrationNo");
    const properties = resource.recordSchema.properties as Record<string, Record_>;
    for (const item of ["maleResidentId", "femaleResidentId"])
      expect(properties[item]?.["x-govex-mask"]).toEqual({ kind: "resident-id", grade: 2 });
    for (const item of ["maleName", "femaleName"])
      expect(properties[item]?.["x-govex-mask"]).toEqual({ kind: "name", grade: 2 });
    expect(Object.keys(properties)).not.toContain("czy");
  });

  it("serves standard records: national codes, ISO dates, half-width", async () => {
    const good = goodRows();
    const records = await allRecords();
    expect(records).toHaveLength(RECORD_COUNT - 3);
    expect(records.map((r) => r.registrationNo)).toEqual(good.map((r) => r.djbh).sort());
    for (const r of records) {
      expect(Object.values(TYPES)).toContain(r.registrationType);
      expect(r.registrationDate).toMatch(ISO_DATE);
      expect(r.certificateNo).toMatch(/^(J|L|BJ|BL)\d{6}-\d{4}-\d{6}$/);
      expect(EthnicityCodes).toContain(r.maleEthnicity);
      expect(EthnicityCodes).toContain(r.femaleEthnicity);
      expect(isResidentId(String(r.maleResidentId))).toBe(true);
      expect(isResidentId(String(r.femaleResidentId))).toBe(true);
      expect(r.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      for (const [item, value] of Object.entries(r))
        expect(String(value), `${item} of ${r.registrationNo}`).not.toMatch(FULL_WIDTH);
    }

    // A row with most quirks at once: full-width 证字号 and ID, padded 登记机关, lowercase x.
    const raw = good.find(
      (r) => /^[ＪＬＢ]/.test(r.zsbh) && FULL_WIDTH.test(r.nfsfzh) && r.djjg.endsWith("\u3000"),
    ) as MarriageRow;
    expect(raw).toBeDefined();
    expect(await getRecord(raw.djbh)).toEqual({
      registrationNo: raw.djbh,
      certificateNo: halfwidth(raw.zsbh),
      registrationType: TYPES[raw.djlx],
      registrationDate: iso(raw.djrq),
      registrationOffice: raw.djjg.trim(),
      registrationDivision: raw.djjgdm,
      maleName: raw.nfxm,
      maleResidentId: halfwidth(raw.nfsfzh).toUpperCase(),
      maleEthnicity: ETHNICITY[raw.nfmz],
      femaleName: raw.nvxm.trim(),
      femaleResidentId: raw.nvsfzh.toUpperCase(),
      femaleEthnicity: ETHNICITY[raw.nvmz],
      updatedAt: `${raw.updateTime.replace(" ", "T")}+08:00`,
    });
    const shortened = good.find((r) => r.nvmz === "汉") as MarriageRow;
    expect((await getRecord(shortened.djbh)).femaleEthnicity).toBe("01");
    const padded = good.find((r) => r.nvxm.endsWith(" ")) as MarriageRow;
    expect((await getRecord(padded.djbh)).femaleName).toBe(padded.nvxm.trim());
  });

  it("filters: code-table items pushed down to the API, the rest compared locally", async () => {
    const good = goodRows();
    example.legacy.log.length = 0;
    const divorces = await query({ registrationType: "离婚登记" });
    expect(divorces.map((r) => r.registrationNo)).toEqual(
      good
        .filter((r) => r.djlx === 2)
        .map((r) => r.djbh)
        .sort(),
    );
    expect(divorces.length).toBeGreaterThan(0);
    // 离婚登记 went to the API as its local code: only the inverted code table says djlx=2.
    expect(example.legacy.log.some((l) => l.includes("djlx=2"))).toBe(true);

    const hui = await query({ femaleEthnicity: "03", registrationDivision: "370102" });
    const expected = good.filter((r) => r.nvmz === "回族" && r.djjgdm === "370102");
    expect(hui.map((r) => r.registrationNo)).toEqual(expected.map((r) => r.djbh).sort());
    expect(hui.length).toBeGreaterThan(0);

    // Injection strings are values like any other: nothing matches.
    for (const value of ["' OR '1'='1", "1 OR 1=1", "__proto__", "结婚登记' --"])
      expect(await query({ registrationType: value })).toEqual([]);
  });

  it("pages by key over the API's page numbers (order: key)", async () => {
    const pageOf = (line: string) =>
      Number(new URL(line.split(" ")[1] as string, "http://x").searchParams.get("page"));
    const apiPages = Math.ceil(RECORD_COUNT / 50);

    // A walk with small pages: each provider page is a keyset scan after the last key. The
    // reader remembers which API page held that key (after a withheld row, which the core
    // skips mid-batch, it searches instead), so it does not reread from page 1 every time.
    example.legacy.log.length = 0;
    const records = await allRecords(20);
    const keys = records.map((r) => String(r.registrationNo));
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(RECORD_COUNT - 3);
    const calls = example.legacy.log.filter((l) => l.includes("/api/hydj/page"));
    expect(calls.every((l) => l.includes("sort=djbh%2Casc") && l.includes("size=50"))).toBe(true);
    // Rereading from page 1 for each provider page would cost this many calls, at least.
    const providerPages = Math.ceil(keys.length / 20);
    let naive = 0;
    for (let p = 1; p <= providerPages; p++) naive += Math.ceil(Math.min(20 * p, keys.length) / 50);
    expect(calls.length).toBeLessThan(naive);

    // A cold scan deep into the list finds its page by a galloping and binary search over
    // page numbers, about 2·log2(pages) calls, skipping pages on the way.
    const deep = keys[260] as string;
    const fresh = await createSource((await loadMapping(join(dir, "mapping.yaml"))).source, {
      baseDir: dir,
      env: example.env,
    });
    try {
      example.legacy.log.length = 0;
      const rows = await fresh.scan({
        keyField: "djbh",
        filter: {},
        fields: [],
        after: deep,
        limit: 5,
      });
      const sorted = example.legacy
        .rows()
        .map((r) => r.djbh)
        .sort();
      expect(rows.map((r) => r.djbh)).toEqual(sorted.filter((k) => k > deep).slice(0, 5));
      const read = example.legacy.log.map(pageOf);
      expect(read.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(apiPages + 1)));
      const target = Math.ceil((sorted.indexOf(deep) + 1) / 50);
      expect(read).toContain(target);
      const skipped = Array.from({ length: target }, (_, i) => i + 1).filter(
        (p) => !read.includes(p),
      );
      expect(skipped.length).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });

  it("verifies values without disclosing them", async () => {
    const raw = goodRows()[10] as MarriageRow;
    const { data } = await client.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: { path, query: { purpose } },
      body: {
        key: raw.djbh,
        values: {
          maleResidentId: halfwidth(raw.nfsfzh).toUpperCase(),
          femaleName: raw.nvxm === "王芳" ? "李娜" : "王芳",
        },
      },
    });
    expect(data).toEqual({
      found: true,
      fields: { maleResidentId: "match", femaleName: "no_match" },
    });
  });

  it("withholds the deliberately bad rows", async () => {
    const { badRows } = legacyData(1);
    const served = new Set((await allRecords()).map((r) => r.registrationNo));
    for (const bad of badRows) {
      expect(served.has(bad.key)).toBe(false);
      const problem = await problemOf(getRecord(bad.key));
      expect([problem.status, problem.code]).toEqual([503, "record_invalid"]);
    }
    const missing = await problemOf(getRecord("370102209900001"));
    expect(missing.status).toBe(404);
  });

  it("turns the API's change log into changes", async () => {
    let cursor: string | undefined;
    let seen = 0;
    for (;;) {
      const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
        params: { path, query: { limit: 1000, ...(cursor ? { cursor } : {}) } },
      });
      cursor = data.nextCursor;
      seen += data.items.length;
      if (data.items.length === 0) break;
    }
    expect(seen).toBe(RECORD_COUNT);

    const day = await example.legacy.nextDay();
    const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path, query: { limit: 1000, cursor } },
    });
    expect(data.items.map((c) => [c.key, c.op])).toEqual([
      [day.added, "upsert"],
      [day.corrected, "upsert"],
      [day.voided, "delete"],
    ]);
    const [added, corrected, voided] = data.items;
    expect(added?.record).toMatchObject({
      registrationNo: day.added,
      registrationType: "结婚登记",
      registrationDate: "2026-03-02",
      femaleEthnicity: "03",
    });
    expect(added?.time).toBe("2026-03-02T09:12:00+08:00");
    expect(corrected?.record?.registrationDate).toMatch(ISO_DATE);
    expect(voided?.record).toBeUndefined();

    // The corrected row is served now; the voided one is gone.
    expect((await getRecord(day.corrected)).registrationNo).toBe(day.corrected);
    expect((await problemOf(getRecord(day.voided))).status).toBe(404);
    const after = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
      params: { path, query: { cursor: data.nextCursor } },
    });
    expect(after.data.items).toEqual([]);
  });

  it("reports a refused token as unavailable, without the token", async () => {
    const mapping = await loadMapping(join(dir, "mapping.yaml"));
    const token = "not-the-token-0123456789abcdef";
    const source = await createSource(mapping.source, {
      baseDir: dir,
      env: { HUNYIN_API_URL: example.legacy.url, HUNYIN_API_TOKEN: token },
    });
    try {
      const error = await source.check().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAdapterError(error) && error.code).toBe("unavailable");
      expect(String((error as Error).message)).toContain("token失效");
      expect(JSON.stringify(error)).not.toContain(token);
      expect(String((error as Error).message)).not.toContain(token);
    } finally {
      await source.close();
    }
    // Without the variables the mapping names, the source is a configuration error.
    const unset = await createSource(mapping.source, { baseDir: dir, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAdapterError(unset) && unset.code).toBe("config_invalid");
  });

  it("runs from the same provider.yaml through `govex provide`", async () => {
    const abort = new AbortController();
    const out: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => out.push(s) },
      env: { ...process.env, ...example.env },
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
      expect(data.system).toBe("某市民政局婚姻登记管理系统");
      expect(data.resources.map((r) => (r.entry as { resourceCode: string }).resourceCode)).toEqual(
        ["307001/3701MZ0001"],
      );
      const health = await cli.request("get", "/health");
      expect(health.data).toMatchObject({ status: "ok" });
    } finally {
      abort.abort();
      await cli.close();
    }
    expect(await command).toBe(0);
    expect(out.join("")).toContain("某市民政局婚姻登记管理系统");
  });

  it("logs every withheld row, without its values", async () => {
    const { rows, badRows } = legacyData(1);
    await example.close(); // flushes the issue log
    closed = true;
    const log = await readFile(join(dir, ".data", "issues.ndjson"), "utf8");
    const lines = log
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { key: string; resourceCode: string; issues: { code: string }[] },
      );
    for (const bad of badRows) {
      const logged = lines.filter((l) => l.key === bad.key);
      expect(logged.length, bad.key).toBeGreaterThan(0);
      expect(logged.every((l) => l.resourceCode === "307001/3701MZ0001")).toBe(true);
      expect(logged.flatMap((l) => l.issues.map((i) => i.code))).toContain(bad.code);
    }
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set(badRows.map((b) => b.key)));
    for (const bad of badRows) {
      const raw = rows.find((r) => r.djbh === bad.key) as MarriageRow;
      for (const value of [raw.nfsfzh, raw.nvsfzh, raw.nfxm, raw.nvxm.trim(), raw.djrq])
        expect(log).not.toContain(value);
    }
  });
});
