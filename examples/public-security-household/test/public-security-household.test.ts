/**
 * The household-registration department end to end, on embedded PGlite and on the run's real
 * PostgreSQL (a fresh database per run): the conformance kit passes; signed queries return
 * standard records (national codes, ISO dates, half-width text) for every legacy row; the
 * deliberately bad rows are withheld and logged; an update and a delete in the legacy table
 * arrive through the changes operation; the same provider.yaml runs through `govex provide`.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { loadMapping } from "@govex/adapter";
import { ProblemError } from "@govex/client";
import { EthnicityCodes, isResidentId } from "@govex/schemas";
import { getValidator } from "@govex/validator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideCommand } from "../../../packages/cli/src/commands/provide.js";
import { testDatabaseUrl, uniqueDatabaseName } from "../../../test/databases.js";
import {
  BAD_ROWS,
  EXAMPLE_DIR,
  HISTORY,
  type LegacyRow,
  legacyRows,
  RESOURCE_CODE,
  type RunningExample,
  startExample,
} from "../src/index.js";

const FILES = [
  "entry.json",
  "mapping.yaml",
  "provider.yaml",
  "postgres/mapping.yaml",
  "postgres/provider.yaml",
];
const PATH = { prefix: "101001", suffix: "3700GA0001" };
const PURPOSE = "户籍信息核验(测试)";
const FULLWIDTH = /[\uFF01-\uFF5E\u3000]/;

/** A copy of the example's committed files in a temp folder: the test's own .data. */
async function copyExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "govex-example-hukou-"));
  await mkdir(join(dir, "postgres"));
  for (const file of FILES) await copyFile(join(EXAMPLE_DIR, file), join(dir, file));
  return dir;
}

/**
 * An empty PGlite cluster as a tarball, cached per PGlite build (the file name is the one the
 * adapter-sql tests use, so a run makes it once): a new data directory then skips initdb.
 */
