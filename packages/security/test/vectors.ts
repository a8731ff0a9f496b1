import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The test vectors, copied from shared/testdata into fixtures/ (see fixtures/README.md). */
export const TESTDATA = fileURLToPath(new URL("./fixtures/", import.meta.url));

export function readVector<T>(relative: string): T {
  const path = TESTDATA + relative;
  if (!existsSync(path))
    throw new Error(`test vectors missing: ${path} (see test/fixtures/README.md)`);
  const text = readFileSync(path, "utf8");
  // sm2/sm2-openssl-distid-vector.json starts with a stray log line ("d->P ok true")
  // before its JSON object; read from the first brace.
  return JSON.parse(text.slice(text.indexOf("{"))) as T;
}
