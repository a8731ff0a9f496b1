/**
 * The legacy system of this example: 某市人力资源和社会保障局社保参保系统's insured-person web
 * service (InsuredService), a document/literal SOAP 1.1 service described by
 * `legacy/insured-service.wsdl` and run here with the `soap` package's `soap.listen` on
 * node:http, on 127.0.0.1. Its database is out of reach (as it usually is); what the bureau can
 * offer is the service its counter clients already call:
 *
 * - `QueryInsured(pageNo, pageSize, xzlx?)` pages through 参保人员 in 公民身份号码 (SFZH) order,
 *   at most 100 a page, optionally of one 险种类型;
 * - `GetInsured(sfzh)` reads one person (ResultCode 1 = 查无此人, not a fault);
 * - `QueryChanges(sinceXh, maxCount)` lists changes after a change sequence number;
 * - `Ping()` answers a heartbeat.
 *
 * The rows keep the old system's habits: upper-case pinyin-initial column names, 性别 as 1/2 but
 * 男/女 in rows migrated from the system before 2010, 参保日期 as yyyy-MM-dd but yyyyMMdd in those
 * rows, local 险种类型 codes 1–6, 缴费状态 in words (正常/中断/终止), names padded to CHAR(20)
 * with ideographic spaces, employers' codes typed with full-width characters or in lower case,
 * mobile numbers with full-width digits, and 灵活就业人员 without an employer. Three rows are wrong
 * on purpose (a resident ID with a wrong check character, 参保日期 2019-02-30, the retired
 * 险种类型 code 9): the provider must withhold and log them.
 *
 * The data is synthetic and deterministic (a seeded generator): every start serves the same
 * rows. Identifiers carry valid check characters (GB 11643-1999 §6.2, GB 32100-2015 Annex B,
 * GB 11714-1997 §5) and real GB/T 2260 division codes (济南市's districts stand in for "某市").
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  orgCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from "@govex/schemas";
import * as soap from "soap";

/** The service's WSDL, as the bureau hands it to integrators. */
export const WSDL_FILE = join(import.meta.dirname, "..", "legacy", "insured-service.wsdl");
/** Where the service listens on its host (an Axis-style path, as such services have). */
export const SERVICE_PATH = "/sbxt/services/InsuredService";
/** The service's default port on 127.0.0.1. */
export const DEFAULT_LEGACY_PORT = 8713;
/** The most rows QueryInsured returns in one page; a larger pageSize is cut to it. */
export const MAX_PAGE_SIZE = 100;

/** One 参保人员 row as the service answers it (the WSDL's CbryInfo, in its element order). */
export interface CbryRow {
  /** 公民身份号码 */
  SFZH: string;
  /** 姓名 (CHAR(20): some padded with U+3000) */
  XM: string;
  /** 性别: 1/2, or 男/女 in migrated rows */
  XB: string;
  /** 参保日期: yyyy-MM-dd, or yyyyMMdd in migrated rows */
  CBRQ: string;
  /** 险种类型, local code 1–6 */
  XZLX: string;
  /** 缴费状态: 正常 / 中断 / 终止 */
  JFZT: string;
  /** 单位名称; absent for 灵活就业人员 */
  DWMC?: string;
  /** 单位统一社会信用代码; absent for 灵活就业人员 */
  DWTYXYDM?: string;
  /** 缴费基数, yuan */
  JFJS: number;
  /** 手机号码; "" when unknown */
  SJHM: string;
  /** 经办人 (internal; not shared) */
  JBR: string;
}

/** A row the mapping must withhold, and why. */
export interface BadRow {
  /** SFZH as the service answers it. */
  key: string;
  /** The item that breaks the standard. */
  item: string;
  /** The issue code the provider logs. */
  code: string;
}

/** One entry of the service's change log (the WSDL's CbryChange). */
export interface CbryChange {
  /** 变更序号, strictly increasing */
  XH: number;
  /** 变更时间 yyyyMMddHHmmss, Beijing time */
  BGSJ: string;
  /** 变更类型: I 新增, U 修改, D 删除 */
  BGLX: "I" | "U" | "D";
  SFZH: string;
  /** The row after the change (absent for D). */
  Person?: CbryRow;
}

export interface InsuredData {
  /** Every row, bad ones included, in the order they were enrolled. */
  rows: CbryRow[];
  badRows: BadRow[];
}

/** The local 险种类型 codes of the old system. */
export const LOCAL_INSURANCE_TYPES: Readonly<Record<string, string>> = {
  "1": "企业职工基本养老保险",
  "2": "职工基本医疗保险",
  "3": "失业保险",
  "4": "工伤保险",
  "5": "生育保险",
  "6": "机关事业单位养老保险",
};

