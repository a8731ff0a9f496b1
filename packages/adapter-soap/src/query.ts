/**
 * Scans and reads by key over the service: `scan` through the keyset reader (see keyset.ts
 * for how a paged operation becomes ascending key order), `get` through the get operation or,
 * without one, a scan filtered by the key.
 */
import type { SourceGetRequest, SourceRow } from "@govex/adapter";
import { asRows, checkAnswer, KeysetReader, pickByKey } from "@govex/adapter/remote";
import type { SoapPlan } from "./config.js";
import type { SoapTransport } from "./transport.js";

/** The keyset reader over the list operation. */
export function createListReader(plan: SoapPlan, transport: SoapTransport): KeysetReader {
  const { call } = plan.list;
  return new KeysetReader(plan.list.plan, async (vars, filter, signal) => {
    const answer = await transport.call(call, { vars, filter, signal });
    const body = answer.found ? answer.body : undefined;
    await checkAnswer(body, plan.checks, call.label);
    return body;
  });
}

/** One row by key, or undefined. */
export async function getRow(
  plan: SoapPlan,
  transport: SoapTransport,
  reader: KeysetReader,
  request: SourceGetRequest,
): Promise<SourceRow | undefined> {
  const get = plan.get;
  if (!get) {
    const rows = await reader.scan({
      keyField: request.keyField,
      filter: { [request.keyField]: request.key },
      fields: request.fields,
      limit: 1,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return rows[0];
  }
  const answer = await transport.call(get.call, {
    vars: { key: request.key },
    notFound: get.notFound,
    signal: request.signal,
  });
  if (!answer.found) return undefined;
  if (get.notFoundWhen && (await get.notFoundWhen.evaluate(answer.body)) === true) return undefined;
  await checkAnswer(answer.body, plan.checks, get.call.label);
  const rows = asRows(await get.item.evaluate(answer.body), "get.item", plan.maxDepth);
  return pickByKey(rows, request.keyField, request.key);
}
