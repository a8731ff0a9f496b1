import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type DelimitedEntry,
  GovexValidatorError,
  type ReadDelimitedOptions,
  readDelimitedRows,
} from "../../src/index.js";
import { chunked, collect, encodeGbk, fixtures } from "../helpers/io.js";

/** An entry as [line, row] or [line, record, code, severity]. */
type Want = [number, Record<string, string>] | [number, number, string, "error" | "warning"];

function summary(entries: DelimitedEntry[]): Want[] {
  return entries.map((e) =>
    e.issue
      ? [e.line, e.issue.record, e.issue.code, e.issue.severity]
      : [e.line, { ...e.row } as Record<string, string>],
  );
}

const utf8 = (s: string) => Buffer.from(s, "utf8");
const bom = (b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);

const cases: [
  name: string,
  given: { bytes: Buffer; opts?: ReadDelimitedOptions },
  want: { entries: Want[]; encoding?: "utf8" | "gb18030"; delimiter?: "," | "\t" },
][] = [
  [
    "RFC 4180: BOM, CRLF, quoted delimiter, doubled quote, quoted line break, blank line, empty cell",
    {
      bytes: bom(utf8('名称,备注,代码\r\n甲,"a, ""b""",1\r\n\r\n乙,"line1\r\nline2",\r\n')),
    },
    {
      encoding: "utf8",
      delimiter: ",",
      entries: [
        [2, { 名称: "甲", 备注: 'a, "b"', 代码: "1" }],
        [4, { 名称: "乙", 备注: "line1\r\nline2", 代码: "" }],
      ],
    },
  ],
  [
    "GBK without BOM, encoding auto: detected as GB18030",
    { bytes: encodeGbk("统一社会信用代码,企业名称\n91350100M000100Y43,福州某某有限公司\n") },
    {
      encoding: "gb18030",
      entries: [[2, { 统一社会信用代码: "91350100M000100Y43", 企业名称: "福州某某有限公司" }]],
    },
  ],
  [
    "GBK declared as gbk",
    { bytes: encodeGbk("名称\n张三\n"), opts: { encoding: "gbk" } },
    { encoding: "gb18030", entries: [[2, { 名称: "张三" }]] },
  ],
  [
    "GBK declared as utf8: the header cannot be decoded, so reading stops after one issue",
    { bytes: encodeGbk("名称\n张三\n李四\n"), opts: { encoding: "utf8" } },
    { encoding: "utf8", entries: [[1, 0, "invalid_encoding", "error"]] },
  ],
  [
    "UTF-8 declared, one GBK data row: that row is an issue, the next is read",
    {
      bytes: Buffer.concat([utf8("code,name\n1,"), encodeGbk("张三"), utf8("\n2,李四\n")]),
      opts: { encoding: "utf8" },
    },
    {
      entries: [
        [2, 1, "invalid_encoding", "error"],
        [3, { code: "2", name: "李四" }],
      ],
    },
  ],
  [
    "TSV chosen by the file name; a quoted tab",
    { bytes: utf8('a\tb\n1\t"x\ty"\n'), opts: { fileName: "export.tsv" } },
    { delimiter: "\t", entries: [[2, { a: "1", b: "x\ty" }]] },
  ],
  [
    "TSV sniffed from the first line",
    { bytes: utf8("a\tb\tc,d\n1\t2\t3,4\n") },
    { delimiter: "\t", entries: [[2, { a: "1", b: "2", "c,d": "3,4" }]] },
  ],
  [
    "delimiter given explicitly overrides the name",
    { bytes: utf8("a;b\tc\n1;2\t3\n"), opts: { delimiter: "\t", fileName: "x.csv" } },
    { delimiter: "\t", entries: [[2, { "a;b": "1;2", c: "3" }]] },
  ],
  [
    "a quote never closed swallows the rest of the file: one issue with the row's line",
    { bytes: utf8('a,b\n1,2\n3,"never closed\n4,5\n6,7\n') },
    {
      entries: [
        [2, { a: "1", b: "2" }],
        [3, 2, "csv_unterminated_quote", "error"],
      ],
    },
  ],
  [
    "wrong column counts",
    { bytes: utf8("a,b\n1\n1,2,3\n4,5\n") },
    {
      entries: [
        [2, 1, "csv_column_count", "error"],
        [3, 2, "csv_column_count", "error"],
        [4, { a: "4", b: "5" }],
      ],
    },
  ],
  [
    "empty and duplicated header names: issues, and their columns left out",
    { bytes: utf8(" a ,,a,b\n1,2,3,4\n") },
    {
      entries: [
        [1, 0, "csv_empty_header", "warning"],
        [1, 0, "csv_duplicate_header", "error"],
        [2, { a: "1", b: "4" }],
      ],
    },
  ],
  [
    "a huge cell is skipped as record_too_large and the next row is read",
    {
      bytes: utf8(`a,b\n"${"x".repeat(100_000)}",1\n2,3\n`),
      opts: { maxRecordBytes: 4096 },
    },
    {
      entries: [
        [2, 1, "record_too_large", "error"],
        [3, { a: "2", b: "3" }],
      ],
    },
  ],
  [
    "a header too large ends the input",
    { bytes: utf8(`${"h".repeat(10_000)}\n1\n`), opts: { maxRecordBytes: 1024 } },
    { entries: [[1, 0, "record_too_large", "error"]] },
  ],
  [
    "a header with a quote never closed ends the input",
    { bytes: utf8('"a,b\n1,2\n') },
    { entries: [[1, 0, "csv_unterminated_quote", "error"]] },
  ],
  ["only a header: no rows", { bytes: utf8("a,b\n") }, { entries: [] }],
  [
    "injection strings stay plain text",
    { bytes: utf8("k,v\n1,\"'; DROP TABLE t; --\"\n2,=cmd|' /C calc'!A0\n") },
    {
      entries: [
        [2, { k: "1", v: "'; DROP TABLE t; --" }],
        [3, { k: "2", v: "=cmd|' /C calc'!A0" }],
      ],
    },
  ],
];