const ROWS = 303;
// Rows that are wrong on purpose (indexes into the generated list).
const BAD_CHECK_CHARACTER = 41;
const BAD_DATE = 157;
const BAD_INSURANCE_TYPE = 233;

const DISTRICTS = ["370102", "370103", "370104", "370105", "370112", "370113", "370114"] as const;
const DISTRICT_NAMES: Record<string, string> = {
  "370102": "历下",
  "370103": "市中",
  "370104": "槐荫",
  "370105": "天桥",
  "370112": "历城",
  "370113": "长清",
  "370114": "章丘",
};
const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国文红梅志海燕晨欣宇浩然";
const TRADES = ["泉润", "鲁信", "齐峰", "华岳", "明湖", "金泉", "瑞丰", "恒通", "宏达", "博远"];
const INDUSTRIES = ["商贸", "科技", "物流", "建筑工程", "餐饮管理", "机械制造", "信息技术"];
const MOBILE_PREFIXES = ["135", "138", "139", "150", "158", "186", "188", "177", "199"];

/** mulberry32: a small seeded generator, so that every start serves the same rows. */
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

/** Full-width forms of ASCII (U+FF01–U+FF5E), as old input methods typed them. */
function fullwidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const DAY = 86_400_000;

interface Employer {
  name: string;
  uscc: string;
  /** 12 事业单位 (their staff are in 机关事业单位养老保险), 91 企业 */
  category: "12" | "91";
}

