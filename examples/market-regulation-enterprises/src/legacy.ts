/**
 * The legacy system of this example: 某市市场监管局企业登记系统's nightly export job. The
 * registration system itself is out of reach (as it usually is); what the bureau can hand over
 * is what the job writes every night into `.data/export/`:
 *
 * - `企业登记信息.csv` — enterprises and farmers' cooperatives, GBK, CRLF, Chinese headers;
 * - `个体工商户登记信息.xlsx` — individual businesses, written with exceljs: a 说明 (notes)
 *   sheet first, then the 个体工商户 sheet with a merged title row above the header.
 *
 * Both carry the same columns and the legacy system's habits: local 企业类型 codes, 登记状态 in
 * its own wording, 成立日期 as yyyy年MM月dd日 and 核准日期 as yyyy/MM/dd, full-width digits,
 * ideographic-space padding, an unquoted full-width comma and a quoted ASCII one. Three rows
 * are wrong on purpose (a USCC with a wrong check character, 2019年02月30日, a status the
 * mapping does not know): the provider must withhold and log them.
 *
 * The data is synthetic and deterministic (a seeded generator): every start writes the same
 * rows. Identifiers carry valid check characters (GB 32100-2015 Annex B, GB 11714-1997 §5,
 * GB 11643-1999) and real GB/T 2260 division codes (济南市's districts stand in for "某市",
 * because a USCC must name a real registering office's division).
 */
