import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getValidator, validateFile } from "@govex/validator";
import { describe, expect, test } from "vitest";

const dataDir = join(import.meta.dirname, "..", "data");
const expected = JSON.parse(readFileSync(join(dataDir, "expected.json"), "utf8")) as Record<
  string,
  {
    schema: string;
    records: number;
    valid: number;
    invalid: number;
    issues: { record: number; path: string; code: string }[];
  }
>;

// The quickstart's main job checks the same file; this keeps the data set from rotting unseen.
describe("demo data set", () => {
  test.each(Object.entries(expected))(
    "%s validates exactly as data/expected.json says",
    async (file, want) => {
      const report = await validateFile(join(dataDir, file), await getValidator(want.schema));
      expect({
        records: report.records,
        valid: report.valid,
        invalid: report.invalid,
        issues: report.issues.map(({ record, path, code }) => ({ record, path, code })),
      }).toEqual({
        records: want.records,
        valid: want.valid,
        invalid: want.invalid,
        issues: want.issues,
      });
    },
  );
});

describe("the generator", () => {
  test("regenerates the committed data files byte for byte (fixed seed)", () => {
    const out = mkdtempSync(join(tmpdir(), "govex-demo-"));
    const script = join(import.meta.dirname, "..", "scripts", "make-data.ts");
    const r = spawnSync(
      process.execPath,
      ["--conditions=@govex/source", "--import", "tsx", script, out],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const file of Object.keys(expected))
      expect(readFileSync(join(out, file)).equals(readFileSync(join(dataDir, file))), file).toBe(
        true,
      );
  });

  test("people are synthetic: born 1900–1909, so no identifier belongs to a living person", () => {
    const lines = readFileSync(join(dataDir, "people.ndjson"), "utf8").trim().split("\n");
    for (const line of lines) {
      const id = (JSON.parse(line) as { residentId: string }).residentId;
      expect(id.slice(6, 9), id).toBe("190");
    }
  });
});
