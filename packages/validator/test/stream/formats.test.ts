import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  getValidator,
  type InputFormat,
  type RecordResult,
  validateStream,
} from "../../src/index.js";
import { chunked, collect, encodeGbk, fixtures } from "../helpers/io.js";

const applicant = join(fixtures, "schemas/applicant.schema.json");

type Want = [record: number, line: number, codes: string[]];

function summary(results: RecordResult[]): Want[] {
  return results.map((r) => [r.record, r.line ?? 0, r.issues.map((i) => i.code)]);
}

const cases: [name: string, file: string, format: InputFormat | "auto", want: Want[]][] = [
  [
    "NDJSON: CRLF, blank lines, invalid UTF-8 in one line, truncated last line",
    "applicants.ndjson",
    "ndjson",
    [
      [1, 1, []],
      [2, 4, []],
      [3, 5, ["required", "minimum"]],
      [4, 6, ["invalid_encoding"]],
      [5, 7, []],
      [6, 8, ["invalid_json"]],
    ],
  ],
  [
    "JSON array: brackets in strings, escaped quotes, nested arrays, truncated",
    "applicants.json",
    "json",
    [
      [1, 2, []],
      [2, 3, []],
      [3, 4, ["type"]],
      [4, 5, ["type"]],
      [5, 6, ["type"]],
      [6, 7, ["required"]],
      [7, 8, ["invalid_json"]],
      [0, 9, ["truncated_input"]],
    ],
  ],
  [
    "CSV: quotes, escaped quotes, embedded newline, CRLF, zh-CN and dotted headers, wrong column counts",
    "applicants.csv",
    "csv",
    [
      [1, 2, []],
      [2, 3, []],
      [3, 5, ["type", "type"]],
      [4, 6, ["csv_column_count"]],
      [5, 7, ["csv_column_count"]],
      [6, 9, ["invalid_check_character"]],
    ],
  ],
  [
    "TSV: quoted tab, leading zeros stay strings",
    "applicants.tsv",
    "tsv",
    [
      [1, 2, []],
      [2, 3, ["type"]],
    ],
  ],
];

