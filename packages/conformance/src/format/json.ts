import type { ConformanceResult } from "../types.js";

/** The run as JSON (the {@link ConformanceResult} itself), for tools. */
export function renderJson(result: ConformanceResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
