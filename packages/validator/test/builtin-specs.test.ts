import { describe, expect, it } from "vitest";
import { builtinSpecList, builtinValidator } from "../src/builtin.js";
import { builtinSchemaNames, getValidator } from "../src/index.js";

const specs = builtinSpecList();

describe("built-in specs (precompiled)", () => {
  it("lists one name per specs/data/v1 file", () => {
    expect(builtinSchemaNames()).toEqual(specs.map((s) => s.name));
    for (const s of specs)
      expect(s.id).toBe(`https://govex.dev/specs/data/v1/${s.name}.schema.json`);
  });

  it("resolves a spec by name, file name and $id to the same validator", async () => {
    for (const s of specs) {
      const v = await getValidator(s.name);
      expect(v.id).toBe(s.id);
      expect(await getValidator(s.id)).toBe(v);
      expect(await getValidator(`${s.name}.schema.json`)).toBe(v);
    }
  });

  const examples = specs.flatMap((s) =>
    (Array.isArray(s.schema.examples) ? s.schema.examples : []).map(
      (data, i) => [`${s.name} example ${i}`, s.name, data] as const,
    ),
  );
  it.each(examples)("%s is valid", (_label, name, data) => {
    const issues = builtinValidator(name).validate(data);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
  });

  const invalid = specs.flatMap((s) => {
    const list = s.schema["x-examples-invalid"];
    return (Array.isArray(list) ? list : []).map(
      (x: { data: unknown; codes: string[] }, i) =>
        [`${s.name} invalid ${i}`, s.name, x.data, x.codes] as const,
    );
  });
  it.each(invalid)("%s fails with the expected codes", (_label, name, data, codes) => {
    const issues = builtinValidator(name).validate(data);
    expect(issues.some((i) => i.severity === "error")).toBe(true);
    expect(issues.map((i) => i.code)).toEqual(expect.arrayContaining(codes));
  });
});
