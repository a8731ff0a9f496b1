/**
 * Scans and reads by key over the API: `scan` through the keyset reader (see keyset.ts for
 * how a paged API becomes ascending key order), `get` through the get call or, without one, a
 * scan filtered by the key.
 */
import type { SourceGetRequest, SourceRow } from "@govex/adapter";
import { asRows, checkAnswer, KeysetReader, pickByKey } from "@govex/adapter/remote";
import type { RestPlan } from "./config.js";
import type { RestTransport } from "./transport.js";

/** The keyset reader over the list call. */
export function createListReader(plan: RestPlan, transport: RestTransport): KeysetReader {
  const { call } = plan.list;
  return new KeysetReader(plan.list.plan, async (vars, filter, signal) => {
    const answer = await transport.call(call, { vars, filter, signal });
    await checkAnswer(answer.body, plan.checks, call.label);
    return answer.body;
  });
}

/** One row by key, or undefined. */
export async function getRow(
  plan: RestPlan,
  transport: RestTransport,
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
    passStatuses: get.notFound,
    signal: request.signal,
  });
  if (get.notFound.includes(answer.status)) return undefined;
  if (get.notFoundWhen && (await get.notFoundWhen.evaluate(answer.body)) === true) return undefined;
  await checkAnswer(answer.body, plan.checks, get.call.label);
  const rows = asRows(await get.item.evaluate(answer.body), "get.item", plan.maxDepth);
  return pickByKey(rows, request.keyField, request.key);
}
