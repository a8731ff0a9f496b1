/**
 * An XLSX cell as text, the way a department's export means it: dates as `yyyy-MM-dd` (with
 * ` HH:mm:ss` when the time of day is not midnight), numbers rounded to Excel's 15 significant
 * digits (ECMA-376 Part 1 §18.17.4.1 stores them as IEEE 754 doubles, so `0.1 + 0.2` is kept as
 * 0.30000000000000004 and shown by Excel as 0.3), booleans as `true`/`false`, rich text and
 * hyperlinks as their text, formulas as their cached result.
 */
import type { CellValue } from "exceljs";

export type CellText = { text: string; error?: undefined } | { text?: undefined; error: string };

const EMPTY: CellText = { text: "" };

export function cellText(value: CellValue | unknown): CellText {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === "string") return { text: value };
  if (typeof value === "number") return { text: formatNumber(value) };
  if (typeof value === "boolean") return { text: value ? "true" : "false" };
  if (value instanceof Date) return formatDate(value);
  if (typeof value !== "object") return { text: String(value) };
  const v = value as Record<string, unknown>;
  if (typeof v.error === "string") return { error: v.error };
  if (Array.isArray(v.richText)) {
    return {
      text: v.richText.map((run) => String((run as { text?: unknown }).text ?? "")).join(""),
    };
  }
  if ("formula" in v || "sharedFormula" in v) return cellText(v.result);
  if ("hyperlink" in v || "text" in v) return cellText(v.text);
  return { error: "#UNSUPPORTED" };
}

/** A number as Excel shows it in the General format, without floating-point noise. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Number(n.toPrecision(15));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * exceljs reads a date serial as a UTC instant with the serial's wall-clock time (it knows no
 * time zone), so the UTC fields are the date as written in the sheet. Rounded to the second:
 * serials are fractions of a day and rarely land on a whole millisecond.
 */
export function formatDate(date: Date): CellText {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return { error: "#DATE!" };
  const d = new Date(Math.round(ms / 1000) * 1000);
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  if (h === 0 && m === 0 && s === 0) return { text: day };
  return { text: `${day} ${pad(h)}:${pad(m)}:${pad(s)}` };
}
