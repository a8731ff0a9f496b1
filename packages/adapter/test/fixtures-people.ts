/** Synthetic 户籍 rows in a department's own shape (local column names and codes). */
import { residentIdCheckCharacter } from "@govex/schemas";

export function residentId(n: number, birth = "19800101"): string {
  const first17 = `110105${birth}${String(n % 1000).padStart(3, "0")}`;
  return first17 + residentIdCheckCharacter(first17);
}

export function personRow(n: number): Record<string, unknown> {
  const birth = `19${String(50 + (n % 50)).padStart(2, "0")}0${1 + (n % 9)}1${n % 10}`;
  return {
    SFZH: residentId(n, birth),
    XM: `测试${n}`,
    XB: n % 2 === 0 ? "F" : "M",
    CSRQ: birth,
    ZZ: `北京市朝阳区示例路${n}号`,
  };
}
