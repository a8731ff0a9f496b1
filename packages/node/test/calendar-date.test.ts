import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarDays,
  answerDeadline,
  CalendarError,
  checkCalendarDate,
  cstDateOf,
  fixedClock,
  isCalendarDate,
  isCalendarError,
  isoWeekday,
  isWorkingDay,
  startOfCstDay,
  systemClock,
  todayInChina,
  workingDaysBetween,
} from "../src/calendar/index.js";

describe("checkCalendarDate", () => {
  const valid: Array<[string, string]> = [
    ["a plain date", "2024-02-08"],
    ["a leap day", "2024-02-29"],
    ["2000 is a leap year (÷400)", "2000-02-29"],
    ["the first day in range", "1900-01-01"],
    ["the last day in range", "2199-12-31"],
    ["the last day of a 31-day month", "2025-10-31"],
  ];
  it.each(valid)("accepts %s", (_name, given) => {
    const result = checkCalendarDate(given);
    expect(result.ok).toBe(true);
    expect(isCalendarDate(given)).toBe(true);
  });

  const invalid: Array<[string, { given: unknown; code: string }]> = [
    ["February 30th", { given: "2024-02-30", code: "invalid_date" }],
    ["29 February in a common year", { given: "2023-02-29", code: "invalid_date" }],
    ["1900 is not a leap year (÷100)", { given: "1900-02-29", code: "invalid_date" }],
    ["month 13", { given: "2024-13-01", code: "invalid_date" }],
    ["month 00", { given: "2024-00-10", code: "invalid_date" }],
    ["day 00", { given: "2024-01-00", code: "invalid_date" }],
    ["April 31st", { given: "2024-04-31", code: "invalid_date" }],
    ["unpadded", { given: "2024-2-8", code: "invalid_date_format" }],
    ["slashes", { given: "2024/02/08", code: "invalid_date_format" }],
    ["Chinese", { given: "2024年2月8日", code: "invalid_date_format" }],
    ["full-width digits", { given: "２０２４-０２-０８", code: "invalid_date_format" }],
    ["a date-time", { given: "2024-02-08T00:00:00Z", code: "invalid_date_format" }],
    ["a trailing newline", { given: "2024-02-08\n", code: "invalid_date_format" }],
    ["leading space", { given: " 2024-02-08", code: "invalid_date_format" }],
    ["SQL injection", { given: "2024-02-08' OR '1'='1", code: "invalid_date_format" }],
    ["a 5-digit year", { given: "12024-02-08", code: "invalid_date_format" }],
    ["a negative year", { given: "-2024-02-08", code: "invalid_date_format" }],
    ["empty", { given: "", code: "invalid_date_format" }],
    ["a huge string", { given: "9".repeat(1_000_000), code: "invalid_date_format" }],
    ["a number", { given: 20240208, code: "invalid_date_format" }],
    ["a Date", { given: new Date("2024-02-08T00:00:00Z"), code: "invalid_date_format" }],
    ["null", { given: null, code: "invalid_date_format" }],
    ["undefined", { given: undefined, code: "invalid_date_format" }],
    ["an object", { given: { toString: () => "2024-02-08" }, code: "invalid_date_format" }],
    [
      "a __proto__ object",
      { given: JSON.parse('{"__proto__":"2024-02-08"}'), code: "invalid_date_format" },
    ],
    ["before the range", { given: "1899-12-31", code: "date_out_of_range" }],
    ["after the range", { given: "2200-01-01", code: "date_out_of_range" }],
    ["year 0000", { given: "0000-01-01", code: "date_out_of_range" }],
    ["year 9999", { given: "9999-12-31", code: "date_out_of_range" }],
  ];
  it.each(invalid)("refuses %s", (_name, { given, code }) => {
    const result = checkCalendarDate(given);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(CalendarError);
    expect(result.error.code).toBe(code);
    expect(result.error.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(result.error.message).toMatch(/[a-z]/);
    // Messages stay short even for a megabyte of input.
    expect(result.error.message.length).toBeLessThan(300);
    expect(() => isWorkingDay(given as string)).toThrowError(CalendarError);
  });

  it("explains an impossible day with the month's length, in both languages", () => {
    const result = checkCalendarDate("2024-02-30");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.zh).toBe("日期 2024-02-30 不存在：2024 年 2 月只有 29 天。请核对日期。");
    expect(result.error.localized("en")).toBe(
      "2024-02-30 does not exist: 2024-02 has 29 days. Check the day.",
    );
    expect(result.error.params).toEqual({ input: "2024-02-30", year: 2024, month: 2, day: 30 });
    expect(isCalendarError(result.error)).toBe(true);
  });
});

