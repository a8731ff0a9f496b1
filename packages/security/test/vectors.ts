import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shared test vectors beside the project (../shared/testdata); see their READMEs. */
export const TESTDATA = fileURLToPath(new URL("../../../../shared/testdata/", import.meta.url));

export function readVector<T>(relative: string): T {
  const path = TESTDATA + relative;
  if (!existsSync(path))
    throw new Error(`test vectors missing: ${path} (see shared/testdata/README.md)`);
  const text = readFileSync(path, "utf8");
  // sm2/sm2-openssl-distid-vector.json starts with a stray log line ("d->P ok true")
  // before its JSON object; read from the first brace.
  return JSON.parse(text.slice(text.indexOf("{"))) as T;
}
