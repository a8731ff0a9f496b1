/**
 * The official working-day calendar: Monday to Friday, minus the 放假 days and plus the 调休上班
 * days of the State Council General Office's yearly notices. A year without a notice in the data
 * falls back to Monday–Friday, and says so (`calendarCoverage`, `coverageBetween`).
 *
 * @module
 */
import {
  type CalendarDate,
  checkCalendarDate,
  fromEpochDay,
  toEpochDay,
  weekdayOfEpochDay,
} from "./calendar-date.js";
import { CalendarError, describeInput } from "./calendar-error.js";
import shipped from "./data/cn-holiday-notices.json" with { type: "json" };
import {
  type HolidayAmendment,
  type HolidayDataset,
  type HolidayNotice,
  loadHolidayDataset,
} from "./holiday-data.js";

/**
 * The largest working-day count `addWorkingDays` accepts: about ten years of working days.
 * Deadlines are counted in tens; a larger count is a bug or hostile input.
 */
export const MAX_WORKING_DAYS = 2500;

/** Said when a computation uses a year that has no notice in the data. */
export interface CalendarWarning {
  code: "calendar_fallback_weekdays";
  year: number;
  zh: string;
  en: string;
}

/** Whether a year is computed from an official notice, or falls back to Monday–Friday. */
export interface CalendarCoverage {
  year: number;
  /** True when the data has the year's notice. */
  official: boolean;
  /** The yearly notice, when official. */
  notice?: HolidayNotice;
  /** Later notices that changed the year (e.g. the 2020 Spring Festival extension). */
  amendments?: HolidayAmendment[];
  /** Present when not official: public holidays and make-up days are unknown, Mon–Fri is used. */
  fallback?: "weekdays";
  /** Present when not official: the message callers show. */
  warning?: CalendarWarning;
  /** The version of the data the answer comes from. */
  dataVersion: string;
}

/** Coverage of every year a span touches. */
export interface SpanCoverage {
  /** True when every year is official. */
  official: boolean;
  years: CalendarCoverage[];
  /** One per fallback year, for callers to surface. */
  warnings: CalendarWarning[];
}

/** What the calendar knows of one day. */
export interface DayInfo {
  date: CalendarDate;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  working: boolean;
  /** workday: Mon–Fri; weekend; holiday: a 放假 day; make_up_workday: a 调休上班 weekend day. */
  kind: "workday" | "weekend" | "holiday" | "make_up_workday";
  /** The holiday (放假) or the holiday a make-up day serves. */
  holiday?: { name: string; en: string; notice: string };
  /** False when the day's year falls back to Monday–Friday. */
  official: boolean;
}

/** A working-day calendar over one holiday dataset. */
export interface WorkingDayCalendar {
  readonly dataVersion: string;
  /** The years with an official notice, ascending. */
  readonly years: readonly number[];
  /** Whether a date is a working day. */
  isWorkingDay(date: CalendarDate): boolean;
  /** What the calendar knows of a date. */
  dayInfo(date: CalendarDate): DayInfo;
  /**
   * The `n`-th working day strictly after `start` (`start` itself never counts, working or not);
   * `n = 0` returns `start` unchanged. `n` is an integer 0 … `MAX_WORKING_DAYS`.
   */
  addWorkingDays(start: CalendarDate, n: number): CalendarDate;
  /**
   * The number of working days in the half-open span (a, b] — after `a`, up to and including
   * `b`; negative, −(working days in (b, a]), when `b` is before `a`. So
   * `workingDaysBetween(d, addWorkingDays(d, n)) === n` and `between(a, b) + between(b, c) ===
   * between(a, c)`.
   */
  workingDaysBetween(a: CalendarDate, b: CalendarDate): number;
  /** Whether a year is official or falls back to Monday–Friday. */
  calendarCoverage(year: number): CalendarCoverage;
  /** Coverage of every year from `a`'s to `b`'s (in either order). */
  coverageBetween(a: CalendarDate, b: CalendarDate): SpanCoverage;
}

interface DayEntry {
  working: boolean;
  kind: "holiday" | "make_up_workday";
  holiday: { name: string; en: string; notice: string };
}

