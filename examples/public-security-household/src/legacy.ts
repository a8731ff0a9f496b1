/**
 * The legacy system: the population table of 山东省示例公安厅户籍管理系统 as a vendor finds it.
 * Table `t_rk_jbxx` (人口基本信息) keeps the upper-case column names of the system's Oracle days
 * (created quoted, so PostgreSQL keeps their case), local codes (性别 男/女, M/F or 1/2; 民族 as a
 * name or an unpadded number), the birth date as `yyyyMMdd` text, some full-width digits, names in
 * a blank-padded `char(20)`, and a last-modified time in Beijing time without a zone. Synthetic
 * data only: 1,000 persons with valid GB 11643-1999 numbers and GB/T 2260 division codes, three of
 * them deliberately broken (see {@link BAD_ROWS}).
 *
 * This is the department's business, not govex's: govex only reads the table through the mapping
 * file. On embedded PGlite (the default) the data directory is created and seeded on first start;
 * with a postgres:// URL the same table is created and seeded in that database when it is absent.
 * The change table and its trigger (`changeTableDdl` of @govex/adapter-sql) are what the DBA adds
 * when the system joins the exchange, so that deletes reach subscribers too.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { changeTableDdl } from "@govex/adapter-sql";
import { residentIdCheckCharacter } from "@govex/schemas";
import pg from "pg";

/** The legacy table and its key column. */
export const LEGACY_TABLE = "t_rk_jbxx";
export const LEGACY_KEY = "GMSFHM";
/** Rows seeded, the deliberately bad ones included. */
export const SEEDED_ROWS = 1000;

/** A row of t_rk_jbxx as the legacy application writes it. */
export interface LegacyRow {
  /** 公民身份号码 */
  GMSFHM: string;
  /** 姓名, char(20): read back padded with spaces */
  XM: string;
  /** 性别: 男/女, M/F or 1/2, depending on which client entered the row */
  XB: string;
  /** 民族: a name (汉族, 汉, 回族) or an unpadded number (1, 3, 11) */
  MZ: string;
  /** 出生日期, yyyyMMdd text, sometimes in full-width digits */
  CSRQ: string;
  /** 户籍地址, with full-width digits and ideographic spaces here and there */
  HJDZ: string;
  /** 户籍地行政区划代码 (GB/T 2260) */
  HJDZ_XZQH: string;
  /** 最后修改时间, Beijing time, `yyyy-MM-dd HH:mm:ss` */
  GXSJ: string;
}

const COLUMNS = [
  "GMSFHM",
  "XM",
  "XB",
  "MZ",
  "CSRQ",
  "HJDZ",
  "HJDZ_XZQH",
  "GXSJ",
] as const satisfies readonly (keyof LegacyRow)[];

const DDL = [
  `CREATE TABLE ${LEGACY_TABLE} (
  "GMSFHM" varchar(18) NOT NULL PRIMARY KEY,
  "XM" char(20) NOT NULL,
  "XB" varchar(2),
  "MZ" varchar(10),
  "CSRQ" varchar(8),
  "HJDZ" varchar(200),
  "HJDZ_XZQH" char(6),
  "GXSJ" timestamp(0) NOT NULL
)`,
  `COMMENT ON TABLE ${LEGACY_TABLE} IS '人口基本信息'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."GMSFHM" IS '公民身份号码'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."XM" IS '姓名'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."XB" IS '性别(男/女、M/F、1/2)'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."MZ" IS '民族(名称或本地数字代码)'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."CSRQ" IS '出生日期(yyyyMMdd)'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."HJDZ" IS '户籍地址'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."HJDZ_XZQH" IS '户籍地行政区划代码'`,
  `COMMENT ON COLUMN ${LEGACY_TABLE}."GXSJ" IS '最后修改时间(北京时间)'`,
];

// ---------------------------------------------------------------------------------------------
// Synthetic data, deterministic: the same 1,000 rows on every machine.

/** mulberry32: a small seeded PRNG, so the data is the same everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real GB/T 2260 county-level codes of Shandong, in force since before 1984. */
const DISTRICTS = [
  { code: "370102", place: "济南市历下区", streets: ["泉城路", "解放路", "历山路", "文化东路"] },
  { code: "370103", place: "济南市市中区", streets: ["经四路", "英雄山路", "纬二路"] },
  { code: "370104", place: "济南市槐荫区", streets: ["经十路", "营市街"] },
  { code: "370105", place: "济南市天桥区", streets: ["北园大街", "堤口路"] },
  { code: "370202", place: "青岛市市南区", streets: ["香港中路", "中山路", "东海西路"] },
  { code: "370203", place: "青岛市市北区", streets: ["辽宁路", "台东一路"] },
  { code: "370211", place: "青岛市黄岛区", streets: ["长江中路", "井冈山路"] },
  { code: "370302", place: "淄博市淄川区", streets: ["般阳路", "松龄路"] },
  { code: "370602", place: "烟台市芝罘区", streets: ["南大街", "北马路"] },
  { code: "370702", place: "潍坊市潍城区", streets: ["胜利西街", "和平路"] },
] as const;

