import { describe, expect, test } from "vitest";
import { canonicalJson } from "../src/index.js";

describe("canonicalJson (RFC 8785)", () => {
  test.each([
    [{ b: 1, a: [true, null, "x"] }, '{"a":[true,null,"x"],"b":1}'],
    // RFC 8785 §3.2.3: sorted by UTF-16 code units, so U+1F600 (a surrogate pair, D83D DE00)
    // sorts before U+FB33, which code point order would not do.
    [
      { "\ufb33": 6, "\u20ac": 1, "\ud83d\ude00": 2, "\r": 3, "1": 4, "\u00f6": 5 },
      '{"\\r":3,"1":4,"ö":5,"€":1,"😀":2,"דּ":6}',
    ],
    // RFC 8785 §3.2.2.3: ECMAScript number serialisation.
    [[1e21, 1e-7, -0, 0.1, 333333333.3333333], "[1e+21,1e-7,0,0.1,333333333.3333333]"],
    [{ nested: { z: "\u0000\u2028", a: {} } }, '{"nested":{"a":{},"z":"\\u0000\u2028"}}'],
  ])("%j", (value, want) => {
    expect(canonicalJson(value)).toBe(want);
  });

  test.each([[Number.NaN], [Number.POSITIVE_INFINITY], [() => 1], [10n]])(
    "%s has no JSON form",
    (value) => {
      expect(() => canonicalJson(value)).toThrow(RangeError);
    },
  );

  test("nesting deeper than 64 levels is refused, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(RangeError);
  });

  test("a __proto__ member is an ordinary member", () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe(
      '{"__proto__":{"x":1},"a":2}',
    );
  });
});
