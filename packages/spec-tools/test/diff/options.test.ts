import { describe, expect, it } from "vitest";
import { diffOpenApi, diffSchemaSets, parseIgnoreFile } from "../../src/diff/index.js";
import { asSet, inRequest } from "./wrap.js";

const OLD = {
  type: "object",
  properties: { name: { type: "string", maxLength: 50 }, code: { enum: ["a", "b"] } },
};
const NEW = {
  type: "object",
  properties: { name: { type: "string", maxLength: 20 }, code: { enum: ["a"] } },
  description: "新",
};

describe("severity overrides", () => {
  it("change the level and the counts", () => {
    const result = diffSchemaSets(asSet(OLD), asSet(NEW), {
      severity: { "schema-max-length-decreased": "WARN" },
    });
    expect(result.changes.map((c) => [c.id, c.level])).toEqual([
      ["description-changed", "INFO"],
      ["schema-max-length-decreased", "WARN"],
      ["schema-enum-value-removed", "ERR"],
    ]);
    expect(result.counts).toEqual({ ERR: 1, WARN: 1, INFO: 1 });
    expect(result.changes[1]?.message.en).toContain("check that the consumers are not affected");
  });

  it('"off" drops a check entirely', () => {
    const result = diffSchemaSets(asSet(OLD), asSet(NEW), {
      severity: { "description-changed": "off" },
    });
    expect(result.changes.map((c) => c.id)).toEqual([
      "schema-max-length-decreased",
      "schema-enum-value-removed",
    ]);
    expect(result.ignored).toEqual([]);
  });

  it("an override named __proto__ is data, not a prototype", () => {
    const severity = JSON.parse('{"__proto__": "off"}') as Record<string, "off">;
    expect(diffSchemaSets(asSet(OLD), asSet(NEW), { severity }).changes).toHaveLength(3);
  });
});

describe("ignore rules", () => {
  it("move matching changes to `ignored` with their reason", () => {
    const ignore = parseIgnoreFile(
      [
        "# accepted with the provinces, 2026-03",
        "",
        "request-max-length-decreased POST /t request body /name # 省级平台均已适配 20 字符",
        "request-enum-* POST /t request body /* # code b was never issued",
      ].join("\n"),
    );
    const result = diffOpenApi(inRequest(OLD), inRequest(NEW), { ignore });
    expect(result.changes.map((c) => c.id)).toEqual(["description-changed"]);
    expect(result.ignored.map((i) => [i.change.id, i.reason])).toEqual([
      ["request-max-length-decreased", "省级平台均已适配 20 字符"],
      ["request-enum-value-removed", "code b was never issued"],
    ]);
    expect(result.counts).toEqual({ ERR: 0, WARN: 0, INFO: 1 });
  });

  it("match the location exactly unless it has a *", () => {
    const ignore = [
      { id: "request-max-length-decreased", location: "POST /t request body", reason: "r" },
    ];
    expect(diffOpenApi(inRequest(OLD), inRequest(NEW), { ignore }).ignored).toEqual([]);
  });

  it("without a location match every place", () => {
    const result = diffOpenApi(inRequest(OLD), inRequest(NEW), {
      ignore: [{ id: "description-changed", reason: "docs" }],
    });
    expect(result.ignored.map((i) => i.change.id)).toEqual(["description-changed"]);
  });
});

describe("parseIgnoreFile", () => {
  it.each([
    [
      "id, location and reason",
      "request-property-removed POST /x request body /a # agreed",
      [{ id: "request-property-removed", location: "POST /x request body /a", reason: "agreed" }],
    ],
    [
      "no location",
      "description-changed # docs churn",
      [{ id: "description-changed", reason: "docs churn" }],
    ],
    [
      "a glob id",
      "schema-* person.schema.json * # person is still a draft",
      [{ id: "schema-*", location: "person.schema.json *", reason: "person is still a draft" }],
    ],
    [
      "CRLF, BOM, comments and blank lines",
      "\uFEFF# c\r\n\r\n  path-removed /old # gone\r\n",
      [{ id: "path-removed", location: "/old", reason: "gone" }],
    ],
    [
      "a # inside the reason",
      "path-removed /old # see issue #12",
      [{ id: "path-removed", location: "/old", reason: "see issue #12" }],
    ],
  ])("%s", (_name, text, want) => {
    expect(parseIgnoreFile(text)).toEqual(want);
  });

  it.each([
    ["no reason", "ok\n\nrequest-property-removed POST /x", /line 3: no reason/],
    ["an empty reason", "request-property-removed POST /x #   ", /line 1: empty reason/],
    [
      "an unknown check id",
      "request-property-vanished POST /x # typo",
      /line 1: unknown check id "request-property-vanished"/,
    ],
    ["not an id", "Request_Property POST /x # x", /line 1: "Request_Property" is not a check id/],
  ])("rejects %s with the line number", (_name, text, error) => {
    const lines = text.startsWith("ok") ? text.replace("ok", "# ok") : text;
    expect(() => parseIgnoreFile(lines)).toThrow(error);
  });
});
