/**
 * One benchmark variant in its own process, so its peak RSS is its own. Prints one JSON line:
 * { records, valid, ms, maxRssMB }. Usage: runner.ts <parse|govex|ajv|zod> <file>
 */
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [variant, file] = process.argv.slice(2) as [string, string];

/** Line splitting as the validator's NDJSON reader does it: bytes, indexOf(0x0a), one decode per line. */
async function eachLine(onLine: (text: string) => void): Promise<number> {
  let n = 0;
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 64 * 1024,
  }) as AsyncIterable<Buffer>) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    let end = buf.indexOf(10, start);
    while (end >= 0) {
      if (end > start) {
        onLine(buf.toString("utf8", start, end));
        n++;
      }
      start = end + 1;
      end = buf.indexOf(10, start);
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  }
  return n;
}

/** Loads what a variant needs (not timed), and returns the timed work. */
async function prepare(): Promise<() => Promise<{ records: number; valid: number }>> {
  if (variant === "parse") {
    return async () => {
      const records = await eachLine((t) => JSON.parse(t));
      return { records, valid: records };
    };
  }
  if (variant === "govex") {
    const { getValidator, validateFile } = await import("@govex/validator");
    const validator = await getValidator("person");
    return async () => {
      const report = await validateFile(file, validator);
      return { records: report.records, valid: report.valid };
    };
  }
  if (variant === "ajv") {
    const { default: Ajv2020 } = await import("ajv/dist/2020.js");
    const ajv = new (Ajv2020 as unknown as typeof import("ajv").default)({
      allErrors: true,
      strict: false,
    });
    const specs = join(import.meta.dirname, "..", "..", "..", "specs", "data", "v1");
    const files = readdirSync(specs, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".schema.json"));
    for (const f of files) ajv.addSchema(JSON.parse(readFileSync(join(specs, f), "utf8")));
    // Plain ajv: the same schema with every format accepted as is (no govex formats, no rules).
    for (const name of [
      "cn-resident-id",
      "cn-uscc",
      "cn-org-code",
      "cn-admin-division",
      "cn-mobile",
      "date",
      "date-time",
      "email",
      "uri",
    ]) {
      ajv.addFormat(name, true);
    }
    const validate = ajv.getSchema("https://govex.dev/specs/data/v1/person.schema.json");
    if (!validate) throw new Error("person schema not found");
    return async () => {
      let valid = 0;
      const records = await eachLine((t) => {
        if (validate(JSON.parse(t))) valid++;
      });
      return { records, valid };
    };
  }
  if (variant === "zod") {
    const { PersonSchema } = await import("@govex/schemas");
    return async () => {
      let valid = 0;
      const records = await eachLine((t) => {
        if (PersonSchema.safeParse(JSON.parse(t)).success) valid++;
      });
      return { records, valid };
    };
  }
  throw new Error(`unknown variant ${variant}`);
}

const work = await prepare();
const started = performance.now();
const { records, valid } = await work();
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ records, valid, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
