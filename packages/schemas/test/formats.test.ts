import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type GovexFormatName, govexFormats } from "../src/formats.js";
import { residentIdCheckCharacter } from "../src/identifiers/resident-id.js";

const names = Object.keys(govexFormats) as GovexFormatName[];

describe("govexFormats", () => {
  test.each([
    // [format, valid values, invalid values with the first code explain gives]
    [
      "cn-resident-id",
      ["11010519491231002X", "440524188001010014"],
      [
        ["110105194912310021", "invalid_check_character"],
        ["11010519491231002x", "lowercase_letters"],
        [" 11010519491231002X", "surrounding_whitespace"],
        ["110105491231002", "legacy_id_not_allowed"],
      ],
    ],
    [
      "cn-uscc",
      ["91350100M000100Y43"],
      [
        ["91350100M000100Y4Z", "invalid_check_character"],
        ["91350100M000100Y44", "invalid_check_character"],
        ["91350100m000100y43", "lowercase_letters"],
      ],
    ],
    [
      "cn-org-code",
      ["M000100Y4"],
      [
        ["M000100Y-4", "org_code_hyphen"],
        ["M000100Y5", "invalid_check_character"],
      ],
    ],
    [
      "cn-admin-division",
      ["110101", "440524", "110103"],
      [
        ["130171", "unknown_division_code"],
        ["1101", "invalid_length"],
      ],
    ],
    [
      "cn-mobile",
      ["13800138000", "19912345678"],
      [
        ["+8613800138000", "mobile_country_prefix"],
        ["138 0013 8000", "mobile_separators"],
        ["12912345678", "invalid_mobile"],
      ],
    ],
    [
      "date",
      ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"],
      [
        ["2023-02-29", "invalid_date"],
        ["1900-02-29", "invalid_date"],
        ["2024-04-31", "invalid_date"],
        ["2024-13-01", "invalid_date"],
        ["2024-00-10", "invalid_date"],
        ["2024/03/01", "invalid_date"],
        ["2024-3-1", "invalid_date"],
        ["20240301", "invalid_date"],
        ["2024-03-01T00:00:00Z", "invalid_date"],
        ["２０２４-０３-０１", "invalid_date"],
      ],
    ],
    [
      "date-time",
      [
        "2024-05-01T08:30:00+08:00",
        "2024-05-01T00:30:00Z",
        "2024-05-01t00:30:00z",
        "2024-05-01T08:30:00.123456+08:00",
        "2024-02-29T23:59:59-12:00",
        // RFC 3339 §5.7: a leap second is 23:59:60 UTC, whatever the offset it is written in.
        "2016-12-31T23:59:60Z",
        "2017-01-01T07:59:60+08:00",
        "2016-12-31T18:59:60-05:00",
      ],
      [
        ["2024-05-01 08:30:00", "invalid_date_time"],
        ["2024-05-01T08:30:00", "invalid_date_time"],
        ["2024-05-01T08:30+08:00", "invalid_date_time"],
        ["2024-05-01T24:00:00Z", "invalid_date_time"],
        ["2024-05-01T08:60:00Z", "invalid_date_time"],
        ["2024-05-01T08:30:61Z", "invalid_date_time"],
        ["2016-12-31T22:59:60Z", "invalid_date_time"],
        ["2016-12-31T23:59:60+08:00", "invalid_date_time"],
        ["2024-05-01T08:30:00.Z", "invalid_date_time"],
        ["2024-05-01T08:30:00+0800", "invalid_date_time"],
        ["2024-05-01T08:30:00+24:00", "invalid_date_time"],
        ["2023-02-29T08:30:00Z", "invalid_date_time"],
        ["2024-05-01T08:30:00Z ", "invalid_date_time"],
      ],
    ],
    [
      "email",
      ["zhang.san@example.gov.cn", "a+b@x.cn", "x@gov.xn--fiqs8s", "o'brien@example.com"],
      [
        ["zhang san@example.cn", "invalid_email"],
        ["contact@", "invalid_email"],
        ["@example.cn", "invalid_email"],
        ["a..b@example.cn", "invalid_email"],
        [".a@example.cn", "invalid_email"],
        ["a@-example.cn", "invalid_email"],
        ["a@example", "invalid_email"],
        ["a@example.c", "invalid_email"],
        ["张三@example.cn", "invalid_email"],
        [`${"a".repeat(65)}@example.cn`, "invalid_email"],
        [`a@${"b".repeat(250)}.cn`, "invalid_email"],
      ],
    ],
    [
      "uri",
      [
        "https://govex.dev/specs/data/v1/person.schema.json",
        "urn:isbn:0451450523",
        "mailto:a@example.cn",
        "https://example.cn/%E4%B8%AD?q=1#frag",
        "HTTP://[::1]:8080/",
      ],
      [
        ["/relative/path", "invalid_uri"],
        ["not a uri", "invalid_uri"],
        ["https://example.cn/a b", "invalid_uri"],
        ["https://例子.中国/", "invalid_uri"],
        ["https://example.cn/%zz", "invalid_uri"],
        ["https://example.cn/%4", "invalid_uri"],
        ["1http://example.cn", "invalid_uri"],
        ["https://example.cn/<script>", "invalid_uri"],
        ["", "invalid_uri"],
      ],
    ],
  ] as const)("%s", (name, valid, invalid) => {
    const f = govexFormats[name];
    expect(f.name).toBe(name);
    for (const v of valid) {
      expect([v, f.validate(v)]).toEqual([v, true]);
      expect(f.explain(v)).toEqual([]);
    }
    for (const [v, code] of invalid) {
      expect([v, f.validate(v)]).toEqual([v, false]);
      const issues = f.explain(v);
      expect([v, issues[0]?.code]).toEqual([v, code]);
      expect(issues.some((i) => i.severity === "error")).toBe(true);
    }
  });

  test("explain: how a value is written is an error for the exchange form, next to other errors", () => {
    expect(
      govexFormats["cn-uscc"].explain(" 91350100M000100Y44").map((i) => [i.code, i.severity]),
    ).toEqual([
      ["surrounding_whitespace", "error"],
      ["invalid_check_character", "error"],
    ]);
  });

  test("every format names the standard and clause it encodes", () => {
    for (const f of Object.values(govexFormats)) expect(f.standard).toMatch(/(GB|RFC|MIIT).*\d/);
  });

  test("the format table is frozen", () => {
    expect(Object.isFrozen(govexFormats)).toBe(true);
    expect(Object.isFrozen(govexFormats.date)).toBe(true);
  });

  test.each(names.map((n) => [n]))("%s: validate is total and explain reports non-strings", (n) => {
    const f = govexFormats[n];
    for (const bad of [undefined, null, 42, {}, [], Symbol.iterator]) {
      expect(f.validate(bad as unknown as string)).toBe(false);
      expect(f.explain(bad as unknown as string)[0]?.code).toBe("invalid_type");
    }
  });

  // Values near valid ones: mutations of valid examples, plus anything at all.
  const nearValid = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc
      .tuple(
        fc.constantFrom(
          "11010519491231002X",
          "91350100M000100Y43",
          "M000100Y4",
          "110101",
          "13800138000",
          "2024-02-29",
          "2016-12-31T23:59:60Z",
          "2024-05-01T08:30:00.5+08:00",
          "a.b@example.gov.cn",
          "https://example.cn/%E4?x#y",
        ),
        fc.nat(40),
        fc.constantFrom(..."0123456789X-:.T Z+x@%/ａ１\u3000"),
        fc.boolean(),
      )
      .map(([s, i, c, insert]) => {
        const at = i % (s.length + 1);
        return s.slice(0, at) + c + s.slice(insert ? at : at + 1);
      }),
  );

  test("property: explain gives an error exactly when validate fails, for every format", () => {
    fc.assert(
      fc.property(nearValid, (v) => {
        for (const n of names) {
          const f = govexFormats[n];
          const ok = f.validate(v);
          const issues = f.explain(v);
          expect([n, v, ok]).toEqual([n, v, !issues.some((i) => i.severity === "error")]);
          if (ok) expect(issues).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("property: every generated resident ID passes the format", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1900-01-01"), max: new Date("2020-12-31"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        (d, seq) => {
          const first17 = `110105${d.toISOString().slice(0, 10).replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
          expect(
            govexFormats["cn-resident-id"].validate(first17 + residentIdCheckCharacter(first17)),
          ).toBe(true);
        },
      ),
    );
  });

  test("hostile input: huge strings are rejected without a crash", () => {
    const huge = "1".repeat(1 << 20);
    for (const n of names) {
      expect(govexFormats[n].validate(huge)).toBe(false);
      const issues = govexFormats[n].explain(huge);
      expect(issues.length).toBeGreaterThan(0);
      expect(JSON.stringify(issues).length).toBeLessThan(500);
    }
  });
});
