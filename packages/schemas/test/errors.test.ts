import { describe, expect, test } from "vitest";
import { GovexSchemasError, requireString } from "../src/errors.js";

describe("GovexSchemasError", () => {
  test("carries a code, a message and a cause", () => {
    const cause = new TypeError("boom");
    const e = new GovexSchemasError("invalid_argument", "x must be a string", { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("GovexSchemasError");
    expect(e.code).toBe("invalid_argument");
    expect(e.message).toBe("x must be a string");
    expect(e.cause).toBe(cause);
  });

  test.each([
    [1, "number"],
    [null, "null"],
    [[], "an array"],
    [Symbol("s"), "symbol"],
    [undefined, "undefined"],
  ])("requireString(%o) throws and names the type", (value, described) => {
    expect(() => requireString(value, "arg")).toThrow(`arg must be a string, got ${described}`);
  });

  test("requireString passes strings through", () => {
    expect(requireString("", "arg")).toBe("");
  });
});
