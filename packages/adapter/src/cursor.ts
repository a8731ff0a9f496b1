/**
 * Opaque cursors (specs/provider v1: `cursor` ≤ 512 characters). A query cursor holds the last
 * source key read and a hash of the filter it belongs to, so a cursor from another query is
 * refused rather than silently mixing pages; a changes cursor holds the source's position.
 */
import { createHash } from "node:crypto";
import { AdapterError } from "./errors.js";

const MAX_CURSOR = 512;

function badCursor(): AdapterError {
  return new AdapterError("bad_request", {
    zh: "游标无效:请使用上一页返回的 nextCursor。",
    en: "invalid cursor: pass the nextCursor of the previous page",
    path: "/cursor",
  });
}

function encode(value: unknown): string {
  const text = Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  if (text.length > MAX_CURSOR)
    throw new AdapterError("unavailable", {
      zh: "游标超过 512 个字符:源系统的主键或位置过长。",
      en: "cursor exceeds 512 characters: the source's key or position is too long",
    });
  return text;
}

function decode(cursor: string): Record<string, unknown> {
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw badCursor();
}

export function filterHash(filter: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 11);
}

export function encodeQueryCursor(after: string, filter: Readonly<Record<string, string>>): string {
  return encode({ v: 1, a: after, f: filterHash(filter) });
}

export function decodeQueryCursor(
  cursor: string,
  filter: Readonly<Record<string, string>>,
): string {
  const value = decode(cursor);
  if (value.v !== 1 || typeof value.a !== "string") throw badCursor();
  if (value.f !== filterHash(filter))
    throw new AdapterError("bad_request", {
      zh: "游标属于另一组过滤条件:请用相同的 filter 翻页。",
      en: "the cursor belongs to other filters: page with the same filter",
      path: "/cursor",
    });
  return value.a;
}

export function encodeChangesCursor(position: string): string {
  return encode({ v: 1, p: position });
}

export function decodeChangesCursor(cursor: string): string {
  const value = decode(cursor);
  if (value.v !== 1 || typeof value.p !== "string") throw badCursor();
  return value.p;
}
