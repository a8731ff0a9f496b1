import { describe, expect, it } from "vitest";
import shipped from "../src/calendar/data/cn-holiday-notices.json" with { type: "json" };
import {
  CalendarError,
  checkHolidayDataset,
  createWorkingDayCalendar,
  type HolidayDataset,
  loadHolidayDataset,
  OFFICIAL_HOLIDAY_DATA,
  officialCalendar,
} from "../src/calendar/index.js";

/** A deep copy to mutate. */
const copy = (): HolidayDataset => structuredClone(OFFICIAL_HOLIDAY_DATA);

describe("the shipped dataset", () => {
  it("passes its own rules", () => {
    const result = checkHolidayDataset(shipped);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(OFFICIAL_HOLIDAY_DATA.dataVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(OFFICIAL_HOLIDAY_DATA.source).toContain("国务院办公厅");
  });

  // Document numbers and dates of the yearly notices (中国政府网 / 国务院公报).
  const notices: Array<[string, { number: string; issued: string; published: string }]> = [
    ["2020", { number: "国办发明电〔2019〕16号", issued: "2019-11-21", published: "2019-11-21" }],
    ["2021", { number: "国办发明电〔2020〕27号", issued: "2020-11-25", published: "2020-11-25" }],
    ["2022", { number: "国办发明电〔2021〕11号", issued: "2021-10-25", published: "2021-10-25" }],
    ["2023", { number: "国办发明电〔2022〕16号", issued: "2022-12-08", published: "2022-12-08" }],
    ["2024", { number: "国办发明电〔2023〕7号", issued: "2023-10-25", published: "2023-10-25" }],
    ["2025", { number: "国办发明电〔2024〕12号", issued: "2024-11-12", published: "2024-11-12" }],
    ["2026", { number: "国办发明电〔2025〕7号", issued: "2025-11-04", published: "2025-11-04" }],
  ];
  it.each(notices)("%s: %o", (year, want) => {
    const entry = OFFICIAL_HOLIDAY_DATA.years[year];
    expect(entry?.notice).toMatchObject(want);
    expect(entry?.notice.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
  });

  it("ships exactly 2020 through 2026 (no 2027 until its notice is transcribed)", () => {
    expect(Object.keys(OFFICIAL_HOLIDAY_DATA.years)).toEqual([
      "2020",
      "2021",
      "2022",
      "2023",
      "2024",
      "2025",
      "2026",
    ]);
  });

  it("marks every year's cross-check", () => {
    for (const [year, entry] of Object.entries(OFFICIAL_HOLIDAY_DATA.years)) {
      expect(entry.crossCheck.package, year).toBe("chinese-days");
      expect(["agrees", "differs_as_documented", "not_checked"], year).toContain(
        entry.crossCheck.result,
      );
    }
  });

  it("records both editions of 全国年节及纪念日放假办法", () => {
    expect(OFFICIAL_HOLIDAY_DATA.law.map((l) => [l.effective, l.statutoryDays])).toEqual([
      ["2014-01-01", 11],
      ["2025-01-01", 13],
    ]);
  });

  it("records the 2020 extension as an amendment with the cancelled make-up day", () => {
    const entry = OFFICIAL_HOLIDAY_DATA.years["2020"];
    expect(entry?.amendments?.[0]).toMatchObject({
      number: "国办发明电〔2020〕1号",
      issued: "2020-01-26",
      published: "2020-01-27",
    });
    expect(entry?.cancelledWorkdays).toEqual([
      expect.objectContaining({ date: "2020-02-01", weekday: 6, by: "国办发明电〔2020〕1号" }),
    ]);
  });
});

describe("checkHolidayDataset refuses", () => {
  const cases: Array<
    [string, { mutate: (d: HolidayDataset) => unknown; path: string; message: RegExp }]
  > = [
    [
      "a range whose day count is not the notice's 共N天",
      {
        mutate: (d) => {
          const range = d.years["2024"]?.holidays[1];
          if (range) range.to = "2024-02-16";
          return d;
        },
        path: "/years/2024/holidays/1/days",
        message: /must equal the number of days from\.\.to \(7\)/,
      },
    ],
    [
      "a make-up day whose weekday is not the notice's",
      {
        mutate: (d) => {
          const workday = d.years["2024"]?.workdays[1];
          if (workday) workday.weekday = 6; // 2024-02-18 is a Sunday (星期日)
          return d;
        },
        path: "/years/2024/workdays/1/weekday",
        message: /ISO weekday \(7\)/,
      },
    ],
    [
      "a make-up day on a weekday",
      {
        mutate: (d) => {
          const workday = d.years["2025"]?.workdays[0];
          if (workday) workday.date = "2025-01-27";
          return d;
        },
        path: "/years/2025/workdays/0/date",
        message: /Saturday or a Sunday/,
      },
    ],
    [
      "a make-up day inside a holiday",
      {
        mutate: (d) => {
          d.years["2024"]?.workdays.push({ date: "2024-02-11", weekday: 7, for: "春节" });
          return d;
        },
        path: "/years/2024/workdays/8/date",
        message: /inside a holiday range/,
      },
    ],
    [
      "overlapping holidays",
      {
        mutate: (d) => {
          d.years["2026"]?.holidays.push({
            name: "x",
            en: "x",
            from: "2026-10-07",
            to: "2026-10-08",
            days: 2,
            text: "x",
          });
          return d;
        },
        path: "/years/2026/holidays/7",
        message: /overlaps \/years\/2026\/holidays\/6/,
      },
    ],
    [
      "a malformed document number",
      {
        mutate: (d) => {
          const entry = d.years["2026"];
          if (entry) entry.notice.number = "国办发明电[2025]7号";
          return d;
        },
        path: "/years/2026/notice/number",
        message: /document number/,
      },
    ],
    [
      "a notice issued after its holidays",
      {
        mutate: (d) => {
          const entry = d.years["2026"];
          if (entry) entry.notice.issued = "2026-01-02";
          if (entry) entry.notice.published = "2026-01-02";
          return d;
        },
        path: "/years/2026/holidays/0/from",
        message: /issued before the holiday/,
      },
    ],
    [
      "an impossible date",
      {
        mutate: (d) => {
          const range = d.years["2024"]?.holidays[0];
          if (range) range.from = "2024-02-30";
          return d;
        },
        path: "/years/2024/holidays/0/from",
        message: /does not exist/,
      },
    ],
    [
      "a range ending in another year",
      {
        mutate: (d) => {
          const entry = d.years["2026"];
          if (entry)
            entry.holidays[0] = {
              ...entry.holidays[0],
              from: "2026-12-31",
              to: "2027-01-01",
              days: 2,
            } as never;
          return d;
        },
        path: "/years/2026/holidays/0/to",
        message: /must fall in 2026/,
      },
    ],
    [
      "a year key that is not a year (__proto__)",
      {
        mutate: (d) => JSON.parse(JSON.stringify(d).replace('"2020":', '"__proto__":')),
        path: "/years/__proto__",
        message: /4-digit year/,
      },
    ],
    [
      "a cross-check that is missing",
      {
        mutate: (d) => {
          const entry = d.years["2021"] as unknown as Record<string, unknown>;
          delete entry.crossCheck;
          return d;
        },
        path: "/years/2021/crossCheck",
        message: /not_checked, with a reason/,
      },
    ],
    [
      "a not_checked year without a reason",
      {
        mutate: (d) => {
          const entry = d.years["2021"];
          if (entry) entry.crossCheck = { package: "chinese-days", result: "not_checked" };
          return d;
        },
        path: "/years/2021/crossCheck/reason",
        message: /non-empty string/,
      },
    ],
    [
      "differs_as_documented without the days",
      {
        mutate: (d) => {
          const entry = d.years["2021"];
          if (entry)
            entry.crossCheck = {
              package: "chinese-days",
              version: "1.5.7",
              result: "differs_as_documented",
            };
          return d;
        },
        path: "/years/2021/crossCheck/discrepancies",
        message: /each day that differs/,
      },
    ],
    [
      "a bad data version",
      {
        mutate: (d) => ({ ...d, dataVersion: "latest" }),
        path: "/dataVersion",
        message: /semantic version/,
      },
    ],
    ["not an object", { mutate: () => [1, 2, 3], path: "", message: /must be an object/ }],
    ["null", { mutate: () => null, path: "", message: /must be an object/ }],
  ];
  it.each(cases)("%s", (_name, { mutate, path, message }) => {
    const result = checkHolidayDataset(mutate(copy()));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it("loadHolidayDataset and createWorkingDayCalendar throw calendar_data_invalid with every issue", () => {
    const broken = copy();
    const range = broken.years["2024"]?.holidays[1];
    if (range) range.days = 9;
    for (const load of [loadHolidayDataset, createWorkingDayCalendar]) {
      let thrown: unknown;
      try {
        load(broken);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CalendarError);
      const error = thrown as CalendarError;
      expect(error.code).toBe("calendar_data_invalid");
      expect(error.zh).toContain("/years/2024/holidays/1/days");
      expect(error.message).toContain("Check it against the notice's text");
      expect(error.params.issues).toHaveLength(1);
    }
  });
});

describe("a calendar over other data", () => {
  // Synthetic test data for a far-future year, clearly not a real notice: it shows that a year
  // added to the data (as the README describes) switches from fallback to official.
  const synthetic = (): HolidayDataset => {
    const data = copy();
    data.dataVersion = "1.1.0";
    data.years["2150"] = {
      notice: {
        title: "SYNTHETIC TEST NOTICE (not a real document)",
        number: "国办发明电〔2149〕99号",
        issued: "2149-11-01",
        published: "2149-11-01",
      },
      holidays: [
        {
          name: "测试节",
          en: "Test holiday",
          from: "2150-01-01",
          to: "2150-01-03",
          days: 3,
          text: "synthetic",
        },
      ],
      workdays: [{ date: "2150-01-04", weekday: 7, for: "测试节" }],
      crossCheck: { package: "chinese-days", result: "not_checked", reason: "synthetic test data" },
    };
    return data;
  };

  it("turns a fallback year official once its notice is added", () => {
    const calendar = createWorkingDayCalendar(synthetic());
    expect(calendar.dataVersion).toBe("1.1.0");
    expect(calendar.years).toContain(2150);
    expect(calendar.calendarCoverage(2150)).toMatchObject({
      official: true,
      notice: { number: "国办发明电〔2149〕99号" },
    });
    expect(calendar.isWorkingDay("2150-01-01")).toBe(false); // a Thursday
    expect(calendar.isWorkingDay("2150-01-04")).toBe(true); // a Sunday
    expect(calendar.addWorkingDays("2149-12-31", 1)).toBe("2150-01-04");
    // The shipped calendar is untouched.
    expect(officialCalendar.calendarCoverage(2150).official).toBe(false);
    expect(officialCalendar.isWorkingDay("2150-01-01")).toBe(true);
  });
});

describe("immutability", () => {
  it("the shipped data and what the calendar hands out are frozen", () => {
    expect(Object.isFrozen(OFFICIAL_HOLIDAY_DATA)).toBe(true);
    expect(Object.isFrozen(OFFICIAL_HOLIDAY_DATA.years["2024"]?.holidays[1])).toBe(true);
    const notice = officialCalendar.calendarCoverage(2024).notice;
    expect(() => {
      if (notice) notice.number = "国办发明电〔2099〕1号";
    }).toThrowError(TypeError);
    expect(officialCalendar.calendarCoverage(2024).notice?.number).toBe("国办发明电〔2023〕7号");
  });

  it("a calendar keeps its own copy of the data it was given", () => {
    const data = structuredClone(OFFICIAL_HOLIDAY_DATA);
    const calendar = createWorkingDayCalendar(data);
    const year2024 = data.years["2024"];
    if (year2024) year2024.notice.number = "国办发明电〔2099〕1号";
    expect(calendar.calendarCoverage(2024).notice?.number).toBe("国办发明电〔2023〕7号");
  });
});