/** A USCC (GB 32100-2015): category, the registering office's division, an organization code, the check character. */
function makeUscc(random: Random, category: string, division: string, used: Set<string>): string {
  for (;;) {
    let body = category === "12" ? "49" : "MA";
    for (let i = 0; i < 6; i++)
      body += category === "12" ? String(random.int(10)) : random.pick(USCC_CHARSET);
    const first17 = `${category}${division}${body}${orgCodeCheckCharacter(body)}`;
    const code = first17 + usccCheckCharacter(first17);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
}

function employers(random: Random): Employer[] {
  const used = new Set<string>();
  const out: Employer[] = [
    { name: "某市第一人民医院", uscc: makeUscc(random, "12", "370102", used), category: "12" },
    { name: "某市历城区实验中学", uscc: makeUscc(random, "12", "370112", used), category: "12" },
  ];
  for (let i = 0; out.length < 24; i++) {
    const trade = TRADES[i % TRADES.length] as string;
    const industry = INDUSTRIES[(i * 3) % INDUSTRIES.length] as string;
    const division = random.pick(DISTRICTS);
    // Branches carry the district in full-width brackets, as Chinese names are written.
    const name =
      i % 6 === 5
        ? `某市${trade}${industry}有限公司（${DISTRICT_NAMES[division]}分公司）`
        : `某市${trade}${industry}有限公司`;
    out.push({ name, uscc: makeUscc(random, "91", division, used), category: "91" });
  }
  return out;
}

function localInsuranceType(random: Random, employer: Employer | undefined): string {
  if (!employer) return random.int(3) === 0 ? "2" : "1"; // 灵活就业: 养老 or 医疗
  if (employer.category === "12") return random.int(4) === 0 ? "2" : "6";
  const r = random.next();
  return r < 0.5 ? "1" : r < 0.72 ? "2" : r < 0.84 ? "3" : r < 0.94 ? "4" : "5";
}

function paymentStatus(random: Random): string {
  const r = random.next();
  return r < 0.8 ? "正常" : r < 0.92 ? "中断" : "终止";
}

function row(random: Random, i: number, staff: Employer[], ids: Set<string>): CbryRow {
  const division = random.pick(DISTRICTS);
  const birth = Date.UTC(1962 + random.int(42), random.int(12), 1 + random.int(28));
  const b = new Date(birth);
  let sfzh: string;
  let male: boolean;
  do {
    const sequence = pad(random.int(1000), 3);
    const first17 = `${division}${b.getUTCFullYear()}${pad(b.getUTCMonth() + 1)}${pad(b.getUTCDate())}${sequence}`;
    sfzh = first17 + residentIdCheckCharacter(first17);
    male = Number(sequence[2]) % 2 === 1; // GB 11643-1999 §5.3: odd for men
  } while (ids.has(sfzh));
  ids.add(sfzh);

  // Enrolled at 18 at the earliest, from 1996 (the oldest rows) to 2025.
  const from = Math.max(birth + 18 * 365.25 * DAY, Date.UTC(1996, 0, 1));
  const to = Date.UTC(2025, 11, 31);
  const enrolled = new Date(from + random.int(Math.floor((to - from) / DAY)) * DAY);
  const [y, m, d] = [
    enrolled.getUTCFullYear(),
    pad(enrolled.getUTCMonth() + 1),
    pad(enrolled.getUTCDate()),
  ];
  // Rows from the old system (enrolled before 2010) were migrated as they were.
  const migrated = y < 2010;

  const flexible = random.int(8) === 0; // 灵活就业人员: no employer
  const employer = flexible ? undefined : random.pick(staff);
  const name =
    random.pick<string>(SURNAMES) +
    random.pick<string>(GIVEN) +
    (random.int(3) === 0 ? random.pick<string>(GIVEN) : "");
  const mobile = random.pick(MOBILE_PREFIXES) + pad(random.int(100_000_000), 8);
  const out: CbryRow = {
    SFZH: sfzh,
    XM: i % 7 === 3 ? `${name}\u3000\u3000` : name,
    XB: migrated ? (male ? "男" : "女") : male ? "1" : "2",
    CBRQ: migrated ? `${y}${m}${d}` : `${y}-${m}-${d}`,
    XZLX: localInsuranceType(random, employer),
    JFZT: paymentStatus(random),
    JFJS: 3000 + random.int(25_000) + (random.int(4) === 0 ? 0.5 : 0),
    SJHM: i % 8 === 6 ? "" : i % 4 === 1 ? fullwidth(mobile) : mobile,
    JBR: `JB${pad(1 + random.int(30), 3)}`,
  };
  if (employer) {
    out.DWMC = i % 10 === 4 ? `${employer.name}  ` : employer.name;
    out.DWTYXYDM =
      i % 5 === 2
        ? fullwidth(employer.uscc)
        : i % 9 === 4
          ? employer.uscc.toLowerCase()
          : employer.uscc;
  }
  // The WSDL's element order: the soap package writes members in the object's order.
  return orderRow(out);
}

function orderRow(r: CbryRow): CbryRow {
  return {
    SFZH: r.SFZH,
    XM: r.XM,
    XB: r.XB,
    CBRQ: r.CBRQ,
    XZLX: r.XZLX,
    JFZT: r.JFZT,
    ...(r.DWMC === undefined ? {} : { DWMC: r.DWMC }),
    ...(r.DWTYXYDM === undefined ? {} : { DWTYXYDM: r.DWTYXYDM }),
    JFJS: r.JFJS,
    SJHM: r.SJHM,
    JBR: r.JBR,
  };
}

/** The service's rows at start. Deterministic: the same on every call. */
export function insuredData(): InsuredData {
  const random = generator(20260401);
  const staff = employers(random);
  const ids = new Set<string>();
  const rows = Array.from({ length: ROWS }, (_, i) => row(random, i, staff, ids));

  const badCheck = rows[BAD_CHECK_CHARACTER] as CbryRow;
  const digits = "0123456789X";
  badCheck.SFZH =
    badCheck.SFZH.slice(0, 17) + digits[(digits.indexOf(badCheck.SFZH.slice(17)) + 1) % 11];
  const badDate = rows[BAD_DATE] as CbryRow;
  badDate.CBRQ = "2019-02-30";
  badDate.XB = badDate.XB === "男" ? "1" : badDate.XB === "女" ? "2" : badDate.XB;
  const badType = rows[BAD_INSURANCE_TYPE] as CbryRow;
  badType.XZLX = "9"; // 补充养老 in the system before 2010; retired, never mapped
  return {
    rows,
    badRows: [
      { key: badCheck.SFZH, item: "residentId", code: "invalid_check_character" },
      { key: badDate.SFZH, item: "insuredDate", code: "date_invalid" },
      { key: badType.SFZH, item: "insuranceType", code: "code_unmapped" },
    ],
  };
}

/** yyyyMMddHHmmss in Beijing time (UTC+8), as the service writes 变更时间. */
function beijingStamp(ms: number): string {
  const t = new Date(ms + 8 * 3_600_000);
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
}

export interface LegacyCall {
  operation: string;
  args: Record<string, unknown>;
}

export interface LegacyService {
  /** The SOAP endpoint, e.g. http://127.0.0.1:8713/sbxt/services/InsuredService. */
  url: string;
  /** The WSDL as the service publishes it (`?wsdl`). */
  wsdlUrl: string;
  port: number;
  /** Rows served now, in SFZH order (bad ones included). */
  rows(): readonly CbryRow[];
  badRows: readonly BadRow[];
  /** The latest calls (at most 200), oldest first. */
  calls: LegacyCall[];
  /** A counter clerk's edit: enrol a person or change a row (logged as I or U). */
  upsert(row: CbryRow): CbryChange;
  /** A clerk deletes a row entered by mistake (logged as D). */
  remove(sfzh: string): CbryChange | undefined;
  stop(): Promise<void>;
}

const bySfzh = (a: CbryRow, b: CbryRow) => (a.SFZH < b.SFZH ? -1 : a.SFZH > b.SFZH ? 1 : 0);
const ok = { ResultCode: "0", ResultMsg: "成功" };

/**
 * Start the service on `host:port` (default 127.0.0.1:8713; port 0 for any free port).
 *
 * @example
 * const legacy = await startLegacy({ port: 0 });
 * console.log(legacy.wsdlUrl);
 * await legacy.stop();
 */
export async function startLegacy(
  options: { port?: number; host?: string } = {},
): Promise<LegacyService> {
  const { rows: initial, badRows } = insuredData();
  const byKey = new Map(initial.map((r) => [r.SFZH, r]));
  let sorted = [...initial].sort(bySfzh);
  const changes: CbryChange[] = [];
  // The change log as the service keeps it: each enrolment, then every edit.
  const start = Date.UTC(2026, 0, 5, 0, 30);
  initial.forEach((r, i) => {
    changes.push({
      XH: i + 1,
      BGSJ: beijingStamp(start + i * 60_000),
      BGLX: "I",
      SFZH: r.SFZH,
      Person: { ...r },
    });
  });
  const calls: LegacyCall[] = [];
  const seen = (operation: string, args: unknown) => {
    calls.push({ operation, args: { ...(args as Record<string, unknown>) } });
    if (calls.length > 200) calls.shift();
  };
  const log = (BGLX: CbryChange["BGLX"], SFZH: string, Person?: CbryRow): CbryChange => {
    const last = changes[changes.length - 1];
    const change: CbryChange = {
      XH: (last?.XH ?? 0) + 1,
      BGSJ: beijingStamp(Date.now()),
      BGLX,
      SFZH,
      ...(Person ? { Person: { ...Person } } : {}),
    };
    changes.push(change);
    return change;
  };

  const services = {
    InsuredService: {
      InsuredPort: {
        QueryInsured(args: { pageNo?: unknown; pageSize?: unknown; xzlx?: unknown }) {
          seen("QueryInsured", args);
          const pageNo = Number(args.pageNo);
          const pageSize = Math.min(Number(args.pageSize), MAX_PAGE_SIZE);
          if (
            !Number.isInteger(pageNo) ||
            pageNo < 1 ||
            !Number.isInteger(pageSize) ||
            pageSize < 1
          )
            return { ResultCode: "9", ResultMsg: "分页参数错误", Result: { Total: 0 } };
          const rows =
            args.xzlx === undefined ? sorted : sorted.filter((r) => r.XZLX === String(args.xzlx));
          const page = rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
          return { ...ok, Result: { Total: rows.length, Item: page } };
        },
        GetInsured(args: { sfzh?: unknown }) {
          seen("GetInsured", args);
          const found = typeof args.sfzh === "string" ? byKey.get(args.sfzh) : undefined;
          return found ? { ...ok, Result: found } : { ResultCode: "1", ResultMsg: "查无此人" };
        },
        QueryChanges(args: { sinceXh?: unknown; maxCount?: unknown }) {
          seen("QueryChanges", args);
          const since = args.sinceXh === undefined ? 0 : Number(args.sinceXh);
          const max = Math.min(Number(args.maxCount), 1000);
          if (!Number.isFinite(since) || !Number.isInteger(max) || max < 1)
            return { ResultCode: "9", ResultMsg: "参数错误" };
          return { ...ok, Change: changes.filter((c) => c.XH > since).slice(0, max) };
        },
        Ping(args: unknown) {
          seen("Ping", args ?? {});
          return { Status: "OK" };
        },
      },
    },
  };

  const server: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.listen(options.port ?? DEFAULT_LEGACY_PORT, options.host ?? "127.0.0.1");
  await once(server, "listening");
  soap.listen(server, SERVICE_PATH, services, readFileSync(WSDL_FILE, "utf8"));
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}${SERVICE_PATH}`;

  return {
    url,
    wsdlUrl: `${url}?wsdl`,
    port,
    rows: () => sorted,
    badRows,
    calls,
    upsert(next) {
      const r = orderRow(next);
      const op = byKey.has(r.SFZH) ? "U" : "I";
      byKey.set(r.SFZH, r);
      sorted = [...byKey.values()].sort(bySfzh);
      return log(op, r.SFZH, r);
    },
    remove(sfzh) {
      if (!byKey.delete(sfzh)) return undefined;
      sorted = [...byKey.values()].sort(bySfzh);
      return log("D", sfzh);
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