const SURNAMES = [
  ..."王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎",
  "欧阳",
  "司马",
  "诸葛",
];
const GIVEN_MALE = [..."伟强磊军勇杰涛明超鹏浩宇俊峰建国志华平刚文斌辉海波"];
const GIVEN_FEMALE = [..."芳娜敏静丽艳娟霞燕玲婷雪慧莉萍红梅兰倩颖洁琳晶"];
const ESTATES = ["阳光花园", "幸福小区", "翡翠园", "丽景苑", "和谐家园", "泉景小区"];

/** GB 3304-1991 groups of this system's rows: the local name, a short form, the national code. */
const ETHNIC_GROUPS = [
  { name: "汉族", short: "汉", code: "01", weight: 930 },
  { name: "回族", code: "03", weight: 25 },
  { name: "满族", code: "11", weight: 15 },
  { name: "蒙古族", code: "02", weight: 10 },
  { name: "朝鲜族", code: "10", weight: 10 },
  { name: "壮族", code: "08", weight: 5 },
  { name: "苗族", code: "06", weight: 3 },
  { name: "土家族", code: "15", weight: 2 },
];

/** The entry of `list` that `r` (in [0, 1)) falls on, by weight. */
function weighted<T extends { weight: number }>(list: readonly T[], r: number): T {
  const total = list.reduce((sum, item) => sum + item.weight, 0);
  let rest = r * total;
  for (const item of list) {
    rest -= item.weight;
    if (rest < 0) return item;
  }
  return list[list.length - 1] as T;
}

const FULLWIDTH_DIGITS = (text: string) =>
  text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `yyyy-MM-dd HH:mm:ss` of an instant, in Beijing time (UTC+8, no daylight saving). */
