import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { personRecord } from "../../bench/generate.js";
import type { FileOptions, Validator } from "../../src/index.js";
import { getValidator, validateFile } from "../../src/index.js";
import { mergeRanges, splitOnLines, validateRange } from "../../src/stream/ndjson-range.js";
import { planParallel, resolveWorkers, workerEntry } from "../../src/stream/parallel-plan.js";
import { withEmptyCheck } from "../../src/stream/validate-file.js";
import { validateFileParallel } from "../../src/stream/validate-parallel.js";
import { fixtures } from "../helpers/io.js";

const dir = mkdtempSync(join(tmpdir(), "govex-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: Buffer | string, ext = "ndjson"): string {
  const p = join(dir, `f${++n}.${ext}`);
  writeFileSync(p, content);
  return p;
}

const person = await getValidator("person");
const applicantPath = join(fixtures, "schemas/applicant.schema.json");

// Lines that exercise every path of the NDJSON framer and the record checker.
const good = (i: number) => personRecord(i);
const KINDS: Record<string, (i: number) => Buffer | string> = {
  good,
  crlf: (i) => `${good(i)}\r`,
  blank: () => "",
  spaces: () => " \t \r",
  badJson: () => '{"name": "张三", ',
  wrongType: (i) => good(i).replace('"name":', '"name":1,"x":'),
  missing: () => '{"name":"李四"}',
  proto: () => '{"__proto__":{"polluted":true},"constructor":{"prototype":1},"name":"王五"}',
  badUtf8: () =>
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe5, 0xbc]), Buffer.from('"}')]),
  notObject: () => "[1,2,3]",
  deep: () => `${"[".repeat(600)}${"]".repeat(600)}`,
  long: (i) => `{"name":"${"长".repeat(3000 + (i % 7))}"}`,
};
const KIND_NAMES = Object.keys(KINDS);