function fallbackWarning(year: number): CalendarWarning {
  return {
    code: "calendar_fallback_weekdays",
    year,
    zh: `${year} 年的节假日安排不在日历数据中，已按周一至周五为工作日计算，未计入法定节假日和调休。请在国务院办公厅发布通知后更新日历数据。`,
    en: `The calendar has no holiday notice for ${year}: Monday to Friday are counted as working days, without public holidays or make-up days. Update the calendar data once the State Council General Office publishes the notice.`,
  };
}

function checkYear(year: unknown): number {
  if (
    typeof year !== "number" ||
    !Number.isInteger(year) ||
    !checkCalendarDate(`${year}-01-01`).ok
  ) {
    const shown = describeInput(typeof year === "number" ? String(year) : year);
    throw new CalendarError("date_out_of_range", {
      zh: `年份 ${shown} 无效或超出日历支持的范围（1900 至 2199）。请传入四位整数年份。`,
      en: `${shown} is not a year the calendar covers (1900 to 2199): pass a 4-digit integer year.`,
      params: { input: shown },
    });
  }
  return year;
}

function checkCount(n: unknown): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    const shown = describeInput(typeof n === "number" ? String(n) : n);
    throw new CalendarError("invalid_day_count", {
      zh: `工作日数 ${shown} 无效：应为 0 至 ${MAX_WORKING_DAYS} 的整数。`,
      en: `${shown} is not a working-day count: pass an integer from 0 to ${MAX_WORKING_DAYS}.`,
      params: { input: shown, max: MAX_WORKING_DAYS },
    });
  }
  if (n > MAX_WORKING_DAYS) {
    throw new CalendarError("day_count_out_of_range", {
      zh: `工作日数 ${n} 过大：最多 ${MAX_WORKING_DAYS} 个工作日（约十年）。请检查期限设置。`,
      en: `${n} working days is too many: at most ${MAX_WORKING_DAYS} (about ten years). Check the time limit.`,
      params: { input: n, max: MAX_WORKING_DAYS },
    });
  }
  return n;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Weekdays (Mon–Fri) among the epoch days up to `day`, counted from an arbitrary Monday. */
function weekdaysThrough(day: number): number {
  const k = day + 3; // epoch day -3 (1969-12-29) was a Monday
  const weeks = Math.floor(k / 7);
  return weeks * 5 + Math.min(k - weeks * 7 + 1, 5);
}

/**
 * A calendar over a holiday dataset (checked with `loadHolidayDataset`; throws
 * `calendar_data_invalid` if it breaks the rules).
 *
 * @example
 * // The shipped data plus a notice the package does not have yet:
 * const calendar = createWorkingDayCalendar({
 *   ...OFFICIAL_HOLIDAY_DATA,
 *   dataVersion: "1.1.0",
 *   years: { ...OFFICIAL_HOLIDAY_DATA.years, "2027": notice2027 },
 * });
 */