describe("validateStream formats", () => {
  for (const [name, file, format, want] of cases) {
    const bytes = readFileSync(join(fixtures, "stream", file));
    it.each([1, 7, 65536])(`${name} (chunks of %i bytes)`, async (size) => {
      const v = await getValidator(applicant);
      expect(summary(await collect(validateStream(chunked(bytes, size), v, { format })))).toEqual(
        want,
      );
      // Auto-detection by extension gives the same result.
      expect(
        summary(await collect(validateStream(chunked(bytes, size), v, { fileName: file }))),
      ).toEqual(want);
    });
  }

  it("coerces CSV cells by the schema's types and keeps leading zeros", async () => {
    const v = await getValidator({
      type: "object",
      properties: {
        zip: { type: "string" },
        n: { type: "integer" },
        x: { type: "number" },
        b: { type: "boolean" },
        o: { type: "object", properties: { d: { type: "string" } } },
      },
      additionalProperties: false,
      required: ["zip", "n", "x", "b", "o"],
    });
    const csv = "zip,n,x,b,o.d\n007,-12,1.5e3,FALSE,0001\n";
    const results = await collect(validateStream(chunked(Buffer.from(csv)), v, { format: "csv" }));
    expect(results.map((r) => r.issues)).toEqual([[]]);
    const bad = await collect(
      validateStream(chunked(Buffer.from("zip,n,x,b,o.d\n1,1.5,abc,2,x\n")), v, { format: "csv" }),
    );
    expect(bad[0]?.issues.map((i) => [i.path, i.code])).toEqual([
      ["/n", "type"],
      ["/x", "type"],
      ["/b", "type"],
    ]);
  });

  it("reports an unknown CSV header once per file (record 0, warning) and still validates rows", async () => {
    const v = await getValidator(applicant);
    const csv = "residentId,姓名,备注\n11010519491231002X,张三,x\n11010519491231002X,李四,\n";
    const results = await collect(validateStream(chunked(Buffer.from(csv)), v, { format: "csv" }));
    expect(summary(results)).toEqual([
      [0, 1, ["csv_unknown_header"]],
      [1, 2, ["additional_properties"]],
      [2, 3, []],
    ]);
    expect(results[0]?.issues[0]?.severity).toBe("warning");
  });

  it("reports a duplicate header and an unterminated quote", async () => {
    const v = await getValidator(applicant);
    const csv = 'residentId,name,姓名\n11010519491231002X,"张三,x\n';
    expect(
      summary(await collect(validateStream(chunked(Buffer.from(csv)), v, { format: "csv" }))),
    ).toEqual([
      [0, 1, ["csv_duplicate_header"]],
      [1, 2, ["csv_unterminated_quote"]],
    ]);
  });

  const encodings: [string, () => Buffer, "auto" | "gbk" | "gb18030" | "utf8"][] = [
    [
      "GBK CSV, auto-detected",
      () => encodeGbk("residentId,姓名\n11010519491231002X,张三\n11010519491231002X,欧阳修\n"),
      "auto",
    ],
    [
      "GBK CSV, declared",
      () => encodeGbk("residentId,姓名\n11010519491231002X,张三\n11010519491231002X,欧阳修\n"),
      "gbk",
    ],
    [
      "GB18030 CSV, declared",
      () => encodeGbk("residentId,姓名\n11010519491231002X,张三\n11010519491231002X,欧阳修\n"),
      "gb18030",
    ],
    [
      "UTF-8 with BOM",
      () =>
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from("residentId,姓名\n11010519491231002X,张三\n11010519491231002X,欧阳修\n"),
        ]),
      "auto",
    ],
    [
      "UTF-8 with BOM, declared",
      () =>
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from("residentId,姓名\n11010519491231002X,张三\n11010519491231002X,欧阳修\n"),
        ]),
      "utf8",
    ],
  ];
  it.each(encodings)("%s", async (_name, make, encoding) => {
    const v = await getValidator(applicant);
    for (const size of [1, 5, 65536]) {
      for (const format of ["auto", "csv"] as const) {
        const results = await collect(
          validateStream(chunked(make(), size), v, { encoding, format }),
        );
        expect(summary(results)).toEqual([
          [1, 2, []],
          [2, 3, []],
        ]);
      }
    }
  });

  it("decodes GBK names correctly (a wrong decoding would break maxLength or the value)", async () => {
    const v = await getValidator({
      type: "object",
      properties: { name: { const: "欧阳修" } },
      required: ["name"],
    });
    const gbk = encodeGbk('{"name":"欧阳修"}\n');
    expect(summary(await collect(validateStream(chunked(gbk, 3), v)))).toEqual([[1, 1, []]]);
  });

  it("GBK bytes that look like JSON brackets inside a character do not break the array scanner", async () => {
    // In GBK 乚 is 81 5D ("]"), 乕 81 5B ("["), 亇 81 7D ("}") and 乗 81 5C ("\\").
    const v = await getValidator({ type: "object", properties: { s: { type: "string" } } });
    const text = '[{"s":"乚乕亇乗"},{"s":"x"}]';
    const gbk = encodeGbk(text);
    for (const b of [0x5d, 0x5b, 0x7d, 0x5c]) expect([...gbk].includes(b)).toBe(true);
    expect(
      summary(
        await collect(validateStream(chunked(gbk, 2), v, { encoding: "gbk", format: "json" })),
      ),
    ).toEqual([
      [1, 1, []],
      [2, 1, []],
    ]);
  });

  it("sniffs the format from the first byte when there is no file name", async () => {
    const v = await getValidator({ type: "object" });
    const one = async (text: string) =>
      summary(await collect(validateStream(chunked(Buffer.from(text)), v)));
    expect(await one('{"a":1}\n{"b":2}\n')).toEqual([
      [1, 1, []],
      [2, 2, []],
    ]);
    expect(await one('[{"a":1},\n{"b":2}]')).toEqual([
      [1, 1, []],
      [2, 2, []],
    ]);
    expect(await one('{\n  "a": 1\n}\n')).toEqual([[1, 1, []]]);
    expect(await one("a,b\n1,2\n")).toEqual([[1, 2, []]]);
    expect(await one("a\tb\n1\t2\n")).toEqual([[1, 2, []]]);
  });
});

describe("encoding sniff at the 64 KiB boundary", () => {
  it("a UTF-8 character cut by the sample's end does not make the file GB18030", async () => {
    const v = await getValidator({ type: "object", properties: { a: { type: "string" } } });
    // "a\n" + rows of "张张…\n": choose the row length so that byte 65536 falls inside a character.
    const row = `${"张".repeat(99)}\n`; // 298 bytes
    let text = "a\n";
    while (Buffer.byteLength(text) < 70_000) text += row;
    const buf = Buffer.from(text);
    expect((buf[65536] as number) & 0xc0).toBe(0x80); // a continuation byte: the cut is mid-character
    const results = await collect(validateStream(chunked(buf, 4096), v, { format: "csv" }));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(results.length).toBe((text.match(/\n/g)?.length ?? 0) - 1);
  });
});
