import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarDays,
  addWorkingDays,
  CalendarError,
  calendarCoverage,
  isoWeekday,
  isWorkingDay,
  MAX_WORKING_DAYS,
  officialCalendar,
  workingDaysBetween,
} from "../src/calendar/index.js";

type Kind = "workday" | "weekend" | "holiday" | "make_up_workday";

describe("known days", () => {
  const cases: Array<[string, { date: string; kind: Kind; holiday?: string }]> = [
    // 2024 Spring Festival (国办发明电〔2023〕7号): 2月10日至17日, make-up Sundays 4 and 18 February.
    [
      "2024 make-up Sunday before Spring Festival",
      { date: "2024-02-04", kind: "make_up_workday", holiday: "春节" },
    ],
    [
      "2024 除夕 is a working Friday (only encouraged leave)",
      { date: "2024-02-09", kind: "workday" },
    ],
    [
      "2024 Spring Festival starts on Saturday",
      { date: "2024-02-10", kind: "holiday", holiday: "春节" },
    ],
    ["2024 Spring Festival weekday", { date: "2024-02-14", kind: "holiday", holiday: "春节" }],
    [
      "2024 Spring Festival ends on Saturday",
      { date: "2024-02-17", kind: "holiday", holiday: "春节" },
    ],
    [
      "2024 make-up Sunday after Spring Festival",
      { date: "2024-02-18", kind: "make_up_workday", holiday: "春节" },
    ],
    ["2024 Monday after Spring Festival", { date: "2024-02-19", kind: "workday" }],
    // National Day weeks.
    [
      "2024 make-up Sunday before National Day",
      { date: "2024-09-29", kind: "make_up_workday", holiday: "国庆节" },
    ],
    ["2024 National Day", { date: "2024-10-01", kind: "holiday", holiday: "国庆节" }],
    [
      "2024 National Day last day (Monday)",
      { date: "2024-10-07", kind: "holiday", holiday: "国庆节" },
    ],
    [
      "2024 make-up Saturday after National Day",
      { date: "2024-10-12", kind: "make_up_workday", holiday: "国庆节" },
    ],
    [
      "2023 Mid-autumn + National Day from 29 Sep",
      { date: "2023-09-29", kind: "holiday", holiday: "中秋节、国庆节" },
    ],
    ["2023 8-day National Day ends on Friday 6 Oct", { date: "2023-10-06", kind: "holiday" }],
    ["2023 make-up Saturday 7 Oct", { date: "2023-10-07", kind: "make_up_workday" }],
    ["2023 make-up Sunday 8 Oct", { date: "2023-10-08", kind: "make_up_workday" }],
    [
      "2025 National Day + Mid-autumn 8th day (Wednesday)",
      { date: "2025-10-08", kind: "holiday", holiday: "国庆节、中秋节" },
    ],
    ["2025 make-up Saturday 11 Oct", { date: "2025-10-11", kind: "make_up_workday" }],
    [
      "2026 National Day ends on Wednesday 7 Oct",
      { date: "2026-10-07", kind: "holiday", holiday: "国庆节" },
    ],
    ["2026 Thursday after National Day", { date: "2026-10-08", kind: "workday" }],
    [
      "2026 make-up Sunday 20 Sep",
      { date: "2026-09-20", kind: "make_up_workday", holiday: "国庆节" },
    ],
    // 2025: the 2024 revision of 全国年节及纪念日放假办法 adds 除夕 and 5月2日.
    [
      "2025 除夕 is a statutory holiday (Tuesday)",
      { date: "2025-01-28", kind: "holiday", holiday: "春节" },
    ],
    [
      "2025 Spring Festival 8th day, 初七 (Tuesday)",
      { date: "2025-02-04", kind: "holiday", holiday: "春节" },
    ],
    ["2025 make-up Sunday 26 Jan", { date: "2025-01-26", kind: "make_up_workday" }],
    ["2025 make-up Saturday 8 Feb", { date: "2025-02-08", kind: "make_up_workday" }],
    ["2025 5月2日 (Friday)", { date: "2025-05-02", kind: "holiday", holiday: "劳动节" }],
    [
      "2025 Labour Day has one make-up day, 27 Apr",
      { date: "2025-04-27", kind: "make_up_workday" },
    ],
    ["2025 Saturday after Labour Day is a weekend", { date: "2025-05-10", kind: "weekend" }],
    ["2025 元旦 (Wednesday), no make-up", { date: "2025-01-01", kind: "holiday" }],
    ["2025 端午 Monday", { date: "2025-06-02", kind: "holiday", holiday: "端午节" }],
    // 2026 (国办发明电〔2025〕7号).
    ["2026 元旦 Friday", { date: "2026-01-02", kind: "holiday", holiday: "元旦" }],
    ["2026 make-up Sunday 4 Jan", { date: "2026-01-04", kind: "make_up_workday", holiday: "元旦" }],
    [
      "2026 Spring Festival 9 days from 腊月二十八",
      { date: "2026-02-15", kind: "holiday", holiday: "春节" },
    ],
    ["2026 Spring Festival last day, Monday 23 Feb", { date: "2026-02-23", kind: "holiday" }],
    ["2026 make-up Saturday 28 Feb", { date: "2026-02-28", kind: "make_up_workday" }],
    // 2020: the yearly notice, then the extension (国办发明电〔2020〕1号).
    [
      "2020 Spring Festival extended: Friday 31 Jan",
      { date: "2020-01-31", kind: "holiday", holiday: "春节（延长）" },
    ],
    [
      "2020 make-up Saturday 1 Feb cancelled by the extension",
      { date: "2020-02-01", kind: "holiday" },
    ],
    ["2020 back to work Monday 3 Feb", { date: "2020-02-03", kind: "workday" }],
    ["2020 make-up Sunday 19 Jan stands", { date: "2020-01-19", kind: "make_up_workday" }],
    // 2023 元旦 starts in 2022.
    [
      "2022-12-31 is 元旦 of the 2023 notice",
      { date: "2022-12-31", kind: "holiday", holiday: "元旦" },
    ],
    ["2023 元旦 Monday 2 Jan", { date: "2023-01-02", kind: "holiday" }],
    ["2023 清明 one day (Wednesday)", { date: "2023-04-05", kind: "holiday", holiday: "清明节" }],
    // Fallback years.
    [
      "2030 New Year's Day falls back to a working Tuesday",
      { date: "2030-01-01", kind: "workday" },
    ],
    [
      "2019 Spring Festival falls back to a working Tuesday",
      { date: "2019-02-05", kind: "workday" },
    ],
  ];
  it.each(cases)("%s", (_name, { date, kind, holiday }) => {
    const info = officialCalendar.dayInfo(date);
    expect(info.kind).toBe(kind);
    expect(info.working).toBe(kind === "workday" || kind === "make_up_workday");
    expect(isWorkingDay(date)).toBe(info.working);
    expect(info.weekday).toBe(isoWeekday(date));
    if (holiday !== undefined) expect(info.holiday?.name).toBe(holiday);
    expect(info.official).toBe(officialCalendar.years.includes(Number(date.slice(0, 4))));
  });

  it("names the notice a day comes from", () => {
    expect(officialCalendar.dayInfo("2020-02-02").holiday?.notice).toBe("国办发明电〔2020〕1号");
    expect(officialCalendar.dayInfo("2020-01-30").holiday?.notice).toBe("国办发明电〔2019〕16号");
    expect(officialCalendar.dayInfo("2026-02-14").holiday).toEqual({
      name: "春节",
      en: "Spring Festival",
      notice: "国办发明电〔2025〕7号",
    });
  });

  // Working days per year: Mon–Fri, minus 放假 weekdays, plus 调休上班 weekend days.
  const totals: Array<[number, number]> = [
    [2020, 249],
    [2021, 250],
    [2022, 249],
    [2023, 249],
    [2024, 251],
    [2025, 248],
    [2026, 248],
  ];
  it.each(totals)("%i has %i working days", (year, want) => {
    expect(workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`)).toBe(want);
  });

  it("2025 gains 除夕 and 5月2日: 13 statutory days instead of 11", () => {
    const spring2024 = { from: "2024-02-10", to: "2024-02-17" };
    const spring2025 = { from: "2025-01-28", to: "2025-02-04" };
    // 2024: 8 days from the Saturday after 除夕; 2025: 8 days from 除夕 itself.
    expect(isWorkingDay("2024-02-09")).toBe(true);
    expect(isWorkingDay("2025-01-28")).toBe(false);
    for (const { from, to } of [spring2024, spring2025]) {
      expect(workingDaysBetween(addCalendarDays(from, -1), to)).toBe(0);
    }
    // Labour Day: 5 days both years, made up by two weekend days in 2024, by one in 2025.
    const makeUps = (year: number) =>
      (officialCalendar.years.includes(year) ? [year] : []).flatMap(() =>
        Array.from({ length: 31 + 31 }, (_, i) => addCalendarDays(`${year}-04-01`, i)).filter(
          (d) => officialCalendar.dayInfo(d).kind === "make_up_workday",
        ),
      );
    expect(makeUps(2024)).toEqual(["2024-04-07", "2024-04-28", "2024-05-11"]);
    expect(makeUps(2025)).toEqual(["2025-04-27"]);
  });

  it("from 2025, no more than 6 working days in a row (放假办法 第七条, 2024 revision)", () => {
    // "除个别特殊情形外": a future notice that makes an exception must be listed here with its reason.
    for (const year of officialCalendar.years.filter((y) => y >= 2025)) {
      let run = 0;
      for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addCalendarDays(d, 1)) {
        run = isWorkingDay(d) ? run + 1 : 0;
        expect(run, `${d} ends a run of ${run} working days`).toBeLessThanOrEqual(6);
      }
    }
  });
});

describe("addWorkingDays", () => {
  const cases: Array<[string, { start: string; n: number; want: string }]> = [
    ["n = 0 returns the start, working or not", { start: "2024-02-10", n: 0, want: "2024-02-10" }],
    ["the start never counts: Monday + 1", { start: "2024-03-04", n: 1, want: "2024-03-05" }],
    ["Friday + 1 is Monday", { start: "2024-03-08", n: 1, want: "2024-03-11" }],
    ["Saturday + 1 is Monday", { start: "2024-03-09", n: 1, want: "2024-03-11" }],
    ["2024 除夕 + 1 is the make-up Sunday", { start: "2024-02-09", n: 1, want: "2024-02-18" }],
    [
      "10 working days over Spring Festival 2024",
      { start: "2024-02-08", n: 10, want: "2024-02-28" },
    ],
    ["from inside the 2024 holiday", { start: "2024-02-12", n: 1, want: "2024-02-18" }],
    ["10 working days over National Day 2024", { start: "2024-09-27", n: 10, want: "2024-10-16" }],
    [
      "10 working days over National Day 2025 (8 days off)",
      { start: "2025-09-26", n: 10, want: "2025-10-16" },
    ],
    ["across the 2020 extension", { start: "2020-01-23", n: 1, want: "2020-02-03" }],
    ["into the fallback year 2027", { start: "2026-12-30", n: 3, want: "2027-01-04" }],
    ["a year of working days (2024 has 251)", { start: "2023-12-31", n: 251, want: "2024-12-31" }],
  ];
  it.each(cases)("%s", (_name, { start, n, want }) => {
    expect(addWorkingDays(start, n)).toBe(want);
  });

  const refused: Array<[string, { start: unknown; n: unknown; code: string }]> = [
    ["a negative count", { start: "2024-02-08", n: -1, code: "invalid_day_count" }],
    ["a fraction", { start: "2024-02-08", n: 1.5, code: "invalid_day_count" }],
    ["NaN", { start: "2024-02-08", n: Number.NaN, code: "invalid_day_count" }],
    ["Infinity", { start: "2024-02-08", n: Number.POSITIVE_INFINITY, code: "invalid_day_count" }],
    ["a string", { start: "2024-02-08", n: "10", code: "invalid_day_count" }],
    ["2^53", { start: "2024-02-08", n: 2 ** 53, code: "invalid_day_count" }],
    [
      "one over the maximum",
      { start: "2024-02-08", n: MAX_WORKING_DAYS + 1, code: "day_count_out_of_range" },
    ],
    ["a billion", { start: "2024-02-08", n: 1e9, code: "day_count_out_of_range" }],
    ["an impossible start", { start: "2024-02-30", n: 1, code: "invalid_date" }],
    ["a garbage start", { start: "tomorrow", n: 1, code: "invalid_date_format" }],
    ["past the end of the range", { start: "2199-12-01", n: 100, code: "date_out_of_range" }],
  ];
  it.each(refused)("refuses %s", (_name, { start, n, code }) => {
    let thrown: unknown;
    try {
      addWorkingDays(start as string, n as number);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CalendarError);
    expect((thrown as CalendarError).code).toBe(code);
    expect((thrown as CalendarError).zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it("says how large a count may be", () => {
    expect(() => addWorkingDays("2024-02-08", 1e9)).toThrowError(
      "1000000000 working days is too many: at most 2500 (about ten years). Check the time limit.",
    );
    expect(addWorkingDays("2020-01-01", MAX_WORKING_DAYS)).toBe("2029-11-23");
  });
});

describe("workingDaysBetween", () => {
  const cases: Array<[string, { a: string; b: string; want: number }]> = [
    ["same day", { a: "2024-02-09", b: "2024-02-09", want: 0 }],
    ["(a, b]: Thursday to Friday", { a: "2024-02-08", b: "2024-02-09", want: 1 }],
    ["reversed is negative", { a: "2024-02-09", b: "2024-02-08", want: -1 }],
    ["over Spring Festival 2024", { a: "2024-02-09", b: "2024-02-18", want: 1 }],
    ["a fallback week in 2030", { a: "2029-12-30", b: "2030-01-06", want: 5 }],
    [
      "2020 through 2026",
      { a: "2019-12-31", b: "2026-12-31", want: 249 + 250 + 249 + 249 + 251 + 248 + 248 },
    ],
  ];
  it.each(cases)("%s", (_name, { a, b, want }) => {
    expect(workingDaysBetween(a, b)).toBe(want);
  });

  it("refuses invalid dates on either side", () => {
    expect(() => workingDaysBetween("2024-02-08", "2024-02-30")).toThrowError(
      expect.objectContaining({ code: "invalid_date" }),
    );
    expect(() => workingDaysBetween("__proto__", "2024-02-08")).toThrowError(
      expect.objectContaining({ code: "invalid_date_format" }),
    );
  });
});

describe("coverage", () => {
  it.each([2020, 2021, 2022, 2023, 2024, 2025, 2026])("%i is official", (year) => {
    const coverage = calendarCoverage(year);
    expect(coverage.official).toBe(true);
    expect(coverage.fallback).toBeUndefined();
    expect(coverage.warning).toBeUndefined();
    expect(coverage.notice?.number).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
    expect(coverage.dataVersion).toBe(officialCalendar.dataVersion);
  });

  it("2020 carries its amendment", () => {
    expect(calendarCoverage(2020).amendments?.map((a) => a.number)).toEqual([
      "国办发明电〔2020〕1号",
    ]);
    expect(calendarCoverage(2021).amendments).toBeUndefined();
  });

  it.each([1900, 2019, 2027, 2030, 2199])("%i falls back to Monday–Friday and says so", (year) => {
    const coverage = calendarCoverage(year);
    expect(coverage).toMatchObject({ year, official: false, fallback: "weekdays" });
    expect(coverage.notice).toBeUndefined();
    expect(coverage.warning?.code).toBe("calendar_fallback_weekdays");
    expect(coverage.warning?.zh).toContain(`${year} 年的节假日安排不在日历数据中`);
    expect(coverage.warning?.en).toContain(`no holiday notice for ${year}`);
  });

  it("coverageBetween lists the fallback years a span touches", () => {
    expect(officialCalendar.coverageBetween("2024-01-01", "2026-12-31")).toMatchObject({
      official: true,
      warnings: [],
    });
    const span = officialCalendar.coverageBetween("2028-03-01", "2026-12-20");
    expect(span.official).toBe(false);
    expect(span.years.map((c) => c.year)).toEqual([2026, 2027, 2028]);
    expect(span.warnings.map((w) => w.year)).toEqual([2027, 2028]);
  });

  const badYears: Array<[string, unknown]> = [
    ["a fraction", 2024.5],
    ["NaN", Number.NaN],
    ["a string", "2024"],
    ["year 0", 0],
    ["year 99 (Date.UTC would read 1999)", 99],
    ["year 10000", 10000],
  ];
  it.each(badYears)("refuses %s as a year", (_name, year) => {
    expect(() => calendarCoverage(year as number)).toThrowError(
      expect.objectContaining({ code: "date_out_of_range" }),
    );
  });
});

describe("properties", () => {
  const DAY_2019_06 = 18_048; // 2019-06-01
  const DAY_2027_06 = 20_970; // 2027-06-01
  // Mostly around the official years, sometimes anywhere in range.
  const epochDay = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: DAY_2019_06, max: DAY_2027_06 }) },
    { weight: 1, arbitrary: fc.integer({ min: -25_100, max: 83_000 }) }, // room for ±800 days
  );
  const date = epochDay.map((d) => addCalendarDays("1970-01-01", d));
  const count = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 600 }) },
  );

  it("addWorkingDays(d, n) is a working day for n ≥ 1, and d itself for n = 0", () => {
    fc.assert(
      fc.property(date, count, (d, n) => {
        const result = addWorkingDays(d, n);
        if (n === 0) expect(result).toBe(d);
        else expect(isWorkingDay(result)).toBe(true);
      }),
    );
  });

  it("addWorkingDays is strictly increasing in n and skips no working day", () => {
    fc.assert(
      fc.property(date, count, (d, n) => {
        const here = addWorkingDays(d, n);
        const next = addWorkingDays(d, n + 1);
        expect(next > here).toBe(true);
        // Exactly one working day in (here, next]: nothing between them is a working day.
        expect(workingDaysBetween(here, next)).toBe(1);
        for (let x = addCalendarDays(here, 1); x < next; x = addCalendarDays(x, 1)) {
          expect(isWorkingDay(x)).toBe(false);
        }
      }),
    );
  });

  it("workingDaysBetween inverts addWorkingDays", () => {
    fc.assert(
      fc.property(date, count, (d, n) => {
        expect(workingDaysBetween(d, addWorkingDays(d, n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 400 }), (a, span) => {
        const b = addCalendarDays(a, span);
        const k = workingDaysBetween(a, b);
        const reached = addWorkingDays(a, k);
        // The k-th working day after a is b when b works, else the last working day before b.
        expect(reached <= b).toBe(true);
        expect(workingDaysBetween(reached, b)).toBe(0);
        if (isWorkingDay(b)) expect(reached).toBe(b);
      }),
    );
  });

  it("workingDaysBetween counts what a walk counts, is antisymmetric and additive", () => {
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -400, max: 400 }),
        (a, span, more) => {
          const b = addCalendarDays(a, span);
          let walked = 0;
          for (let x = addCalendarDays(a, 1); x <= b; x = addCalendarDays(x, 1)) {
            if (isWorkingDay(x)) walked += 1;
          }
          expect(workingDaysBetween(a, b)).toBe(walked);
          expect(workingDaysBetween(b, a)).toBe(0 - walked); // and never -0
          const c = addCalendarDays(b, more);
          expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(
            workingDaysBetween(a, c),
          );
        },
      ),
    );
  });

  it("a fallback year is exactly Monday to Friday", () => {
    const fallback = fc
      .integer({ min: -25_567, max: 83_000 })
      .map((d) => addCalendarDays("1970-01-01", d))
      .filter((d) => !calendarCoverage(Number(d.slice(0, 4))).official);
    fc.assert(
      fc.property(fallback, (d) => {
        expect(isWorkingDay(d)).toBe(isoWeekday(d) <= 5);
        expect(officialCalendar.dayInfo(d).official).toBe(false);
      }),
    );
  });
});