export function createWorkingDayCalendar(data: unknown): WorkingDayCalendar {
  // A frozen copy: what callers later do to their object, or to a returned notice, changes nothing.
  const dataset = deepFreeze(structuredClone(loadHolidayDataset(data)));
  const entries = new Map<number, DayEntry>();
  const coverage = new Map<number, Omit<CalendarCoverage, "year" | "dataVersion">>();

  for (const [key, year] of Object.entries(dataset.years)) {
    const amendments = year.amendments ?? [];
    coverage.set(Number(key), {
      official: true,
      notice: year.notice,
      ...(amendments.length > 0 ? { amendments } : {}),
    });
    for (const range of year.holidays) {
      const holiday = { name: range.name, en: range.en, notice: range.by ?? year.notice.number };
      for (let day = toEpochDay(range.from); day <= toEpochDay(range.to); day++) {
        entries.set(day, { working: false, kind: "holiday", holiday });
      }
    }
    for (const workday of year.workdays) {
      const served = year.holidays.find((range) => range.name === workday.for);
      entries.set(toEpochDay(workday.date), {
        working: true,
        kind: "make_up_workday",
        holiday: {
          name: workday.for,
          en: served?.en ?? workday.for,
          notice: year.notice.number,
        },
      });
    }
  }

  // Deviations from Mon–Fri, for counting spans without walking them.
  const deltas = [...entries]
    .map(([day, entry]) => {
      const weekend = weekdayOfEpochDay(day) >= 6;
      const delta = entry.working && weekend ? 1 : !entry.working && !weekend ? -1 : 0;
      return { day, delta };
    })
    .filter(({ delta }) => delta !== 0)
    .sort((x, y) => x.day - y.day);

  const workingOn = (day: number): boolean =>
    entries.get(day)?.working ?? weekdayOfEpochDay(day) <= 5;

  /** Working days in (a, b] for a <= b. */
  const countAfter = (a: number, b: number): number => {
    let count = weekdaysThrough(b) - weekdaysThrough(a);
    for (const { day, delta } of deltas) {
      if (day > b) break;
      if (day > a) count += delta;
    }
    return count;
  };

  const years = [...coverage.keys()].sort((x, y) => x - y);

  const calendarCoverage = (year: number): CalendarCoverage => {
    const y = checkYear(year);
    const known = coverage.get(y);
    if (known !== undefined) return { year: y, ...known, dataVersion: dataset.dataVersion };
    return {
      year: y,
      official: false,
      fallback: "weekdays",
      warning: fallbackWarning(y),
      dataVersion: dataset.dataVersion,
    };
  };

  return {
    dataVersion: dataset.dataVersion,
    years,
    isWorkingDay: (date) => workingOn(toEpochDay(date)),
    dayInfo(date) {
      const day = toEpochDay(date);
      const weekday = weekdayOfEpochDay(day);
      const official = coverage.has(Number(String(date).slice(0, 4)));
      const entry = entries.get(day);
      if (entry !== undefined) {
        return {
          date,
          weekday,
          working: entry.working,
          kind: entry.kind,
          holiday: entry.holiday,
          official,
        };
      }
      const working = weekday <= 5;
      return { date, weekday, working, kind: working ? "workday" : "weekend", official };
    },
    addWorkingDays(start, n) {
      let day = toEpochDay(start);
      let left = checkCount(n);
      while (left > 0) {
        day += 1;
        if (workingOn(day)) left -= 1;
      }
      return fromEpochDay(day);
    },
    workingDaysBetween(a, b) {
      const from = toEpochDay(a);
      const to = toEpochDay(b);
      return from <= to ? countAfter(from, to) : 0 - countAfter(to, from); // never -0
    },
    calendarCoverage,
    coverageBetween(a, b) {
      const first = Number(fromEpochDay(Math.min(toEpochDay(a), toEpochDay(b))).slice(0, 4));
      const last = Number(fromEpochDay(Math.max(toEpochDay(a), toEpochDay(b))).slice(0, 4));
      const spanned: CalendarCoverage[] = [];
      for (let year = first; year <= last; year++) spanned.push(calendarCoverage(year));
      const warnings = spanned.flatMap((c) => (c.warning === undefined ? [] : [c.warning]));
      return { official: warnings.length === 0, years: spanned, warnings };
    },
  };
}

/** The shipped dataset (checked at load, frozen): the yearly notices 2020–2026. */
export const OFFICIAL_HOLIDAY_DATA: HolidayDataset = deepFreeze(
  structuredClone(loadHolidayDataset(shipped)),
);

/** The calendar over the shipped dataset: the one every feature of the node uses. */
export const officialCalendar: WorkingDayCalendar = createWorkingDayCalendar(OFFICIAL_HOLIDAY_DATA);

/** Whether a date is a working day on the official calendar. */
export function isWorkingDay(date: CalendarDate): boolean {
  return officialCalendar.isWorkingDay(date);
}

/**
 * The `n`-th working day strictly after `start` on the official calendar (`n = 0`: `start`).
 *
 * @example
 * addWorkingDays("2024-02-08", 10); // "2024-02-28": Spring Festival 2024-02-10…17 is skipped,
 * // the make-up Sunday 2024-02-18 counts
 */
export function addWorkingDays(start: CalendarDate, n: number): CalendarDate {
  return officialCalendar.addWorkingDays(start, n);
}

/** Working days in (a, b] on the official calendar (negative when `b` is before `a`). */
export function workingDaysBetween(a: CalendarDate, b: CalendarDate): number {
  return officialCalendar.workingDaysBetween(a, b);
}

/**
 * Whether a year is official or falls back to Monday–Friday on the official calendar.
 *
 * @example
 * calendarCoverage(2026); // { official: true, notice: { number: "国办发明电〔2025〕7号", … } }
 * calendarCoverage(2030); // { official: false, fallback: "weekdays", warning: { … } }
 */
export function calendarCoverage(year: number): CalendarCoverage {
  return officialCalendar.calendarCoverage(year);
}
