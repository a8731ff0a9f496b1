import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileTransforms,
  invertTransforms,
  type TransformSpec,
  toHalfwidth,
} from "../src/index.js";

const sex: TransformSpec = {
  codeTable: { table: "sex", map: { M: "1", F: "2", 男: "1", 女: "2" } },
};

describe("compileTransforms", () => {
  it.each<[string, { given: unknown; transforms: TransformSpec[]; want: unknown }]>([
    ["trim", { given: "  张三 ", transforms: ["trim"], want: "张三" }],
    [
      "halfwidth letters, digits, space",
      { given: "ＡＢＣ１２３\u3000", transforms: ["halfwidth"], want: "ABC123 " },
    ],
    [
      "halfwidth then upper (a resident ID)",
      {
        given: "１１０１０５１９４９１２３１００２ｘ",
        transforms: ["halfwidth", "upper"],
        want: "11010519491231002X",
      },
    ],
    [
      "collapseSpace",
      {
        given: "北京市  朝阳区\t示例路",
        transforms: ["collapseSpace"],
        want: "北京市 朝阳区 示例路",
      },
    ],
    [
      "date yyyyMMdd",
      { given: "19491231", transforms: [{ date: { from: "yyyyMMdd" } }], want: "1949-12-31" },
    ],
    [
      "date yyyy/MM/dd",
      { given: "2024/03/01", transforms: [{ date: { from: "yyyy/MM/dd" } }], want: "2024-03-01" },
    ],
    [
      "date-time in +08:00",
      {
        given: "2024-03-01 08:30:00",
        transforms: [{ date: { from: "yyyy-MM-dd HH:mm:ss", to: "date-time" } }],
        want: "2024-03-01T08:30:00+08:00",
      },
    ],
    [
      "a Date instant as a Beijing date",
      {
        given: new Date("2024-02-29T16:30:00Z"),
        transforms: [{ date: { from: "yyyy-MM-dd" } }],
        want: "2024-03-01",
      },
    ],
    [
      "an Excel serial day",
      { given: 45352, transforms: [{ date: { from: "excel" } }], want: "2024-03-01" },
    ],
    ["a local sex code to GB/T 2261.1", { given: "女", transforms: [sex], want: "2" }],
    [
      "an unmapped code kept",
      { given: "X", transforms: [{ codeTable: { map: { M: "1" }, unmapped: "keep" } }], want: "X" },
    ],
    ["number", { given: " 12.50 ", transforms: ["number"], want: 12.5 }],
    ["string of a number", { given: 42, transforms: ["string"], want: "42" }],
    ["nullIf", { given: "无", transforms: [{ nullIf: ["无", "-"] }], want: null }],
    ["emptyToNull", { given: "", transforms: ["emptyToNull"], want: null }],
    [
      "null passes through a date",
      { given: null, transforms: [{ date: { from: "yyyyMMdd" } }], want: null },
    ],
  ])("%s", (_name, { given, transforms, want }) => {
    expect(compileTransforms(transforms)(given)).toEqual({ ok: true, value: want });
  });

  it.each<[string, { given: unknown; transforms: TransformSpec[]; code: string }]>([
    [
      "February 30th",
      { given: "20230230", transforms: [{ date: { from: "yyyyMMdd" } }], code: "date_invalid" },
    ],
    [
      "a date in the wrong pattern",
      { given: "2023-02-03", transforms: [{ date: { from: "yyyyMMdd" } }], code: "date_invalid" },
    ],
    ["an unmapped local code", { given: "U", transforms: [sex], code: "code_unmapped" }],
    ["not a number", { given: "十二", transforms: ["number"], code: "not_a_number" }],
    ["an object as a string", { given: { a: 1 }, transforms: ["string"], code: "not_a_string" }],
  ])("fails on %s without echoing the value", (_name, { given, transforms, code }) => {
    const result = compileTransforms(transforms)(given);
    expect(result).toMatchObject({ ok: false, failure: { code } });
    if (!result.ok) {
      expect(result.failure.zh).not.toContain(String(given));
      expect(result.failure.en).not.toContain(String(given));
    }
  });

  it("halfwidth only touches the full-width forms block (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = toHalfwidth(s);
        expect(out.length).toBe(s.length);
        expect(/[\uFF01-\uFF5E\u3000]/.test(out)).toBe(false);
      }),
    );
  });
});

describe("invertTransforms", () => {
  it.each<[string, { transforms: TransformSpec[]; value: string; want: string[] | undefined }]>([
    ["no transforms", { transforms: [], value: "a", want: ["a"] }],
    ["a code table with two local codes", { transforms: [sex], value: "1", want: ["M", "男"] }],
    ["a code no local code maps to", { transforms: [sex], value: "9", want: [] }],
    ["trim is not invertible", { transforms: ["trim"], value: "a", want: undefined }],
    ["string is transparent", { transforms: ["string"], value: "7", want: ["7"] }],
  ])("%s", (_name, { transforms, value, want }) => {
    expect(invertTransforms(transforms, value)).toEqual(want);
  });

  it("every inverted candidate maps back to the value (property)", () => {
    const map = { A: "1", B: "2", C: "1", D: "3" };
    const spec: TransformSpec = { codeTable: { map } };
    fc.assert(
      fc.property(fc.constantFrom("1", "2", "3", "4"), (value) => {
        for (const local of invertTransforms([spec], value) ?? [])
          expect(compileTransforms([spec])(local)).toEqual({ ok: true, value });
      }),
    );
  });
});
