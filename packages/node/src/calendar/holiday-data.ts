/**
 * The holiday dataset: the State Council General Office's yearly notices on public holidays
 * (国务院办公厅关于某年部分节假日安排的通知), one entry per year, with provenance.
 *
 * `checkHolidayDataset` holds a dataset to its own rules (each range's day count equals the
 * notice's 共N天, each make-up working day is the weekend day the notice names, nothing
 * overlaps, every date is real), so a transcription slip fails loudly instead of moving a
 * deadline by a day.
 *
 * @module
 */
import { checkCalendarDate, weekdayOfEpochDay } from "./calendar-date.js";
import { CalendarError } from "./calendar-error.js";

/** A State Council General Office document. */
export interface HolidayNotice {
  /** The title, e.g. 国务院办公厅关于2026年部分节假日安排的通知. */
  title: string;
  /** The document number (发文字号), e.g. 国办发明电〔2025〕7号. */
  number: string;
  /** 成文日期: the date the document bears. */
  issued: string;
  /** 发布日期: the date it was made public (中国政府网, 新华社). */
  published: string;
}

/** A later notice that changed a year's arrangement (e.g. the 2020 Spring Festival extension). */
export interface HolidayAmendment extends HolidayNotice {
  /** The operative clause. */
  text: string;
  /** What it changed, in plain words. */
  effect: string;
}

/** A run of 放假 days, inclusive, as one clause of a notice gives it. */
export interface HolidayRange {
  /** The holiday's Chinese name as the notice writes it (国庆节、中秋节). */
  name: string;
  /** Its English name. */
  en: string;
  from: string;
  to: string;
  /** Number of days in the range: the notice's 共N天 (checked against from/to). */
  days: number;
  /** The notice's clause. */
  text: string;
  /** Document number of the amendment that set this range, when not the yearly notice. */
  by?: string;
}

/** A weekend day made a working day (调休上班). */
export interface MakeUpWorkday {
  date: string;
  /** ISO weekday as the notice names it: 6 = 星期六/周六, 7 = 星期日/周日 (checked). */
  weekday: 6 | 7;
  /** The holiday it makes up for. */
  for: string;
}

/** A make-up working day a notice named and a later notice took back. */
export interface CancelledWorkday extends MakeUpWorkday {
  /** Document number of the notice that cancelled it. */
  by: string;
  reason: string;
}

/** One day on which this dataset and the cross-check package disagree, and why ours is right. */
export interface KnownDiscrepancy {
  date: string;
  /** Whether the day is a working day in this dataset. */
  oursWorking: boolean;
  reason: string;
}

/** How a year was cross-checked against an independent source. */
export interface CrossCheck {
  /** The independent source (an npm package name). */
  package: string;
  /** Its version at the time of the check. */
  version?: string;
  /** agrees: every day of the year matches; differs_as_documented: all but `discrepancies`. */
  result: "agrees" | "differs_as_documented" | "not_checked";
  /** Why a year is not checked (e.g. the package does not know it yet). */
  reason?: string;
  discrepancies?: KnownDiscrepancy[];
}

/** One year's arrangement. */
export interface HolidayYear {
  notice: HolidayNotice;
  amendments?: HolidayAmendment[];
  holidays: HolidayRange[];
  workdays: MakeUpWorkday[];
  cancelledWorkdays?: CancelledWorkday[];
  notes?: string[];
  crossCheck: CrossCheck;
}

/** An edition of 全国年节及纪念日放假办法. */
export interface HolidayLawRevision {
  title: string;
  revision: string;
  effective: string;
  /** Number of statutory days off for all citizens (全体公民放假的假日). */
  statutoryDays: number;
  note?: string;
}

/** A versioned holiday dataset. */
export interface HolidayDataset {
  /** Semantic version of the data: minor for a new year, patch for a correction. */
  dataVersion: string;
  jurisdiction: string;
  /** Where the data comes from and how it was transcribed. */
  source: string;
  law: HolidayLawRevision[];
  /** Keyed by the 4-digit year the notice covers. */
  years: Record<string, HolidayYear>;
}

/** One rule a dataset breaks: where (a JSON Pointer) and what. */
export interface HolidayDataIssue {
  path: string;
  message: string;
}

/** The result of checking a dataset: data, not an exception. */
export type HolidayDatasetCheck =
  | { ok: true; dataset: HolidayDataset }
  | { ok: false; issues: HolidayDataIssue[] };

const SEMVER = /^\d+\.\d+\.\d+$/;
const DOCUMENT_NUMBER = /^国办发明电〔\d{4}〕\d+号$/;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a holiday dataset against its rules. Untrusted input is fine: nothing is evaluated,
 * and `__proto__`-style keys are plain data here.
 */
