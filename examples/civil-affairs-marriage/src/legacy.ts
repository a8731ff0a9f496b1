/**
 * The legacy system of this example: 某市民政局婚姻登记管理系统's JSON API, as a typical
 * Chinese government back end of the 2010s writes it (a Java service with an ORM's page
 * plug-in), on node:http at 127.0.0.1:
 *
 * - every answer is wrapped as `{ code: 0, msg: "成功", data }`, failures included: a missing
 *   or wrong token is HTTP 200 with `{ code: 401, msg: "token失效,请重新登录" }`, an unknown
 *   registration number HTTP 200 with `{ code: 1004, msg: "登记信息不存在" }`;
 * - `GET /hyxt/api/hydj/page?page=&size=&sort=` pages with page/size (at most 100 rows a page,
 *   larger sizes are cut silently) and answers `data: { records, total, size, current, pages }`,
 *   newest registrations first unless `sort=djbh,asc`; `djlx`, `djjgdm` and `djbh` filter;
 * - `GET /hyxt/api/hydj/info?djbh=` reads one registration;
 * - `GET /hyxt/api/hydj/bgjl?xh=&size=` is the change log (变更记录) after a sequence number;
 * - the token is the `X-Access-Token` header, given to the service in its start options.
 *
 * Field names are pinyin initials (djbh 登记编号, nfxm 男方姓名, nvsfzh 女方公民身份号码, djrq
 * 登记日期 as yyyyMMdd, djlx 登记类型 with the local codes 1 结婚 / 2 离婚 / 3 补发, djjg 登记
 * 机关 …) beside the ORM's camelCase createTime/updateTime. Old input habits stay in the data:
 * full-width certificate numbers and ID digits, a lowercase x, ideographic-space padding, 民族
 * as free text ("汉族", "汉"). Three rows are wrong on purpose (登记日期 February 30th, a
 * resident ID with a wrong check character, a local 登记类型 the mapping does not know): the
 * provider must withhold and log them.
 *
 * The data is synthetic and deterministic (a seeded generator): every start serves the same
 * 300 registrations. Resident IDs carry valid GB 11643-1999 check characters, real GB/T 2260
 * address codes, birth dates of people of marriageable age (《中华人民共和国民法典》第一千零四十
 * 七条: men 22, women 20) and sequence codes of the right parity (§5.3: odd for men, even for
 * women). 济南市's districts stand in for "某市". Certificate numbers follow 《婚姻登记工作规范》:
 * J (结婚证), L (离婚证), BJ/BL (补领) + the office's division code + year + sequence.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { residentIdCheckCharacter } from "@govex/schemas";

/** Default port of the legacy API (the provider's is 8704). */
export const DEFAULT_LEGACY_PORT = 8714;
/** The API's context path: the base URL the mapping is given ends with it. */
export const CONTEXT_PATH = "/hyxt";
/** The header the API reads its token from. */
export const TOKEN_HEADER = "x-access-token";
/** Largest page the API returns; a larger `size` is cut to it without a word. */
export const MAX_PAGE_SIZE = 100;
/** Registrations served at start, the bad rows included. */
export const RECORD_COUNT = 300;

/** One registration as the API returns it. */
export interface MarriageRow {
  /** 登记编号: the office's division code, the year, a 5-digit sequence. The key. */
  djbh: string;
  /** 婚姻登记证字号 (结婚证、离婚证字号), e.g. J370102-2024-000123. */
  zsbh: string;
  /** 登记类型, a local code: 1 结婚, 2 离婚, 3 补发 (补领婚姻登记证). */
  djlx: number;
  /** 登记日期, yyyyMMdd. */
  djrq: string;
  /** 登记机关. */
  djjg: string;
  /** 登记机关行政区划代码 (GB/T 2260). */
  djjgdm: string;
  /** 男方姓名, 公民身份号码, 民族 (free text). */
  nfxm: string;
  nfsfzh: string;
  nfmz: string;
  /** 女方姓名, 公民身份号码, 民族 (free text). */
  nvxm: string;
  nvsfzh: string;
  nvmz: string;
  /** 经办人 (the clerk's login): internal, not shared. */
  czy: string;
  /** The ORM's audit columns, yyyy-MM-dd HH:mm:ss in Beijing time. */
  createTime: string;
  updateTime: string;
}

