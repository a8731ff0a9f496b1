/**
 * Synthetic `person` records for benchmarks: valid, realistic, deterministic (fixed seed).
 * Birth years 1900–1909 and made-up names: no identifier is likely to be a living person's.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { residentIdCheckCharacter } from "@govex/schemas/core";

export const benchDataDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".bench-data",
);

const PLACES = [
  ["370102", "山东省", "济南市", "历下区"],
  ["110105", "北京市", "北京市", "朝阳区"],
  ["440305", "广东省", "深圳市", "南山区"],
  ["510104", "四川省", "成都市", "锦江区"],
  ["310104", "上海市", "上海市", "徐汇区"],
] as const;
const SURNAMES = "王李张刘陈杨黄赵吴周";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平";

/** The i-th record (a pure function of i, so any count is reproducible). */
export function personRecord(i: number): string {
  const [code, province, city, county] = PLACES[i % PLACES.length] as (typeof PLACES)[number];
  const y = 1900 + (i % 10);
  const m = String(1 + (i % 12)).padStart(2, "0");
  const d = String(1 + (i % 28)).padStart(2, "0");
  const seq = String((i * 7) % 1000).padStart(3, "0");
  const first17 = `${code}${y}${m}${d}${seq}`;
  const male = Number(seq) % 2 === 1;
  return JSON.stringify({
    name: `${SURNAMES[i % 10]}${GIVEN[(i >> 3) % 20]}${GIVEN[(i >> 7) % 20]}`,
    residentId: first17 + residentIdCheckCharacter(first17),
    sex: male ? "1" : "2",
    ethnicity: "01",
    birthDate: `${y}-${m}-${d}`,
    nationality: "CHN",
    domicile: {
      divisionCode: code,
      province,
      city,
      county,
      detail: `示例路 ${i % 500} 号 ${i % 30} 单元`,
    },
    mobile: `139${String(i % 100_000_000).padStart(8, "0")}`,
  });
}

/** An NDJSON file of `count` records under .bench-data/ (reused when present). */
export async function personFile(count: number): Promise<string> {
  mkdirSync(benchDataDir, { recursive: true });
  const file = join(benchDataDir, `person-${count}.ndjson`);
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let batch: string[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(personRecord(i));
    if (batch.length === 10_000 || i === count - 1) {
      if (!out.write(`${batch.join("\n")}\n`))
        await new Promise<void>((r) => out.once("drain", () => r()));
      batch = [];
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, file);
  return file;
}
