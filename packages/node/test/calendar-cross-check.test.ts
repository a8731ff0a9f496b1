/**
 * Every day of every shipped year against the `chinese-days` package (an independent
 * transcription of the same notices; a devDependency only). A year on which they disagree fails,
 * unless the data documents that day with a reason (`crossCheck.discrepancies`); a documented day
 * that no longer differs fails too, so the notes never go stale.
 */
import { isWorkday } from "chinese-days";
import { describe, expect, it } from "vitest";
import { CHINESE_DAYS_VERSION, compareYear } from "../scripts/calendar-compare.js";
import { createWorkingDayCalendar, OFFICIAL_HOLIDAY_DATA } from "../src/calendar/index.js";

describe(`cross-check against chinese-days ${CHINESE_DAYS_VERSION}`, () => {
  const years = Object.entries(OFFICIAL_HOLIDAY_DATA.years).map(
    ([year, entry]) => [Number(year), entry] as const,
  );

  it.each(years)("%i: every day agrees, or the data says why not", (year, entry) => {
    // chinese-days' isWorkday with a local-midnight Date, as that package expects.
    const result = compareYear(year, { isWorkday: (date) => isWorkday(date) });
    expect(result.days).toBe(year % 4 === 0 ? 366 : 365);

    if (entry.crossCheck.result === "not_checked") {
      // Only honest when chinese-days does not know the year yet.
      expect(result.theirsKnowsYear, `${year} is marked not_checked but chinese-days has it`).toBe(
        false,
      );
      expect(entry.crossCheck.reason).toBeTruthy();
      return;
    }
    expect(result.theirsKnowsYear).toBe(true);
    const documented = entry.crossCheck.discrepancies ?? [];
    const documentedDates = new Set(documented.map((d) => d.date));
    const unexplained = result.differences.filter((d) => !documentedDates.has(d.date));
    expect(unexplained, `${year}: days that differ from chinese-days`).toEqual([]);
    for (const note of documented) {
      const difference = result.differences.find((d) => d.date === note.date);
      expect(difference, `${note.date} is documented as differing but agrees`).toBeDefined();
      expect(difference?.oursWorking).toBe(note.oursWorking);
    }
    expect(entry.crossCheck.result).toBe(
      documented.length > 0 ? "differs_as_documented" : "agrees",
    );
  });

  it("fails on a year that differs", () => {
    // The check itself must bite: a calendar missing the 2024-02-18 make-up Sunday differs there.
    const altered = structuredClone(OFFICIAL_HOLIDAY_DATA);
    const year2024 = altered.years["2024"];
    if (year2024) year2024.workdays = year2024.workdays.filter((w) => w.date !== "2024-02-18");
    const result = compareYear(2024, {
      dataset: altered,
      calendar: createWorkingDayCalendar(altered),
    });
    expect(result.differences).toEqual([
      {
        date: "2024-02-18",
        oursWorking: false,
        theirsWorking: true,
        oursHoliday: false,
        theirsHoliday: false,
        oursMakeUp: false,
        theirsMakeUp: true,
      },
    ]);
  });
});