async function pgliteTemplate(): Promise<Blob> {
  const resolved = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const build = createHash("sha256").update(resolved).digest("hex");
  const file = join(tmpdir(), `govex-test-pglite-${build.slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {}
  const fresh = await PGlite.create();
  const dump = await fresh.dumpDataDir("none");
  await fresh.close();
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

// The expected record of a legacy row, written independently of the mapping file.
const SEX: Record<string, string> = { 男: "1", M: "1", "1": "1", 女: "2", F: "2", "2": "2" };
const ETHNICITY: Record<string, string> = {
  汉族: "01",
  汉: "01",
  蒙古族: "02",
  回族: "03",
  苗族: "06",
  壮族: "08",
  朝鲜族: "10",
  满族: "11",
  土家族: "15",
};
const halfwidth = (text: string) => text.normalize("NFKC").replace(/\s+/g, " ").trim();

function expected(row: LegacyRow): Record<string, string> {
  const birth = halfwidth(row.CSRQ);
  return {
    residentId: row.GMSFHM,
    name: row.XM.trim(),
    sex: SEX[row.XB] as string,
    ethnicity: ETHNICITY[row.MZ] ?? row.MZ.padStart(2, "0"),
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    registeredAddress: halfwidth(row.HJDZ),
    registeredDivision: row.HJDZ_XZQH,
    updatedAt: `${row.GXSJ.replace(" ", "T")}+08:00`,
  };
}

it("entry.json is a valid catalog entry; the two mappings differ only in their source", async () => {
  const entry = JSON.parse(await readFile(join(EXAMPLE_DIR, "entry.json"), "utf8"));
  expect((await getValidator("catalog-entry")).validate(entry)).toEqual([]);
  expect(entry.resourceCode).toBe(RESOURCE_CODE);
  const pglite = await loadMapping(join(EXAMPLE_DIR, "mapping.yaml"));
  const postgres = await loadMapping(join(EXAMPLE_DIR, "postgres", "mapping.yaml"));
  const fields = (m: typeof pglite) =>
    [...m.fields.values()].map(({ item, source, transforms, mask }) => ({
      item,
      source,
      transforms,
      mask,
    }));
  expect(fields(postgres)).toEqual(fields(pglite));
  expect(postgres.entry).toEqual(pglite.entry);
  expect(postgres.recordSchema).toEqual(pglite.recordSchema);
  expect(pglite.source).toMatchObject({ dialect: "pglite", table: "t_rk_jbxx" });
  expect(postgres.source).toMatchObject({
    dialect: "postgres",
    table: "t_rk_jbxx",
    connection: { env: "HUKOU_DATABASE_URL" },
  });
});

it("the synthetic legacy data has the quirks the mapping handles", () => {
  const { good, bad } = legacyRows();
  const all = [...good, ...bad];
  expect(all).toHaveLength(1000);
  expect(new Set(all.map((r) => r.GMSFHM)).size).toBe(1000);
  for (const row of good) expect(isResidentId(row.GMSFHM), row.GMSFHM).toBe(true);
  expect(new Set(good.map((r) => r.XB))).toEqual(new Set(["男", "女", "M", "F", "1", "2"]));
  expect(good.some((r) => /^\d+$/.test(r.MZ))).toBe(true);
  expect(good.some((r) => r.MZ === "汉")).toBe(true);
  expect(good.filter((r) => FULLWIDTH.test(r.CSRQ)).length).toBeGreaterThan(10);
  expect(good.filter((r) => FULLWIDTH.test(r.HJDZ)).length).toBeGreaterThan(50);
  expect(good.some((r) => r.XM.endsWith("\u3000"))).toBe(true);
  expect(BAD_ROWS.map((b) => b.key)).toEqual(bad.map((r) => r.GMSFHM));
});

describe.each(["PGlite", "PostgreSQL"] as const)("the department on %s", (backend) => {
  let dir: string;
  let databaseUrl: string | undefined;
  let example: RunningExample;
  const env = () => ({ HUKOU_DATABASE_URL: databaseUrl });
  const client = (url = example.url) =>
    example.department.client({ baseUrl: url, retry: { retries: 0 } });
  const getRecord = (key: string, url?: string) =>
    client(url).request("get", "/resources/{prefix}/{suffix}/records/{key}", {
      params: { path: { ...PATH, key }, query: { purpose: PURPOSE } },
    });
  const problemOf = (key: string) =>
    getRecord(key).then(
      () => undefined,
      (error: unknown) => error as ProblemError,
    );

  beforeAll(async () => {
    dir = await copyExample();
    if (backend === "PostgreSQL") {
      const admin = testDatabaseUrl("postgres");
      const name = uniqueDatabaseName("govex_example_hukou");
      const connection = new pg.Client({ connectionString: admin });
      await connection.connect();
      await connection.query(`create database "${name}"`);
      await connection.end();
      const url = new URL(admin);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    }
    example = await startExample({
      dir,
      port: 0,
      env: env(),
      ...(backend === "PGlite" ? { pgliteTemplate: await pgliteTemplate() } : {}),
    });
    expect(example.legacy).toMatchObject({
      dialect: backend === "PGlite" ? "pglite" : "postgres",
      seeded: true,
    });
  });

  afterAll(async () => {
    await example?.close();
    if (databaseUrl) {
      const admin = new pg.Client({ connectionString: testDatabaseUrl("postgres") });
      await admin.connect();
      await admin.query(
        `drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`,
      );
      await admin.end();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("passes the conformance kit, every check run", async () => {
    const result = await example.department.conformance();
    const failed = result.checks.filter((c) => c.status === "fail");
    expect(failed.map((c) => [c.id, JSON.stringify(c.failures).slice(0, 600)])).toEqual([]);
    expect(result.checks.filter((c) => c.status === "skip").map((c) => c.id)).toEqual([]);
    expect(result.summary.ok).toBe(true);
    expect(result.system).toBe("山东省示例公安厅户籍管理系统");
  });

  it("serves every legacy row as a standard record, signed", async () => {
    const records = new Map<string, Record<string, unknown>>();
    for await (const record of client().paginate("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: PATH, query: { purpose: PURPOSE, limit: 250 } },
    }))
      records.set(String(record.residentId), record);

    const { good } = legacyRows();
    const { moved, cancelled, registered } = HISTORY;
    // 1,000 seeded, 3 withheld, 1 registered and 1 cancelled since.
    expect(records.size).toBe(997);
    for (const bad of BAD_ROWS) expect(records.has(bad.key)).toBe(false);
    expect(records.has(cancelled.key)).toBe(false);
    expect(records.get(registered.GMSFHM)).toEqual(expected(registered));
    expect(records.get(moved.key)).toMatchObject({
      registeredAddress: "山东省青岛市市南区香港中路12号",
      registeredDivision: "370202",
      updatedAt: `${moved.at.replace(" ", "T")}+08:00`,
    });
    for (const row of good) {
      if (row.GMSFHM === moved.key || row.GMSFHM === cancelled.key) continue;
      expect(records.get(row.GMSFHM), row.GMSFHM).toEqual(expected(row));
    }
    // And by the standards, not just by the oracle above.
    for (const record of records.values()) {
      const id = String(record.residentId);
      expect(isResidentId(id)).toBe(true);
      expect(record.sex).toBe(Number(id[16]) % 2 === 1 ? "1" : "2");
      expect(record.birthDate).toBe(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
      expect(EthnicityCodes).toContain(record.ethnicity);
      expect(record.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    }
    expect(JSON.stringify([...records.values()])).not.toMatch(FULLWIDTH);

    const one = good[100] as LegacyRow;
    expect((await getRecord(one.GMSFHM)).data).toEqual(expected(one));
  });

  it("filters by national codes and is not fooled by injection strings", async () => {
    const women = await client().request("get", "/resources/{prefix}/{suffix}/records", {
      params: {
        path: PATH,
        query: {
          purpose: PURPOSE,
          filter: { sex: "2", registeredDivision: "370102" },
          fields: ["residentId", "sex"],
          limit: 1000,
        },
      },
    });
    const want = legacyRows().good.filter(
      (r) =>
        SEX[r.XB] === "2" &&
        r.HJDZ_XZQH === "370102" &&
        r.GMSFHM !== HISTORY.cancelled.key &&
        r.GMSFHM !== HISTORY.moved.key,
    );
    expect(want.length).toBeGreaterThan(10);
    expect(women.data.items.map((r) => r.residentId).sort()).toEqual(
      want.map((r) => r.GMSFHM).sort(),
    );
    expect(women.data.items.every((r) => Object.keys(r).join() === "residentId,sex")).toBe(true);

    for (const hostile of ["'; DROP TABLE t_rk_jbxx; --", "370102' OR '1'='1", '" OR 1=1 --']) {
      const page = await client().request("get", "/resources/{prefix}/{suffix}/records", {
        params: {
          path: PATH,
          query: { purpose: PURPOSE, filter: { registeredDivision: hostile } },
        },
      });
      expect(page.data.items).toEqual([]);
    }
    expect(await example.legacy.count()).toBe(1000);
  });

  it("withholds the deliberately bad rows", async () => {
    for (const bad of BAD_ROWS) {
      const problem = await problemOf(bad.key);
      expect(problem, bad.problem).toBeInstanceOf(ProblemError);
      expect({ status: problem?.status, code: problem?.code }).toEqual({
        status: 503,
        code: "record_invalid",
      });
    }
    const metrics = await example.department.provider.server.registry.metrics();
    for (const code of ["invalid_check_character", "date_invalid", "code_unmapped"])
      expect(metrics).toMatch(
        new RegExp(
          `govex_adapter_records_withheld_total\\{resource="${RESOURCE_CODE}",code="${code}"\\} [1-9]`,
        ),
      );
  });

  it("announces an update and a delete in the legacy table through changes", async () => {
    const changes = (cursor?: string) =>
      client().request("get", "/resources/{prefix}/{suffix}/changes", {
        params: { path: PATH, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      });
    // From the start: the history since the change table was installed.
    const first = await changes();
    const { registered, moved, cancelled } = HISTORY;
    expect(first.data.items.map((c) => [c.key, c.op])).toEqual([
      [registered.GMSFHM, "upsert"],
      [moved.key, "upsert"],
      [cancelled.key, "delete"],
    ]);
    let cursor = first.data.nextCursor;
    const quiet = await changes(cursor);
    expect(quiet.data.items).toEqual([]);
    cursor = quiet.data.nextCursor;

    const { good } = legacyRows();
    const updated = good[30] as LegacyRow;
    const deleted = good[40] as LegacyRow;
    await example.legacy.changeAddress(
      updated.GMSFHM,
      "山东省济南市历下区\u3000经十路１１号",
      "370102",
      "2026-02-01 08:00:00",
    );
    await example.legacy.cancel(deleted.GMSFHM);

    const next = await changes(cursor);
    expect(next.data.items).toEqual([
      {
        key: updated.GMSFHM,
        op: "upsert",
        time: expect.any(String),
        record: {
          ...expected(updated),
          registeredAddress: "山东省济南市历下区 经十路11号",
          registeredDivision: "370102",
          updatedAt: "2026-02-01T08:00:00+08:00",
        },
      },
      { key: deleted.GMSFHM, op: "delete", time: expect.any(String) },
    ]);
    expect(next.data.nextCursor).not.toBe(cursor);
    expect((await problemOf(deleted.GMSFHM))?.status).toBe(404);
    expect((await changes(next.data.nextCursor)).data.items).toEqual([]);
  });

  it("logs the withheld rows, and runs the same provider.yaml through govex provide", async () => {
    // Closing flushes the issue log, and on PGlite hands the data directory to the CLI.
    await example.close();
    const log = await readFile(join(example.providerDir, ".data", "issues.ndjson"), "utf8");
    const entries = log
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(new Set(entries.map((e) => e.key))).toEqual(new Set(BAD_ROWS.map((b) => b.key)));
    for (const entry of entries) expect(entry.resourceCode).toBe(RESOURCE_CODE);
    expect(log).not.toContain("19870230");

    const stdout: string[] = [];
    const stderr: string[] = [];
    const controller = new AbortController();
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      listening = resolve;
    });
    const exit = provideCommand(
      ["--config", join(example.providerDir, "provider.yaml"), "--port", "0"],
      {
        stdout: { write: (s: string) => stdout.push(s) },
        stderr: { write: (s: string) => stderr.push(s) },
        env: { ...process.env, ...env() },
      },
      "zh-CN",
      { signal: controller.signal, onListening: listening },
    );
    try {
      const base = await Promise.race([
        url,
        exit.then((code) => {
          throw new Error(`govex provide exited with ${code}: ${stderr.join("")}`);
        }),
      ]);
      const described = await client(base).request("get", "/describe");
      expect(described.data.system).toBe("山东省示例公安厅户籍管理系统");
      const [resource] = described.data.resources;
      expect(resource?.entry.resourceCode).toBe(RESOURCE_CODE);
      expect(resource?.keyField).toBe("residentId");
      expect(resource?.operations).toEqual(["query", "get", "verify", "changes"]);
      const schema = resource?.recordSchema as Record<string, unknown> | undefined;
      const properties = schema?.properties as Record<string, Record<string, unknown>>;
      expect(properties.residentId?.["x-govex-mask"]).toEqual({ kind: "resident-id", grade: 2 });
      expect(properties.name?.["x-govex-mask"]).toEqual({ kind: "name", grade: 2 });
      // The change made through the legacy system is in the database the CLI opened.
      const updated = legacyRows().good[30] as LegacyRow;
      expect((await getRecord(updated.GMSFHM, base)).data.registeredAddress).toBe(
        "山东省济南市历下区 经十路11号",
      );
    } finally {
      controller.abort();
    }
    expect(await exit).toBe(0);
    expect(stdout.join("")).toContain("山东省示例公安厅户籍管理系统");
  });
});
