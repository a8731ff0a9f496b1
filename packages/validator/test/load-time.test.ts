import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("nothing is compiled at start-up", () => {
  it("no module imports ajv's compiler statically (only types, or a dynamic import on first user schema)", () => {
    const offenders = files(src).filter((f) =>
      /^import\s+(?!type\b)[^;]*from\s+"ajv(\/dist\/(2020|core|standalone)[^"]*)?"/m.test(
        readFileSync(f, "utf8"),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("the generated validators are plain code referencing the shared format table", () => {
    const code = readFileSync(join(src, "generated/validators.ts"), "utf8");
    expect(code).not.toMatch(/require\(/);
    expect(code).not.toMatch(/new Ajv|compile\(/);
    expect(code).toMatch(/import \{ formatTable as formats \} from "\.\.\/format-table\.js"/);
  });
});
