import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  explainMask,
  MASK_GRADES,
  MASK_KINDS,
  type MaskGrade,
  MaskingError,
  type MaskingPolicy,
  type MaskKind,
  type MaskRule,
  maskRecord,
  maskValue,
} from "../src/index.js";

const KEY_A = new Uint8Array(32).fill(0xa5);
const KEY_B = new Uint8Array(32).fill(0x5a);

/** Code points, so astral characters count once. */
const cps = (s: string): string[] => Array.from(s);

function masked(fn: () => unknown): MaskingError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MaskingError) return error;
    throw error;
  }
  throw new Error("expected a MaskingError");
}

describe("maskValue: cn-standards.md §3 conventions (grade 2, the default)", () => {
  const cases: [string, { given: string; rule: MaskRule; want: string }][] = [
    [
      "name keeps the first character (段**)",
      { given: "段正淳", rule: { kind: "name" }, want: "段**" },
    ],
    [
      "resident ID keeps first 1 and last 2 (5***************1X)",
      { given: "51010519900101121X", rule: { kind: "resident-id" }, want: "5***************1X" },
    ],
    [
      "mobile keeps first 3 and last 4 (180****1999)",
      { given: "18012341999", rule: { kind: "mobile" }, want: "180****1999" },
    ],
    [
      "address hides the last 8 characters",
      {
        given: "北京市海淀区中关村大街27号",
        rule: { kind: "address" },
        want: "北京市海淀区********",
      },
    ],
    [
      "email keeps the first character of the local part",
      { given: "zhangsan@example.com", rule: { kind: "email" }, want: "z*******@example.com" },
    ],
    [
      "bank card keeps first 4 and last 4",
      { given: "6222020200001234567", rule: { kind: "bank-card" }, want: "6222***********4567" },
    ],
  ];
  it.each(cases)("%s", (_name, { given, rule, want }) => {
    expect(maskValue(given, rule)).toBe(want);
  });
});

describe("maskValue: shared/testdata/identifiers.md values by grade", () => {
  const cases: [string, { given: string; kind: MaskKind; grade: MaskGrade; want: string }][] = [
    // GB 11643-1999 appendix examples
    [
      "resident ID g1 (first 6, last 4)",
      { given: "11010519491231002X", kind: "resident-id", grade: 1, want: "110105********002X" },
    ],
    [
      "resident ID g2",
      { given: "11010519491231002X", kind: "resident-id", grade: 2, want: "1***************2X" },
    ],
    [
      "resident ID g3",
      { given: "11010519491231002X", kind: "resident-id", grade: 3, want: "******************" },
    ],
    [
      "resident ID g4 is redacted",
      { given: "11010519491231002X", kind: "resident-id", grade: 4, want: "******" },
    ],
    [
      "historical resident ID g2",
      { given: "440524188001010014", kind: "resident-id", grade: 2, want: "4***************14" },
    ],
    // GB 32100-2015 worked example and its embedded GB 11714 code
    [
      "USCC g1 (category + division)",
      { given: "91350100M000100Y43", kind: "uscc", grade: 1, want: "91350100********43" },
    ],
    [
      "USCC g2",
      { given: "91350100M000100Y43", kind: "uscc", grade: 2, want: "91**************43" },
    ],
    [
      "USCC g3",
      { given: "91350100M000100Y43", kind: "uscc", grade: 3, want: "******************" },
    ],
    [
      "org code as generic g2, hyphen masked too",
      { given: "M000100Y-4", kind: "generic", grade: 2, want: "M********4" },
    ],
  ];
  it.each(cases)("%s", (_name, { given, kind, grade, want }) => {
    expect(maskValue(given, { kind, grade })).toBe(want);
  });
});

