/**
 * The official working-day calendar and the clock of @govex/node (STYLE.md, "Time, calendar and
 * keys in one place each"): every feature imports these, none re-derives them.
 *
 * @module
 */
export {
  type AnswerDeadline,
  type AnswerDeadlineOptions,
  answerDeadline,
  isOverdue,
  SHARE_REQUEST_ANSWER_WORKING_DAYS,
} from "./answer-deadline.js";
export {
  addCalendarDays,
  CALENDAR_DATE_RANGE,
  type CalendarDate,
  type CalendarDateCheck,
  CST_OFFSET_MINUTES,
  checkCalendarDate,
  cstDateOf,
  type InstantInput,
  isCalendarDate,
  isoWeekday,
  startOfCstDay,
} from "./calendar-date.js";
export {
  CalendarError,
  type CalendarErrorCode,
  type CalendarErrorOptions,
  isCalendarError,
} from "./calendar-error.js";
export { type Clock, type FixedClock, fixedClock, systemClock, todayInChina } from "./clock.js";
export {
  type CancelledWorkday,
  type CrossCheck,
  checkHolidayDataset,
  type HolidayAmendment,
  type HolidayDataIssue,
  type HolidayDataset,
  type HolidayDatasetCheck,
  type HolidayLawRevision,
  type HolidayNotice,
  type HolidayRange,
  type HolidayYear,
  type KnownDiscrepancy,
  loadHolidayDataset,
  type MakeUpWorkday,
} from "./holiday-data.js";
export {
  addWorkingDays,
  type CalendarCoverage,
  type CalendarWarning,
  calendarCoverage,
  createWorkingDayCalendar,
  type DayInfo,
  isWorkingDay,
  MAX_WORKING_DAYS,
  OFFICIAL_HOLIDAY_DATA,
  officialCalendar,
  type SpanCoverage,
  type WorkingDayCalendar,
  workingDaysBetween,
} from "./working-day-calendar.js";