export function beijingTime(ms: number): string {
  const t = new Date(ms + 8 * 3_600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** A resident ID: division code, birth date, sequence (odd for men, GB 11643-1999 §5.3), check. */
export function residentId(division: string, birth: string, sequence: number): string {
  const first17 = `${division}${birth}${pad(sequence, 3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

interface Person {
  division: (typeof DISTRICTS)[number];
  birth: string;
  male: boolean;
  id: string;
}

function makeRows(): { good: LegacyRow[]; bad: LegacyRow[] } {
  const next = random(20260101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const ids = new Set<string>();
  const BIRTH_FROM = Date.UTC(1940, 0, 1);
  const BIRTH_DAYS = (Date.UTC(2015, 11, 31) - BIRTH_FROM) / 86_400_000;
  const MODIFIED_FROM = Date.UTC(2018, 0, 1) - 8 * 3_600_000;
  const MODIFIED_SPAN = Date.UTC(2025, 11, 31) - MODIFIED_FROM;

  const person = (): Person => {
    for (;;) {
      // Jinan, the capital, holds about half of the rows.
      const division =
        next() < 0.5 ? (DISTRICTS[Math.floor(next() * 4)] as Person["division"]) : pick(DISTRICTS);
      const b = new Date(BIRTH_FROM + Math.floor(next() * BIRTH_DAYS) * 86_400_000);
      const birth = `${b.getUTCFullYear()}${pad(b.getUTCMonth() + 1)}${pad(b.getUTCDate())}`;
      const male = next() < 0.51;
      const id = residentId(division.code, birth, Math.floor(next() * 499) * 2 + (male ? 1 : 2));
      if (ids.has(id)) continue;
      ids.add(id);
      return { division, birth, male, id };
    }
  };

  const row = (p: Person): LegacyRow => {
    const given = p.male ? GIVEN_MALE : GIVEN_FEMALE;
    let name = pick(SURNAMES) + pick(given) + (next() < 0.6 ? pick(given) : "");
    if (next() < 0.03) name += "\u3000"; // an ideographic space typed with the Chinese IME
    const r = next();
    const sex =
      r < 0.55 ? (p.male ? "男" : "女") : r < 0.9 ? (p.male ? "M" : "F") : p.male ? "1" : "2";
    const group = weighted(ETHNIC_GROUPS, next());
    const form = next();
    const ethnicity =
      form < 0.25
        ? String(Number(group.code))
        : form < 0.4 && group.short
          ? group.short
          : group.name;
    let address = `山东省${p.division.place}${next() < 0.05 ? "\u3000" : ""}${pick(p.division.streets)}${1 + Math.floor(next() * 300)}号`;
    if (next() < 0.5)
      address += `${pick(ESTATES)}${1 + Math.floor(next() * 20)}号楼${1 + Math.floor(next() * 4)}单元${1 + Math.floor(next() * 18)}0${1 + Math.floor(next() * 4)}室`;
    if (next() < 0.15) address = FULLWIDTH_DIGITS(address);
    if (next() < 0.05) address += "  ";
    return {
      GMSFHM: p.id,
      XM: name,
      XB: sex,
      MZ: ethnicity,
      CSRQ: next() < 0.04 ? FULLWIDTH_DIGITS(p.birth) : p.birth,
      HJDZ: address,
      HJDZ_XZQH: p.division.code,
      GXSJ: beijingTime(MODIFIED_FROM + Math.floor(next() * MODIFIED_SPAN)),
    };
  };

  const good = Array.from({ length: SEEDED_ROWS - 3 }, () => row(person()));
  // The three bad rows: what data entry really produces, and what the mapping must withhold.
  const wrongCheck = row(person());
  const check = wrongCheck.GMSFHM.slice(17);
  wrongCheck.GMSFHM =
    wrongCheck.GMSFHM.slice(0, 17) +
    (check === "9" ? "0" : check === "X" ? "1" : String(Number(check) + 1));
  const division = DISTRICTS[0];
  const transposed = row({
    division,
    birth: "19870203",
    male: true,
    id: residentId(division.code, "19870203", 17),
  });
  transposed.CSRQ = "19870230"; // 03 typed as 30
  const localCode = row(person());
  localCode.MZ = "99";
  return { good, bad: [wrongCheck, transposed, localCode] };
}

let cached: ReturnType<typeof makeRows> | undefined;

/** The rows seeded into t_rk_jbxx: the good ones, then the three bad ones. */
export function legacyRows(): { good: readonly LegacyRow[]; bad: readonly LegacyRow[] } {
  cached ??= makeRows();
  return cached;
}

/** The deliberately bad rows, by key, and what is wrong with each. */
export const BAD_ROWS: readonly { key: string; problem: string }[] = (() => {
  const [wrongCheck, transposed, localCode] = legacyRows().bad as [LegacyRow, LegacyRow, LegacyRow];
  return [
    {
      key: wrongCheck.GMSFHM,
      problem: "公民身份号码校验位错误 / wrong GB 11643-1999 check character",
    },
    {
      key: transposed.GMSFHM,
      problem: "出生日期 19870230 不存在 / impossible birth date 19870230",
    },
    {
      key: localCode.GMSFHM,
      problem: "民族 99 是本地代码,不在 GB 3304 中 / ethnicity 99 is a local code, not GB 3304",
    },
  ];
})();

/**
 * The history the system has since the DBA installed the change table: a birth registered, a
 * family that moved to Qingdao, a registration cancelled. The provider's changes feed starts here.
 */
export const HISTORY = (() => {
  const { good } = legacyRows();
  const newborn: LegacyRow = {
    GMSFHM: residentId("370102", "20240518", 31),
    XM: "王子涵",
    XB: "男",
    MZ: "汉族",
    CSRQ: "20240518",
    HJDZ: "山东省济南市历下区泉城路88号阳光花园3号楼2单元502室",
    HJDZ_XZQH: "370102",
    GXSJ: "2026-01-05 09:12:00",
  };
  return {
    registered: newborn,
    moved: {
      key: (good[10] as LegacyRow).GMSFHM,
      address: "山东省青岛市市南区香港中路１２号",
      division: "370202",
      at: "2026-01-06 10:30:00",
    },
    cancelled: { key: (good[20] as LegacyRow).GMSFHM },
  };
})();

// ---------------------------------------------------------------------------------------------
// The database: PGlite or PostgreSQL, the same SQL.

type Rows = Record<string, unknown>[];
interface Db {
  query(text: string, params?: unknown[]): Promise<Rows>;
}

export interface StartLegacyOptions {
  /** PGlite data directory (created and seeded when it does not exist yet). */
  dataDir: string;
  /** A postgres:// URL: use this PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  /** A dump of an empty PGlite cluster to start a new data directory from (skips initdb; tests). */
  pgliteTemplate?: Blob;
}

export interface LegacySystem {
  dialect: "pglite" | "postgres";
  /** The open PGlite instance (dialect pglite): a data directory has one owner, the provider shares it. */
  pglite?: PGlite;
  /** Whether this start created and seeded the table. */
  seeded: boolean;
  /** Rows in t_rk_jbxx. */
  count(): Promise<number>;
  /** 户口迁移: a person's registered address changes (an UPDATE, as the legacy application does it). */
  changeAddress(key: string, address: string, division: string, at?: string): Promise<void>;
  /** 户口注销: a registration is cancelled (a DELETE). */
  cancel(key: string): Promise<void>;
  /** 出生登记 / 迁入: a new registration (an INSERT). */
  register(row: LegacyRow): Promise<void>;
  close(): Promise<void>;
}

const insertSql = (count: number) =>
  `INSERT INTO ${LEGACY_TABLE} (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${Array.from(
    { length: count },
    (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(", ")})`,
  ).join(", ")}`;

async function insertRows(db: Db, rows: readonly LegacyRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    await db.query(
      insertSql(chunk.length),
      chunk.flatMap((row) => COLUMNS.map((c) => row[c])),
    );
  }
}

function operations(db: Db) {
  return {
    async changeAddress(key: string, address: string, division: string, at?: string) {
      await db.query(
        `UPDATE ${LEGACY_TABLE} SET "HJDZ" = $1, "HJDZ_XZQH" = $2, "GXSJ" = $3 WHERE "GMSFHM" = $4`,
        [address, division, at ?? beijingTime(Date.now()), key],
      );
    },
    async cancel(key: string) {
      await db.query(`DELETE FROM ${LEGACY_TABLE} WHERE "GMSFHM" = $1`, [key]);
    },
    async register(row: LegacyRow) {
      await insertRows(db, [row]);
    },
  };
}

/** Create t_rk_jbxx, seed it, install the change table, then replay the history; one transaction. */
async function seed(db: Db): Promise<void> {
  for (const statement of DDL) await db.query(statement);
  const { good, bad } = legacyRows();
  await insertRows(db, [...good, ...bad]);
  // What the DBA runs when the system joins the exchange: from here on every change is logged.
  for (const statement of changeTableDdl("postgres", LEGACY_TABLE, LEGACY_KEY))
    await db.query(statement);
  const ops = operations(db);
  await ops.register(HISTORY.registered);
  const { moved } = HISTORY;
  await ops.changeAddress(moved.key, moved.address, moved.division, moved.at);
  await ops.cancel(HISTORY.cancelled.key);
}

async function tablePresent(db: Db): Promise<boolean> {
  const [row] = await db.query(`SELECT to_regclass('${LEGACY_TABLE}') IS NOT NULL AS present`);
  return row?.present === true;
}

async function startPglite(options: StartLegacyOptions): Promise<LegacySystem> {
  const fresh = !existsSync(join(options.dataDir, "PG_VERSION"));
  if (fresh) await mkdir(options.dataDir, { recursive: true });
  const instance = await PGlite.create({
    dataDir: options.dataDir,
    ...(fresh && options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
  });
  const db: Db = {
    query: async (text, params) => (await instance.query(text, params)).rows as Rows,
  };
  let seeded = false;
  try {
    if (!(await tablePresent(db))) {
      await instance.transaction((tx) =>
        seed({ query: async (text, params) => (await tx.query(text, params)).rows as Rows }),
      );
      seeded = true;
    }
  } catch (error) {
    await instance.close();
    throw error;
  }
  return {
    dialect: "pglite",
    pglite: instance,
    seeded,
    ...operations(db),
    count: async () => Number((await db.query(`SELECT count(*) AS n FROM ${LEGACY_TABLE}`))[0]?.n),
    close: async () => {
      if (!instance.closed) await instance.close();
    },
  };
}

async function startPostgres(url: string): Promise<LegacySystem> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => {}); // a dropped idle connection; the next query reports it
  const db: Db = { query: async (text, params) => (await pool.query(text, params)).rows };
  let seeded = false;
  try {
    if (!(await tablePresent(db))) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await seed({ query: async (text, params) => (await client.query(text, params)).rows });
        await client.query("COMMIT");
        seeded = true;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    dialect: "postgres",
    seeded,
    ...operations(db),
    count: async () => Number((await db.query(`SELECT count(*) AS n FROM ${LEGACY_TABLE}`))[0]?.n),
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * Start the legacy database: PGlite in `dataDir`, or the PostgreSQL at `databaseUrl`; the table
 * is created and seeded when absent.
 *
 * @example
 * const legacy = await startLegacy({ dataDir: ".data/pglite" });
 * await legacy.changeAddress("370102198503121234", "山东省济南市历下区经十路11号", "370102");
 */
export async function startLegacy(options: StartLegacyOptions): Promise<LegacySystem> {
  return options.databaseUrl ? startPostgres(options.databaseUrl) : startPglite(options);
}