describe("maskValue per kind and grade", () => {
  const cases: [string, { given: string; rule: MaskRule; want: string }][] = [
    [
      "mobile with +86 and separators",
      { given: "+86 180-1234-1999", rule: { kind: "mobile" }, want: "+86 180-****-1999" },
    ],
    [
      "mobile g3 keeps the carrier prefix",
      { given: "18012341999", rule: { kind: "mobile", grade: 3 }, want: "180********" },
    ],
    [
      "name g1 shows the given name's last character",
      { given: "张三丰", rule: { kind: "name", grade: 1 }, want: "张*丰" },
    ],
    [
      "name g1 two-character name",
      { given: "段誉", rule: { kind: "name", grade: 1 }, want: "段*" },
    ],
    ["compound surname 欧阳", { given: "欧阳锋", rule: { kind: "name" }, want: "欧阳*" }],
    [
      "compound surname 司马 g1",
      { given: "司马相如", rule: { kind: "name", grade: 1 }, want: "司马*如" },
    ],
    [
      "compound surname, traditional 諸葛",
      { given: "諸葛亮", rule: { kind: "name" }, want: "諸葛*" },
    ],
    [
      "two characters that start like a compound surname",
      { given: "欧阳", rule: { kind: "name" }, want: "欧*" },
    ],
    ["one-character name is not shown", { given: "张", rule: { kind: "name" }, want: "*" }],
    [
      "name g3 hides everything",
      { given: "段正淳", rule: { kind: "name", grade: 3 }, want: "***" },
    ],
    ["Latin name g2", { given: "John Smith", rule: { kind: "name" }, want: "J*** *****" }],
    [
      "Latin name g1",
      { given: "John Smith", rule: { kind: "name", grade: 1 }, want: "J*** S****" },
    ],
    [
      "transliterated name with ·",
      { given: "阿依古丽·买买提", rule: { kind: "name" }, want: "阿***·***" },
    ],
    ["astral surname 𠮷", { given: "𠮷野家", rule: { kind: "name" }, want: "𠮷**" }],
    [
      "address g1 keeps township",
      {
        given: "广东省深圳市南山区粤海街道科技园路1号",
        rule: { kind: "address", grade: 1 },
        want: "广东省深圳市南山区粤海街道******",
      },
    ],
    [
      "address g2 keeps county",
      {
        given: "广东省深圳市南山区粤海街道科技园路1号",
        rule: { kind: "address" },
        want: "广东省深圳市南山区**********",
      },
    ],
    [
      "address g3 keeps prefecture",
      {
        given: "广东省深圳市南山区粤海街道科技园路1号",
        rule: { kind: "address", grade: 3 },
        want: "广东省深圳市*************",
      },
    ],
    [
      "address: the 8-character rule cuts back to a whole level (市中区)",
      {
        given: "山东省济南市市中区经十路100号",
        rule: { kind: "address" },
        want: "山东省济南市**********",
      },
    ],
    [
      "address in an autonomous prefecture",
      {
        given: "新疆维吾尔自治区克孜勒苏柯尔克孜自治州阿图什市光明路1号院1单元",
        rule: { kind: "address" },
        want: "新疆维吾尔自治区克孜勒苏柯尔克孜自治州阿图什市*********",
      },
    ],
    [
      "address without a division: hide last 8 and at least half",
      { given: "some street 12", rule: { kind: "address" }, want: "some s********" },
    ],
    [
      "address that is only a division",
      { given: "北京市海淀区", rule: { kind: "address" }, want: "******" },
    ],
    [
      "email g1",
      {
        given: "zhangsan@example.com",
        rule: { kind: "email", grade: 1 },
        want: "zha*****@example.com",
      },
    ],
    [
      "email g3 keeps the top-level domain",
      {
        given: "zhangsan@mail.example.com",
        rule: { kind: "email", grade: 3 },
        want: "********@****.*******.com",
      },
    ],
    [
      "email with a one-character local part",
      { given: "a@b.cn", rule: { kind: "email" }, want: "*@b.cn" },
    ],
    ["not an email", { given: "zhangsan", rule: { kind: "email" }, want: "z*******" }],
    [
      "bank card g1 keeps the BIN",
      {
        given: "6222020200001234567",
        rule: { kind: "bank-card", grade: 1 },
        want: "622202*********4567",
      },
    ],
    [
      "bank card with spaces",
      {
        given: "6222 0202 0000 1234 567",
        rule: { kind: "bank-card" },
        want: "6222 **** **** ***4 567",
      },
    ],
    [
      "bank card g3 keeps the last 4",
      {
        given: "6222020200001234567",
        rule: { kind: "bank-card", grade: 3 },
        want: "***************4567",
      },
    ],
    ["plate g2", { given: "京A12345", rule: { kind: "plate" }, want: "京A****5" }],
    [
      "new-energy plate g1",
      { given: "粤B·D12345", rule: { kind: "plate", grade: 1 }, want: "粤B·****45" },
    ],
    ["plate g3", { given: "京A12345", rule: { kind: "plate", grade: 3 }, want: "京******" }],
    [
      "date g1 keeps year and month",
      { given: "1949-12-31", rule: { kind: "date", grade: 1 }, want: "1949-12-**" },
    ],
    ["date g2 keeps the year", { given: "1949-12-31", rule: { kind: "date" }, want: "1949-**-**" }],
    ["date g3", { given: "1949-12-31", rule: { kind: "date", grade: 3 }, want: "****-**-**" }],
    [
      "date in Chinese",
      { given: "1949年12月31日", rule: { kind: "date" }, want: "1949年**月**日" },
    ],
    [
      "RFC 3339 date-time g1",
      {
        given: "2024-01-15T10:00:00+08:00",
        rule: { kind: "date", grade: 1 },
        want: "2024-01-**T**:**:**+**:**",
      },
    ],
    [
      "generic g1",
      { given: "confidential", rule: { kind: "generic", grade: 1 }, want: "co********al" },
    ],
    ["generic g2", { given: "confidential", rule: { kind: "generic" }, want: "c**********l" }],
    [
      "generic explicit window",
      {
        given: "confidential",
        rule: { kind: "generic", keepStart: 4, keepEnd: 0 },
        want: "conf********",
      },
    ],
    [
      "override one side only",
      { given: "18012341999", rule: { kind: "mobile", keepEnd: 0 }, want: "180********" },
    ],
    [
      "window larger than the value shows a third",
      { given: "abcdef", rule: { kind: "generic", keepStart: 4, keepEnd: 4 }, want: "ab****" },
    ],
    [
      "astral code points are never split",
      {
        given: "𠀀𠀁𠀂𠀃",
        rule: { kind: "generic", keepStart: 1, keepEnd: 1, maskChar: "•" },
        want: "𠀀••𠀃",
      },
    ],
    [
      "astral mask character",
      { given: "段正淳", rule: { kind: "name", maskChar: "🔒" }, want: "段🔒🔒" },
    ],
    [
      "grade 4 with explicit mask keeps the length",
      {
        given: "18012341999",
        rule: { kind: "mobile", grade: 4, strategy: "mask" },
        want: "***********",
      },
    ],
    [
      "redact at a lower grade",
      {
        given: "18012341999",
        rule: { kind: "mobile", grade: 1, strategy: "redact", maskChar: "#" },
        want: "######",
      },
    ],
    ["empty string", { given: "", rule: { kind: "name" }, want: "" }],
  ];
  it.each(cases)("%s", (_name, { given, rule, want }) => {
    expect(maskValue(given, rule)).toBe(want);
  });
});

