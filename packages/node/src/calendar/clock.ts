/**
 * The node's one clock. Every feature that needs "now" (deadlines, overdue flags, signature
 * windows, audit timestamps) takes a `Clock` instead of calling `Date.now()`, so tests set the
 * time instead of waiting for it.
 *
 * @module
 */
import { type CalendarDate, cstDateOf, type InstantInput, toEpochMs } from "./calendar-date.js";
import { CalendarError } from "./calendar-error.js";

/** A source of the current instant. */
export interface Clock {
  /** The current instant; a fresh `Date` each call (mutating it never moves the clock). */
  now(): Date;
}

/** The host's clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

/** A clock that stands still until told to move: for tests and replays. */
export interface FixedClock extends Clock {
  /** Moves the clock to an instant. */
  set(instant: InstantInput): void;
  /** Moves the clock by `ms` milliseconds (negative moves it back). */
  advance(ms: number): void;
}

/**
 * A clock fixed at an instant (a `Date`, epoch milliseconds, or an RFC 3339 date-time with an
 * offset; a string without an offset is refused rather than read in the host's time zone).
 *
 * @example
 * const clock = fixedClock("2024-02-08T17:59:00+08:00");
 * todayInChina(clock); // "2024-02-08"
 * clock.advance(7 * 60 * 60 * 1000);
 * todayInChina(clock); // "2024-02-09" (00:59 in Beijing)
 */
export function fixedClock(instant: InstantInput): FixedClock {
  let ms = toEpochMs(instant);
  return {
    now: () => new Date(ms),
    set(next: InstantInput) {
      ms = toEpochMs(next);
    },
    advance(delta: number) {
      if (!Number.isFinite(delta)) {
        throw new CalendarError("invalid_instant", {
          zh: `时钟步进 ${String(delta)} 无效。请传入有限的毫秒数。`,
          en: `${String(delta)} is not a finite number of milliseconds to advance the clock by.`,
          params: { delta: String(delta) },
        });
      }
      ms = toEpochMs(ms + delta);
    },
  };
}

/** Today's date in China Standard Time on a clock (the system clock by default). */
export function todayInChina(clock: Clock = systemClock): CalendarDate {
  return cstDateOf(clock.now());
}
