import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffSchemaSets } from "../../src/diff/index.js";
import { SET_CASES } from "./set-cases.js";

const SEX = JSON.parse(
  readFileSync(new URL("../../../../specs/data/v1/code-sex.schema.json", import.meta.url), "utf8"),
) as {
  enum: string[];
  "x-enum-labels": Record<string, { "zh-CN": string; en: string }>;
};

describe("schema sets", () => {
  it.each(SET_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = diffSchemaSets(c.old, c.new);
    expect(result.changes.map((ch) => [ch.id, ch.level, ch.location])).toEqual(
      c.expected.map(([id, level, location]) => [id, level, location ?? expect.any(String)]),
    );
  });

  it("GB/T 2261.1 sex code 9 withdrawn from the code table is ERR; a relabelled code is INFO", () => {
    const now = structuredClone(SEX);
    now.enum = now.enum.filter((code) => code !== "9");
    delete now["x-enum-labels"]["9"];
    (now["x-enum-labels"]["0"] as { en: string }).en = "Unknown";
    const result = diffSchemaSets({ "code-sex.schema.json": SEX }, { "code-sex.schema.json": now });
    expect(result.changes.map((c) => [c.id, c.level, c.pointer, c.old, c.new])).toEqual([
      ["code-table-value-removed", "ERR", "code-sex.schema.json#/enum/3", "9", undefined],
      [
        "code-table-label-changed",
        "INFO",
        "code-sex.schema.json#/x-enum-labels/0",
        { "zh-CN": "未知的性别", en: "Not known" },
        { "zh-CN": "未知的性别", en: "Unknown" },
      ],
    ]);
    expect(result.counts).toEqual({ ERR: 1, WARN: 0, INFO: 1 });
    expect(result.changes[0]?.message["zh-CN"]).toContain("删除代码表中的代码");
  });

  it("says whether a change narrows or widens the data", () => {
    const narrow = diffSchemaSets(
      { "a.schema.json": { maxLength: 5 } },
      { "a.schema.json": { maxLength: 4 } },
    ).changes[0];
    const widen = diffSchemaSets(
      { "a.schema.json": { maxLength: 4 } },
      { "a.schema.json": { maxLength: 5 } },
    ).changes[0];
    expect(narrow?.message.en).toContain("narrowing");
    expect(narrow?.message["zh-CN"]).toContain("收窄");
    expect(widen?.message.en).toContain("widening");
    expect(widen?.message["zh-CN"]).toContain("放宽");
  });

  it("refuses what is not a set", () => {
    expect(() => diffSchemaSets(null as unknown as Record<string, unknown>, {})).toThrow(
      /schema set must be an object/,
    );
    expect(() => diffSchemaSets({}, [] as unknown as Record<string, unknown>)).toThrow(
      /schema set must be an object/,
    );
  });
});
