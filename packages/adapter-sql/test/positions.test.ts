import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeColumnPosition, decodeTablePosition, encodeColumnPosition } from "../src/changes.js";
import { toRfc3339 } from "../src/index.js";

describe("toRfc3339", () => {
  const table: [string, { given: string; offset: string; want: string | undefined }][] = [
    [
      "PostgreSQL timestamptz, whole-hour zone",
      { given: "2024-03-01 08:30:00+08", offset: "+00:00", want: "2024-03-01T08:30:00+08:00" },
    ],
    [
      "PostgreSQL microseconds, UTC",
      {
        given: "2024-03-01 00:00:00.000001+00",
        offset: "+08:00",
        want: "2024-03-01T00:00:00.000001+00:00",
      },
    ],
    [
      "half-hour zone",
      {
        given: "2024-03-01 08:30:00.5+05:30",
        offset: "+00:00",
        want: "2024-03-01T08:30:00.5+05:30",
      },
    ],
    [
      "local mean time seconds dropped",
      {
        given: "1900-01-01 00:00:00+08:05:43",
        offset: "+00:00",
        want: "1900-01-01T00:00:00+08:05",
      },
    ],
    [
      "MySQL DATETIME(6), default offset",
      {
        given: "2024-03-01 08:30:00.123456",
        offset: "+08:00",
        want: "2024-03-01T08:30:00.123456+08:00",
      },
    ],
    [
      "already RFC 3339",
      { given: "2024-03-01T08:30:00Z", offset: "+08:00", want: "2024-03-01T08:30:00Z" },
    ],
    ["a version number", { given: "42", offset: "+08:00", want: undefined }],
    ["infinity", { given: "infinity", offset: "+08:00", want: undefined }],
    ["a date only", { given: "2024-03-01", offset: "+08:00", want: undefined }],
  ];
  it.each(table)("%s", (_, { given, offset, want }) => {
    expect(toRfc3339(given, offset)).toBe(want);
  });
});

describe("positions", () => {
  it("round-trip any column value and key", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, key) => {
        expect(decodeColumnPosition(encodeColumnPosition(value, key))).toEqual([value, key]);
      }),
    );
  });

  it("treat the start tokens and absence as the beginning", () => {
    expect(decodeColumnPosition(undefined)).toBeUndefined();
    expect(decodeColumnPosition("c.")).toBeUndefined();
    expect(decodeTablePosition(undefined)).toBeUndefined();
    expect(decodeTablePosition("t.")).toBeUndefined();
    expect(decodeTablePosition("t.42")).toBe("42");
  });

  const bad = [
    "",
    "x",
    "t.-1",
    "t.1e3",
    "t.1 OR 1=1",
    `t.${"9".repeat(21)}`,
    "c.%%%",
    `c.${Buffer.from('{"__proto__":1}').toString("base64url")}`,
    `c.${Buffer.from('["a"]').toString("base64url")}`,
    `c.${Buffer.from('["a",1]').toString("base64url")}`,
    `c.${"A".repeat(9000)}`,
  ];
  it.each(bad)("refuse %j", (position) => {
    const decode = position.startsWith("t") ? decodeTablePosition : decodeColumnPosition;
    expect(() => decode(position)).toThrow(
      expect.objectContaining({ code: "bad_request", path: "/position" }),
    );
  });
});
