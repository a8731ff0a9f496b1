import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinSchemaNames, GovexValidatorError, getValidator } from "../src/index.js";
import { fixtures } from "./helpers/io.js";

const applicantPath = join(fixtures, "schemas/applicant.schema.json");
const good = { residentId: "11010519491231002X", name: "张三" };

async function errorOf(p: Promise<unknown>): Promise<GovexValidatorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GovexValidatorError);
    return err as GovexValidatorError;
  }
  throw new Error("expected a GovexValidatorError");
}

describe("getValidator", () => {
  it("compiles a user schema file that $refs a govex spec and uses govex formats", async () => {
    const v = await getValidator(applicantPath);
    expect(v.id).toBe("https://example.gov.cn/schemas/applicant.schema.json");
    expect(v.validate(good)).toEqual([]);
    const issues = v.validate({ residentId: "110105194912310021", name: "张三" });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/residentId", "invalid_check_character"],
    ]);
    expect(issues[0]?.params).toMatchObject({ expected: "X", actual: "1" });
  });

  it("resolves a relative path against baseDir", async () => {
    const v = await getValidator("schemas/applicant.schema.json", { baseDir: fixtures });
    expect(v).toBe(await getValidator(applicantPath));
  });

  it("compiles a schema object with govex refs and formats", async () => {
    const v = await getValidator({
      type: "object",
      properties: {
        id: { $ref: "https://govex.dev/specs/data/v1/elements.schema.json#/$defs/residentId" },
        org: { type: "string", format: "cn-uscc" },
      },
    });
    expect(v.id).toMatch(/^urn:govex:user-schema:/);
    expect(v.validate({ id: "11010519491231002X", org: "91350100M000100Y43" })).toEqual([]);
    expect(v.validate({ org: "91350100M000100Y44" }).map((i) => i.code)).toEqual([
      "invalid_check_character",
    ]);
  });

  it("caches by object identity, by content, and by path + mtime", async () => {
    const schema = { type: "string", maxLength: 2 };
    const a = await getValidator(schema);
    expect(await getValidator(schema)).toBe(a);
    expect(await getValidator({ type: "string", maxLength: 2 })).toBe(a);
    expect(await getValidator({ type: "string", maxLength: 3 })).not.toBe(a);

    const dir = mkdtempSync(join(tmpdir(), "govex-schema-"));
    const file = join(dir, "s.schema.json");
    writeFileSync(file, JSON.stringify({ type: "integer" }));
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    const first = await getValidator(file);
    expect(await getValidator(file)).toBe(first);
    expect(first.validate("x").map((i) => i.code)).toEqual(["type"]);
    writeFileSync(file, JSON.stringify({ type: "string" }));
    utimesSync(file, new Date(2_000_000), new Date(2_000_000));
    const second = await getValidator(file);
    expect(second).not.toBe(first);
    expect(second.validate("x")).toEqual([]);
  });

  const failures: [string, () => Promise<unknown>, string, RegExp][] = [
    [
      "unknown built-in name",
      () => getValidator("persn"),
      "unknown_schema",
      /person|unknown schema/,
    ],
    [
      "missing file",
      () => getValidator("./nope/missing.schema.json"),
      "schema_unreadable",
      /not found/,
    ],
    ["directory", () => getValidator(fixtures), "schema_unreadable", /directory/],
    [
      "bad keyword",
      () => getValidator({ type: "object", requird: ["a"] }),
      "schema_invalid",
      /requird/,
    ],
    ["bad type", () => getValidator({ type: "strin" }), "schema_invalid", /strin|type/],
    [
      "unresolvable ref",
      () => getValidator({ $ref: "https://govex.dev/specs/data/v1/nope.schema.json" }),
      "schema_invalid",
      /nope/,
    ],
  ];
  it.each(failures)("%s → GovexValidatorError", async (_name, call, code, reason) => {
    const err = await errorOf(call());
    expect(err.code).toBe(code);
    expect(err.messages.en).toMatch(reason);
    expect(err.messages["zh-CN"].length).toBeGreaterThan(0);
  });

  it("lists the valid names for an unknown schema", async () => {
    const err = await errorOf(getValidator("persn"));
    expect(err.details?.valid).toEqual(builtinSchemaNames());
  });

  it("rejects a file that is not JSON as schema_invalid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "govex-schema-"));
    const file = join(dir, "broken.schema.json");
    writeFileSync(file, "{ not json");
    expect((await errorOf(getValidator(file))).code).toBe("schema_invalid");
    const err = await errorOf(
      getValidator({ $id: "https://govex.dev/specs/data/v1/person.schema.json" }),
    );
    expect(err.code).toBe("schema_invalid");
  });
});
