import { describe, expect, it } from "vitest";
import { fieldValue, fieldValues, type HeaderMap } from "../src/index.js";

describe("fieldValue and fieldValues (RFC 9110 §5.3)", () => {
  const inherited = Object.create({ "content-type": "text/plain" }) as Record<string, string>;
  const polluted = JSON.parse('{"__proto__": "x", "content-type": "application/json"}');

  it.each<[string, HeaderMap, string, string[] | undefined]>([
    [
      "a lower-case Node map",
      { "content-type": "application/json" },
      "Content-Type",
      ["application/json"],
    ],
    ["a hand-written mixed-case map", { "Content-Type": "text/csv" }, "content-type", ["text/csv"]],
    ["a repeated field as an array", { "x-dup": ["a ", " b"] }, "x-dup", ["a ", " b"]],
    ["a number", { "content-length": 42 }, "content-length", ["42"]],
    ["an absent field", { accept: "*/*" }, "signature", undefined],
    ["an undefined value", { signature: undefined }, "signature", undefined],
    [
      "an undefined value beside a mixed-case one",
      { signature: undefined, Signature: "sig=:AA==:" },
      "signature",
      undefined,
    ],
    ["a key of the same length that differs", { "content-typf": "x" }, "content-type", undefined],
    ["a field on the prototype only", inherited, "content-type", undefined],
    ["an own __proto__ key", polluted, "__proto__", ["x"]],
    ["beside an own __proto__ key", polluted, "content-type", ["application/json"]],
    [
      "a WHATWG Headers",
      new Headers({ "Content-Type": "text/plain" }),
      "content-type",
      ["text/plain"],
    ],
    ["a WHATWG Headers without it", new Headers(), "content-type", undefined],
  ])("reads %s", (_name, headers, name, want) => {
    expect(fieldValues(headers, name)).toEqual(want);
    expect(fieldValue(headers, name)).toBe(want?.join(", "));
  });

  it("hands out a copy of a repeated field's values", () => {
    const headers = { "x-dup": ["a", "b"] };
    fieldValues(headers, "x-dup")?.push("c");
    expect(headers["x-dup"]).toEqual(["a", "b"]);
  });
});
