import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli, demoData, tempFile } from "./helpers.js";

const people = join(demoData, "people.ndjson");
const ESC = "\u001b";
// The characters a report must never contain raw.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

// Values from the input end up in messages; a hostile file must not reach the terminal raw.
const hostile = tempFile(
  "hostile.ndjson",
  [
    JSON.stringify({
      name: "示例甲",
      residentId: "11010519491231002X",
      sex: "2",
      birthDate: "1949-12-31",
      mobile: `${ESC}]0;pwned\u0007${ESC}[2J\u0000\r\n<b>&"'`,
    }),
    '{"name":"x\u0001\u0085\u2028"',
    "",
  ].join("\n"),
);

/** Counts of the elements and attributes a JUnit consumer relies on. */
function junitCounts(xml: string) {
  const attr = (name: string) =>
    Number(new RegExp(`<testsuites[^>]* ${name}="(\\d+)"`).exec(xml)?.[1]);
  return {
    tests: attr("tests"),
    failures: attr("failures"),
    testcases: xml.match(/<testcase /g)?.length ?? 0,
    failureElements: xml.match(/<failure /g)?.length ?? 0,
  };
}

describe("hostile input in reports", () => {
  test("text: control characters are shown as escapes, one issue per line", async () => {
    const { code, stdout } = await cli(["validate", hostile, "--schema", "person"]);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(stdout).toContain("\\u001b]0;pwned\\u0007");
    // Summary line plus one line per issue: no line was split by the input's CR/LF.
    for (const line of stdout.trimEnd().split("\n").slice(1)) expect(line).toMatch(/^ {2}\S+:\d+ /);
  });

  test("json: one parseable object that keeps the value exactly", async () => {
    const { stdout } = await cli(["validate", hostile, "--schema", "person", "--format", "json"]);
    const report = JSON.parse(stdout);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(report.summary).toMatchObject({ records: 2, valid: 0, invalid: 2 });
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(["invalid_mobile", "invalid_json"]),
    );
  });

  test("junit: escaped markup, no characters XML 1.0 forbids", async () => {
    const { stdout } = await cli(["validate", hostile, "--schema", "person", "--format", "junit"]);
    expect(stdout).not.toMatch(XML_FORBIDDEN);
    expect(stdout).not.toContain("<b>");
    expect(stdout).toContain("&lt;b&gt;&amp;&quot;");
    // Line breaks inside attribute values as references, so parsers keep them.
    expect(stdout).toContain('message="「手机号码」(mobile)：「]0;pwned[2J&#13;&#10;');
    for (const m of stdout.matchAll(/ message="([^"]*)"/g)) expect(m[1]).not.toMatch(/[\r\n]/);
    expect(junitCounts(stdout)).toMatchObject({ tests: 2, failures: 2, testcases: 2 });
  });
});

describe("junit counts match the listed test cases", () => {
  test.each([
    ["all issues", []],
    ["--max-errors 3", ["--max-errors", "3"]],
    ["--max-errors 0", ["--max-errors", "0"]],
  ])("%s", async (_name, extra) => {
    const { stdout } = await cli([
      "validate",
      people,
      join(demoData, "system-inventory.ndjson"),
      "--schema",
      "person",
      "--format",
      "junit",
      ...extra,
    ]);
    const c = junitCounts(stdout);
    expect(c.tests).toBe(c.testcases);
    expect(c.failures).toBe(c.failureElements);
    // Both files have invalid records: each suite fails, whatever --max-errors cut.
    for (const suite of stdout.matchAll(/<testsuite [^>]*failures="(\d+)"/g))
      expect(Number(suite[1])).toBeGreaterThan(0);
  });
});

describe("language and colour", () => {
  test.each([
    [{ LANG: "en_US.UTF-8" }, [], "27 records, 20 valid, 7 invalid"],
    [{ LC_ALL: "en_GB.UTF-8", LANG: "zh_CN.UTF-8" }, [], "27 records"],
    [{ LANG: "zh_CN.UTF-8" }, [], "27 条记录"],
    [{ LANG: "C.UTF-8" }, [], "27 条记录"],
    [{ LANG: "en_US.UTF-8" }, ["--lang", "zh-CN"], "27 条记录"],
    [{ LANG: "zh_CN.UTF-8" }, ["--lang=en"], "27 records"],
  ])("env %o with %j → %s", async (env, flags, want) => {
    const { stdout } = await cli(["validate", people, "--schema", "person", ...flags], env);
    expect(stdout).toContain(want);
  });

  test.each([
    ["a terminal", true, {}, true],
    ["a terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
    ["a terminal with TERM=dumb", true, { TERM: "dumb" }, false],
    ["a pipe", false, {}, false],
  ])("%s → coloured: %s", async (_name, tty, env, coloured) => {
    const { stdout } = await cli(["validate", people, "--schema", "person"], env, tty);
    expect(stdout.includes(ESC)).toBe(coloured);
  });
});

describe("usage errors name the problem and the fix", () => {
  test.each([
    [["validate", people, "--schema", "person", "--bogus"], "zh-CN", "未知选项「--bogus」"],
    [
      ["validate", people, "--schema", "person", "--bogus", "--lang", "en"],
      "en",
      'unknown option "--bogus"',
    ],
    [["validate", people, "--lang=en", "--bogus"], "en", 'unknown option "--bogus"'],
    [["validate", people, "--schema"], "zh-CN", "选项 --schema 缺少取值"],
    [["validate", people, "--lang", "en", "--schema"], "en", "option --schema needs a value"],
    [["validate", people, "--schema", "person", "--max-errors", "1.5"], "en", "--max-errors"],
    [["validate", people, "--schema", "person", "--lang", "fr"], "zh-CN", "--lang"],
    [["validate", people, "--schema", "no-such-spec", "--lang", "en"], "en", "no-such-spec"],
  ])("%j", async (argv, _lang, want) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(want);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("no command: exit 2, the help on stderr, nothing on stdout", async () => {
    const { code, stdout, stderr } = await cli([]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("govex validate");
  });

  test("validate --help prints the help and exits 0", async () => {
    const { code, stdout } = await cli(["validate", "--help"], { LANG: "en_US.UTF-8" });
    expect(code).toBe(0);
    expect(stdout).toContain("--max-errors");
  });
});