/** One entry of the change log (变更记录). */
export interface ChangeEntry {
  /** 序号: strictly increasing. */
  xh: number;
  /** 操作时间, yyyy-MM-dd HH:mm:ss. */
  czsj: string;
  /** 操作类型: I 新增, U 修改, D 删除. */
  czlx: "I" | "U" | "D";
  djbh: string;
  /** 数据: the row after the change; null for a deletion. */
  sj: MarriageRow | null;
}

/** A row the mapping must withhold, and why. */
export interface BadRow {
  /** 登记编号. */
  key: string;
  /** The item that breaks the standard. */
  item: string;
  /** The issue code the provider logs. */
  code: string;
}

/** What the next working day (2026-03-02) changes, by 登记编号. */
export interface DayChanges {
  /** A new marriage registration. */
  added: string;
  /** The row with the impossible date (February 30th), corrected to the date meant. */
  corrected: string;
  /** A registration entered by mistake, voided (deleted). */
  voided: string;
}

export interface LegacyData {
  rows: MarriageRow[];
  badRows: BadRow[];
  changes: ChangeEntry[];
}

// Rows that are wrong on purpose (indexes into the generated list).
const BAD_DATE = 41;
const BAD_CHECK_CHARACTER = 123;
const BAD_TYPE = 207;
// A registration the next day voids.
const VOIDED = 288;

const DISTRICTS = [
  ["370102", "历下区"],
  ["370103", "市中区"],
  ["370104", "槐荫区"],
  ["370105", "天桥区"],
  ["370112", "历城区"],
  ["370113", "长清区"],
  ["370114", "章丘区"],
] as const;
/** Birthplaces: the city's districts mostly, and a few elsewhere (real GB/T 2260 codes). */
const BIRTHPLACES = [
  ...DISTRICTS.map(([code]) => code),
  ...DISTRICTS.map(([code]) => code),
  "370181", // 章丘市, abolished 2016: an ID keeps the code in force when it was issued
  "370202",
  "370302",
  "370602",
  "371302",
  "370883",
  "110105",
  "320102",
  "410102",
  "220104",
  "150102",
  "640104",
] as const;
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕";
const MALE_GIVEN = "伟强磊军洋勇杰涛明超刚建国文志海浩然宇晨鹏飞斌鑫峰";
const FEMALE_GIVEN = "芳娜敏静丽艳娟秀霞桂英华玉兰萍红梅燕欣悦婷雪琳颖";
/** 民族 as the clerks typed it; "汉" is a common shortening. */
const ETHNICITIES = [
  ...Array<string>(40).fill("汉族"),
  "汉",
  "汉",
  "回族",
  "回族",
  "满族",
  "蒙古族",
  "朝鲜族",
  "壮族",
];

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
export function fullwidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2019, 0, 2);
const LAST_DAY = Date.UTC(2026, 1, 27);

function ymd(ms: number): { y: number; m: number; d: number } {
  const date = new Date(ms);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}
