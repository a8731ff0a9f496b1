/**
 * Compares a year of the official working-day calendar with the `chinese-days` package (a
 * devDependency, never used at run time), day by day. Shared by the cross-check test and by
 * `scripts/calendar-cross-check.ts`, which maintainers run when they add a year's notice.
 *
 * Two comparisons: (1) working or not, for every day of the year; (2) the lists themselves — the
 * 放假 dates and the 调休上班 dates — so a range typed one day short over a weekend shows even
 * when no working day moves.
 */
import chineseDaysData from "chinese-days/dist/chinese-days.json" with { type: "json" };
import chineseDaysPackage from "chinese-days/package.json" with { type: "json" };
import {
  addCalendarDays,
  type HolidayDataset,
  OFFICIAL_HOLIDAY_DATA,
  officialCalendar,
  type WorkingDayCalendar,
} from "../src/calendar/index.js";

/** The installed chinese-days version. */
export const CHINESE_DAYS_VERSION: string = chineseDaysPackage.version;

const theirHolidays: Record<string, string> = chineseDaysData.holidays;
const theirWorkdays: Record<string, string> = chineseDaysData.workdays;

/** One day on which the two sources differ. */
export interface DayDifference {
  date: string;
  oursWorking: boolean;
  theirsWorking: boolean;
  /** Listed as a 放假 day by us / by them. */
  oursHoliday: boolean;
  theirsHoliday: boolean;
  /** Listed as a 调休上班 day by us / by them. */
  oursMakeUp: boolean;
  theirsMakeUp: boolean;
}

export interface YearComparison {
  year: number;
  /** Days compared (every day of the year). */
  days: number;
  /** Whether chinese-days has any holiday data for the year. */
  theirsKnowsYear: boolean;
  differences: DayDifference[];
}

/**
 * A function `(date: Date) => boolean` of the chinese-days API (`isWorkday`), called with a
 * local-midnight `Date` as that package expects, so the check holds in any host time zone.
 */
export type TheirIsWorkday = (date: Date) => boolean;

/** Compares one calendar year, every day. */
export function compareYear(
  year: number,
  options: {
    calendar?: WorkingDayCalendar;
    dataset?: HolidayDataset;
    isWorkday?: TheirIsWorkday;
  } = {},
): YearComparison {
  const calendar = options.calendar ?? officialCalendar;
  const dataset = options.dataset ?? OFFICIAL_HOLIDAY_DATA;
  const ourHolidays = new Set<string>();
  const ourMakeUps = new Set<string>();
  for (const entry of Object.values(dataset.years)) {
    for (const range of entry.holidays) {
      for (let d = range.from; d <= range.to; d = addCalendarDays(d, 1)) ourHolidays.add(d);
    }
    for (const workday of entry.workdays) ourMakeUps.add(workday.date);
  }

  const prefix = `${year}-`;
  const differences: DayDifference[] = [];
  let days = 0;
  for (let date = `${year}-01-01`; date.startsWith(prefix); date = addCalendarDays(date, 1)) {
    days += 1;
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const weekday = calendar.dayInfo(date).weekday;
    const theirsHoliday = theirHolidays[date] !== undefined;
    const theirsMakeUp = theirWorkdays[date] !== undefined;
    // chinese-days' own rule (src/holidays/index.ts, isWorkday): listed workday, or Mon–Fri
    // not listed as a holiday.
    const theirsFromData = theirsMakeUp || (weekday <= 5 && !theirsHoliday);
    const theirsWorking = options.isWorkday?.(new Date(y, m - 1, d)) ?? theirsFromData;
    const row: DayDifference = {
      date,
      oursWorking: calendar.isWorkingDay(date),
      theirsWorking,
      oursHoliday: ourHolidays.has(date),
      theirsHoliday,
      oursMakeUp: ourMakeUps.has(date),
      theirsMakeUp,
    };
    if (
      row.oursWorking !== row.theirsWorking ||
      theirsFromData !== theirsWorking ||
      row.oursHoliday !== row.theirsHoliday ||
      row.oursMakeUp !== row.theirsMakeUp
    ) {
      differences.push(row);
    }
  }
  const theirsKnowsYear = Object.keys(theirHolidays).some((date) => date.startsWith(prefix));
  return { year, days, theirsKnowsYear, differences };
}
