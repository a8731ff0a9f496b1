/**
 * One benchmark variant in a fresh process, so that its peak RSS is its own.
 * Usage: runner.ts <parse|govex|govex-parallel|ajv|zod> <file>
 * Prints one JSON line: { records, valid, ms, maxRssKB } — or { unavailable: reason }.
 * Set-up (imports, schema compilation) is not timed; reading, splitting, parsing and checking are.
 */
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [variant, file] = process.argv.slice(2) as [string, string];

/**
 * Line splitting as the validator's NdjsonFramer does it: 64 KiB chunks, indexOf(0x0a) on the
 * bytes, one `toString("utf8", s, e)` per line, a trailing CR stripped, blank lines skipped, and
 * only the tail of a chunk (a line cut by the chunk boundary) copied and joined with the next.
 */
async function eachLine(onLine: (text: string) => void): Promise<number> {
  let records = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  const line = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 0x0d) end--;
    let s = start;
    while (s < end) {
      const b = buf[s];
      if (b !== 0x20 && b !== 0x09 && b !== 0x0d) break;
      s++;
    }
    if (s === end) return;
    records++;
    onLine(buf.toString("utf8", start, end));
  };
  for await (const chunk of createReadStream(file, {
    highWaterMark: 64 * 1024,
  }) as AsyncIterable<Buffer>) {
    let pos = 0;
    let nl = chunk.indexOf(0x0a);
    if (pendingLen > 0) {
      if (nl < 0) {
        pending.push(Buffer.from(chunk));
        pendingLen += chunk.length;
        continue;
      }
      pending.push(chunk.subarray(0, nl));
      const joined = Buffer.concat(pending, pendingLen + nl);
      pending = [];
      pendingLen = 0;
      line(joined, 0, joined.length);
      pos = nl + 1;
      nl = chunk.indexOf(0x0a, pos);
    }
    while (nl >= 0) {
      line(chunk, pos, nl);
      pos = nl + 1;
      nl = chunk.indexOf(0x0a, pos);
    }
    if (pos < chunk.length) {
      pending.push(Buffer.from(chunk.subarray(pos)));
      pendingLen += chunk.length - pos;
    }
  }
  if (pendingLen > 0) {
    const joined = Buffer.concat(pending, pendingLen);
    line(joined, 0, joined.length);
  }
  return records;
}

/** Every `format` keyword value used anywhere in a schema document. */
function formatsIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const x of node) formatsIn(x, out);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "format" && typeof v === "string") out.add(v);
      else formatsIn(v, out);
    }
  }
  return out;
}

type Work = () => Promise<{ records: number; valid: number }>;

/** Loads what a variant needs (not timed) and returns the timed work, or why it cannot run. */
async function prepare(): Promise<Work | string> {
  if (variant === "parse") {
    return async () => {
      const records = await eachLine((t) => JSON.parse(t));
      return { records, valid: records };
    };
  }
  if (variant === "govex" || variant === "govex-parallel") {
    const { getValidator, validateFile } = await import("@govex/validator");
    const validator = await getValidator("person");
    // Worker start-up (loading the validator in each worker thread) is inside validateFile, so it is timed.
    const workers = variant === "govex" ? 1 : ((process.env.BENCH_WORKERS ?? "auto") as "auto");
    return async () => {
      const report = await validateFile(file, validator, {
        workers: workers === "auto" ? "auto" : Number(workers),
      });
      return { records: report.records, valid: report.valid };
    };
  }
  if (variant === "ajv") {
    // ajv is CommonJS: the namespace's default is module.exports, whose .default is the class.
    const Ajv2020 = (await import("ajv/dist/2020.js")).default.default;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const dir = join(import.meta.dirname, "..", "..", "..", "specs", "data", "v1");
    const schemas = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as { $id?: string });
    const formats = new Set<string>();
    for (const s of schemas) formatsIn(s, formats);
    // Plain ajv: every format accepted as is, and no govex cross-field rules.
    for (const name of formats) ajv.addFormat(name, true);
    let person: object | undefined;
    for (const s of schemas) {
      if (s.$id?.endsWith("/person.schema.json")) person = s;
      else if (s.$id !== undefined && ajv.getSchema(s.$id) === undefined) ajv.addSchema(s);
    }
    if (person === undefined) return "person.schema.json not found in specs/data/v1";
    const validate = ajv.compile(person);
    return async () => {
      let valid = 0;
      const records = await eachLine((t) => {
        if (validate(JSON.parse(t))) valid++;
      });
      return { records, valid };
    };
  }
  if (variant === "zod") {
    let PersonSchema: { safeParse(v: unknown): { success: boolean } } | undefined;
    try {
      PersonSchema = ((await import("@govex/schemas")) as Record<string, unknown>).PersonSchema as
        | typeof PersonSchema
        | undefined;
    } catch (err) {
      return `@govex/schemas failed to load: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (PersonSchema === undefined) return "PersonSchema is not exported by @govex/schemas yet";
    const schema = PersonSchema;
    try {
      // Probe before timing: the generated schema may be mid-regeneration.
      schema.safeParse({ name: "张三", residentId: "370102198506120033", sex: "1" });
    } catch (err) {
      return `PersonSchema.safeParse throws: ${err instanceof Error ? err.message : String(err)}`;
    }
    return async () => {
      let valid = 0;
      const records = await eachLine((t) => {
        if (schema.safeParse(JSON.parse(t)).success) valid++;
      });
      return { records, valid };
    };
  }
  return `unknown variant ${variant}`;
}

const work = await prepare();
if (typeof work === "string") {
  process.stdout.write(`${JSON.stringify({ unavailable: work })}\n`);
} else {
  const started = performance.now();
  const { records, valid } = await work();
  const ms = performance.now() - started;
  // resourceUsage().maxRSS is in kilobytes.
  process.stdout.write(
    `${JSON.stringify({ records, valid, ms, maxRssKB: process.resourceUsage().maxRSS })}\n`,
  );
}