describe("readDelimitedRows", () => {
  it.each(cases)("%s", async (_name, given, want) => {
    for (const size of [1, 7, 65536]) {
      const reader = readDelimitedRows(chunked(given.bytes, size), given.opts);
      const entries = await collect(reader);
      expect(summary(entries), `chunks of ${size}`).toEqual(want.entries);
      if (want.encoding !== undefined) expect(reader.encoding).toBe(want.encoding);
      if (want.delimiter !== undefined) expect(reader.delimiter).toBe(want.delimiter);
    }
  });

  it("a __proto__ header is an own property of the row, never its prototype", async () => {
    const bytes = utf8('__proto__,constructor,id\n{"polluted":1},x,1\n');
    const [entry] = await collect(readDelimitedRows(chunked(bytes)));
    const row = entry?.row as Record<string, string>;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe('{"polluted":1}');
    expect(row.constructor).toBe("x");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("tells the header it read, and renders messages in the requested language", async () => {
    const bytes = utf8("a,,b\n1\n");
    const reader = readDelimitedRows(chunked(bytes), { lang: "en" });
    const entries = await collect(reader);
    expect(reader.header).toEqual(["a", "", "b"]);
    expect(entries.map((e) => e.issue?.message)).toEqual([
      "header column 2 has no name, so the column is ignored: give it a name or remove it.",
      "the row has 1 columns but the header has 3: look for a missing or extra delimiter or an unclosed quote.",
    ]);
    const zh = await collect(readDelimitedRows(chunked(bytes)));
    expect(zh[0]?.issue?.message).toBe("表头第 2 列没有列名，该列已忽略。请填写列名或删除该列。");
  });

  it("reads a path, choosing the delimiter from its extension", async () => {
    const csv = readDelimitedRows(join(fixtures, "stream/applicants.csv"));
    const rows = (await collect(csv)).filter((e) => e.row !== undefined);
    expect(csv.delimiter).toBe(",");
    expect(rows[0]?.row?.["地址.detail"]).toBe('北京市朝阳区, "某"街道');
    const tsv = readDelimitedRows(join(fixtures, "stream/applicants.tsv"));
    const first = (await collect(tsv))[0];
    expect(tsv.delimiter).toBe("\t");
    expect(first?.row).toEqual({ residentId: "11010519491231002X", name: "张三", age: "5" });
  });

  it("empty input: no entries, nothing detected", async () => {
    const reader = readDelimitedRows(chunked(Buffer.alloc(0)));
    expect(await collect(reader)).toEqual([]);
    expect(reader.encoding).toBeUndefined();
    expect(reader.header).toBeUndefined();
  });

  it.each([
    [
      "UTF-16 is refused",
      () => readDelimitedRows(chunked(Buffer.from("\uFEFFa,b\n", "utf16le"))),
      "unsupported_encoding",
    ],
    [
      "a missing file",
      () => readDelimitedRows(join(tmpdir(), "govex-no-such-dir", "x.csv")),
      "input_not_found",
    ],
    [
      "a directory",
      () => readDelimitedRows(mkdtempSync(join(tmpdir(), "govex-rows-"))),
      "input_is_directory",
    ],
    [
      "an aborted read",
      () => readDelimitedRows(chunked(utf8("a\n1\n")), { signal: AbortSignal.abort() }),
      "aborted",
    ],
  ])("%s throws a GovexValidatorError", async (_name, make, code) => {
    const error = await collect(make()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(GovexValidatorError);
    expect((error as GovexValidatorError).code).toBe(code);
  });

  it("stops reading when the consumer stops", async () => {
    const dir = mkdtempSync(join(tmpdir(), "govex-rows-"));
    const file = join(dir, "many.csv");
    writeFileSync(file, `n\n${Array.from({ length: 100_000 }, (_, i) => i).join("\n")}\n`);
    let seen = 0;
    for await (const entry of readDelimitedRows(file)) {
      expect(entry.row?.n).toBe(String(seen));
      if (++seen === 10) break;
    }
    expect(seen).toBe(10);
  });
});
