import { isInnerList, parseList, Token } from "@govex/security";
import { describe, expect, test } from "vitest";
import {
  authorityConflictHeader,
  checkIfMatch,
  containsPattern,
  entryFacts,
  keywordsOf,
  parseIfMatch,
} from "../src/catalog/index.js";
import { isNodeProblem } from "../src/server/problem.js";
import { claiming, entryOf } from "./catalog-fixtures.js";

const PROVIDER = "11370000MB01645665";

describe("If-Match (RFC 9110 §13.1.1)", () => {
  test.each<[string, string, number, "ok" | 412 | 400]>([
    ["a quoted version", '"3"', 3, "ok"],
    ["a bare version", "3", 3, "ok"],
    ["spaces around", '  "3"  ', 3, "ok"],
    ["any version", "*", 9, "ok"],
    ["a list with the version", '"1", "3"', 3, "ok"],
    ["a list without it", '"1", "2"', 3, 412],
    ["another version", '"2"', 3, 412],
    ["a bare other version", "4", 3, 412],
    ["leading zeros are another tag", '"03"', 3, 412],
    ["a weak tag never matches", 'W/"3"', 3, 412],
    ["an empty value", "", 3, 400],
    ["a trailing comma only", ",", 3, 400],
    ["an unquoted word", "abc", 3, 400],
    ["an injection", "'; drop table catalog_resources; --", 3, 400],
    ["an unterminated tag", '"3', 3, 400],
    ["a 64-character number", "9".repeat(64), 3, 400],
  ])("%s", (_, value, version, want) => {
    let caught: unknown;
    try {
      checkIfMatch(value, version);
    } catch (error) {
      caught = error;
    }
    if (want === "ok") expect(caught).toBeUndefined();
    else {
      expect(isNodeProblem(caught)).toBe(true);
      expect(isNodeProblem(caught) && caught.toProblem("en").status).toBe(want);
    }
  });

  test("no If-Match: the update is unconditional", () => {
    expect(() => checkIfMatch(undefined, 7)).not.toThrow();
  });

  test("a list is split into its members", () => {
    expect(parseIfMatch('"1",W/"2" , 3,*')).toEqual(['"1"', 'W/"2"', "3", "*"]);
    expect(parseIfMatch('"a,b"')).toEqual(['"a,b"']);
  });
});

describe("the Govex-Authority-Conflict header (RFC 8941 List)", () => {
  test("one String per element with the first claimant as a parameter, sorted as given", () => {
    const value = authorityConflictHeader([
      { element: "https://govex.dev/e#/$defs/a", first: "101001/000001" },
      { element: 'https://x.example/"q"\\', first: "102001/000002" },
    ]);
    expect(value).toBe(
      '"https://govex.dev/e#/$defs/a";first="101001/000001", "https://x.example/\\"q\\"\\\\";first="102001/000002"',
    );
    const parsed = parseList(value ?? "");
    expect(parsed.map((m) => !isInnerList(m) && [m.value, m.params.get("first")])).toEqual([
      ["https://govex.dev/e#/$defs/a", "101001/000001"],
      ['https://x.example/"q"\\', "102001/000002"],
    ]);
  });

  test("non-ASCII is percent-encoded as UTF-8; no conflict, no header", () => {
    expect(authorityConflictHeader([{ element: "https://例子.cn/户籍\u0000", first: "1/A" }])).toBe(
      '"https://%E4%BE%8B%E5%AD%90.cn/%E6%88%B7%E7%B1%8D%00";first="1/A"',
    );
    expect(authorityConflictHeader([])).toBeUndefined();
  });

  test("long lists stop under 4096 characters and count what they left out", () => {
    const conflicts = Array.from({ length: 20 }, (_, i) => ({
      element: `https://govex.dev/${"x".repeat(400)}/${i}`,
      first: "101001/000001",
    }));
    const value = authorityConflictHeader(conflicts) ?? "";
    expect(value.length).toBeLessThanOrEqual(4096);
    const list = parseList(value);
    const last = list[list.length - 1];
    expect(last && !isInnerList(last) && last.value).toEqual(new Token("more"));
    expect(last && !isInnerList(last) && last.params.get("omitted")).toBe(20 - (list.length - 1));
  });
});

describe("keywords", () => {
  test.each<[string, string | undefined, string[] | undefined]>([
    ["none", undefined, undefined],
    ["empty", "", undefined],
    ["white space only", " \t\u3000", undefined],
    ["one word", "户籍", ["户籍"]],
    ["ASCII and full-width spaces", " 户籍\u3000人口  户籍 ", ["户籍", "人口"]],
    [
      "at most 16 words",
      Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "),
      Array.from({ length: 16 }, (_, i) => `w${i}`),
    ],
  ])("%s", (_, q, want) => {
    expect(keywordsOf(q)).toEqual(want);
  });

  test.each([
    ["户籍", "%户籍%"],
    ["100%", "%100\\%%"],
    ["a_b", "%a\\_b%"],
    ["C:\\dir", "%C:\\\\dir%"],
    ["'", "%'%"],
  ])("LIKE pattern of %j", (word, want) => {
    expect(containsPattern(word)).toBe(want);
  });
});

describe("entry facts", () => {
  test("search text: name, abstract, keywords and item names, white space folded", () => {
    const entry = entryOf("101001/000001", PROVIDER, {
      name: "户籍  人口\n基本信息",
      abstract: "摘要",
      keywords: ["户籍", "人口"],
    });
    const { facts, issues } = entryFacts(entry);
    expect(issues).toEqual([]);
    expect(facts.searchText).toBe("户籍 人口 基本信息 摘要 户籍 人口 姓名 公民身份号码 出生日期");
    expect(facts).toMatchObject({
      resourceCode: "101001/000001",
      providerCode: PROVIDER,
      category: "1",
      classificationItem: "01",
      shareType: "有条件共享",
      updateCycle: "每日",
      claimedElements: [],
    });
  });

  test("claims: items listed in extensions.GOVEX.authoritativeItems, elements once each, sorted", () => {
    const base = entryOf("101001/000001", PROVIDER);
    base.items.push({ name: "曾用名", code: "formerName", dataType: "C" });
    const entry = claiming(base, {
      residentId: "https://e.example/b",
      name: "https://e.example/a",
      formerName: "https://e.example/a",
    });
    const { facts, issues } = entryFacts(entry);
    expect(issues).toEqual([]);
    expect(facts.claimedElements).toEqual(["https://e.example/a", "https://e.example/b"]);
    expect(facts.items.map((i) => [i.code, i.elementRef, i.authoritative])).toEqual([
      ["name", "https://e.example/a", true],
      ["residentId", "https://e.example/b", true],
      ["birthDate", null, false],
      ["formerName", "https://e.example/a", true],
    ]);
  });

  test("items without a code are kept, with a null code, and cannot be claimed", () => {
    const entry = entryOf("101001/000001", PROVIDER, {
      items: [
        { name: "备注", dataType: "M" },
        { name: "备注二", dataType: "M" },
      ],
    });
    const { facts, issues } = entryFacts(entry);
    expect(issues).toEqual([]);
    expect(facts.items.map((i) => i.code)).toEqual([null, null]);
  });
});
