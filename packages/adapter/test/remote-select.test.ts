import { describe, expect, it } from "vitest";
import { normalizeTime } from "../src/remote/keyset.js";
import {
  compileSelector,
  compileTemplate,
  compileValueTemplate,
  looksSecret,
  parseJsonText,
} from "../src/remote/select.js";

describe("parseJsonText", () => {
  const cases: [string, { given: string; want: unknown }][] = [
    [
      "plain JSON",
      { given: '{"a":[1,2.5,-3e2,true,null,"x"]}', want: { a: [1, 2.5, -300, true, null, "x"] } },
    ],
    [
      "an integer beyond 2^53 stays exact",
      { given: '{"id":12345678901234567890}', want: { id: "12345678901234567890" } },
    ],
    ["a negative one too", { given: "[-9007199254740993]", want: ["-9007199254740993"] }],
    ["2^53 − 1 stays a number", { given: "[9007199254740991]", want: [9007199254740991] }],
    [
      "a big number inside a string is left alone",
      { given: '["12345678901234567890"]', want: ["12345678901234567890"] },
    ],
    [
      "brackets and escaped quotes inside strings do not count",
      { given: '{"s":"[[[{\\"]]"}', want: { s: '[[[{"]]' } },
    ],
    ["a string ending in an escaped backslash", { given: '["a\\\\",[1]]', want: ["a\\", [1]] }],
    [
      "__proto__ members are dropped",
      { given: '{"__proto__":{"x":1},"a":{"__proto__":[]},"b":2}', want: { a: {}, b: 2 } },
    ],
    ["even when escaped", { given: '{"\\u005f\\u005fproto\\u005f\\u005f":{"x":1}}', want: {} }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const parsed = parseJsonText(given, 8);
    expect(parsed).toEqual(want);
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it("refuses nesting beyond maxDepth before parsing", () => {
    expect(() => parseJsonText(`${"[".repeat(9)}${"]".repeat(9)}`, 8)).toThrow(/deeper than 8/);
    expect(parseJsonText(`${"[".repeat(8)}${"]".repeat(8)}`, 8)).toBeDefined();
  });
});

describe("templates", () => {
  const cases: [
    string,
    { text: string; vars: Record<string, string | number | undefined>; want: unknown },
  ][] = [
    ["one variable keeps its type", { text: "{page}", vars: { page: 3 }, want: 3 }],
    ["text around a variable", { text: "p-{page}", vars: { page: 3 }, want: "p-3" }],
    ["literal braces", { text: "{{x}}-{page}", vars: { page: 1 }, want: "{x}-1" }],
    ["an undefined value leaves the parameter out", { text: "{after}", vars: {}, want: undefined }],
    [
      "Chinese and injection text pass as values",
      { text: "{key}", vars: { key: "张三'; DROP TABLE--" }, want: "张三'; DROP TABLE--" },
    ],
  ];
  it.each(cases)("%s", (_name, { text, vars, want }) => {
    expect(compileTemplate(text, ["page", "after", "key"], "/t").renderValue(vars)).toEqual(want);
  });

  it("renders JSON-like values, leaving out undefined members, keeping __proto__ as data", () => {
    const given = JSON.parse(
      '{"pageNum":"{page}","q":{"after":"{after}","__proto__":"{page}"},"list":["{page}","{after}"]}',
    );
    const { render, names } = compileValueTemplate(given, ["page", "after"], "/b", {});
    expect(names).toEqual(["page", "after", "page", "page", "after"]);
    const out = render({ page: 2 }) as { pageNum: unknown; q: object; list: unknown };
    expect(out.pageNum).toBe(2);
    expect(out.list).toEqual([2]);
    expect(Object.getPrototypeOf(out.q)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out.q, "__proto__")?.value).toBe(2);
    expect(Object.keys(out.q)).toEqual(["__proto__"]);
  });
});

describe("selectors", () => {
  const doc = JSON.parse('{"data":{"records":[{"a":1},{"a":2}],"a/b":{"m~n":"ok"}},"list":[]}');
  const cases: [string, unknown][] = [
    ["data.records", [{ a: 1 }, { a: 2 }]],
    ["data.records[a=2]", { a: 2 }],
    ["$", doc],
    ["/data/records", [{ a: 1 }, { a: 2 }]],
    ["/data/records/1/a", 2],
    ["/data/a~1b/m~0n", "ok"],
    ["/data/records/01", undefined],
    ["/data/records/-", undefined],
    ["/constructor", undefined],
    ["/data/toString", undefined],
    ["nothing.here", undefined],
  ];
  it.each(cases)("%s", async (text, want) => {
    expect(await compileSelector(text, "/s").evaluate(doc)).toEqual(want);
  });
});

describe("looksSecret", () => {
  const cases: [string, boolean][] = [
    ["Bearer abc", true],
    ["Basic dXNlcjpwYXNz", true],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", true],
    ["9f86d081884c7d659a2feaa0c55ad015", true],
    ["application/json", false],
    ["zh-CN", false],
    ["370102-MZ", false],
    ["XMLHttpRequest", false],
  ];
  it.each(cases)("%s → %s", (value, want) => {
    expect(looksSecret(value)).toBe(want);
  });
});

describe("normalizeTime", () => {
  const cases: [unknown, string][] = [
    ["2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z"],
    ["2024-03-01t10:00:00.5z", "2024-03-01T10:00:00.5Z"],
    ["2024-03-01 10:00:00+08:00", "2024-03-01T10:00:00+08:00"],
    ["2024-03-01 10:00:00", "2024-03-01T10:00:00+08:00"],
    ["20240301100000", "2024-03-01T10:00:00+08:00"],
    [1709258400000, "2024-03-01T02:00:00.000Z"],
    [1709258400, "2024-03-01T02:00:00.000Z"],
  ];
  it.each(cases)("%s", (given, want) => {
    expect(normalizeTime(given, "+08:00")).toBe(want);
  });
  it.each([["2024-13-45 99:00:00"], ["yesterday"], [null], [{}]])("refuses %s", (given) => {
    expect(() => normalizeTime(given, "+08:00")).toThrow(/not understood/);
  });
});
