/**
 * `pnpm start`: start the legacy SOAP service, then serve the department until Ctrl-C
 * (`--check`: run the conformance kit once and exit with its verdict).
 */
import { createSource } from "@govex/adapter-soap";
import { runDepartmentMain } from "@govex/example-kit";
import { EXAMPLE_DIR, PROVIDER_KEY_ID, SOAP_URL_ENV, TITLE } from "./index.js";
import { startLegacy } from "./legacy.js";

const legacy = await startLegacy();
const rows = legacy.rows().length;
process.stdout.write(
  `旧系统 SOAP 服务 / legacy SOAP service: ${legacy.url}\n  WSDL: ${legacy.wsdlUrl}\n  参保人员 / insured persons: ${rows} (${legacy.badRows.length} 条故意不合规 / deliberately bad)\n`,
);
await runDepartmentMain({
  dir: EXAMPLE_DIR,
  providerKeyId: PROVIDER_KEY_ID,
  createSource,
  env: { [SOAP_URL_ENV]: legacy.url },
  title: TITLE,
  stop: () => legacy.stop(),
});
