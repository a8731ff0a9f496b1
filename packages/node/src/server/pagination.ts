/**
 * Opaque cursors (specs/exchange v1 `Cursor`): base64url of a small JSON value that only the node
 * reads. A cursor that does not decode is a 400, never a crash.
 */
import { NodeProblem } from "./problem.js";

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** The position a cursor holds, checked by `accept`; undefined when no cursor was sent. */
export function decodeCursor<T>(
  cursor: string | undefined,
  accept: (value: unknown) => value is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!accept(value))
    throw new NodeProblem("bad-request", {
      code: "cursor_invalid",
      zh: "游标无效。请使用上一页响应中的 nextCursor, 不要自行构造。",
      en: "The cursor is not valid: pass the previous page's nextCursor unchanged.",
      errors: [{ path: "/query/cursor", code: "cursor_invalid", message: "cursor" }],
    });
  return value;
}

/** Cut a page fetched with `limit + 1` rows: the items and, when there is more, the next cursor. */
export function page<R, I>(
  rows: R[],
  limit: number,
  item: (row: R) => I,
  position: (row: R) => unknown,
): { items: I[]; nextCursor?: string } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return {
    items: kept.map(item),
    ...(more && last !== undefined ? { nextCursor: encodeCursor(position(last)) } : {}),
  };
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isStringPair = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string";
export const isNumber = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v);
