/**
 * Key and input files named by options (`--key`, `--node-key`, `--log-key`, `--input`), shared by
 * the commands that talk to a node: a file that cannot be read, is too large or holds a key the
 * kit cannot use is a usage error (exit 2) naming the option.
 */
import { readFileSync } from "node:fs";
import { ConformanceError } from "@govex/conformance";
import { printable, UsageError } from "../io.js";

/** Key files are small: a PEM, a JWK or a hex SM2 key. */
export const MAX_KEY_FILE = 64 * 1024;

/** The text of the file an option names (a UTF-8 BOM dropped), at most `max` bytes. */
export function readOptionFile(path: string, option: string, max = MAX_KEY_FILE): string {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > max) throw new Error(`larger than ${max} bytes`);
    return bytes.toString("utf8").replace(/^\uFEFF/, "");
  } catch (err) {
    throw new UsageError({
      "zh-CN": `无法读取 ${option} 的文件 ${printable(path)}:${printable((err as Error).message)}。请检查路径与读取权限。`,
      en: `cannot read the ${option} file ${printable(path)}: ${printable((err as Error).message)}. Check the path and permissions.`,
    });
  }
}

/** Key problems are usage errors: the run itself never happened. */
export function keyOption<T>(option: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConformanceError)
      throw new UsageError({
        "zh-CN": `${option}: ${err.messages["zh-CN"]}`,
        en: `${option}: ${err.messages.en}`,
      });
    throw err;
  }
}