import { mkdir, rename, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  orgCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from "@govex/schemas";
import ExcelJS from "exceljs";
import { encodeGbk } from "./gbk.js";

export const CSV_FILE = "企业登记信息.csv";
export const XLSX_FILE = "个体工商户登记信息.xlsx";
export const XLSX_SHEET = "个体工商户";

/** The export's columns, in order; 经办人 (the clerk) is internal and not mapped. */
export const EXPORT_HEADERS = [
  "统一社会信用代码",
  "企业名称",
  "法定代表人",
  "法定代表人证件号码",
  "企业类型",
  "注册资本（万元）",
  "成立日期",
  "核准日期",
  "登记机关",
  "登记状态",
  "住所",
  "联系电话",
  "经办人",
] as const;
export type ExportHeader = (typeof EXPORT_HEADERS)[number];
/** One exported row; "" is an empty cell. */
export type ExportRow = Record<ExportHeader, string>;

/** A row the mapping must withhold, and why. */
export interface BadRow {
  file: string;
  /** 统一社会信用代码 as exported. */
  key: string;
  /** The item that breaks the standard. */
  item: string;
  /** The issue code the provider logs. */
  code: string;
}

/** What the next night's export changes, by USCC. */
export interface NightChanges {
  /** An enterprise deregistered: 登记状态 注销, a new 核准日期. */
  deregistered: string;
  /** The row with 2019年02月30日, corrected to 2019年02月28日. */
  corrected: string;
  /** A newly registered enterprise, appended to the CSV. */
  added: string;
  /** An individual business that moved: a new 住所 in the XLSX. */
  moved: string;
}

export interface LegacySystem {
  /** The export directory (absolute). */
  directory: string;
  /** The nights exported so far (1 after start). */
  night: number;
  /** Rows in each file, bad ones included. */
  counts: { csv: number; xlsx: number };
  badRows: readonly BadRow[];
  /** Run the next night's export: the files are rewritten in place, atomically. */
  runNextNight(): Promise<NightChanges>;
  stop(): Promise<void>;
}

// Rows that are wrong on purpose (indexes into the generated lists).
const BAD_CHECK_CHARACTER = 37;
const BAD_DATE = 88;
const BAD_STATUS = 23;
// What the second night changes.
const DEREGISTERED = 10;
const MOVED = 5;
const CSV_ROWS = 520;
const XLSX_ROWS = 180;

/** A list written as words separated by white space. */
const words = (text: string) => text.trim().split(/\s+/);

const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const DISTRICTS = [
  ["370102", "历下区"],
  ["370103", "市中区"],
  ["370104", "槐荫区"],
  ["370105", "天桥区"],
  ["370112", "历城区"],
  ["370113", "长清区"],
  ["370114", "章丘区"],
] as const;
const CITY_DIVISION = "370100";
const STREETS = words(`
  泉城路 经十路 解放路 和平路 文化东路 山大路 花园路 工业北路
`);
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国文红梅志海燕晨欣宇浩然";
const TRADE_NAMES = words(`
  泉润 鲁信 齐峰 华岳 明湖 金泉 瑞丰 恒通 宏达 博远 德润 嘉禾 众诚 鑫源 天诺 和信
  安泰 汇智 远航 卓越 启明 正元 普惠 新禾 长风 云帆 泰和 晟达 佳盛 同舟 立信 景程
  弘毅 盛世 中和 辰星 蓝海 青禾 东岳 锦程 文昌 万方 永信 德美 润达 福源 万豪 千禧
`);
const INDUSTRIES = words(`
  商贸 科技 餐饮管理 建筑工程 物流 信息技术 文化传媒 医药 机械制造 农业开发 教育咨询 环保科技
`);
const SHOPS = ["便利店", "小吃店", "五金店", "理发店", "水果店", "修车铺", "烟酒店", "服装店"];
const MOBILE_PREFIXES = ["135", "138", "139", "150", "158", "186", "188", "177", "199"];

type LocalType = "QY11" | "QY12" | "QY20" | "QY30" | "QY40" | "HZ10" | "GT10";

/** mulberry32: a small seeded generator, so that every run writes the same rows. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[] | string): T => list[int(list.length)] as T;
  return { next, int, pick };
}
type Random = ReturnType<typeof generator>;

/** Full-width forms of ASCII (U+FF01–U+FF5E), as old input methods typed digits. */
function fullwidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const DAY = 86_400_000;
const DATA_START = Date.UTC(1995, 0, 1);
const LAST_APPROVAL = Date.UTC(2026, 1, 27);

function dateParts(ms: number) {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}
const chineseDate = (ms: number) => {
  const p = dateParts(ms);
  return `${p.y}年${pad(p.m)}月${pad(p.d)}日`;
};
const slashDate = (ms: number) => {
  const p = dateParts(ms);
  return `${p.y}/${pad(p.m)}/${pad(p.d)}`;
};

/**
 * A USCC (GB 32100-2015 §4): entity type, the registering office's division, an organization
 * code (GB 11714-1997) and the check character (Annex B).
 */
function makeUscc(random: Random, category: string, division: string, used: Set<string>): string {
  for (;;) {
    let body = "MA";
    for (let i = 0; i < 6; i++) body += random.pick(USCC_CHARSET);
    const first17 = `${category}${division}${body}${orgCodeCheckCharacter(body)}`;
    const code = first17 + usccCheckCharacter(first17);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
}

function makeResidentId(random: Random, division: string): string {
  const birth = Date.UTC(1955 + random.int(44), random.int(12), 1 + random.int(28));
  const p = dateParts(birth);
  const first17 = `${division}${p.y}${pad(p.m)}${pad(p.d)}${pad(random.int(1000), 3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

function makePerson(random: Random): string {
  const given = random.int(3) === 0 ? random.pick<string>(GIVEN) : "";
  return random.pick<string>(SURNAMES) + random.pick<string>(GIVEN) + given;
}

function makeMobile(random: Random): string {
  return random.pick(MOBILE_PREFIXES) + pad(random.int(100_000_000), 8);
}

function pickType(random: Random): LocalType {
  const r = random.next();
  if (r < 0.6) return "QY11";
  if (r < 0.65) return "QY12";
  if (r < 0.75) return "QY20";
  if (r < 0.82) return "QY30";
  if (r < 0.92) return "QY40";
  return "HZ10";
}

const CAPITAL: Record<LocalType, readonly string[]> = {
  QY11: ["10", "30", "50", "100", "200", "500", "1000"],
  QY12: ["1000", "5000", "12000"],
  QY20: ["5", "10", "20"],
  QY30: ["100", "300"],
  QY40: [""], // a branch has no capital of its own
  HZ10: ["10", "50", "12.5"],
  GT10: ["3", "5", "10", "2.5", ""],
};

function enterpriseName(type: LocalType, trade: string, industry: string, county: string): string {
  switch (type) {
    case "QY12":
      return `某市${trade}${industry}股份有限公司`;
    case "QY20":
      return `某市${county}${trade}${industry}中心`;
    case "QY30":
      return `某市${trade}${industry}合伙企业（有限合伙）`;
    case "QY40":
      return `某市${trade}${industry}有限公司${county.slice(0, -1)}分公司`;
    case "HZ10":
      return `某市${county}${trade}种植专业合作社`;
    default:
      return `某市${trade}${industry}有限公司`;
  }
}

function status(random: Random, shop: boolean): string {
  const r = random.next();
  if (r < 0.8) return "在营（开业）";
  if (r < 0.86) return "吊销，未注销";
  if (r < 0.94) return "注销";
  if (r < 0.97) return "迁出";
  return shop ? "停业" : "在营（开业）";
}

function address(random: Random, county: string, i: number): string {
  const number = String(1 + random.int(300));
  const street = random.pick(STREETS);
  // Every other row has full-width digits; every eleventh an ASCII comma (quoted in the CSV).
  const house = i % 2 === 0 ? fullwidth(number) : number;
  const extra = i % 11 === 0 ? `,${1 + random.int(9)}号楼` : "";
  return `某市${county}${street}${house}号${extra}`;
}

interface Common {
  uscc: string;
  name: string;
  person: string;
  type: LocalType;
  capital: string;
  county: string;
  division: string;
}

function row(random: Random, c: Common, i: number, shop: boolean): ExportRow {
  const established = DATA_START + random.int(Math.floor((LAST_APPROVAL - DATA_START) / DAY)) * DAY;
  const approved = Math.min(LAST_APPROVAL, established + random.int(3000) * DAY);
  const id = makeResidentId(random, random.pick(DISTRICTS)[0]);
  const mobile = random.int(8) === 0 ? "" : makeMobile(random);
  return {
    统一社会信用代码: c.uscc,
    // Fixed-width legacy fields: some names come padded with ideographic spaces.
    企业名称: i % 7 === 3 ? `${c.name}\u3000\u3000` : c.name,
    法定代表人: c.person,
    // Some IDs were typed with full-width digits, some with a lowercase x.
    法定代表人证件号码: i % 5 === 1 ? fullwidth(id) : id.replace("X", i % 2 ? "x" : "X"),
    企业类型: c.type,
    "注册资本（万元）": i % 3 === 0 ? fullwidth(c.capital) : c.capital,
    成立日期: chineseDate(established),
    核准日期: slashDate(approved),
    登记机关: c.division === CITY_DIVISION ? "某市市场监督管理局" : `某市${c.county}市场监督管理局`,
    登记状态: status(random, shop),
    住所: address(random, c.county, i),
    联系电话: i % 4 === 2 && mobile ? fullwidth(mobile) : mobile,
    经办人: `DJ${pad(1 + random.int(40), 4)}`,
  };
}

function enterprise(random: Random, i: number, trades: string[], used: Set<string>): ExportRow {
  const type = pickType(random);
  const [division, county] = random.pick(DISTRICTS);
  const office = type === "QY12" ? CITY_DIVISION : division;
  const pair = trades[i % trades.length] as string;
  const [trade, industry] = pair.split("|") as [string, string];
  const c: Common = {
    uscc: makeUscc(random, type === "HZ10" ? "93" : "91", office, used),
    name: enterpriseName(type, trade, industry, county),
    person: makePerson(random),
    type,
    capital: random.pick(CAPITAL[type]),
    county,
    division: office,
  };
  return row(random, c, i, false);
}

function individual(random: Random, i: number, used: Set<string>): ExportRow {
  const [division, county] = random.pick(DISTRICTS);
  const person = makePerson(random);
  const c: Common = {
    uscc: makeUscc(random, "92", division, used),
    name: `某市${county}${person.slice(0, 1)}记${random.pick(SHOPS)}`,
    person,
    type: "GT10",
    capital: random.pick(CAPITAL.GT10),
    county,
    division,
  };
  return row(random, c, i, true);
}

/** Trade name × industry pairs in a seeded order, each used once: names seldom repeat. */
function tradePairs(random: Random): string[] {
  const pairs = TRADE_NAMES.flatMap((t) => INDUSTRIES.map((n) => `${t}|${n}`));
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [pairs[i], pairs[j]] = [pairs[j] as string, pairs[i] as string];
  }
  return pairs;
}

function nextCheckCharacter(uscc: string): string {
  const last = uscc.slice(-1);
  return uscc.slice(0, -1) + USCC_CHARSET[(USCC_CHARSET.indexOf(last) + 1) % USCC_CHARSET.length];
}

export interface ExportData {
  /** Rows of 企业登记信息.csv. */
  csv: ExportRow[];
  /** Rows of the 个体工商户 sheet. */
  xlsx: ExportRow[];
  badRows: BadRow[];
  /** Set from night 2 on. */
  changes?: NightChanges;
}

/** The rows of a night's export (night 1 at start; night 2 after `runNextNight`). Deterministic. */
export function exportData(night = 1): ExportData {
  const random = generator(20260301);
  const used = new Set<string>();
  const trades = tradePairs(random);
  const csv = Array.from({ length: CSV_ROWS }, (_, i) => enterprise(random, i, trades, used));
  const xlsx = Array.from({ length: XLSX_ROWS }, (_, i) => individual(random, i, used));

  const badCheck = csv[BAD_CHECK_CHARACTER] as ExportRow;
  badCheck.统一社会信用代码 = nextCheckCharacter(badCheck.统一社会信用代码);
  const badDate = csv[BAD_DATE] as ExportRow;
  badDate.成立日期 = "2019年02月30日";
  badDate.核准日期 = "2019/03/05";
  const badStatus = xlsx[BAD_STATUS] as ExportRow;
  badStatus.登记状态 = "待核实";
  const badRows: BadRow[] = [
    {
      file: CSV_FILE,
      key: badCheck.统一社会信用代码,
      item: "uscc",
      code: "invalid_check_character",
    },
    {
      file: CSV_FILE,
      key: badDate.统一社会信用代码,
      item: "establishmentDate",
      code: "date_invalid",
    },
    { file: XLSX_FILE, key: badStatus.统一社会信用代码, item: "status", code: "code_unmapped" },
  ];
  if (night < 2) return { csv, xlsx, badRows };

  // Night 2: a deregistration, a correction, a new registration, a move.
  const deregistered = csv[DEREGISTERED] as ExportRow;
  deregistered.登记状态 = "注销";
  deregistered.核准日期 = "2026/03/02";
  badDate.成立日期 = "2019年02月28日";
  const nightRandom = generator(20260302);
  const added = enterprise(nightRandom, CSV_ROWS, trades, used);
  added.成立日期 = "2026年03月02日";
  added.核准日期 = "2026/03/02";
  added.登记状态 = "在营（开业）";
  csv.push(added);
  const moved = xlsx[MOVED] as ExportRow;
  moved.住所 = "某市历下区文化东路８８号";
  return {
    csv,
    xlsx,
    badRows: badRows.filter((b) => b.key !== badDate.统一社会信用代码),
    changes: {
      deregistered: deregistered.统一社会信用代码,
      corrected: badDate.统一社会信用代码,
      added: added.统一社会信用代码,
      moved: moved.统一社会信用代码,
    },
  };
}

/** RFC 4180 quoting where needed, as the legacy job does it. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** 企业登记信息.csv: GBK, CRLF, no BOM. */
export function csvBytes(rows: readonly ExportRow[]): Buffer {
  const lines = [EXPORT_HEADERS.join(",")];
  for (const r of rows) lines.push(EXPORT_HEADERS.map((h) => csvField(r[h])).join(","));
  return encodeGbk(`${lines.join("\r\n")}\r\n`);
}

/** 个体工商户登记信息.xlsx: a notes sheet, then the data sheet with a merged title row. */
export async function xlsxBytes(rows: readonly ExportRow[], night: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const stamp = new Date(Date.UTC(2026, 2, night, 1, 0, 0));
  workbook.creator = "某市市场监管局企业登记系统";
  workbook.created = stamp;
  workbook.modified = stamp;
  const notes = workbook.addWorksheet("说明");
  notes.addRow(["某市个体工商户登记信息导出"]);
  notes.addRow(["导出日期", `2026-03-${pad(night)}`]);
  notes.addRow(["数据表", XLSX_SHEET]);
  const sheet = workbook.addWorksheet(XLSX_SHEET);
  sheet.addRow([`某市个体工商户登记信息(导出日期 2026-03-${pad(night)})`]);
  sheet.mergeCells(1, 1, 1, EXPORT_HEADERS.length);
  sheet.addRow([...EXPORT_HEADERS]);
  for (const r of rows)
    sheet.addRow(
      EXPORT_HEADERS.map((h) => {
        const value = r[h];
        // 资金数额 as a number cell when it is ASCII; identifiers and dates stay text cells.
        if (h === "注册资本（万元）" && /^[0-9.]+$/.test(value)) return Number(value);
        return value === "" ? null : value;
      }),
    );
  sheet.columns.forEach((column, i) => {
    column.width = i === 1 || i === 10 ? 36 : 20;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Write a file under a hidden name, then rename it into place: readers never see half a file. */
async function writeAtomically(
  directory: string,
  name: string,
  bytes: Buffer,
  mtime: Date,
): Promise<void> {
  const temporary = join(directory, `.${name}.tmp`);
  await writeFile(temporary, bytes);
  await utimes(temporary, mtime, mtime);
  await rename(temporary, join(directory, name));
}

/**
 * One export, one time: every file of a night's export carries the export's start as its mtime
 * (as `rsync -t` from the registration server would deliver it). The file source dates each
 * change by its file's mtime, so the whole night reads as one point in the change feed.
 */
async function writeExport(directory: string, data: ExportData, night: number): Promise<void> {
  const at = new Date();
  await writeAtomically(directory, CSV_FILE, csvBytes(data.csv), at);
  await writeAtomically(directory, XLSX_FILE, await xlsxBytes(data.xlsx, night), at);
}

/**
 * Run the export job: clear `<dir>/.data/export` (the job's own directory) and write night 1.
 *
 * @example
 * const legacy = await startLegacy({ dir: "examples/market-regulation-enterprises" });
 * const changes = await legacy.runNextNight();
 * await legacy.stop();
 */
export async function startLegacy(options: { dir: string }): Promise<LegacySystem> {
  const directory = join(options.dir, ".data", "export");
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  let data = exportData(1);
  await writeExport(directory, data, 1);
  let stopped = false;
  let pending: Promise<unknown> = Promise.resolve();
  const system: LegacySystem = {
    directory,
    night: 1,
    counts: { csv: data.csv.length, xlsx: data.xlsx.length },
    badRows: data.badRows,
    async runNextNight() {
      if (stopped) throw new Error("the legacy export job is stopped");
      const night = system.night + 1;
      if (night > 2) throw new Error("this example exports two nights only");
      data = exportData(night);
      const writing = writeExport(directory, data, night);
      pending = writing;
      await writing;
      system.night = night;
      system.counts = { csv: data.csv.length, xlsx: data.xlsx.length };
      system.badRows = data.badRows;
      return data.changes as NightChanges;
    },
    async stop() {
      stopped = true;
      await pending.catch(() => undefined);
    },
  };
  return system;
}
