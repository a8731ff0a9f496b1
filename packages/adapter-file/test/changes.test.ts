import { rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceChange } from "@govex/adapter";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { FileSource } from "../src/index.js";
import { issueSummary, open, scanAll, tempMappingDir } from "./helpers/files.js";

const at = (iso: string) => new Date(iso);

/** Write a file and give it a known mtime. */
function put(dir: string, name: string, content: string | Uint8Array, mtime?: string): void {
  writeFileSync(join(dir, name), content);
  if (mtime !== undefined) utimesSync(join(dir, name), at(mtime), at(mtime));
}

/** [op, key, time?, row?] of each change. */
function brief(changes: SourceChange[]): unknown[] {
  return changes.map((c) =>
    c.op === "upsert" ? [c.op, c.key, c.time, c.row] : [c.op, c.key, c.time],
  );
}

async function next(source: FileSource, position?: string, limit = 100) {
  return source.changes({
    keyField: "id",
    fields: [],
    limit,
    ...(position === undefined ? {} : { position }),
  });
}

const seqOf = (position: string) => Number(position.split("-")[1]);

describe("changes: a new or changed file is a change", () => {
  it("never goes back in time, even when an older file changes after a newer one", async () => {
    const { base, data } = tempMappingDir();
    put(data, "new.csv", "id,name\n1,甲\n", "2024-05-01T00:00:00Z");
    const source = await open(base, { rescanIntervalMs: 3_600_000 });
    const first = await next(source);
    put(data, "old.csv", "id,name\n2,乙\n", "2024-01-01T00:00:00Z");
    const second = await next(source, first.position);
    expect(brief(second.changes)).toEqual([
      ["upsert", "2", "2024-05-01T00:00:00.000Z", { id: "2", name: "乙" }],
    ]);
  });

  it("snapshot, then upserts and deletes as files change, are added and removed", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id,name\n1,甲\n2,乙\n3,丙\n", "2024-01-01T00:00:00Z");
    put(data, "b.csv", "id,name\n10,癸\n", "2024-01-02T00:00:00Z");
    const source = await open(base, { rescanIntervalMs: 3_600_000 });

    // The feed begins with a snapshot of every row, timed by its file's mtime: oldest file
    // first, then by key, so times never go back along the feed.
    const first = await next(source);
    expect(brief(first.changes)).toEqual([
      ["upsert", "1", "2024-01-01T00:00:00.000Z", { id: "1", name: "甲" }],
      ["upsert", "2", "2024-01-01T00:00:00.000Z", { id: "2", name: "乙" }],
      ["upsert", "3", "2024-01-01T00:00:00.000Z", { id: "3", name: "丙" }],
      ["upsert", "10", "2024-01-02T00:00:00.000Z", { id: "10", name: "癸" }],
    ]);
    const p1 = first.position;
    expect(await next(source, p1)).toEqual({ changes: [], position: p1 });

    // A changed file: a changed row, a removed row and a new row.
    put(data, "a.csv", "id,name\n1,甲\n2,乙二\n4,丁\n", "2024-02-01T00:00:00Z");
    // (Times never go back: an older file changed later is stamped no earlier than the feed's last time.)
    const second = await next(source, p1);
    expect(brief(second.changes)).toEqual([
      ["upsert", "2", "2024-02-01T00:00:00.000Z", { id: "2", name: "乙二" }],
      ["delete", "3", "2024-02-01T00:00:00.000Z"],
      ["upsert", "4", "2024-02-01T00:00:00.000Z", { id: "4", name: "丁" }],
    ]);
    expect(seqOf(second.position)).toBeGreaterThan(seqOf(p1));
    const p2 = second.position;

    // A new mtime over the same content is no change.
    utimesSync(join(data, "b.csv"), at("2024-03-01T00:00:00Z"), at("2024-03-01T00:00:00Z"));
    expect((await next(source, p2)).changes).toEqual([]);

    // A new workbook.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("s");
    sheet.addRow(["id", "name"]);
    sheet.addRow(["20", "表一"]);
    sheet.addRow(["21", "表二"]);
    put(data, "c.xlsx", Buffer.from(await workbook.xlsx.writeBuffer()), "2024-04-01T00:00:00Z");
    const third = await next(source, p2);
    expect(brief(third.changes)).toEqual([
      ["upsert", "20", "2024-04-01T00:00:00.000Z", { id: "20", name: "表一" }],
      ["upsert", "21", "2024-04-01T00:00:00.000Z", { id: "21", name: "表二" }],
    ]);

    // A removed file: its rows are deleted, at the time the removal was seen.
    rmSync(join(data, "a.csv"));
    const before = Date.now();
    const fourth = await next(source, third.position);
    const after = Date.now();
    expect(fourth.changes.map((c) => [c.op, c.key])).toEqual([
      ["delete", "1"],
      ["delete", "2"],
      ["delete", "4"],
    ]);
    for (const c of fourth.changes) {
      expect(Date.parse(c.time)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(c.time)).toBeLessThanOrEqual(after + 1);
    }
    expect((await scanAll(source, "id")).map((r) => r.id)).toEqual(["10", "20", "21"]);

    // From the start, the compacted log holds each key once, in the order of its last change.
    const all = await next(source);
    expect(all.changes.map((c) => [c.op, c.key])).toEqual([
      ["upsert", "10"],
      ["delete", "3"],
      ["upsert", "20"],
      ["upsert", "21"],
      ["delete", "1"],
      ["delete", "2"],
      ["delete", "4"],
    ]);
    expect(all.position).toBe(fourth.position);
  });

  it("a file that turns unreadable keeps its rows (no deletes) until it is fixed", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id,name\n1,甲\n2,乙\n", "2024-01-01T00:00:00Z");
    const source = await open(base);
    const start = await next(source);
    put(data, "a.csv", "", "2024-01-05T00:00:00Z");
    const broken = await next(source, start.position);
    expect(broken.changes).toEqual([]);
    expect(issueSummary(source)).toEqual([["file_empty", "a.csv", undefined]]);
    expect(await source.get({ keyField: "id", key: "1", fields: [] })).toEqual({
      id: "1",
      name: "甲",
    });
    expect((await source.check()).status).toBe("degraded");
    put(data, "a.csv", 'id,name\n1,甲\n2,"乙\n', "2024-01-06T00:00:00Z");
    const quote = await next(source, broken.position);
    expect(brief(quote.changes)).toEqual([["delete", "2", "2024-01-06T00:00:00.000Z"]]);
    expect(issueSummary(source)).toEqual([["csv_unterminated_quote", "a.csv", 3]]);
    put(data, "a.csv", "id,name\n1,甲\n2,乙\n", "2024-01-07T00:00:00Z");
    const fixed = await next(source, quote.position);
    expect(brief(fixed.changes)).toEqual([
      ["upsert", "2", "2024-01-07T00:00:00.000Z", { id: "2", name: "乙" }],
    ]);
    expect(source.issues()).toEqual([]);
  });

  it("a key that becomes duplicated is withdrawn, and comes back when the duplicate goes", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id,name\n1,甲\n", "2024-01-01T00:00:00Z");
    const source = await open(base);
    const start = await next(source);
    put(data, "b.csv", "id,name\n1,甲\n", "2024-01-02T00:00:00Z");
    const dup = await next(source, start.position);
    expect(brief(dup.changes)).toEqual([["delete", "1", "2024-01-01T00:00:00.000Z"]]);
    expect(issueSummary(source)).toEqual([["duplicate_key", "a.csv", 2]]);
    rmSync(join(data, "b.csv"));
    const back = await next(source, dup.position);
    expect(brief(back.changes)).toEqual([
      ["upsert", "1", "2024-01-01T00:00:00.000Z", { id: "1", name: "甲" }],
    ]);
  });

  it("a same-size rewrite within the same mtime is still seen (racy fingerprints are re-hashed)", async () => {
    const { base, data } = tempMappingDir();
    // A whole second, so that setting it again gives the very same mtime, and ten minutes ahead
    // (a clock skew), so that the fingerprint stays racy however slow the machine is.
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 + 600_000);
    put(data, "a.csv", "id,name\n1,aa\n", mtime.toISOString());
    const source = await open(base);
    const start = await next(source);
    // Same size, same mtime, other content: only the SHA-256 can tell.
    put(data, "a.csv", "id,name\n1,bb\n", mtime.toISOString());
    expect(statSync(join(data, "a.csv")).mtimeMs).toBe(mtime.getTime());
    const page = await next(source, start.position);
    expect(page.changes.map((c) => [c.op, c.key, c.row])).toEqual([
      ["upsert", "1", { id: "1", name: "bb" }],
    ]);
    expect(source.files()[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("pages with a limit, only forward; positions of another run restart from the snapshot", async () => {
    const { base, data } = tempMappingDir();
    put(
      data,
      "a.csv",
      `id\n${Array.from({ length: 25 }, (_, i) => i).join("\n")}\n`,
      "2024-01-01T00:00:00Z",
    );
    const source = await open(base);
    const keys: string[] = [];
    let position: string | undefined;
    let last = 0;
    for (;;) {
      const page = await next(source, position, 7);
      expect(seqOf(page.position)).toBeGreaterThanOrEqual(last);
      last = seqOf(page.position);
      if (page.changes.length === 0) break;
      keys.push(...page.changes.map((c) => c.key));
      position = page.position;
    }
    expect(keys.length).toBe(25);
    expect(new Set(keys).size).toBe(25);

    // A position from before a restart (another epoch) starts over from the snapshot.
    const restarted = await open(base);
    const replay = await next(restarted, position, 100);
    expect(replay.changes.length).toBe(25);
    expect(replay.changes.every((c) => c.op === "upsert")).toBe(true);
    expect(replay.position.split("-")[0]).not.toBe(position?.split("-")[0]);

    for (const bad of [
      "",
      "x",
      "123",
      "abcdefabcdef-",
      "abcdefabcdef-01",
      "ABCDEFABCDEF-1",
      "a-1-2",
    ]) {
      await expect(next(source, bad), bad).rejects.toMatchObject({
        code: "bad_request",
        path: "/cursor",
      });
    }
    const ahead = `${(position as string).split("-")[0]}-999999`;
    await expect(next(source, ahead)).rejects.toMatchObject({ code: "bad_request" });
  });

  it("projects change rows to the fields asked for, always with the key", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id,name,secret\n1,甲,x\n", "2024-01-01T00:00:00Z");
    const source = await open(base);
    const page = await source.changes({ keyField: "id", fields: ["name"], limit: 10 });
    expect(page.changes[0]?.row).toEqual({ id: "1", name: "甲" });
  });

  it("query and get see new files after rescanIntervalMs; changes and rescan always look", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id\n1\n");
    const lazy = await open(base, { rescanIntervalMs: 3_600_000 });
    const eager = await open(base, { rescanIntervalMs: 0 });
    put(data, "b.csv", "id\n2\n");
    expect((await scanAll(eager, "id")).map((r) => r.id)).toEqual(["1", "2"]);
    expect((await scanAll(lazy, "id")).map((r) => r.id)).toEqual(["1"]);
    expect(await lazy.rescan()).toBe(true);
    expect(await lazy.rescan()).toBe(false);
    expect((await scanAll(lazy, "id")).map((r) => r.id)).toEqual(["1", "2"]);
  });

  it("concurrent rescans are serialised and see every change", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id\n1\n");
    const source = await open(base);
    const start = await next(source);
    put(data, "b.csv", "id\n2\n");
    const pages = await Promise.all([next(source, start.position), next(source, start.position)]);
    for (const page of pages) expect(page.changes.map((c) => c.key)).toEqual(["2"]);
    expect(pages[0]?.position).toBe(pages[1]?.position);
  });

  it("a directory that disappears: changes is unavailable, queries serve the last rows, check is degraded", async () => {
    const { base, data } = tempMappingDir();
    put(data, "a.csv", "id\n1\n");
    const source = await open(base, { rescanIntervalMs: 0 });
    const start = await next(source);
    rmSync(data, { recursive: true });
    await expect(next(source, start.position)).rejects.toMatchObject({ code: "unavailable" });
    expect((await scanAll(source, "id")).map((r) => r.id)).toEqual(["1"]);
    expect(await source.check()).toMatchObject({ status: "degraded" });
    expect(issueSummary(source)).toEqual([["directory_unreadable", undefined, undefined]]);
  });
});