describe("maskValue hash strategy", () => {
  it("is 16 bytes of hex, deterministic per key, different across keys", () => {
    const rule: MaskRule = { kind: "resident-id", strategy: "hash" };
    const a = maskValue("11010519491231002X", rule, { hmacKey: KEY_A });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(maskValue("11010519491231002X", rule, { hmacKey: KEY_A })).toBe(a);
    expect(maskValue("11010519491231002X", rule, { hmacKey: KEY_B })).not.toBe(a);
  });

  it("links an identifier written with separators or a lower-case x", () => {
    const rule: MaskRule = { kind: "resident-id", strategy: "hash" };
    expect(maskValue("110105 19491231 002x", rule, { hmacKey: KEY_A })).toBe(
      maskValue("11010519491231002X", rule, { hmacKey: KEY_A }),
    );
    const mobile: MaskRule = { kind: "mobile", strategy: "hash" };
    expect(maskValue("+86 180-1234-1999", mobile, { hmacKey: KEY_A })).toBe(
      maskValue("18012341999", mobile, { hmacKey: KEY_A }),
    );
  });

  it("separates kinds, so one key does not link a value across kinds", () => {
    const opts = { hmacKey: KEY_A };
    expect(maskValue("12345", { kind: "generic", strategy: "hash" }, opts)).not.toBe(
      maskValue("12345", { kind: "date", strategy: "hash" }, opts),
    );
  });

  it("property: equal under one key, different under two, never the input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constantFrom(...MASK_KINDS),
        (value, kind) => {
          const rule: MaskRule = { kind, strategy: "hash" };
          const a = maskValue(value, rule, { hmacKey: KEY_A });
          expect(maskValue(value, rule, { hmacKey: KEY_A })).toBe(a);
          expect(maskValue(value, rule, { hmacKey: KEY_B })).not.toBe(a);
          expect(a).toMatch(/^[0-9a-f]{32}$/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ["no key", undefined, 0],
    ["a 16-byte key", new Uint8Array(16), 16],
  ])("refuses %s with masking_key_required", (_name, hmacKey, length) => {
    const error = masked(() => maskValue("x", { kind: "generic", strategy: "hash" }, { hmacKey }));
    expect(error.code).toBe("masking_key_required");
    expect(error.params).toEqual({ length });
    expect(error.messages["zh-CN"]).toContain("hmacKey");
    expect(error.messages.en).toContain("options.hmacKey");
  });
});

describe("values made only of separators", () => {
  it.each([
    ["Z", "date"],
    ["--", "resident-id"],
    ["+86", "mobile"],
  ] as const)(
    "%s as %s is masked, not shown whole (found by the property test, seed 855404717)",
    (value, kind) => {
      for (const grade of [1, 2, 3] as const) {
        const masked = maskValue(value, { kind, grade });
        expect(masked).not.toBe(value);
        expect(Array.from(masked)).toHaveLength(Array.from(value).length);
      }
    },
  );
});

describe("maskValue never reveals a hidden character (fast-check)", () => {
  const MASK = "█";
  const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
  const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
  const anyChar = fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), cjk, astral);
  const text = fc
    .array(anyChar, { maxLength: 40 })
    .map((chars) => chars.join("").replaceAll(MASK, "x"));
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it("generic: every hidden position is the mask character, every other is the input's", () => {
    fc.assert(
      fc.property(text, fc.nat(45), fc.nat(45), (value, keepStart, keepEnd) => {
        const input = cps(value);
        const n = input.length;
        const out = cps(maskValue(value, { kind: "generic", keepStart, keepEnd, maskChar: MASK }));
        expect(out).toHaveLength(n);
        // The documented window; a window covering the value shows only its first third.
        const [s, e] = keepStart + keepEnd >= n ? [Math.floor(n / 3), 0] : [keepStart, keepEnd];
        for (let i = 0; i < n; i++) {
          const shown = i < s || i >= n - e;
          expect(out[i]).toBe(shown ? input[i] : MASK);
        }
        if (n > 0) expect(out.some((c) => c === MASK)).toBe(true);
        expect(LONE_SURROGATE.test(out.join(""))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("every kind and grade: same length, each position shown as-is or masked, something hidden", () => {
    // Letters, digits, CJK and astral only: no separators, no '@'.
    const plain = fc
      .array(fc.oneof(fc.constantFrom(..."abcXYZ0123456789"), cjk, astral), {
        minLength: 1,
        maxLength: 40,
      })
      .map((chars) => chars.join(""));
    fc.assert(
      fc.property(
        plain,
        fc.constantFrom(...MASK_KINDS),
        fc.constantFrom(...MASK_GRADES),
        (value, kind, grade) => {
          const input = cps(value);
          const out = cps(maskValue(value, { kind, grade, strategy: "mask", maskChar: MASK }));
          expect(out).toHaveLength(input.length);
          out.forEach((c, i) => {
            expect([input[i], MASK]).toContain(c);
          });
          expect(out).toContain(MASK);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a higher grade never shows a position a lower grade hides", () => {
    const idLike = fc.stringMatching(/^[0-9]{17}[0-9X]$/);
    fc.assert(
      fc.property(
        idLike,
        fc.constantFrom<MaskKind>("resident-id", "uscc", "bank-card", "generic", "date"),
        (value, kind) => {
          const outs = ([1, 2, 3] as const).map((grade) =>
            cps(maskValue(value, { kind, grade, maskChar: MASK })),
          );
          for (let g = 1; g < outs.length; g++)
            (outs[g] as string[]).forEach((c, i) => {
              if ((outs[g - 1] as string[])[i] === MASK) expect(c).toBe(MASK);
            });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("maskValue refuses bad rules and values", () => {
  const cases: [string, { rule: MaskRule; code: string }][] = [
    ["unknown kind", { rule: { kind: "ssn" as MaskKind }, code: "masking_invalid_rule" }],
    ["grade 5", { rule: { kind: "name", grade: 5 as MaskGrade }, code: "masking_invalid_rule" }],
    ["grade 0", { rule: { kind: "name", grade: 0 as MaskGrade }, code: "masking_invalid_rule" }],
    [
      "negative keepStart",
      { rule: { kind: "generic", keepStart: -1 }, code: "masking_invalid_rule" },
    ],
    [
      "fractional keepEnd",
      { rule: { kind: "generic", keepEnd: 1.5 }, code: "masking_invalid_rule" },
    ],
    [
      "NaN keepEnd",
      { rule: { kind: "generic", keepEnd: Number.NaN }, code: "masking_invalid_rule" },
    ],
    [
      "two-character mask",
      { rule: { kind: "generic", maskChar: "**" }, code: "masking_invalid_rule" },
    ],
    ["empty mask", { rule: { kind: "generic", maskChar: "" }, code: "masking_invalid_rule" }],
    [
      "lone-surrogate mask",
      { rule: { kind: "generic", maskChar: "\uD800" }, code: "masking_invalid_rule" },
    ],
    [
      "unknown strategy",
      { rule: { kind: "generic", strategy: "encrypt" as "mask" }, code: "masking_invalid_rule" },
    ],
  ];
  it.each(cases)("%s", (_name, { rule, code }) => {
    const error = masked(() => maskValue("value", rule));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/规则无效.* \/ The masking rule is invalid/);
  });

  it.each([null, 42, undefined, {}])("refuses the non-string %s", (value) => {
    expect(masked(() => maskValue(value as unknown as string, { kind: "name" })).code).toBe(
      "masking_invalid_value",
    );
  });
});

describe("maskValue on huge hostile strings", () => {
  const MILLION = 1_000_000;
  it.each<[string, string, MaskKind]>([
    ["ASCII generic", "a".repeat(MILLION), "generic"],
    ["Han address (the regexes are bounded)", "北".repeat(MILLION), "address"],
    ["Han name", "欧阳".repeat(MILLION / 2), "name"],
    ["astral email", `${"𠀀".repeat(MILLION / 2)}@example.com`, "email"],
    ["separators only", "-".repeat(MILLION), "bank-card"],
  ])("%s keeps its length and hides its middle", (_name, value, kind) => {
    const out = maskValue(value, { kind });
    expect(cps(out)).toHaveLength(cps(value).length);
    if (kind !== "bank-card") expect(cps(out)[cps(value).length >> 1]).toBe("*");
  });
});

describe("maskRecord", () => {
  const person = {
    name: "段誉",
    residentId: "11010519491231002X",
    contacts: [
      { kind: "mobile", value: "18012341999" },
      { kind: "mobile", value: "13912345678" },
    ],
    address: { line: "北京市海淀区中关村大街27号", postcode: 100080 },
    age: 30,
    spouse: null,
  };

  it("masks the policy's fields by JSON pointer, dotted path and * and copies the rest", () => {
    const policy: MaskingPolicy = {
      fields: {
        "/name": { kind: "name" },
        residentId: { kind: "resident-id" },
        "contacts[*].value": { kind: "mobile" },
        "/address/line": { kind: "address" },
        spouse: { kind: "name" },
      },
    };
    const before = structuredClone(person);
    const out = maskRecord(person, policy);
    expect(out).toEqual({
      name: "段*",
      residentId: "1***************2X",
      contacts: [
        { kind: "mobile", value: "180****1999" },
        { kind: "mobile", value: "139****5678" },
      ],
      address: { line: "北京市海淀区********", postcode: 100080 },
      age: 30,
      spouse: null,
    });
    expect(person).toEqual(before);
    expect(out.address).not.toBe(person.address);
    expect(out.contacts).not.toBe(person.contacts);
  });

  it("applies defaultGrade, masks numbers as strings, and masks every leaf under a container rule", () => {
    const out = maskRecord(person, {
      defaultGrade: 3,
      fields: {
        "/address": { kind: "generic" },
        "/age": { kind: "generic", grade: 1 },
        "/contacts/1": { kind: "generic" },
      },
    });
    expect(out.address).toEqual({ line: "*".repeat(14), postcode: "******" });
    // "30" is shorter than grade 1's 2 + 2 window: at most its first third shows.
    expect(out.age).toBe("**");
    expect(out.contacts[0]).toEqual(person.contacts[0]);
    expect(out.contacts[1]).toEqual({ kind: "******", value: "***********" });
  });

  it("lets the highest grade win where paths overlap, and a leaf rule beat its container's", () => {
    const out = maskRecord(person, {
      fields: {
        "contacts.*.value": { kind: "mobile", grade: 2 },
        "contacts.0.value": { kind: "mobile", grade: 3 },
        "/address": { kind: "generic", grade: 3 },
        "/address/line": { kind: "address", grade: 1 },
      },
    });
    expect(out.contacts.map((c) => c.value)).toEqual(["180********", "139****5678"]);
    expect(out.address.line).toBe("北京市海淀区********");
  });

  it("unescapes JSON pointers (RFC 6901 §4) and masks a whole string record at path ''", () => {
    expect(
      maskRecord(
        { "a/b": "secret", "m~n": "secret" },
        { fields: { "/a~1b": { kind: "generic" }, "/m~0n": { kind: "generic" } } },
      ),
    ).toEqual({
      "a/b": "s****t",
      "m~n": "s****t",
    });
    expect(maskRecord("18012341999", { fields: { "": { kind: "mobile" } } })).toBe("180****1999");
  });

  it("hashes with the key and checks the key before walking", () => {
    const policy: MaskingPolicy = {
      fields: { "/residentId": { kind: "resident-id", strategy: "hash" } },
    };
    const out = maskRecord(person, policy, { hmacKey: KEY_A });
    expect(out.residentId).toBe(
      maskValue(person.residentId, { kind: "resident-id", strategy: "hash" }, { hmacKey: KEY_A }),
    );
    expect(masked(() => maskRecord({}, policy)).code).toBe("masking_key_required");
  });

  it("never follows __proto__, constructor or prototype into a prototype", () => {
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": "yes", "name": "段誉"}, "constructor": {"prototype": {"polluted": "yes"}}, "name": "段誉"}',
    );
    const out = maskRecord(hostile, {
      fields: {
        "/__proto__/name": { kind: "name" },
        "__proto__.polluted": { kind: "generic" },
        "constructor.prototype.polluted": { kind: "generic" },
        "/name/constructor": { kind: "generic" },
        "/prototype": { kind: "generic" },
      },
    }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    const ownProto = Object.getOwnPropertyDescriptor(out, "__proto__")?.value;
    expect(ownProto).toEqual({ polluted: "y*s", name: "段*" });
    expect(out.constructor).toEqual({ prototype: { polluted: "y*s" } });
    expect(out.name).toBe("段誉");
    expect(Object.hasOwn(out, "prototype")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(Object.prototype.constructor).toBe(Object);
  });

  it("copies Dates and bytes, and masks them under a rule", () => {
    const born = new Date("1949-12-31T00:00:00.000Z");
    const photo = new Uint8Array([1, 2, 3]);
    const copy = maskRecord({ born, photo }, { fields: {} });
    expect(copy.born).toEqual(born);
    expect(copy.born).not.toBe(born);
    expect(copy.photo).toEqual(photo);
    expect(copy.photo).not.toBe(photo);
    const out = maskRecord(
      { born, photo },
      { fields: { born: { kind: "date" }, photo: { kind: "generic" } } },
    );
    expect(out).toEqual({ born: "1949-**-**T**:**:**.***Z", photo: "******" });
  });

  it("does not descend into inherited properties of a plain record", () => {
    const out = maskRecord(
      { a: 1 },
      {
        fields: { "constructor.name": { kind: "generic" }, "toString.length": { kind: "generic" } },
      },
    );
    expect(out).toEqual({ a: 1 });
    expect(Object.keys(out)).toEqual(["a"]);
  });

  it("stops 10,000-deep nesting with masking_too_deep and its path", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    const error = masked(() =>
      maskRecord(deep, { fields: { "/child/child/leaf": { kind: "generic" } } }),
    );
    expect(error.code).toBe("masking_too_deep");
    expect(error.params).toEqual({ maxDepth: 64 });
    expect(error.path).toBe("/child".repeat(64));
    expect(error.messages["zh-CN"]).toContain("maxDepth");
    expect(error.messages.en).toContain("raise maxDepth");
  });

  it("stops a cyclic record with masking_too_deep, and honours maxDepth", () => {
    const cyclic: Record<string, unknown> = { name: "段誉" };
    cyclic.self = cyclic;
    expect(masked(() => maskRecord(cyclic, { fields: {} })).code).toBe("masking_too_deep");
    expect(maskRecord({ a: { b: "c" } }, { fields: {} }, { maxDepth: 2 })).toEqual({
      a: { b: "c" },
    });
    expect(masked(() => maskRecord({ a: { b: "c" } }, { fields: {} }, { maxDepth: 1 })).path).toBe(
      "/a",
    );
  });

  it.each([
    ["a..b", "an empty segment"],
    ["a.", "an empty segment"],
    ["/a~2", "RFC 6901"],
    ["a[b]", "brackets"],
  ])("refuses the path %s", (field, reason) => {
    const error = masked(() => maskRecord({}, { fields: { [field]: { kind: "generic" } } }));
    expect(error.code).toBe("masking_invalid_path");
    expect(error.messages.en).toContain(reason);
  });

  it("reports the field of an invalid rule", () => {
    const error = masked(() =>
      maskRecord({}, { fields: { "/x": { kind: "generic", keepStart: -2 } } }),
    );
    expect(error.code).toBe("masking_invalid_rule");
    expect(error.path).toBe("/x");
  });

  it("property: any JSON is deep-copied, never mutated, and every string under * is masked", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (json) => {
        const frozen = structuredClone(json);
        const copy = maskRecord(json, { fields: {} });
        expect(copy).toEqual(json);
        if (typeof json === "object" && json !== null) expect(copy).not.toBe(json);
        const out = maskRecord(json, { fields: { "": { kind: "generic", grade: 3 } } });
        expect(json).toEqual(frozen);
        const leaves = (v: unknown): unknown[] =>
          typeof v === "object" && v !== null ? Object.values(v).flatMap(leaves) : [v];
        for (const leaf of leaves(out)) if (leaf !== null) expect(leaf).toMatch(/^\**$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe("explainMask", () => {
  const cases: [
    string,
    { rule: MaskRule; locale: "zh-CN" | "en"; want: { shown: string; hidden: string } },
  ][] = [
    [
      "mobile, English",
      {
        rule: { kind: "mobile" },
        locale: "en",
        want: {
          shown: "the first 3 and last 4 characters; separators stay as they are",
          hidden:
            'every other character, each replaced by "*"; the length is kept, and a value shorter than the rule shows at most its first third',
        },
      },
    ],
    [
      "resident ID, zh-CN",
      {
        rule: { kind: "resident-id" },
        locale: "zh-CN",
        want: {
          shown: "前 1 位和后 2 位；分隔符照原样保留",
          hidden: "其余字符，每个以“*”代替，保留长度；短于规则的值最多显示前三分之一",
        },
      },
    ],
    [
      "grade 4 redacts",
      {
        rule: { kind: "name", grade: 4 },
        locale: "zh-CN",
        want: { shown: "无", hidden: "整个值，以固定的“******”代替，不保留长度" },
      },
    ],
  ];
  it.each(cases)("%s", (_name, { rule, locale, want }) => {
    expect(explainMask(rule, locale)).toEqual(want);
  });

  it("describes every kind, grade and strategy in both languages", () => {
    for (const kind of MASK_KINDS)
      for (const grade of MASK_GRADES)
        for (const strategy of ["mask", "redact", "hash"] as const)
          for (const locale of ["zh-CN", "en"] as const) {
            const { shown, hidden } = explainMask({ kind, grade, strategy }, locale);
            expect(shown.length).toBeGreaterThan(0);
            expect(hidden.length).toBeGreaterThan(0);
            // English text quotes Chinese only as an example surname.
            const han = /[\u4e00-\u9fff]/.test((shown + hidden).replaceAll("欧阳", ""));
            expect(han).toBe(locale === "zh-CN");
          }
  });
});
