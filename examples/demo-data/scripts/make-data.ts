/**
 * Writes the demo data set into data/ (reproducible: fixed seed). Every person, company and
 * number here is synthetic: birth years 1900–1909 and made-up names, so that no identifier is
 * likely to belong to a living person. Deliberate errors are listed in data/expected.json.
 *
 * Usage: pnpm --filter @govex/example-demo-data make-data [output directory, default data/]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  orgCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from "@govex/schemas";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.argv[2] ?? join(here, "..", "data");

// mulberry32: a tiny seeded PRNG, so the data set is the same on every machine.
let seed = 20171201;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");

const PLACES = [
  { code: "370102", province: "山东省", city: "济南市", county: "历下区" },
  { code: "110105", province: "北京市", city: "北京市", county: "朝阳区" },
  { code: "440305", province: "广东省", city: "深圳市", county: "南山区" },
  { code: "510104", province: "四川省", city: "成都市", county: "锦江区" },
  { code: "350102", province: "福建省", city: "福州市", county: "鼓楼区" },
] as const;
const SURNAMES = ["示", "样", "测", "例", "模"];
const GIVEN = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"];

function residentId(division: string, birth: string, male: boolean): string {
  const seq = `${digits(2)}${male ? pick([1, 3, 5, 7, 9]) : pick([0, 2, 4, 6, 8])}`;
  const first17 = `${division}${birth}${seq}`;
  return first17 + residentIdCheckCharacter(first17);
}

function person(i: number) {
  const place = pick(PLACES);
  const male = random() < 0.5;
  const y = 1900 + Math.floor(random() * 10);
  const m = String(1 + Math.floor(random() * 12)).padStart(2, "0");
  const d = String(1 + Math.floor(random() * 28)).padStart(2, "0");
  return {
    name: `${pick(SURNAMES)}${pick(GIVEN)}${i}`,
    residentId: residentId(place.code, `${y}${m}${d}`, male),
    sex: male ? "1" : "2",
    ethnicity: "01",
    birthDate: `${y}-${m}-${d}`,
    nationality: "CHN",
    domicile: {
      divisionCode: place.code,
      province: place.province,
      city: place.city,
      county: place.county,
      detail: `示例路 ${i} 号`,
    },
    mobile: `139${digits(8)}`,
  };
}

function uscc(division: string): string {
  const body = `MA${digits(6)}`;
  const first17 = `91${division}${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

function flip(id: string): string {
  const last = id[17];
  return id.slice(0, 17) + (last === "1" ? "2" : "1");
}

// People: 20 valid, then one row per deliberate error.
const people: Record<string, unknown>[] = Array.from({ length: 20 }, (_, i) => person(i + 1));
const bad = (i: number, change: (p: Record<string, unknown>) => void) => {
  const p: Record<string, unknown> = person(i);
  change(p);
  people.push(p);
};
bad(21, (p) => (p.residentId = flip(p.residentId as string))); // invalid_check_character
bad(22, (p) => (p.birthDate = "1911-01-01")); // resident_id_birth_date_mismatch
bad(23, (p) => (p.sex = p.sex === "1" ? "2" : "1")); // resident_id_sex_mismatch
bad(24, (p) => {
  // 130171 is an NBS statistical code, not GB/T 2260: unknown_division_code
  const id = `130171${(p.residentId as string).slice(6, 17)}`;
  p.residentId = id + residentIdCheckCharacter(id);
  p.domicile = { divisionCode: "130102", province: "河北省", city: "石家庄市", county: "长安区" };
});
bad(25, (p) => delete p.name); // required
bad(26, (p) => (p.mobile = "12345678901")); // invalid_mobile
bad(27, (p) => ((p.domicile as Record<string, unknown>).province = "河南省")); // address_division_mismatch
writeFileSync(
  join(dataDir, "people.ndjson"),
  `${people.map((p) => JSON.stringify(p)).join("\n")}\n`,
);

// Legal entities as a spreadsheet export: zh-CN headers, dotted headers for nested objects.
const HEADERS = [
  "统一社会信用代码",
  "名称",
  "登记管理部门",
  "机构类别",
  "法定代表人.姓名",
  "注册资本",
  "成立日期",
  "住所.行政区划代码",
  "住所.详细地址",
  "登记状态",
];
const rows: string[][] = [];
for (let i = 1; i <= 10; i++) {
  const place = pick(PLACES);
  rows.push([
    uscc(place.code),
    `示例${GIVEN[i % GIVEN.length]}${i}号贸易有限公司`,
    "9",
    "91",
    `${pick(SURNAMES)}${pick(GIVEN)}`,
    String(100 * i),
    `200${i % 10}-0${1 + (i % 9)}-15`,
    place.code,
    `示例大道 ${i} 号`,
    "存续",
  ]);
}
const badUscc = uscc("370102");
rows.push([
  flip(badUscc).replace(/.$/, badUscc[17] === "A" ? "B" : "A"),
  "示例校验位错误有限公司",
  "9",
  "91",
  "示甲",
  "50",
  "2010-01-01",
  "370102",
  "示例路 1 号",
  "存续",
]); // invalid_check_character
rows.push([
  uscc("370102"),
  "示例状态错误有限公司",
  "9",
  "91",
  "示乙",
  "50",
  "2010-01-01",
  "370102",
  "示例路 2 号",
  "营业中",
]); // enum
rows.push([uscc("370102"), "示例列数错误有限公司", "9"]); // csv_column_count
const csv = `${[HEADERS, ...rows].map((r) => r.join(",")).join("\r\n")}\r\n`;
writeFileSync(join(dataDir, "legal-entities.csv"), csv);
writeFileSync(join(dataDir, "legal-entities-gbk.csv"), encodeGbk(csv));

// Catalog entries and system inventory: the specs' own examples, plus deliberate errors.
const spec = (name: string) =>
  JSON.parse(
    readFileSync(
      join(here, "..", "..", "..", "specs", "data", "v1", `${name}.schema.json`),
      "utf8",
    ),
  ) as { examples: Record<string, unknown>[] };
const catalog = spec("catalog-entry").examples.map((e) => structuredClone(e));
const conditional = structuredClone(catalog[0]) as Record<string, unknown>;
conditional.name = "示例有条件共享资源(缺少共享条件)";
conditional.sharing = { type: "有条件共享", method: { class: "共享平台方式", type: "接口" } };
catalog.push(conditional); // 有条件共享 without a condition
writeFileSync(join(dataDir, "catalog.json"), `${JSON.stringify(catalog, null, 2)}\n`);
const systems = spec("system-inventory").examples.map((e) => structuredClone(e));
const noNetwork = structuredClone(systems[0]) as Record<string, unknown>;
noNetwork.name = "示例缺少网络类型的系统";
delete noNetwork.networks;
systems.push(noNetwork); // required
writeFileSync(
  join(dataDir, "system-inventory.ndjson"),
  `${systems.map((s) => JSON.stringify(s)).join("\n")}\n`,
);

/** GBK bytes of a string: the reverse of Node's built-in GBK decoder (Node has no GBK encoder). */
function encodeGbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder("gbk");
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== "\ufffd" && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else out.push(...(table.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}
