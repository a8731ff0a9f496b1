import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getValidator, type Lang, validateStream } from "../src/index.js";
import { collect, fixtures } from "./helpers/io.js";

const applicant = join(fixtures, "schemas/applicant.schema.json");
const base = { residentId: "11010519491231002X", name: "张三" };

const records: [string, unknown][] = [
  ["missing resident ID", { name: "张三" }],
  ["wrong check character", { ...base, residentId: "110105194912310021" }],
  ["wrong types", { ...base, age: "十二", active: "yes", score: -1 }],
  ["nested", { ...base, address: { divisionCode: "11", extra: 1 }, tags: ["a", "a", "b", "c"] }],
  ["unknown field", { ...base, 备注: "x" }],
  ["USCC check character", { ...base, employerUscc: "91350100M000100Y44" }],
];

describe("messages", () => {
  it("says what is missing, naming the zh-CN title, and what to do", async () => {
    const v = await getValidator(applicant);
    const [zh] = v.validate({ name: "张三" });
    expect(zh?.message).toBe("缺少必填字段「公民身份号码」(residentId)。请补充该字段。");
    const [en] = v.validate({ name: "张三" }, { lang: "en" });
    expect(en?.message).toBe('"Resident ID" (residentId) is required but missing: add it.');
  });

  it.each(["zh-CN", "en"] as Lang[])("renders every issue in %s (file snapshot)", async (lang) => {
    const v = await getValidator(applicant);
    const out = records.map(([name, data]) => ({
      name,
      issues: v
        .validate(data, { lang })
        .map((i) => ({ path: i.path, code: i.code, severity: i.severity, message: i.message })),
    }));
    for (const r of out) expect(r.issues.length).toBeGreaterThan(0);
    await expect(`${JSON.stringify(out, null, 2)}\n`).toMatchFileSnapshot(
      `./fixtures/messages/applicant.${lang}.json`,
    );
  });

  it("lenient USCC: a wrong check character alone is a warning and the record stays valid", async () => {
    const v = await getValidator(applicant);
    const data = { ...base, employerUscc: "91350100M000100Y44" };
    const strict = v.validate(data);
    expect(strict.map((i) => [i.code, i.severity])).toEqual([["invalid_check_character", "error"]]);
    const lenient = v.validate(data, { lenient: { uscc: true } });
    expect(lenient.map((i) => [i.code, i.severity])).toEqual([
      ["invalid_check_character", "warning"],
    ]);
    const line = Buffer.from(`${JSON.stringify(data)}\n`);
    const [r] = await collect(
      validateStream([line] as unknown as AsyncIterable<Uint8Array>, v, {
        lenient: { uscc: true },
      }),
    );
    expect(r?.valid).toBe(true);
    // A USCC with another fault stays an error even in lenient mode.
    const bad = v.validate(
      { ...base, employerUscc: "91350100M000100Y4" },
      { lenient: { uscc: true } },
    );
    expect(bad.some((i) => i.severity === "error")).toBe(true);
  });
});
