import { CHECKS, type CheckId } from "./checks.js";
import type { CheckFailure, CheckResult, Localized } from "./types.js";

/** Failures kept per check; the rest are counted. */
const MAX_FAILURES = 20;

interface State {
  evidence: number;
  failures: CheckFailure[];
  omitted: number;
  skip?: Localized;
  /** Why the check could not gather evidence although its operation is offered. */
  missing?: Localized;
}

/**
 * What the run found, per check. A check passes only on evidence: it fails when something
 * broke it, and also when it could not be carried out although the provider offers the
 * operation (no record to compare, describe unusable). It is skipped only when no resource
 * offers the operation it needs.
 */
export class Findings {
  readonly #state = new Map<CheckId, State>();

  #of(id: CheckId): State {
    let state = this.#state.get(id);
    if (!state) {
      state = { evidence: 0, failures: [], omitted: 0 };
      this.#state.set(id, state);
    }
    return state;
  }

  /** The check was carried out once without finding a fault. */
  pass(id: CheckId): void {
    this.#of(id).evidence++;
  }

  fail(id: CheckId, message: Localized, request?: string): void {
    const state = this.#of(id);
    state.evidence++;
    if (state.failures.length < MAX_FAILURES)
      state.failures.push({ message, ...(request === undefined ? {} : { request }) });
    else state.omitted++;
  }

  /** No resource offers what the check needs (used only if nothing else was found). */
  skip(id: CheckId, reason: Localized): void {
    this.#of(id).skip ??= reason;
  }

  /** The check could not be carried out here (fails unless evidence comes from elsewhere). */
  missing(id: CheckId, reason: Localized): void {
    this.#of(id).missing ??= reason;
  }

  failed(id: CheckId): boolean {
    return (this.#state.get(id)?.failures.length ?? 0) > 0;
  }

  results(): CheckResult[] {
    return CHECKS.map(({ id, title }): CheckResult => {
      const state = this.#state.get(id) ?? { evidence: 0, failures: [], omitted: 0 };
      if (state.failures.length > 0)
        return { id, title, status: "fail", failures: state.failures, omitted: state.omitted };
      if (state.evidence > 0) return { id, title, status: "pass", failures: [], omitted: 0 };
      if (state.missing)
        return { id, title, status: "fail", failures: [{ message: state.missing }], omitted: 0 };
      if (state.skip)
        return { id, title, status: "skip", reason: state.skip, failures: [], omitted: 0 };
      return {
        id,
        title,
        status: "fail",
        failures: [
          {
            message: {
              "zh-CN": "未能执行该项检测。请先修正上面未通过的检测项。",
              en: "the check could not be carried out: fix the failed checks above first.",
            },
          },
        ],
        omitted: 0,
      };
    });
  }
}
