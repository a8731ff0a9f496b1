/**
 * Real history: every spec file in this repository's specs/ with more than one committed
 * version is diffed against its previous version, and the specs/data/v1 set against
 * the set before the commit that added cloudevent.schema.json (1.0.0 → 1.1.0).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  CHECKS,
  type DiffResult,
  diffOpenApi,
  diffSchemaSets,
  formatDiff,
} from "../../src/diff/index.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const git = (...args: string[]) =>
  execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const read = (rev: string, path: string): unknown =>
  parse(git("show", `${rev}:${path}`), { maxAliasCount: -1 });
const IDS = new Set(CHECKS.map((c) => c.id));

const files = git("ls-files", "specs")
  .split("\n")
  .filter((f) => /\.(schema\.json|ya?ml)$/.test(f));
const history = files
  .map((path) => ({
    path,
    revs: git("log", "--format=%H", "--", path).trim().split("\n").filter(Boolean),
  }))
  .filter((h) => h.revs.length > 1);

function diffFile(path: string, older: string, newer: string): DiffResult {
  const a = read(older, path);
  const b = read(newer, path);
  return path.endsWith(".schema.json")
    ? diffSchemaSets({ [path]: a }, { [path]: b })
    : diffOpenApi(a, b);
}

function sane(result: DiffResult): void {
  expect(Number.isFinite(result.counts.ERR + result.counts.WARN + result.counts.INFO)).toBe(true);
  expect(result.counts.ERR + result.counts.WARN + result.counts.INFO).toBe(result.changes.length);
  for (const change of result.changes) {
    expect(IDS.has(change.id)).toBe(true);
    expect(change.message.en.length).toBeGreaterThan(0);
  }
}

describe("real history of specs/", () => {
  it("has spec files with more than one version", () => {
    expect(history.map((h) => h.path)).toContain("specs/exchange/v1/openapi.yaml");
  });

  for (const { path, revs } of history) {
    it(`${path}: each version against the one before, stable`, () => {
      for (let i = 0; i + 1 < revs.length; i++) {
        const newer = revs[i] as string;
        const older = revs[i + 1] as string;
        const result = diffFile(path, older, newer);
        sane(result);
        expect(formatDiff(diffFile(path, older, newer), "json")).toBe(formatDiff(result, "json"));
      }
    });
  }

  it("specs/exchange: the event delivery webhook is new surface (INFO webhook-added)", () => {
    const commit = git(
      "log",
      "--format=%H",
      "--grep=event delivery webhook",
      "--",
      "specs/exchange/v1/openapi.yaml",
    )
      .trim()
      .split("\n")[0] as string;
    const result = diffFile("specs/exchange/v1/openapi.yaml", `${commit}~1`, commit);
    expect(result.changes.map((c) => [c.id, c.level, c.location])).toContainEqual([
      "webhook-added",
      "INFO",
      "webhook resourceChanged",
    ]);
    expect(result.counts.ERR).toBe(0);
  });

  it("specs/exchange: fixing the shareType enum removed a request enum value (ERR)", () => {
    const commit = git(
      "log",
      "--format=%H",
      "--grep=fix the shareType enum",
      "--",
      "specs/exchange/v1/openapi.yaml",
    )
      .trim()
      .split("\n")[0] as string;
    const result = diffFile("specs/exchange/v1/openapi.yaml", `${commit}~1`, commit);
    expect(
      result.changes
        .filter((c) => c.id === "request-enum-value-removed")
        .map((c) => [c.level, c.location]),
    ).toEqual([["ERR", "GET /catalog/entries query parameter shareType"]]);
  });

  it("specs/data/v1 1.0.0 → 1.1.0 added cloudevent.schema.json (INFO schema-added)", () => {
    const added = git(
      "log",
      "--diff-filter=A",
      "--format=%H",
      "--",
      "specs/data/v1/cloudevent.schema.json",
    ).trim();
    const set = (rev: string) => {
      const out: Record<string, unknown> = {};
      for (const file of git("ls-tree", "-r", "--name-only", rev, "specs/data/v1").split("\n")) {
        if (file.endsWith(".schema.json"))
          out[file.slice("specs/data/v1/".length)] = read(rev, file);
      }
      return out;
    };
    const result = diffSchemaSets(set(`${added}~1`), set(added));
    sane(result);
    expect(result.changes.map((c) => [c.id, c.level, c.location])).toContainEqual([
      "schema-added",
      "INFO",
      "cloudevent.schema.json",
    ]);
    expect(result.counts.ERR).toBe(0);
    const now = set("HEAD");
    expect(diffSchemaSets(now, structuredClone(now)).changes).toEqual([]);
  });
});
