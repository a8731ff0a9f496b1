/**
 * Calendar dates as `YYYY-MM-DD` strings in China Standard Time (UTC+8), and the conversions
 * between them and instants.
 *
 * Everything here is integer day arithmetic over UTC `Date` methods only: the host's
 * time zone never enters (no `new Date("2024-02-08")`, no `getDate()`), so a node running in
 * UTC, in America/Los_Angeles or in Asia/Shanghai gives the same answers.
 *
 * @module
 */
import { CalendarError, describeInput } from "./calendar-error.js";

/**
 * A calendar date, `YYYY-MM-DD` (ISO 8601 extended calendar date, 4-digit year), read as a day
 * in China Standard Time. A plain string: check untrusted input with `checkCalendarDate`.
 */
export type CalendarDate = string;

/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
export const CST_OFFSET_MINUTES = 480;

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = CST_OFFSET_MINUTES * 60_000;

/**
 * The days the calendar computes with. Wide enough for any deadline or record date the node
 * meets, narrow enough that every result is a 4-digit year and no loop runs away.
 */
export const CALENDAR_DATE_RANGE = { min: "1900-01-01", max: "2199-12-31" } as const;

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day (days since 1970-01-01) of a y-m-d. */
function epochDayOfParts(year: number, month: number, day: number): number {
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / DAY_MS;
}

function daysInMonth(year: number, month: number): number {
  return epochDayOfParts(year, month + 1, 1) - epochDayOfParts(year, month, 1);
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2199;
const MIN_DAY = epochDayOfParts(MIN_YEAR, 1, 1);
const MAX_DAY = epochDayOfParts(MAX_YEAR, 12, 31);

/** The result of checking untrusted input: data, not an exception. */
export type CalendarDateCheck =
  | { ok: true; date: CalendarDate; epochDay: number }
  | { ok: false; error: CalendarError };

function formatError(input: unknown): CalendarError {
  const shown = describeInput(input);
  return new CalendarError("invalid_date_format", {
    zh: `日期格式错误：${shown} 不是 YYYY-MM-DD 格式的日期。请使用如 2024-02-08 的公历日期（北京时间）。`,
    en: `${shown} is not a YYYY-MM-DD date: write a Gregorian date such as 2024-02-08 (China Standard Time).`,
    params: { input: shown },
  });
}

function rangeError(shown: string): CalendarError {
  const { min, max } = CALENDAR_DATE_RANGE;
  return new CalendarError("date_out_of_range", {
    zh: `日期 ${shown} 超出日历支持的范围（${min} 至 ${max}）。请检查年份。`,
    en: `${shown} is outside the calendar's range (${min} to ${max}): check the year.`,
    params: { input: shown, min, max },
  });
}

/**
 * Checks untrusted input as a calendar date without throwing.
 *
 * @example
 * checkCalendarDate("2024-02-30"); // { ok: false, error: CalendarError { code: "invalid_date" } }
 */
export function checkCalendarDate(input: unknown): CalendarDateCheck {
  if (typeof input !== "string") return { ok: false, error: formatError(input) };
  const match = DATE_SHAPE.exec(input);
  if (match === null) return { ok: false, error: formatError(input) };
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, error: rangeError(input) };
  const monthDays = month >= 1 && month <= 12 ? daysInMonth(year, month) : 0;
  if (day < 1 || day > monthDays) {
    return {
      ok: false,
      error: new CalendarError("invalid_date", {
        zh:
          monthDays === 0
            ? `日期 ${input} 不存在：月份应为 01 至 12。请核对月份。`
            : `日期 ${input} 不存在：${year} 年 ${month} 月只有 ${monthDays} 天。请核对日期。`,
        en:
          monthDays === 0
            ? `${input} does not exist: the month must be 01 to 12. Check the month.`
            : `${input} does not exist: ${year}-${match[2]} has ${monthDays} days. Check the day.`,
        params: { input, year, month, day },
      }),
    };
  }
  return { ok: true, date: input, epochDay: epochDayOfParts(year, month, day) };
}

