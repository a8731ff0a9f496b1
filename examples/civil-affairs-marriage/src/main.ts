/**
 * `pnpm start`: start the legacy API, then serve the department until Ctrl-C (`--check`: run
 * the conformance kit once and exit with its verdict).
 */
import { createSource } from "@govex/adapter-rest";
import { runDepartmentMain } from "@govex/example-kit";
import { EXAMPLE_DIR, PROVIDER_KEY_ID, TITLE } from "./index.js";
import { DEFAULT_LEGACY_PORT, demoToken, startLegacy } from "./legacy.js";

const token = await demoToken(EXAMPLE_DIR);
const legacy = await startLegacy({ port: DEFAULT_LEGACY_PORT, token });
process.stdout.write(
  `老系统接口 / legacy API: ${legacy.url} (${legacy.rows().length} 条登记 / registrations; HUNYIN_API_URL)\n`,
);
try {
  await runDepartmentMain({
    dir: EXAMPLE_DIR,
    providerKeyId: PROVIDER_KEY_ID,
    createSource,
    env: { HUNYIN_API_URL: legacy.url, HUNYIN_API_TOKEN: token },
    title: TITLE,
    stop: () => legacy.stop(),
  });
} catch (error) {
  await legacy.stop();
  throw error;
}
