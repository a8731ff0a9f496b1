import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getValidator, validateFile } from "@govex/validator";
import { describe, expect, test } from "vitest";

const dataDir = join(import.meta.dirname, "..", "data");
const expected = JSON.parse(readFileSync(join(dataDir, "expected.json"), "utf8")) as Record<
  string,
  { schema: string; records: number; valid: number; invalid: number; codes: string[] }
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
        codes: [...new Set(report.issues.map((i) => i.code))].sort(),
      }).toEqual({
        records: want.records,
        valid: want.valid,
        invalid: want.invalid,
        codes: want.codes,
      });
    },
  );
});
