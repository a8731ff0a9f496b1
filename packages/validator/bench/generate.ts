/**
 * Synthetic `person` records for the benchmarks: valid against specs/data/v1/person.schema.json
 * (formats and cross-field rules included), varied like real registry extracts, and
 * deterministic: record i is drawn from a mulberry32 PRNG seeded with (SEED, i), so any count,
 * and any single record, is reproducible.
 *
 * Resident IDs follow GB 11643-1999: 6-digit division code, birth date YYYYMMDD, 3-digit
 * sequence (odd = male "1", even = female "2", §5.3), then the ISO 7064 MOD 11-2 check
 * character (§6.2) computed by @govex/schemas.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { residentIdCheckCharacter } from "@govex/schemas";

/** /work/main/.bench-data (gitignored). */
export const benchDataDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".bench-data",
);

const SEED = 0x60_7e_c5;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GB/T 2260 county-level divisions with the names the address-division rule accepts. */
const PLACES: readonly (readonly [string, string, string | undefined, string])[] = [
  ["110101", "北京市", undefined, "东城区"],
  ["110105", "北京市", undefined, "朝阳区"],
  ["310104", "上海市", undefined, "徐汇区"],
  ["440305", "广东省", "深圳市", "南山区"],
  ["370102", "山东省", "济南市", "历下区"],
  ["510104", "四川省", "成都市", "锦江区"],
];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏";
const ROADS = ["人民路", "解放路", "建设路", "中山路", "和平街", "文化路", "科技园路", "滨河路"];
const STREETS = ["东华门街道", "建外街道", "徐家汇街道", "粤海街道", "泉城路街道", "春熙路街道"];
const MOBILE_PREFIXES = [
  "130",
  "135",
  "138",
  "139",
  "150",
  "152",
  "158",
  "177",
  "186",
  "189",
  "199",
];
const EMAIL_DOMAINS = ["example.com", "example.cn", "example.org"];

function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** The i-th synthetic person as one JSON text (no newline). */
export function personRecord(i: number): string {
  const r = mulberry32(SEED ^ Math.imul(i + 1, 0x9e3779b9));
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[] | string): T => xs[int(xs.length)] as T;

  const place = pick(PLACES);
  const [code, province, city, county] = place;
  const y = 1940 + int(66);
  const m = 1 + int(12);
  const d = 1 + int(daysIn(y, m));
  const seq = int(1000);
  const first17 = `${code}${y}${pad(m, 2)}${pad(d, 2)}${pad(seq, 3)}`;
  const male = seq % 2 === 1; // GB 11643-1999 §5.3: odd sequence = male

  const name =
    pick<string>(SURNAMES) + pick<string>(GIVEN) + (r() < 0.7 ? pick<string>(GIVEN) : "");
  const rec: Record<string, unknown> = { name };
  if (r() < 0.03)
    rec.formerNames = [pick<string>(SURNAMES) + pick<string>(GIVEN) + pick<string>(GIVEN)];
  rec.residentId = first17 + residentIdCheckCharacter(first17);
  rec.sex = male ? "1" : "2";
  rec.ethnicity = r() < 0.9 ? "01" : pad(2 + int(55), 2);
  rec.birthDate = `${y}-${pad(m, 2)}-${pad(d, 2)}`;
  if (r() < 0.7) rec.nationality = "CHN";
  const detail = `${pick(ROADS)} ${1 + int(999)} 号 ${1 + int(12)} 单元 ${1 + int(30)}0${1 + int(4)} 室`;
  rec.domicile =
    r() < 0.75
      ? {
          divisionCode: code,
          province,
          ...(city === undefined ? {} : { city }),
          county,
          ...(r() < 0.4 ? { street: pick(STREETS) } : {}),
          detail,
          ...(r() < 0.3 ? { postalCode: `${code.slice(0, 2)}${pad(int(10000), 4)}` } : {}),
        }
      : { divisionCode: code, detail };
  if (r() < 0.3) {
    const [rc, rp, , rcounty] = pick(PLACES);
    rec.residence = {
      divisionCode: rc,
      province: rp,
      county: rcounty,
      detail: `${pick(ROADS)} ${1 + int(500)} 号`,
    };
  }
  if (r() < 0.9) rec.mobile = pick(MOBILE_PREFIXES) + pad(int(100_000_000), 8);
  if (r() < 0.1) rec.phone = `0${10 + int(89)}-${2 + int(8)}${pad(int(10_000_000), 7)}`;
  if (r() < 0.2) rec.email = `user${pad(int(1_000_000), 6)}@${pick(EMAIL_DOMAINS)}`;
  return JSON.stringify(rec);
}

/** An NDJSON file of `count` records in .bench-data/person-<count>.ndjson (reused when present). */
export async function personFile(count: number): Promise<string> {
  mkdirSync(benchDataDir, { recursive: true });
  const file = join(benchDataDir, `person-${count}.ndjson`);
  if (existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  let batch: string[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(personRecord(i));
    if (batch.length === 10_000 || i === count - 1) {
      if (!out.write(`${batch.join("\n")}\n`))
        await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      batch = [];
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, file);
  return file;
}
