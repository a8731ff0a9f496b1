/**
 * The share-request answer deadline: the providing department answers a 有条件共享 request
 * within 10 working days (国发〔2016〕51号《政务信息资源共享管理暂行办法》第十四条).
 *
 * How the days are counted, and why:
 * - The day of receipt does not count; day 1 is the first working day after it. 《中华人民共和国
 *   民法典》第二百零一条: 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算. Receipt on
 *   a weekend or holiday changes nothing: counting still starts after that day.
 * - Only working days count, on the official calendar (Mon–Fri, minus 放假 days, plus 调休上班
 *   days); cf. 《行政许可法》第八十二条: 期限以工作日计算，不含法定节假日.
 * - The deadline is the whole of the 10th working day: 民法典 第二百零三条, 期间的最后一日的截止
 *   时间为二十四时. An answer is overdue from 00:00 China Standard Time on the next day.
 * - The day of receipt is the date in China Standard Time of the instant the exchange received
 *   the request (a request at 23:30 Beijing time on Friday is received on Friday).
 *
 * @module
 */
import {
  type CalendarDate,
  cstDateOf,
  fromEpochDay,
  type InstantInput,
  startOfCstDay,
  toEpochDay,
  toEpochMs,
} from "./calendar-date.js";
import type { Clock } from "./clock.js";
import {
  type CalendarWarning,
  officialCalendar,
  type WorkingDayCalendar,
} from "./working-day-calendar.js";

/** Working days a providing department has to answer a share request (国发〔2016〕51号). */
export const SHARE_REQUEST_ANSWER_WORKING_DAYS = 10;

/** A computed deadline, with what it rests on. */
export interface AnswerDeadline {
  /** The instant the request was received. */
  receivedAt: Date;
  /** Its date in China Standard Time (day 0, not counted). */
  receivedOn: CalendarDate;
  /** The number of working days allowed. */
  workingDays: number;
  /** The last day to answer, inclusive (the `workingDays`-th working day after `receivedOn`). */
  dueOn: CalendarDate;
  /** 00:00 China Standard Time of the day after `dueOn`: from this instant the answer is late. */
  overdueFrom: Date;
  /** False when a year in the span has no notice and fell back to Monday–Friday. */
  official: boolean;
  /** One per fallback year: show them with the deadline. */
  warnings: CalendarWarning[];
  /** The calendar data the deadline was computed with. */
  dataVersion: string;
}

export interface AnswerDeadlineOptions {
  /** Working days allowed; `SHARE_REQUEST_ANSWER_WORKING_DAYS` by default. */
  workingDays?: number;
  /** The calendar; the official one by default. */
  calendar?: WorkingDayCalendar;
}

/**
 * The answer deadline of a share request received at an instant.
 *
 * @example
 * answerDeadline("2024-02-08T10:00:00+08:00").dueOn; // "2024-02-28"
 */
export function answerDeadline(
  receivedAt: InstantInput,
  options: AnswerDeadlineOptions = {},
): AnswerDeadline {
  const calendar = options.calendar ?? officialCalendar;
  const workingDays = options.workingDays ?? SHARE_REQUEST_ANSWER_WORKING_DAYS;
  const at = new Date(toEpochMs(receivedAt));
  const receivedOn = cstDateOf(at);
  const dueOn = calendar.addWorkingDays(receivedOn, workingDays);
  const span = calendar.coverageBetween(receivedOn, dueOn);
  return {
    receivedAt: at,
    receivedOn,
    workingDays,
    dueOn,
    overdueFrom: startOfCstDay(fromEpochDay(toEpochDay(dueOn) + 1)),
    official: span.official,
    warnings: span.warnings,
    dataVersion: calendar.dataVersion,
  };
}

/**
 * Whether an answer due on `dueOn` is overdue at an instant (or on a clock's now): true from
 * 00:00 China Standard Time on the day after `dueOn`.
 */
export function isOverdue(dueOn: CalendarDate, now: InstantInput | Clock): boolean {
  const instant: unknown = isClock(now) ? now.now() : now;
  return cstDateOf(instant as InstantInput) > fromEpochDay(toEpochDay(dueOn));
}

function isClock(value: unknown): value is Clock {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Date) &&
    typeof (value as { now?: unknown }).now === "function"
  );
}
