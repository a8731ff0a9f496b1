import { describe, expect, it } from "vitest";
import {
  answerDeadline,
  CalendarError,
  createWorkingDayCalendar,
  fixedClock,
  isOverdue,
  OFFICIAL_HOLIDAY_DATA,
  SHARE_REQUEST_ANSWER_WORKING_DAYS,
  workingDaysBetween,
} from "../src/calendar/index.js";

describe("answerDeadline: 10 working days, counted from the day after receipt", () => {
  const cases: Array<[string, { receivedAt: string; receivedOn: string; dueOn: string }]> = [
    [
      "an ordinary Monday: due Monday two weeks on",
      { receivedAt: "2024-03-04T09:00:00+08:00", receivedOn: "2024-03-04", dueOn: "2024-03-18" },
    ],
    [
      "the Thursday before Spring Festival 2024: the holiday is skipped, the make-up Sunday counts",
      { receivedAt: "2024-02-08T10:00:00+08:00", receivedOn: "2024-02-08", dueOn: "2024-02-28" },
    ],
    [
      "received on a Saturday: counting still starts the day after",
      { receivedAt: "2024-03-09T10:00:00+08:00", receivedOn: "2024-03-09", dueOn: "2024-03-22" },
    ],
    [
      "received on a make-up working Sunday (2024-02-18): it does not count either",
      { receivedAt: "2024-02-18T10:00:00+08:00", receivedOn: "2024-02-18", dueOn: "2024-03-01" },
    ],
    [
      "received during National Day 2025",
      { receivedAt: "2025-10-03T10:00:00+08:00", receivedOn: "2025-10-03", dueOn: "2025-10-21" },
    ],
    [
      "23:59 Beijing time is still the same day (15:59Z)",
      { receivedAt: "2024-03-04T15:59:00Z", receivedOn: "2024-03-04", dueOn: "2024-03-18" },
    ],
    [
      "00:00 Beijing time is the next day (16:00Z)",
      { receivedAt: "2024-03-04T16:00:00Z", receivedOn: "2024-03-05", dueOn: "2024-03-19" },
    ],
    [
      "2025 除夕 is no longer a working day",
      { receivedAt: "2025-01-24T10:00:00+08:00", receivedOn: "2025-01-24", dueOn: "2025-02-13" },
    ],
  ];
  it.each(cases)("%s", (_name, { receivedAt, receivedOn, dueOn }) => {
    const deadline = answerDeadline(receivedAt);
    expect(deadline.receivedOn).toBe(receivedOn);
    expect(deadline.dueOn).toBe(dueOn);
    expect(deadline.workingDays).toBe(SHARE_REQUEST_ANSWER_WORKING_DAYS);
    expect(workingDaysBetween(receivedOn, dueOn)).toBe(10);
    expect(deadline.official).toBe(true);
    expect(deadline.warnings).toEqual([]);
    expect(deadline.receivedAt.getTime()).toBe(Date.parse(receivedAt));
    expect(deadline.dataVersion).toBe(OFFICIAL_HOLIDAY_DATA.dataVersion);
  });

  it("is overdue from 00:00 Beijing time after the due day (民法典 第二百零三条: 二十四时)", () => {
    const deadline = answerDeadline("2024-02-08T10:00:00+08:00");
    expect(deadline.overdueFrom.toISOString()).toBe("2024-02-28T16:00:00.000Z");
    const clock = fixedClock("2024-02-28T23:59:59.999+08:00");
    expect(isOverdue(deadline.dueOn, clock)).toBe(false);
    clock.advance(1);
    expect(clock.now().getTime()).toBe(deadline.overdueFrom.getTime());
    expect(isOverdue(deadline.dueOn, clock)).toBe(true);
    expect(isOverdue(deadline.dueOn, clock.now())).toBe(true);
    expect(isOverdue(deadline.dueOn, "2024-02-01T00:00:00+08:00")).toBe(false);
  });

  it("warns when the span reaches a year without a notice", () => {
    const deadline = answerDeadline("2026-12-28T10:00:00+08:00");
    expect(deadline.dueOn).toBe("2027-01-11");
    expect(deadline.official).toBe(false);
    expect(deadline.warnings).toHaveLength(1);
    expect(deadline.warnings[0]).toMatchObject({ code: "calendar_fallback_weekdays", year: 2027 });
    expect(deadline.warnings[0]?.zh).toContain("已按周一至周五为工作日计算");
  });

  it("takes another count or calendar", () => {
    expect(answerDeadline("2024-03-04T09:00:00+08:00", { workingDays: 5 }).dueOn).toBe(
      "2024-03-11",
    );
    const weekdaysOnly = createWorkingDayCalendar({
      ...OFFICIAL_HOLIDAY_DATA,
      dataVersion: "0.0.1",
      years: {},
    });
    const deadline = answerDeadline("2024-02-08T10:00:00+08:00", { calendar: weekdaysOnly });
    expect(deadline.dueOn).toBe("2024-02-22");
    expect(deadline.dataVersion).toBe("0.0.1");
    expect(deadline.warnings.map((w) => w.year)).toEqual([2024]);
  });

  const refused: Array<[string, { receivedAt: unknown; workingDays?: unknown; code: string }]> = [
    [
      "a date-time without an offset",
      { receivedAt: "2024-02-08T10:00:00", code: "invalid_instant" },
    ],
    ["an invalid Date", { receivedAt: new Date(Number.NaN), code: "invalid_instant" }],
    ["a bare date", { receivedAt: "2024-02-08", code: "invalid_instant" }],
    ["script", { receivedAt: "<script>alert(1)</script>", code: "invalid_instant" }],
    ["null", { receivedAt: null, code: "invalid_instant" }],
    [
      "a huge working-day count",
      { receivedAt: 0, workingDays: 1e12, code: "day_count_out_of_range" },
    ],
    ["a negative count", { receivedAt: 0, workingDays: -10, code: "invalid_day_count" }],
  ];
  it.each(refused)("refuses %s", (_name, { receivedAt, workingDays, code }) => {
    let thrown: unknown;
    try {
      answerDeadline(receivedAt as string, { workingDays: workingDays as number });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CalendarError);
    expect((thrown as CalendarError).code).toBe(code);
  });

  it("isOverdue refuses a bad due day or instant", () => {
    expect(() => isOverdue("2024-02-30", 0)).toThrowError(
      expect.objectContaining({ code: "invalid_date" }),
    );
    expect(() => isOverdue("2024-02-28", { now: "soon" } as never)).toThrowError(CalendarError);
    expect(() => isOverdue("2024-02-28", null as never)).toThrowError(
      expect.objectContaining({ code: "invalid_instant" }),
    );
  });
});