export function checkHolidayDataset(input: unknown): HolidayDatasetCheck {
  const issues: HolidayDataIssue[] = [];
  const fail = (path: string, message: string) => {
    issues.push({ path, message });
  };
  const text = (obj: Obj, key: string, path: string): string | undefined => {
    const value = obj[key];
    if (typeof value !== "string" || value.trim() === "") {
      fail(`${path}/${key}`, "must be a non-empty string");
      return undefined;
    }
    return value;
  };
  const date = (obj: Obj, key: string, path: string): number | undefined => {
    const checked = checkCalendarDate(obj[key]);
    if (!checked.ok) {
      fail(`${path}/${key}`, checked.error.message);
      return undefined;
    }
    return checked.epochDay;
  };
  const notice = (value: unknown, path: string): string | undefined => {
    if (!isObject(value)) {
      fail(path, "must be an object");
      return undefined;
    }
    text(value, "title", path);
    const number = text(value, "number", path);
    if (number !== undefined && !DOCUMENT_NUMBER.test(number)) {
      fail(`${path}/number`, "must be a document number like 国办发明电〔2025〕7号");
    }
    const issued = date(value, "issued", path);
    const published = date(value, "published", path);
    if (issued !== undefined && published !== undefined && published < issued) {
      fail(`${path}/published`, "must not be before issued");
    }
    return number;
  };

  if (!isObject(input)) {
    return { ok: false, issues: [{ path: "", message: "must be an object" }] };
  }
  const dataVersion = text(input, "dataVersion", "");
  if (dataVersion !== undefined && !SEMVER.test(dataVersion)) {
    fail("/dataVersion", "must be a semantic version like 1.0.0");
  }
  text(input, "jurisdiction", "");
  text(input, "source", "");
  if (!Array.isArray(input.law)) fail("/law", "must be an array");
  else {
    input.law.forEach((revision, i) => {
      const path = `/law/${i}`;
      if (!isObject(revision)) {
        fail(path, "must be an object");
        return;
      }
      text(revision, "title", path);
      text(revision, "revision", path);
      date(revision, "effective", path);
      if (!Number.isInteger(revision.statutoryDays))
        fail(`${path}/statutoryDays`, "must be an integer");
    });
  }

  // Every dated entry across all years, to refuse overlaps and duplicates.
  const claimed = new Map<number, string>();
  const claim = (day: number, path: string) => {
    const previous = claimed.get(day);
    if (previous !== undefined) fail(path, `overlaps ${previous}`);
    else claimed.set(day, path);
  };

  if (!isObject(input.years)) fail("/years", "must be an object keyed by year");
  else {
    for (const [key, entry] of Object.entries(input.years)) {
      const path = `/years/${key}`;
      if (!/^\d{4}$/.test(key) || !checkCalendarDate(`${key}-01-01`).ok) {
        fail(path, "the key must be a 4-digit year within the calendar's range");
        continue;
      }
      const year = Number(key);
      if (!isObject(entry)) {
        fail(path, "must be an object");
        continue;
      }
      const numbers = new Set<string>();
      const noticeNumber = notice(entry.notice, `${path}/notice`);
      if (noticeNumber !== undefined) numbers.add(noticeNumber);
      if (entry.amendments !== undefined) {
        if (!Array.isArray(entry.amendments)) fail(`${path}/amendments`, "must be an array");
        else {
          entry.amendments.forEach((amendment, i) => {
            const number = notice(amendment, `${path}/amendments/${i}`);
            if (number !== undefined) numbers.add(number);
            if (isObject(amendment)) {
              text(amendment, "text", `${path}/amendments/${i}`);
              text(amendment, "effect", `${path}/amendments/${i}`);
            }
          });
        }
      }
      const noticeIssued = isObject(entry.notice)
        ? checkCalendarDate(entry.notice.issued)
        : undefined;

      const ranges: Array<[number, number]> = [];
      if (!Array.isArray(entry.holidays) || entry.holidays.length === 0) {
        fail(`${path}/holidays`, "must be a non-empty array");
      } else {
        entry.holidays.forEach((range, i) => {
          const at = `${path}/holidays/${i}`;
          if (!isObject(range)) {
            fail(at, "must be an object");
            return;
          }
          text(range, "name", at);
          text(range, "en", at);
          text(range, "text", at);
          const from = date(range, "from", at);
          const to = date(range, "to", at);
          if (range.by !== undefined && (typeof range.by !== "string" || !numbers.has(range.by))) {
            fail(`${at}/by`, "must be the number of this year's notice or one of its amendments");
          }
          if (from === undefined || to === undefined) return;
          if (to < from) {
            fail(`${at}/to`, "must not be before from");
            return;
          }
          if (range.days !== to - from + 1) {
            fail(`${at}/days`, `must equal the number of days from..to (${to - from + 1})`);
          }
          // A notice may start a holiday on the last days of the year before (元旦 2023 began
          // on 2022-12-31), never end it in another year.
          if (String(range.to).slice(0, 4) !== key) fail(`${at}/to`, `must fall in ${year}`);
          if (
            noticeIssued?.ok === true &&
            noticeIssued.epochDay >= from &&
            range.by === undefined
          ) {
            fail(`${at}/from`, "the notice must be issued before the holiday it sets");
          }
          for (let day = from; day <= to; day++) claim(day, at);
          ranges.push([from, to]);
        });
      }
      const inRanges = (day: number) => ranges.some(([from, to]) => day >= from && day <= to);

      const weekendDay = (value: unknown, at: string): number | undefined => {
        if (!isObject(value)) {
          fail(at, "must be an object");
          return undefined;
        }
        text(value, "for", at);
        const day = date(value, "date", at);
        if (day === undefined) return undefined;
        const weekday = weekdayOfEpochDay(day);
        if (weekday < 6) fail(`${at}/date`, "must be a Saturday or a Sunday");
        if (value.weekday !== weekday) {
          fail(`${at}/weekday`, `must be the date's ISO weekday (${weekday})`);
        }
        if (String(value.date).slice(0, 4) !== key) fail(`${at}/date`, `must fall in ${year}`);
        return day;
      };

      if (!Array.isArray(entry.workdays)) fail(`${path}/workdays`, "must be an array");
      else {
        entry.workdays.forEach((workday, i) => {
          const at = `${path}/workdays/${i}`;
          const day = weekendDay(workday, at);
          if (day === undefined) return;
          if (inRanges(day)) fail(`${at}/date`, "must not fall inside a holiday range");
          claim(day, at);
        });
      }
      if (entry.cancelledWorkdays !== undefined) {
        if (!Array.isArray(entry.cancelledWorkdays))
          fail(`${path}/cancelledWorkdays`, "must be an array");
        else {
          entry.cancelledWorkdays.forEach((cancelled, i) => {
            const at = `${path}/cancelledWorkdays/${i}`;
            weekendDay(cancelled, at);
            if (!isObject(cancelled)) return;
            text(cancelled, "reason", at);
            if (typeof cancelled.by !== "string" || !numbers.has(cancelled.by)) {
              fail(`${at}/by`, "must be the number of one of this year's amendments");
            }
          });
        }
      }
      if (entry.notes !== undefined) {
        if (!Array.isArray(entry.notes) || entry.notes.some((n) => typeof n !== "string")) {
          fail(`${path}/notes`, "must be an array of strings");
        }
      }
      checkCrossCheck(entry.crossCheck, `${path}/crossCheck`, key, fail, text);
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, dataset: input as unknown as HolidayDataset };
}

function checkCrossCheck(
  value: unknown,
  path: string,
  year: string,
  fail: (path: string, message: string) => void,
  text: (obj: Obj, key: string, path: string) => string | undefined,
): void {
  if (!isObject(value)) {
    fail(path, "must be an object (say not_checked, with a reason)");
    return;
  }
  text(value, "package", path);
  const result = value.result;
  if (result !== "agrees" && result !== "differs_as_documented" && result !== "not_checked") {
    fail(`${path}/result`, "must be agrees, differs_as_documented or not_checked");
    return;
  }
  if (result === "not_checked") {
    text(value, "reason", path);
    return;
  }
  text(value, "version", path);
  const discrepancies = value.discrepancies ?? [];
  if (!Array.isArray(discrepancies)) {
    fail(`${path}/discrepancies`, "must be an array");
    return;
  }
  if (result === "agrees" && discrepancies.length > 0) {
    fail(`${path}/result`, "is agrees but discrepancies are listed: use differs_as_documented");
  }
  if (result === "differs_as_documented" && discrepancies.length === 0) {
    fail(`${path}/discrepancies`, "must list each day that differs, with a reason");
  }
  discrepancies.forEach((item: unknown, i: number) => {
    const at = `${path}/discrepancies/${i}`;
    if (!isObject(item)) {
      fail(at, "must be an object");
      return;
    }
    const checked = checkCalendarDate(item.date);
    if (!checked.ok || String(item.date).slice(0, 4) !== year)
      fail(`${at}/date`, `must be a date in ${year}`);
    if (typeof item.oursWorking !== "boolean") fail(`${at}/oursWorking`, "must be a boolean");
    text(item, "reason", at);
  });
}

/**
 * A dataset that passed `checkHolidayDataset`; throws `calendar_data_invalid` with every issue
 * in `params.issues` otherwise.
 */
export function loadHolidayDataset(input: unknown): HolidayDataset {
  const checked = checkHolidayDataset(input);
  if (checked.ok) return checked.dataset;
  const first = checked.issues[0];
  throw new CalendarError("calendar_data_invalid", {
    zh: `节假日数据有 ${checked.issues.length} 处错误，首个在 ${first?.path || "/"}：${first?.message}。请按国务院办公厅通知原文核对后修正。`,
    en: `The holiday data has ${checked.issues.length} issue(s), first at ${first?.path || "/"}: ${first?.message}. Check it against the notice's text and correct it.`,
    params: { issues: checked.issues },
  });
}