function build(kinds: readonly string[], opts: { bom?: boolean; finalLf?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  if (opts.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  kinds.forEach((k, i) => {
    const line = (KINDS[k] as (i: number) => Buffer | string)(i);
    parts.push(Buffer.isBuffer(line) ? line : Buffer.from(line));
    if (i < kinds.length - 1 || opts.finalLf !== false) parts.push(Buffer.from("\n"));
  });
  return Buffer.concat(parts);
}

/** The parallel path's pieces, run in this thread: split, validate each range, merge. */
async function inProcess(
  path: string,
  validator: Validator,
  parts: number,
  opts: FileOptions = {},
) {
  const plan = await planParallel(path, statSync(path).size, validator, {
    ...opts,
    workers: parts,
    parallelMinBytes: 0,
  });
  if (plan === null) return null;
  const ranges = await splitOnLines(path, plan?.start ?? 0, statSync(path).size, parts);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.start).toBe(ranges[i - 1]?.end);
  const results = [];
  for (const r of ranges) results.push(await validateRange(path, r, validator, opts));
  // validateFile adds `empty_input` to a report without records, whichever path made it.
  return withEmptyCheck(mergeRanges(path, results, opts.maxReportIssues ?? 1000), opts);
}

const single = (path: string, validator: Validator, opts: FileOptions = {}) =>
  validateFile(path, validator, { ...opts, workers: 1 });

const mixed = [
  ...KIND_NAMES,
  ...Array.from({ length: 40 }, (_, i) => KIND_NAMES[(i * 7) % KIND_NAMES.length] as string),
  "good",
  "long",
  "good",
];

describe("parallel NDJSON validation gives the single-threaded report", () => {
  const cases: [string, Buffer, FileOptions][] = [
    ["every kind of line", build(mixed), { lang: "en" }],
    ["a UTF-8 BOM", build(mixed, { bom: true }), {}],
    ["no final LF", build(mixed, { finalLf: false }), {}],
    ["only blank lines", build(["blank", "spaces", "blank"]), {}],
    ["a record longer than maxRecordBytes", build(mixed), { maxRecordBytes: 5000 }],
    ["issues capped across ranges", build(mixed), { maxReportIssues: 7 }],
    ["no issues kept", build(mixed), { maxReportIssues: 0 }],
    ["maxErrors and lenient", build(mixed), { maxErrors: 1, lenient: { uscc: true } }],
  ];
  it.each(cases)("%s, cut in 2 to 9 ranges", async (_name, content, opts) => {
    const path = file(content);
    const want = await single(path, person, opts);
    for (let parts = 2; parts <= 9; parts++) {
      expect(await inProcess(path, person, parts, opts)).toEqual(want);
    }
  });

  it("keeps __proto__ keys as data and pollutes nothing", async () => {
    const path = file(build(["proto", "proto", "good", "proto"]));
    const want = await single(path, person);
    expect(await inProcess(path, person, 3)).toEqual(want);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("cuts only after an LF, whatever the nominal cut hits (a line spanning it, CRLF, a multi-byte character)", async () => {
    const content = build(["long", "crlf", "long", "badUtf8", "long"]);
    const path = file(content);
    for (let parts = 2; parts <= 12; parts++) {
      const ranges = await splitOnLines(path, 0, content.length, parts);
      expect(ranges[0]?.start).toBe(0);
      expect(ranges.at(-1)?.end).toBe(content.length);
      for (const r of ranges.slice(0, -1)) expect(content[r.end - 1]).toBe(0x0a);
    }
    // One line longer than a part: the ranges merge rather than split it.
    const oneLine = file(KINDS.long?.(0) as string);
    expect(await splitOnLines(oneLine, 0, statSync(oneLine).size, 4)).toEqual([
      { start: 0, end: statSync(oneLine).size },
    ]);
  });

  it("holds for generated files, cuts and caps (property)", async () => {
    let parallel = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...KIND_NAMES), { minLength: 0, maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 12 }),
        async (kinds, bom, finalLf, parts, maxReportIssues) => {
          const path = file(build(kinds, { bom, finalLf }));
          const want = await single(path, person, { maxReportIssues });
          const got = await inProcess(path, person, parts, { maxReportIssues });
          // A small file whose bad bytes read as GB18030 stays on one thread, as it should.
          if (got === null) expect(want.encoding).toBe("gb18030");
          else {
            parallel++;
            expect(got).toEqual(want);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(parallel).toBeGreaterThan(30);
  });
});

describe("when the parallel path runs", () => {
  const big = build(mixed);
  const cases: [string, () => Promise<unknown>, boolean][] = [
    [
      "a built-in spec, NDJSON",
      async () => planParallel(file(big), big.length, person, { workers: 2, parallelMinBytes: 0 }),
      true,
    ],
    [
      "auto workers",
      async () => planParallel(file(big), big.length, person, { parallelMinBytes: 0 }),
      resolveWorkers("auto") >= 2,
    ],
    [
      "workers: 1",
      async () => planParallel(file(big), big.length, person, { workers: 1, parallelMinBytes: 0 }),
      false,
    ],
    [
      "workers: 0 (junk)",
      async () => planParallel(file(big), big.length, person, { workers: 0, parallelMinBytes: 0 }),
      false,
    ],
    [
      "below parallelMinBytes",
      async () => planParallel(file(big), big.length, person, { workers: 2 }),
      false,
    ],
    [
      "a .csv file",
      async () =>
        planParallel(file(big, "csv"), big.length, person, { workers: 2, parallelMinBytes: 0 }),
      false,
    ],
    [
      "format: json",
      async () =>
        planParallel(file(big), big.length, person, {
          workers: 2,
          parallelMinBytes: 0,
          format: "json",
        }),
      false,
    ],
    [
      "encoding: gbk",
      async () =>
        planParallel(file(big), big.length, person, {
          workers: 2,
          parallelMinBytes: 0,
          encoding: "gbk",
        }),
      false,
    ],
    [
      "a JSON array sniffed",
      async () =>
        planParallel(file(`[${big.toString()}`, "txt"), big.length + 1, person, {
          workers: 2,
          parallelMinBytes: 0,
        }),
      false,
    ],
    [
      "UTF-16",
      async () =>
        planParallel(
          file(Buffer.concat([Buffer.from([0xff, 0xfe]), big])),
          big.length + 2,
          person,
          { workers: 2, parallelMinBytes: 0 },
        ),
      false,
    ],
    [
      "a schema object",
      async () =>
        planParallel(file(big), big.length, await getValidator({ type: "object" }), {
          workers: 2,
          parallelMinBytes: 0,
        }),
      false,
    ],
    [
      "a foreign validator",
      async () =>
        planParallel(
          file(big),
          big.length,
          { id: "x", validate: () => [] },
          { workers: 2, parallelMinBytes: 0 },
        ),
      false,
    ],
    [
      "a schema file with its own $id, named",
      async () =>
        planParallel(file(big), big.length, await getValidator(applicantPath), {
          workers: 2,
          parallelMinBytes: 0,
          schema: applicantPath,
        }),
      true,
    ],
    [
      "a schema file with its own $id, unnamed",
      async () =>
        planParallel(file(big), big.length, await getValidator(applicantPath), {
          workers: 2,
          parallelMinBytes: 0,
        }),
      false,
    ],
    [
      "a schema named that is not the validator",
      async () =>
        planParallel(file(big), big.length, person, {
          workers: 2,
          parallelMinBytes: 0,
          schema: "legal-entity",
        }),
      false,
    ],
  ];
  it.each(cases)("%s", async (_name, plan, parallel) => {
    expect((await plan()) !== null).toBe(parallel);
  });

  it("finds the worker entry beside the module", () => {
    expect(workerEntry()?.pathname).toMatch(/\/src\/stream\/validate-worker\.ts$/);
  });
});

describe("worker threads", () => {
  const content = build([...mixed, ...mixed], { bom: true });
  const path = file(content);

  it("give the single-threaded report, with progress up to the file size", async () => {
    const want = await single(path, person, { lang: "en", maxReportIssues: 30 });
    const opts: FileOptions = { lang: "en", maxReportIssues: 30, workers: 3, parallelMinBytes: 0 };
    const plan = await planParallel(path, content.length, person, opts);
    expect(plan?.workers).toBe(3);
    const seen: number[] = [];
    const got = await validateFileParallel(path, content.length, plan as NonNullable<typeof plan>, {
      ...opts,
      onProgress: (b) => seen.push(b),
    });
    expect(got).toEqual(want);
    expect(seen.at(-1)).toBe(content.length);
    // And through the public entry point.
    expect(await validateFile(path, person, opts)).toEqual(want);
  });

  it("load a user schema file by path", async () => {
    const applicant = await getValidator(applicantPath);
    const p = file(readApplicants());
    const want = await single(p, applicant);
    const opts: FileOptions = { workers: 2, parallelMinBytes: 0, schema: applicantPath };
    expect(await planParallel(p, statSync(p).size, applicant, opts)).not.toBeNull();
    expect(await validateFile(p, applicant, opts)).toEqual(want);
  });

  it("are terminated on abort", async () => {
    const plan = await planParallel(path, content.length, person, {
      workers: 2,
      parallelMinBytes: 0,
    });
    const ac = new AbortController();
    await expect(
      validateFileParallel(path, content.length, plan as NonNullable<typeof plan>, {
        signal: ac.signal,
        onProgress: () => ac.abort(),
      }),
    ).rejects.toMatchObject({ name: "GovexValidatorError", code: "aborted" });
  });

  const crashing: [string, string][] = [
    ["throws", "throw new Error('boom');"],
    ["exits", "process.exit(3);"],
    ["posts nothing", ""],
  ];
  it.each(crashing)(
    "that crash (%s) become a GovexValidatorError, never a hang",
    async (_name, code) => {
      const entry = pathToFileURL(file(code, "mjs"));
      await expect(
        validateFileParallel(
          path,
          content.length,
          { workers: 2, schema: "person", start: 3, entry },
          {},
        ),
      ).rejects.toMatchObject({
        name: "GovexValidatorError",
        code: "worker_failed",
        details: { worker: true },
      });
    },
  );

  it("report a schema they cannot load as the same error", async () => {
    const plan = await planParallel(path, content.length, person, {
      workers: 2,
      parallelMinBytes: 0,
    });
    await expect(
      validateFileParallel(
        path,
        content.length,
        { ...(plan as NonNullable<typeof plan>), schema: "no-such-spec" },
        {},
      ),
    ).rejects.toMatchObject({ name: "GovexValidatorError", code: "unknown_schema" });
  });
});

function readApplicants(): Buffer {
  const one = Buffer.from(
    `${[
      '{"residentId":"11010519491231002X","name":"张三","age":30}',
      "",
      '{"residentId":"110105194912310021","name":"李四"}',
      '{"name":1,"__proto__":{"x":1}}',
      "not json",
    ].join("\n")}\n`,
  );
  return Buffer.concat(Array.from({ length: 20 }, () => one));
}