/** Whether the input is a valid calendar date in range. */
export function isCalendarDate(input: unknown): input is CalendarDate {
  return checkCalendarDate(input).ok;
}

/** The epoch day (days since 1970-01-01) of a calendar date; throws `CalendarError` if invalid. */
export function toEpochDay(date: unknown): number {
  const checked = checkCalendarDate(date);
  if (!checked.ok) throw checked.error;
  return checked.epochDay;
}

/** The calendar date of an epoch day; throws `date_out_of_range` outside `CALENDAR_DATE_RANGE`. */
export function fromEpochDay(epochDay: number): CalendarDate {
  if (!Number.isSafeInteger(epochDay) || epochDay < MIN_DAY || epochDay > MAX_DAY) {
    const asDate = new Date(epochDay * DAY_MS);
    throw rangeError(
      Number.isNaN(asDate.getTime()) ? `epoch day ${epochDay}` : asDate.toISOString().slice(0, 10),
    );
  }
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(epochDay: number): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  return (((((epochDay + 3) % 7) + 7) % 7) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** ISO 8601 weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CalendarDate): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  return weekdayOfEpochDay(toEpochDay(date));
}

/** The date `n` calendar days after (or before, for negative `n`) a date. */
export function addCalendarDays(date: CalendarDate, n: number): CalendarDate {
  if (!Number.isSafeInteger(n)) {
    throw new CalendarError("invalid_day_count", {
      zh: `天数 ${String(n)} 不是整数。请传入整数。`,
      en: `${String(n)} is not an integer number of days: pass an integer.`,
      params: { n: String(n) },
    });
  }
  return fromEpochDay(toEpochDay(date) + n);
}

/** An instant as accepted here: a `Date`, epoch milliseconds, or an RFC 3339 date-time string. */
export type InstantInput = Date | number | string;

// RFC 3339 §5.6 date-time; the offset is required, so a string is never read as host local time.
const DATE_TIME_SHAPE =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Epoch milliseconds of an instant; throws `invalid_instant` for an invalid `Date`, a non-finite
 * number, or a string that is not an RFC 3339 date-time with an offset (`Z` or `+08:00`).
 */
export function toEpochMs(instant: unknown): number {
  let ms = Number.NaN;
  if (instant instanceof Date) ms = instant.getTime();
  // ±8.64e15 ms is the range of a Date (ECMA-262 §21.4.1.1); beyond it there is no instant.
  else if (typeof instant === "number" && Math.abs(instant) <= 8.64e15) ms = instant;
  else if (typeof instant === "string" && DATE_TIME_SHAPE.test(instant)) ms = Date.parse(instant);
  if (!Number.isFinite(ms)) {
    const shown = describeInput(instant);
    throw new CalendarError("invalid_instant", {
      zh: `时间 ${shown} 无效。请使用有效的 Date、毫秒时间戳，或带时区的 RFC 3339 时间（如 2024-02-08T10:00:00+08:00）。`,
      en: `${shown} is not a valid instant: pass a valid Date, epoch milliseconds, or an RFC 3339 date-time with an offset (2024-02-08T10:00:00+08:00).`,
      params: { input: shown },
    });
  }
  return ms;
}

/**
 * The calendar date in China Standard Time of an instant: what a clock on a wall in Beijing
 * shows, whatever the host's time zone.
 *
 * @example
 * cstDateOf(new Date("2024-02-08T16:30:00Z")); // "2024-02-09" (00:30 in Beijing)
 */
export function cstDateOf(instant: InstantInput): CalendarDate {
  const ms = toEpochMs(instant);
  return fromEpochDay(Math.floor((ms + CST_OFFSET_MS) / DAY_MS));
}

/** The instant at which a calendar date begins in China Standard Time (00:00 UTC+8). */
export function startOfCstDay(date: CalendarDate): Date {
  return new Date(toEpochDay(date) * DAY_MS - CST_OFFSET_MS);
}
