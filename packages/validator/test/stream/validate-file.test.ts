import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getValidator, validateFile } from "../../src/index.js";
import { fixtures } from "../helpers/io.js";

const applicant = join(fixtures, "schemas/applicant.schema.json");

describe("validateFile", () => {
  const cases: [string, object][] = [
    ["applicants.ndjson", { records: 6, valid: 3, invalid: 3, format: "ndjson", encoding: "utf8" }],
    ["applicants.json", { records: 7, valid: 2, invalid: 5, format: "json" }],
    ["applicants.csv", { records: 6, valid: 2, invalid: 4, format: "csv" }],
    ["applicants.tsv", { records: 2, valid: 1, invalid: 1, format: "tsv" }],
  ];
  it.each(cases)("%s", async (file, want) => {
    const report = await validateFile(
      join(fixtures, "stream", file),
      await getValidator(applicant),
      { lang: "en" },
    );
    expect(report).toMatchObject({ ...want, truncated: false });
    for (const i of report.issues) expect(i.message).not.toMatch(/[\u4e00-\u9fff]{4}/);
  });

  it("caps the report's issues and says so", async () => {
    const report = await validateFile(
      join(fixtures, "stream", "applicants.csv"),
      await getValidator(applicant),
      {
        maxReportIssues: 2,
      },
    );
    expect(report.issues).toHaveLength(2);
    expect(report.truncated).toBe(true);
    expect(report.records).toBe(6);
  });

  it("reports progress and honours an abort signal", async () => {
    const seen: number[] = [];
    await validateFile(
      join(fixtures, "stream", "applicants.ndjson"),
      await getValidator(applicant),
      {
        onProgress: (n) => seen.push(n),
      },
    );
    expect(seen.at(-1)).toBeGreaterThan(0);
    const ac = new AbortController();
    ac.abort();
    await expect(
      validateFile(join(fixtures, "stream", "applicants.ndjson"), await getValidator(applicant), {
        signal: ac.signal,
      }),
    ).rejects.toMatchObject({ code: "aborted" });
  });
});
