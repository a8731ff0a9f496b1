import { msg } from "../errors.js";
import type { Localized } from "../types.js";
import type { Exchange } from "../wire.js";
import {
  type Context,
  expectSpecAnswer,
  isObject,
  outcome,
  type Resource,
  type Seen,
  safeCanonical,
  show,
} from "./context.js";

/** Changes per page in the walk. */
const CHANGES_LIMIT = 20;

interface Page {
  exchange: Exchange;
  items: Record<string, unknown>[];
  next?: string;
}

/**
 * changesSince: pages against ChangePage (changes-schema); two reads from the same cursor agree,
 * and the walk along nextCursor never yields a change earlier than one it already yielded
 * (changes-forward-only).
 */
export async function probeChanges(
  context: Context,
  resource: Resource,
  seen: Seen,
): Promise<void> {
  const { findings } = context;
  const fail = (message: Localized, line?: string) =>
    findings.fail(
      "changes-forward-only",
      msg(`资源 ${resource.code}: ${message["zh-CN"]}`, `resource ${resource.code}: ${message.en}`),
      line,
    );
  const read = async (cursor: string | undefined): Promise<Page | undefined> => {
    const exchange = await context.wire.send({
      operation: "changesSince",
      method: "GET",
      path: `${resource.path}/changes`,
      query: [
        ["limit", String(CHANGES_LIMIT)],
        ...(cursor === undefined ? [] : ([["cursor", cursor]] as [string, string][])),
      ],
      retry: true,
    });
    await expectSpecAnswer(context, "changes-schema", exchange, "ChangePage");
    const body = exchange.json;
    if (exchange.status !== 200 || !isObject(body) || !Array.isArray(body.items)) {
      const o = outcome(exchange);
      fail(
        msg(`读取变更失败(${o["zh-CN"]})。`, `reading changes failed (${o.en}).`),
        exchange.line,
      );
      return undefined;
    }
    const items = body.items.filter(isObject);
    for (const change of items)
      if (change.op === "upsert" && isObject(change.record)) seen.all.push(change.record);
    return {
      exchange,
      items,
      ...(typeof body.nextCursor === "string" ? { next: body.nextCursor } : {}),
    };
  };

  // Two reads from the same cursor: the start, then the first nextCursor.
  const first = await read(undefined);
  if (!first) return;
  if (!(await sameAgain(first, undefined))) return;
  const sequence = [...first.items];
  let cursor = first.next;
  const maxPages = Math.ceil(context.maxRecords / CHANGES_LIMIT) + 3;
  let checkedTwice = false;
  for (let page = 2; cursor !== undefined && page <= maxPages; page++) {
    const current = await read(cursor);
    if (!current) return;
    if (!checkedTwice) {
      checkedTwice = true;
      if (!(await sameAgain(current, cursor))) return;
    }
    if (current.items.length === 0) break;
    if (current.next === cursor) {
      fail(
        msg(
          "返回了变更却没有推进游标(nextCursor 与请求的游标相同)。",
          "the page returned changes but nextCursor equals the cursor it was read from.",
        ),
        current.exchange.line,
      );
      return;
    }
    sequence.push(...current.items);
    if (sequence.length >= context.maxRecords) break;
    cursor = current.next;
  }

  const latest = new Map<unknown, Record<string, unknown> | undefined>();
  for (const change of sequence)
    latest.set(
      change.key,
      change.op === "upsert" && isObject(change.record) ? change.record : undefined,
    );
  for (const record of latest.values()) if (record) seen.live.push(record);

  // Forward only: no change earlier than one already yielded, none twice.
  const ids = new Set<string>();
  let last = Number.NEGATIVE_INFINITY;
  for (const [index, change] of sequence.entries()) {
    const id = safeCanonical(change);
    if (ids.has(id)) {
      fail(
        msg(
          `第 ${index + 1} 条变更(主键 ${show(change.key)})此前已返回过:游标后退了。`,
          `change ${index + 1} (key ${show(change.key)}) was returned before: the cursor moved back.`,
        ),
      );
      return;
    }
    ids.add(id);
    const time = typeof change.time === "string" ? Date.parse(change.time) : Number.NaN;
    if (Number.isNaN(time)) continue; // changes-schema reports the time
    if (time < last) {
      fail(
        msg(
          `第 ${index + 1} 条变更(主键 ${show(change.key)},${change.time})早于此前返回的变更。`,
          `change ${index + 1} (key ${show(change.key)}, ${change.time}) is earlier than a change returned before.`,
        ),
      );
      return;
    }
    last = time;
  }
  findings.pass("changes-forward-only");

  async function sameAgain(page: Page, from: string | undefined): Promise<boolean> {
    const again = await read(from);
    if (!again) return false;
    const a = page.items.map(safeCanonical);
    const b = again.items.map(safeCanonical);
    const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
    // New changes may arrive between the reads; what was there must come back the same.
    if (shorter.every((text, i) => text === longer[i])) return true;
    fail(
      msg(
        `从同一游标${from === undefined ? "(起点)" : ""}两次读取的变更不同。`,
        `two reads from the same cursor${from === undefined ? " (the start)" : ""} returned different changes.`,
      ),
      again.exchange.line,
    );
    return false;
  }
}
