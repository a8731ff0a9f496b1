/**
 * Values as rows carry them out of the source, and database timestamps as RFC 3339 date-times
 * (RFC 3339 §5.6) for `SourceChange.time`.
 */
import type { SourceRow } from "@govex/adapter";

/** `2024-03-01 08:30:00.123456`, optionally followed by `Z`, `+08`, `+05:30` or `+05:30:00`. */
const DB_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/;

/**
 * A database timestamp's text as an RFC 3339 date-time. A value without a zone (MySQL DATETIME,
 * PostgreSQL timestamp) is taken to be in `defaultOffset`. Undefined when it is not a timestamp.
 *
 * @example
 * toRfc3339("2024-03-01 08:30:00.5+08", "+00:00"); // "2024-03-01T08:30:00.5+08:00"
 */
export function toRfc3339(text: string, defaultOffset: string): string | undefined {
  const match = DB_TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, date, time, fraction = "", zone] = match;
  let offset = defaultOffset;
  if (zone === "Z") offset = "Z";
  else if (zone) {
    const digits = zone.slice(1).replaceAll(":", "");
    // RFC 3339 offsets have no seconds; PostgreSQL shows them only for historical local mean times.
    offset = `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || "00"}`;
  }
  return `${date}T${time}${fraction}${offset}`;
}

/** A driver's value as a row carries it: 64-bit integers as strings, dates as ISO text. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  // Only reached for array elements or drivers configured elsewhere: keep an instant, not a zone.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return value;
}

/** The requested fields of a driver's row, as own data properties of a fresh object. */
export function toSourceRow(raw: Record<string, unknown>, fields: readonly string[]): SourceRow {
  // fromEntries defines own properties, so a column named `__proto__` stays data.
  return Object.fromEntries(
    fields.filter((field) => Object.hasOwn(raw, field)).map((field) => [field, plain(raw[field])]),
  );
}

/** The text of a key value, as the core and the change table compare keys. */
export function keyText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(plain(value));
}
