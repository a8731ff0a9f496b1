/**
 * Errors of the working-day calendar and the clock: a stable snake_case `code`, zh-CN and
 * English messages (what is wrong, then what to do), and the offending input in `params`.
 */
import { GovexNodeError, type NodeErrorOptions } from "../errors.js";

/** Codes the calendar and the clock throw. */
export type CalendarErrorCode =
  /** Not a `YYYY-MM-DD` string (or not a string at all). */
  | "invalid_date_format"
  /** `YYYY-MM-DD` shaped but no such day (2024-02-30, month 13, day 00). */
  | "invalid_date"
  /** A real day outside the range the calendar computes with (see `CALENDAR_DATE_RANGE`). */
  | "date_out_of_range"
  /** An instant that is not a valid time (`new Date("x")`, NaN, an unparsable string). */
  | "invalid_instant"
  /** A day count that is not an integer (or, for working days, is negative). */
  | "invalid_day_count"
  /** A working-day count above `MAX_WORKING_DAYS`. */
  | "day_count_out_of_range"
  /** A holiday dataset (shipped or supplied) that breaks its own rules. */
  | "calendar_data_invalid";

export type CalendarErrorOptions = NodeErrorOptions;

/**
 * The error the calendar module throws.
 *
 * @example
 * try { isWorkingDay("2024-02-30"); } catch (e) { if (isCalendarError(e)) e.code; } // "invalid_date"
 */
export class CalendarError extends GovexNodeError<CalendarErrorCode> {
  override readonly name = "CalendarError";
}

export function isCalendarError(error: unknown): error is CalendarError {
  return error instanceof CalendarError;
}

/** A short, printable rendering of untrusted input for messages (never the whole of a huge string). */
export function describeInput(input: unknown): string {
  if (typeof input === "string") {
    const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
    return JSON.stringify(shown);
  }
  if (input === null) return "null";
  if (input instanceof Date) return "a Date";
  return typeof input;
}