describe("China Standard Time", () => {
  const cases: Array<[string, { given: Date | number | string; want: string }]> = [
    [
      "15:59:59.999Z is 23:59:59.999 in Beijing",
      { given: "2024-02-08T15:59:59.999Z", want: "2024-02-08" },
    ],
    ["16:00Z is midnight in Beijing", { given: "2024-02-08T16:00:00Z", want: "2024-02-09" }],
    ["an explicit +08:00 offset", { given: "2024-02-09T00:00:00+08:00", want: "2024-02-09" }],
    [
      "New Year's Eve in UTC is New Year in Beijing",
      { given: "2024-12-31T20:00:00Z", want: "2025-01-01" },
    ],
    ["a negative offset", { given: "2024-02-08T10:00:00-05:00", want: "2024-02-08" }],
    ["the epoch", { given: 0, want: "1970-01-01" }],
    ["a Date", { given: new Date(Date.UTC(2025, 0, 27, 16)), want: "2025-01-28" }],
    ["a space instead of T", { given: "2024-02-08 16:00:00Z", want: "2024-02-09" }],
  ];
  it.each(cases)("cstDateOf: %s", (_name, { given, want }) => {
    expect(cstDateOf(given)).toBe(want);
  });

  const refused: Array<[string, unknown]> = [
    ["an invalid Date", new Date("not a date")],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["beyond the range of a Date", 8.64e15 + 1],
    ["a date-time without an offset (would be host local time)", "2024-02-08T10:00:00"],
    ["a bare date", "2024-02-08"],
    ["RFC 2822", "Thu, 08 Feb 2024 10:00:00 GMT"],
    ["null", null],
    ["an object", {}],
  ];
  it.each(refused)("cstDateOf refuses %s", (_name, given) => {
    expect(() => cstDateOf(given as Date)).toThrowError(
      expect.objectContaining({ code: "invalid_instant" }),
    );
  });

  it("refuses an instant whose date is outside the range", () => {
    expect(() => cstDateOf(-8.64e15)).toThrowError(
      expect.objectContaining({ code: "date_out_of_range" }),
    );
  });

  it("startOfCstDay is 16:00Z the day before, and round-trips", () => {
    expect(startOfCstDay("2024-02-09").toISOString()).toBe("2024-02-08T16:00:00.000Z");
    fc.assert(
      fc.property(fc.integer({ min: -25_566, max: 84_000 }), (epochDay) => {
        const date = addCalendarDays("1970-01-01", epochDay);
        const start = startOfCstDay(date).getTime();
        expect(cstDateOf(start)).toBe(date);
        expect(cstDateOf(start + 86_399_999)).toBe(date);
        expect(cstDateOf(start - 1)).toBe(addCalendarDays(date, -1));
      }),
    );
  });

  it("isoWeekday and addCalendarDays", () => {
    expect(isoWeekday("2024-02-18")).toBe(7);
    expect(isoWeekday("2025-01-28")).toBe(2);
    expect(isoWeekday("1970-01-01")).toBe(4);
    expect(addCalendarDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addCalendarDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addCalendarDays("2023-12-31", 1)).toBe("2024-01-01");
    expect(() => addCalendarDays("2024-01-01", 0.5)).toThrowError(
      expect.objectContaining({ code: "invalid_day_count" }),
    );
    expect(() => addCalendarDays("2199-12-31", 1)).toThrowError(
      expect.objectContaining({ code: "date_out_of_range" }),
    );
  });
});

