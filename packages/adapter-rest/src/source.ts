/**
 * `createSource` for `kind: rest`: the `Source` over a department's existing JSON API.
 */
import type { Source, SourceContext, SourceFactory } from "@govex/adapter";
import { readRestChanges } from "./changes.js";
import { compileRestSource } from "./config.js";
import { createListReader, getRow } from "./query.js";
import { RestTransport } from "./transport.js";

/**
 * Create a source from a mapping file's `source` block (`kind: rest`). Secrets come from
 * `context.env`; nothing is called until the first read.
 *
 * @example
 * const source = await createSource(
 *   {
 *     kind: "rest",
 *     baseUrl: { env: "MINZHENG_API_URL" },
 *     headers: { Authorization: { env: "MINZHENG_API_TOKEN", prefix: "Bearer " } },
 *     list: { path: "/marriages", query: { page: "{page}", size: "{limit}" }, items: "data.records", order: "key" },
 *     get: { path: "/marriages/{key}", item: "data" },
 *   },
 *   { baseDir: ".", env: process.env },
 * );
 * const rows = await source.scan({ keyField: "zsbh", filter: {}, fields: [], limit: 100 });
 */
export const createSource: SourceFactory = async (
  config: Record<string, unknown>,
  context: SourceContext,
): Promise<Source> => {
  const plan = compileRestSource(config, context);
  const transport = new RestTransport(plan);
  const reader = createListReader(plan, transport);
  const source: Source = {
    kind: "rest",
    async check(signal) {
      if (plan.health) await transport.call(plan.health, { vars: {}, json: false, signal });
      else await reader.probe(signal);
      return { status: "ok" };
    },
    scan: (request) => reader.scan(request),
    get: (request) => getRow(plan, transport, reader, request),
    close: () => transport.close(),
  };
  if (plan.changes) source.changes = (request) => readRestChanges(plan, transport, request);
  return source;
};
