/**
 * select.ts and keyset.ts are shared with @govex/adapter-rest as identical copies until they
 * move into @govex/adapter; this keeps the copies from drifting apart.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

describe("shared files", () => {
  it.each(["select.ts", "keyset.ts"])("%s is the same as in @govex/adapter-rest", async (file) => {
    const soap = await readFile(new URL(`../src/${file}`, import.meta.url), "utf8");
    const rest = await readFile(new URL(`../../adapter-rest/src/${file}`, import.meta.url), "utf8");
    expect(soap).toBe(rest);
  });
});
