/**
 * `pnpm start`: run the export job, then serve the department until Ctrl-C (`--check`: run the
 * conformance kit once and exit with its verdict).
 */
import { createSource } from "@govex/adapter-file";
import { runDepartmentMain } from "@govex/example-kit";
import { EXAMPLE_DIR, PROVIDER_KEY_ID, TITLE } from "./index.js";
import { CSV_FILE, startLegacy, XLSX_FILE } from "./legacy.js";

const legacy = await startLegacy({ dir: EXAMPLE_DIR });
process.stdout.write(
  `导出文件 / export files: ${legacy.directory}\n  ${CSV_FILE} (GBK): ${legacy.counts.csv}\n  ${XLSX_FILE}: ${legacy.counts.xlsx}\n`,
);
await runDepartmentMain({
  dir: EXAMPLE_DIR,
  providerKeyId: PROVIDER_KEY_ID,
  createSource,
  title: TITLE,
  stop: () => legacy.stop(),
});