const compact = (ms: number) => {
  const p = ymd(ms);
  return `${p.y}${pad(p.m)}${pad(p.d)}`;
};
/** yyyy-MM-dd HH:mm:ss of a day plus seconds, as the ORM writes Beijing time. */
function timestamp(dayMs: number, seconds: number): string {
  const p = ymd(dayMs);
  const h = Math.floor(seconds / 3600);
  const mi = Math.floor((seconds % 3600) / 60);
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(h)}:${pad(mi)}:${pad(seconds % 60)}`;
}

interface Person {
  name: string;
  id: string;
  ethnicity: string;
}

/**
 * A resident ID (GB 11643-1999): address code, birth date, sequence of the right parity
 * (§5.3), check character (§6.2). `age` in whole years at `onDay`.
 */
function residentId(random: Random, male: boolean, onDay: number, minAge: number): string {
  const age = minAge + random.int(18);
  const born = onDay - (age * 365 + 30 + random.int(300)) * DAY;
  const p = ymd(born);
  const sequence = random.int(500) * 2 + (male ? 1 : 0);
  const first17 = `${random.pick(BIRTHPLACES)}${p.y}${pad(p.m)}${pad(p.d)}${pad(sequence, 3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

function person(random: Random, male: boolean, onDay: number): Person {
  const given = male ? MALE_GIVEN : FEMALE_GIVEN;
  const second = random.int(3) === 0 ? "" : random.pick<string>(given);
  return {
    name: random.pick<string>(SURNAMES) + random.pick<string>(given) + second,
    id: residentId(random, male, onDay, male ? 22 : 20),
    ethnicity: random.pick(ETHNICITIES),
  };
}

const CERTIFICATE_PREFIX = { 1: "J", 2: "L" } as const;

/** The legacy habits, by row index: full-width digits, a lowercase x, padding, shortened 民族. */
function withQuirks(row: MarriageRow, i: number): MarriageRow {
  const out = { ...row };
  if (i % 6 === 1) out.zsbh = fullwidth(out.zsbh);
  if (i % 5 === 2) out.nfsfzh = fullwidth(out.nfsfzh);
  if (i % 2 === 1) {
    out.nfsfzh = out.nfsfzh.replace("X", "x");
    out.nvsfzh = out.nvsfzh.replace("X", "x");
  }
  if (i % 7 === 4) out.djjg = `${out.djjg}\u3000\u3000`;
  if (i % 9 === 5) out.nvxm = `${out.nvxm} `;
  return out;
}

/** The next character after the check character of an ID: a check character that is wrong. */
function wrongCheckCharacter(id: string): string {
  const chars = "10X98765432";
  const last = id.slice(-1).toUpperCase();
  return id.slice(0, -1) + chars[(chars.indexOf(last) + 1) % chars.length];
}

/**
 * The registrations and change log at start (and after `day` working days; day 1 is the
 * start). Deterministic.
 */
export function legacyData(day = 1): LegacyData {
  const random = generator(20260302);
  const counters = new Map<string, number>();
  const count = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  };
  const marriages: { man: Person; woman: Person; office: string }[] = [];
  const rows: MarriageRow[] = [];
  const span = Math.floor((LAST_DAY - FIRST_DAY) / DAY);
  const days = Array.from({ length: RECORD_COUNT }, () => FIRST_DAY + random.int(span) * DAY).sort(
    (a, b) => a - b,
  );
  for (const [i, dayMs] of days.entries()) {
    const r = random.next();
    // A divorce or a replacement certificate needs an earlier marriage to refer to.
    const type: 1 | 2 | 3 = marriages.length < 10 || r < 0.7 ? 1 : r < 0.9 ? 2 : 3;
    const [division, county] = random.pick(DISTRICTS);
    let couple: { man: Person; woman: Person; office: string };
    if (type === 1) {
      couple = {
        man: person(random, true, dayMs),
        woman: person(random, false, dayMs),
        office: "",
      };
      marriages.push(couple);
    } else {
      couple = marriages.splice(random.int(marriages.length), 1)[0] as typeof couple;
      if (type === 3) marriages.push(couple); // still married: a later divorce may follow
    }
    const year = ymd(dayMs).y;
    const prefix = type === 3 ? (random.int(4) === 0 ? "BL" : "BJ") : CERTIFICATE_PREFIX[type];
    const certificate = count(`${prefix}${division}${year}`);
    const created = timestamp(dayMs, 8 * 3600 + 30 * 60 + i * 29);
    rows.push(
      withQuirks(
        {
          djbh: `${division}${year}${pad(count(`${division}${year}`), 5)}`,
          zsbh: `${prefix}${division}-${year}-${pad(certificate, 6)}`,
          djlx: type,
          djrq: compact(dayMs),
          djjg: `某市${county}民政局`,
          djjgdm: division,
          nfxm: couple.man.name,
          nfsfzh: couple.man.id,
          nfmz: couple.man.ethnicity,
          nvxm: couple.woman.name,
          nvsfzh: couple.woman.id,
          nvmz: couple.woman.ethnicity,
          czy: `hydj${pad(1 + random.int(12), 3)}`,
          createTime: created,
          updateTime: created,
        },
        i,
      ),
    );
  }

  const badDate = rows[BAD_DATE] as MarriageRow;
  const meant = badDate.djrq;
  badDate.djrq = `${meant.slice(0, 4)}0230`; // February 30th, typed by hand
  const badCheck = rows[BAD_CHECK_CHARACTER] as MarriageRow;
  badCheck.nvsfzh = wrongCheckCharacter(badCheck.nvsfzh);
  const badType = rows[BAD_TYPE] as MarriageRow;
  badType.djlx = 9; // 其他: what a data migration wrote for records of unknown type
  const badRows: BadRow[] = [
    { key: badDate.djbh, item: "registrationDate", code: "date_invalid" },
    { key: badCheck.djbh, item: "femaleResidentId", code: "invalid_check_character" },
    { key: badType.djbh, item: "registrationType", code: "code_unmapped" },
  ];
  const changes: ChangeEntry[] = rows.map((row, i) => ({
    xh: i + 1,
    czsj: row.createTime,
    czlx: "I",
    djbh: row.djbh,
    sj: { ...row }, // the log keeps the row as it was then
  }));
  if (day < 2) return { rows, badRows, changes };

  // Day 2 (2026-03-02): a new marriage, the impossible date corrected, a mistaken entry voided.
  const dayMs = Date.UTC(2026, 2, 2);
  const dayRandom = generator(20260303);
  const [division, county] = DISTRICTS[0];
  const man = person(dayRandom, true, dayMs);
  const woman = person(dayRandom, false, dayMs);
  const added: MarriageRow = {
    djbh: `${division}2026${pad(count(`${division}2026`), 5)}`,
    zsbh: `J${division}-2026-${pad(count(`J${division}2026`), 6)}`,
    djlx: 1,
    djrq: compact(dayMs),
    djjg: `某市${county}民政局`,
    djjgdm: division,
    nfxm: man.name,
    nfsfzh: man.id,
    nfmz: "汉族",
    nvxm: woman.name,
    nvsfzh: woman.id,
    nvmz: "回族",
    czy: "hydj003",
    createTime: timestamp(dayMs, 9 * 3600 + 12 * 60),
    updateTime: timestamp(dayMs, 9 * 3600 + 12 * 60),
  };
  rows.push(added);
  badDate.djrq = meant;
  badDate.updateTime = timestamp(dayMs, 10 * 3600 + 5 * 60);
  const voided = rows[VOIDED] as MarriageRow;
  rows.splice(rows.indexOf(voided), 1);
  let xh = changes.length;
  changes.push(
    { xh: ++xh, czsj: added.createTime, czlx: "I", djbh: added.djbh, sj: added },
    { xh: ++xh, czsj: badDate.updateTime, czlx: "U", djbh: badDate.djbh, sj: { ...badDate } },
    {
      xh: ++xh,
      czsj: timestamp(dayMs, 10 * 3600 + 40 * 60),
      czlx: "D",
      djbh: voided.djbh,
      sj: null,
    },
  );
  return {
    rows,
    badRows: badRows.filter((b) => b.key !== badDate.djbh),
    changes,
  };
}

export interface LegacyOptions {
  /** Port on 127.0.0.1 (default 8714; 0 for any free port). */
  port?: number;
  /** The token every call must carry in `X-Access-Token`. */
  token: string;
}

export interface LegacySystem {
  /** The API's base URL, e.g. http://127.0.0.1:8714/hyxt: what HUNYIN_API_URL holds. */
  url: string;
  /** Working days served so far (1 after start). */
  day: number;
  /** Registrations served now. */
  rows(): readonly MarriageRow[];
  badRows(): readonly BadRow[];
  /** Requests seen, as "GET /hyxt/api/hydj/page?…", for tests. */
  readonly log: string[];
  /** Run the next working day: a registration added, one corrected, one voided. */
  nextDay(): Promise<DayChanges>;
  stop(): Promise<void>;
}

const ok = (data: unknown) => ({ code: 0, msg: "成功", data });

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json;charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function tokenMatches(given: string | string[] | undefined, token: Buffer): boolean {
  if (typeof given !== "string") return false;
  const bytes = Buffer.from(given);
  return bytes.length === token.length && timingSafeEqual(bytes, token);
}

/** A positive integer query parameter, its default when absent, undefined when malformed. */
function positive(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^[0-9]{1,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 ? n : undefined;
}

const byKey = (a: MarriageRow, b: MarriageRow) => (a.djbh < b.djbh ? -1 : a.djbh > b.djbh ? 1 : 0);
// The API's default: newest first, as the registration clerks' screen wants it.
const newestFirst = (a: MarriageRow, b: MarriageRow) =>
  a.createTime !== b.createTime ? (a.createTime < b.createTime ? 1 : -1) : -byKey(a, b);

/**
 * Start the legacy API on 127.0.0.1.
 *
 * @example
 * const legacy = await startLegacy({ port: 0, token: "…" });
 * const res = await fetch(`${legacy.url}/api/hydj/page?page=1&size=10`, { headers: { "X-Access-Token": "…" } });
 * await legacy.stop();
 */
export async function startLegacy(options: LegacyOptions): Promise<LegacySystem> {
  const token = Buffer.from(options.token);
  let data = legacyData(1);
  let day = 1;
  const log: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    log.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method !== "GET") return send(res, 405, { code: 405, msg: "请求方法不支持" });
    if (!url.pathname.startsWith(`${CONTEXT_PATH}/api/`))
      return send(res, 404, { code: 404, msg: "接口不存在" });
    // The habit of such systems: an expired token is a "successful" HTTP answer with code 401.
    if (!tokenMatches(req.headers[TOKEN_HEADER], token))
      return send(res, 200, { code: 401, msg: "token失效,请重新登录", data: null });

    switch (url.pathname.slice(CONTEXT_PATH.length)) {
      case "/api/hydj/page": {
        const page = positive(q, "page", 1);
        const asked = positive(q, "size", 10);
        const sort = q.get("sort") ?? "";
        if (page === undefined || asked === undefined || !["", "djbh,asc"].includes(sort))
          return send(res, 200, { code: 400, msg: "参数错误", data: null });
        const size = Math.min(asked, MAX_PAGE_SIZE);
        const rows = data.rows
          .filter(
            (r) =>
              (!q.has("djlx") || String(r.djlx) === q.get("djlx")) &&
              (!q.has("djjgdm") || r.djjgdm === q.get("djjgdm")) &&
              (!q.has("djbh") || r.djbh === q.get("djbh")),
          )
          .sort(sort === "djbh,asc" ? byKey : newestFirst);
        return send(
          res,
          200,
          ok({
            records: rows.slice((page - 1) * size, page * size),
            total: rows.length,
            size,
            current: page,
            pages: Math.ceil(rows.length / size),
          }),
        );
      }
      case "/api/hydj/info": {
        const row = data.rows.find((r) => r.djbh === q.get("djbh"));
        return send(res, 200, row ? ok(row) : { code: 1004, msg: "登记信息不存在", data: null });
      }
      case "/api/hydj/bgjl": {
        const since = q.has("xh") ? positive(q, "xh", 0) : 0;
        const size = positive(q, "size", 10);
        if (since === undefined || size === undefined)
          return send(res, 200, { code: 400, msg: "参数错误", data: null });
        const records = data.changes
          .filter((c) => c.xh > since)
          .slice(0, Math.min(size, MAX_PAGE_SIZE));
        return send(res, 200, ok({ records }));
      }
      default:
        return send(res, 404, { code: 404, msg: "接口不存在" });
    }
  };

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_LEGACY_PORT, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${CONTEXT_PATH}`,
    get day() {
      return day;
    },
    rows: () => data.rows,
    badRows: () => data.badRows,
    log,
    async nextDay() {
      if (day >= 2)
        throw new Error("示例只有第二个工作日的变更。 / the example has changes for day 2 only");
      day = 2;
      data = legacyData(day);
      const [added, corrected, voided] = data.changes.slice(-3).map((c) => c.djbh);
      return { added, corrected, voided } as DayChanges;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The demo token of the legacy API: HUNYIN_API_TOKEN when set, else one made on first start in
 * `.data/hunyin-api-token` (never committed). A real department's API has its own.
 */
export async function demoToken(
  dir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  const given = env.HUNYIN_API_TOKEN?.trim();
  if (given) return given;
  const file = join(dir, ".data", "hunyin-api-token");
  if (!existsSync(file)) {
    await mkdir(join(dir, ".data"), { recursive: true });
    await writeFile(file, `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
  }
  return (await readFile(file, "utf8")).trim();
}
