/**
 * `pnpm bench` for @govex/spec-tools (issue: spec governance, §5): diff two versions of a
 * generated spec of 5,000 schemas and 1,000 operations. Prints the time and peak memory of
 * `diffOpenApi` beside a baseline measured in the same run: a full deep comparison of each
 * document with an equal copy (`util.isDeepStrictEqual` visits every node when nothing
 * differs), the least work any diff of the two has to do.
 * BENCH_SCHEMAS / BENCH_OPERATIONS change the size.
 */
import { isDeepStrictEqual } from "node:util";
import { diffOpenApi } from "../src/index.js";

const SCHEMAS = Number(process.env.BENCH_SCHEMAS ?? 5000);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 1000);

type Json = Record<string, unknown>;

function generate(version: 1 | 2): Json {
  const schemas: Json = {};
  for (let i = 0; i < SCHEMAS; i++) {
    const properties: Json = {
      id: { type: "string", maxLength: 64, title: `标识${i}` },
      name: { type: "string", maxLength: version === 2 && i % 97 === 0 ? 50 : 100 },
      code: { type: "string", enum: version === 2 && i % 89 === 0 ? ["A", "B"] : ["A", "B", "C"] },
      amount: { type: version === 2 && i % 83 === 0 ? "integer" : "number", minimum: 0 },
      when: { type: "string", format: "date-time" },
      tags: { type: "array", items: { type: "string" }, maxItems: 20 },
      next: { $ref: `#/components/schemas/S${(i + 1) % SCHEMAS}` },
    };
    if (version === 2 && i % 101 === 0) properties.added = { type: "string" };
    if (version === 2 && i % 103 === 0) delete properties.tags;
    schemas[`S${i}`] = {
      type: "object",
      required: version === 2 && i % 107 === 0 ? ["id", "name"] : ["id"],
      properties,
      description: version === 2 && i % 109 === 0 ? `schema ${i}, revised` : `schema ${i}`,
    };
  }
  const paths: Json = {};
  for (let i = 0; i < OPERATIONS; i++) {
    if (version === 2 && i % 211 === 0) continue; // removed operations
    const ref = { $ref: `#/components/schemas/S${(i * 5) % SCHEMAS}` };
    paths[`/r${i}/{id}`] = {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      get: {
        operationId: `get${i}`,
        parameters: [
          {
            name: "limit",
            in: "query",
            required: version === 2 && i % 199 === 0,
            schema: { type: "integer", maximum: 500 },
          },
        ],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: ref } } },
        },
      },
      post: {
        operationId: `post${i}`,
        requestBody: { required: true, content: { "application/json": { schema: ref } } },
        responses: {
          "201": { description: "created", content: { "application/json": { schema: ref } } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "bench", version: `${version}.0.0` },
    paths,
    components: { schemas },
  };
}

const before = generate(1);
const after = generate(2);
const text = JSON.stringify(before).length + JSON.stringify(after).length;

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

const copies = [structuredClone(before), structuredClone(after)];
const rssBefore = process.memoryUsage().rss;
const baseline = time(
  () => isDeepStrictEqual(before, copies[0]) && isDeepStrictEqual(after, copies[1]),
);
const diff = time(() => diffOpenApi(before, after));
const peakMb = process.resourceUsage().maxRSS / 1024;

console.log(
  `\n@govex/spec-tools — diff of two ${SCHEMAS}-schema / ${OPERATIONS}-operation OpenAPI documents (${(text / 1e6).toFixed(1)} MB of JSON, Node ${process.version})`,
);
console.log("| measurement | time ms | × baseline | note |");
console.log("|---|---:|---:|---|");
console.log(
  `| baseline: util.isDeepStrictEqual of each document with an equal copy | ${baseline.ms.toFixed(0)} | 1.00 | every node visited once per document |`,
);
console.log(
  `| govex diffOpenApi | ${diff.ms.toFixed(0)} | ${(diff.ms / baseline.ms).toFixed(2)} | ${diff.value.changes.length} changes (ERR ${diff.value.counts.ERR}, WARN ${diff.value.counts.WARN}, INFO ${diff.value.counts.INFO}); target < 5000 ms: ${diff.ms < 5000 ? "met" : "MISSED"} |`,
);
console.log(
  `\npeak RSS ${peakMb.toFixed(0)} MB (the process held ${(rssBefore / 1048576).toFixed(0)} MB with both documents and their copies built before diffing)`,
);
