/**
 * Prints, for each year given (default: every year in the shipped data), how the official
 * working-day calendar compares with the `chinese-days` package, day by day.
 *
 *   npx tsx packages/node/scripts/calendar-cross-check.ts          # every shipped year
 *   npx tsx packages/node/scripts/calendar-cross-check.ts 2027     # one year
 *
 * Exit status 1 when any year differs on a day that the data does not document.
 */
import { OFFICIAL_HOLIDAY_DATA, officialCalendar } from "../src/calendar/index.js";
import { CHINESE_DAYS_VERSION, compareYear } from "./calendar-compare.js";

const args = process.argv.slice(2);
const years = args.length > 0 ? args.map(Number) : [...officialCalendar.years];
let failed = false;

console.log(
  `calendar data ${officialCalendar.dataVersion} vs chinese-days ${CHINESE_DAYS_VERSION}`,
);
for (const year of years) {
  if (!Number.isInteger(year)) {
    console.error(`not a year: ${String(year)}`);
    failed = true;
    continue;
  }
  const result = compareYear(year);
  const entry = OFFICIAL_HOLIDAY_DATA.years[String(year)];
  const documented = new Set(entry?.crossCheck.discrepancies?.map((d) => d.date) ?? []);
  const unexplained = result.differences.filter((d) => !documented.has(d.date));
  const status =
    entry === undefined ? "not in the data (Mon–Fri fallback)" : entry.crossCheck.result;
  console.log(
    `${year}: ${result.days} days, ${result.differences.length} differing, ` +
      `${unexplained.length} unexplained; chinese-days ${result.theirsKnowsYear ? "knows" : "does not know"} the year; data says: ${status}`,
  );
  for (const d of result.differences) {
    const note = documented.has(d.date) ? " (documented)" : "";
    console.log(
      `  ${d.date}: ours ${d.oursWorking ? "working" : "rest"}${d.oursHoliday ? " 放假" : ""}${d.oursMakeUp ? " 调休上班" : ""}` +
        ` / chinese-days ${d.theirsWorking ? "working" : "rest"}${d.theirsHoliday ? " 放假" : ""}${d.theirsMakeUp ? " 调休上班" : ""}${note}`,
    );
  }
  if (entry !== undefined && unexplained.length > 0 && result.theirsKnowsYear) failed = true;
}
process.exitCode = failed ? 1 : 0;
