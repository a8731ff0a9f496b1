/**
 * `createSource` for `kind: soap`: the `Source` over a legacy WSDL/SOAP web service.
 */
import type { Source, SourceContext, SourceFactory } from "@govex/adapter";
import { readSoapChanges } from "./changes.js";
import { compileSoapSource } from "./config.js";
import { createListReader, getRow } from "./query.js";
import { SoapTransport } from "./transport.js";

/**
 * Create a source from a mapping file's `source` block (`kind: soap`). The WSDL is read now
 * (a file relative to the mapping file, or a URL within the timeout) and every configured
 * operation is checked against it; secrets come from `context.env`.
 *
 * @example
 * const source = await createSource(
 *   {
 *     kind: "soap",
 *     wsdl: "./insured-service.wsdl",
 *     endpoint: { env: "RENSHE_SOAP_URL" },
 *     list: { operation: "QueryInsured", input: { pageNo: "{page}", pageSize: "{limit}" }, items: "Result.Item", order: "key" },
 *     get: { operation: "GetInsured", input: { sfzh: "{key}" }, item: "Result" },
 *   },
 *   { baseDir: "./mappings", env: process.env },
 * );
 * const row = await source.get({ keyField: "sfzh", key: "11010519491231002X", fields: [] });
 */
export const createSource: SourceFactory = async (
  config: Record<string, unknown>,
  context: SourceContext,
): Promise<Source> => {
  const plan = compileSoapSource(config, context);
  const transport = await SoapTransport.open(plan);
  const reader = createListReader(plan, transport);
  const source: Source = {
    kind: "soap",
    async check(signal) {
      if (plan.health) await transport.call(plan.health, { vars: {}, signal });
      else await reader.probe(signal);
      return { status: "ok" };
    },
    scan: (request) => reader.scan(request),
    get: (request) => getRow(plan, transport, reader, request),
    close: () => transport.close(),
  };
  if (plan.changes) source.changes = (request) => readSoapChanges(plan, transport, request);
  return source;
};