describe("clock", () => {
  it("a fixed clock stands still, moves when told, and hands out fresh Dates", () => {
    const clock = fixedClock("2024-02-08T17:59:00+08:00");
    expect(clock.now().toISOString()).toBe("2024-02-08T09:59:00.000Z");
    const handed = clock.now();
    handed.setTime(0);
    expect(clock.now().toISOString()).toBe("2024-02-08T09:59:00.000Z");
    expect(todayInChina(clock)).toBe("2024-02-08");
    clock.advance(6 * 3_600_000 + 60_000); // 00:00 in Beijing
    expect(todayInChina(clock)).toBe("2024-02-09");
    clock.advance(-1);
    expect(todayInChina(clock)).toBe("2024-02-08");
    clock.set(new Date("2025-01-28T00:00:00+08:00"));
    expect(todayInChina(clock)).toBe("2025-01-28");
    clock.set(0);
    expect(clock.now().getTime()).toBe(0);
  });

  it("a fixed clock refuses invalid instants and steps", () => {
    expect(() => fixedClock("2024-02-08T10:00:00")).toThrowError(
      expect.objectContaining({ code: "invalid_instant" }),
    );
    const clock = fixedClock(0);
    expect(() => clock.advance(Number.NaN)).toThrowError(
      expect.objectContaining({ code: "invalid_instant" }),
    );
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrowError(CalendarError);
    expect(() => clock.advance(9e15)).toThrowError(
      expect.objectContaining({ code: "invalid_instant" }),
    );
    expect(() => clock.set("yesterday")).toThrowError(CalendarError);
    expect(clock.now().getTime()).toBe(0);
  });

  it("the system clock reads the host's time", () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
    expect(Object.isFrozen(systemClock)).toBe(true);
  });
});

describe("host time zone", () => {
  const run = promisify(execFile);
  const source = fileURLToPath(new URL("../src/calendar/index.ts", import.meta.url));
  // Computed in-process and in child processes whose TZ is far west and far east of UTC.
  const probe = `
    const c = await import(${JSON.stringify(source)});
    const dates = ["2024-02-09", "2024-02-18", "2025-01-28", "2026-10-07", "2030-01-01"];
    const out = {
      working: dates.map((d) => c.isWorkingDay(d)),
      weekday: dates.map((d) => c.isoWeekday(d)),
      cst: ["2024-02-08T15:59:59.999Z", "2024-02-08T16:00:00Z"].map((i) => c.cstDateOf(i)),
      due: c.answerDeadline("2024-02-08T23:30:00+08:00").dueOn,
      between: c.workingDaysBetween("2020-01-01", "2026-12-31"),
      start: c.startOfCstDay("2024-02-09").toISOString(),
    };
    process.stdout.write(JSON.stringify(out));
  `;
  const local = {
    working: ["2024-02-09", "2024-02-18", "2025-01-28", "2026-10-07", "2030-01-01"].map((d) =>
      isWorkingDay(d),
    ),
    weekday: ["2024-02-09", "2024-02-18", "2025-01-28", "2026-10-07", "2030-01-01"].map((d) =>
      isoWeekday(d),
    ),
    cst: ["2024-02-08T15:59:59.999Z", "2024-02-08T16:00:00Z"].map((i) => cstDateOf(i)),
    due: answerDeadline("2024-02-08T23:30:00+08:00").dueOn,
    between: workingDaysBetween("2020-01-01", "2026-12-31"),
    start: startOfCstDay("2024-02-09").toISOString(),
  };

  it("gives the same answers in UTC−10, UTC+14 and here", async () => {
    const zones = ["Pacific/Honolulu", "Pacific/Kiritimati"];
    const outputs = await Promise.all(
      zones.map((TZ) =>
        run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], {
          env: { ...process.env, TZ },
          cwd: fileURLToPath(new URL("../../..", import.meta.url)),
        }),
      ),
    );
    expect(local.working).toEqual([true, true, false, false, true]);
    for (const { stdout } of outputs) expect(JSON.parse(stdout)).toEqual(local);
  });
});
