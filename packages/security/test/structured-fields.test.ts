import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BareItem,
  type Member,
  parseDictionary,
  parseItem,
  parseList,
  StructuredFieldError,
  serializeBareItem,
  serializeDictionary,
  serializeItem,
  serializeMember,
  Token,
} from "../src/index.js";
import * as reference from "./reference/structured-fields-rfc8941.js";

/** A parse result as plain data, comparable across the two implementations. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return [...value].map(([k, v]) => [k, plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Token || value instanceof reference.Token)
    return { token: (value as Token).value };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString("hex") };
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function outcome(parse: (input: string) => unknown, input: string): unknown {
  try {
    return { ok: plain(parse(input)) };
  } catch (error) {
    if (!(error instanceof StructuredFieldError || error instanceof reference.StructuredFieldError))
      throw error;
    return { error: error.message, offset: error.offset };
  }
}

describe("structured fields (RFC 8941)", () => {
  it.each([
    ["RFC 9421 Signature-Input", 'sig1=("@method" "@target-uri");created=1618884473;keyid="k"'],
    ["RFC 9530 Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"],
    ["§3.2 dictionary with a bare key", "a=?0, b, c;foo=bar"],
    ["§3.1.1 inner lists with parameters", 'a=("foo" "bar");lvl=5, b=("baz");lvl=1'],
    ["§3.3.1 integers and §3.3.2 decimals", "a=-42, b=4.5, c=0.001, d=999999999999999"],
    ["§3.3.3 escapes in a string", 'a="say \\"hi\\" \\\\ bye"'],
    ["§3.3.4 tokens", "a=*foo/bar:baz, b=text/html"],
  ])("parses and serializes back the %s", (_name, field) => {
    const dict = parseDictionary(field);
    expect(plain(dict)).toEqual(plain(reference.parseDictionary(field)));
    expect(serializeDictionary(dict)).toBe(field);
  });

  it.each([
    ["an upper-case key", "A=1", "expected a key", 0],
    ["a trailing comma", "a=1,", "trailing ',' in dictionary", 4],
    ["a bad escape", 'a="\\x"', "bad escape in string", 5],
    ["an escape at the end", 'a="\\', "bad escape in string", 5],
    ["a non-ASCII string", 'a="é"', "non-printable character in string", 4],
    ["an unterminated string", 'a="abc', "unterminated string", 6],
    ["bad base64", "a=:ab$c:", "byte sequence is not base64", 2],
    ["an unterminated inner list", 'a=("b" ', "unterminated inner list", 7],
    ["an inner list without a space", 'a=("b"', "expected a space or ')' in an inner list", 6],
    ["a long integer", "a=1234567890123456", "integer too long", 18],
    ["a bad boolean", "a=?2", "expected ?0 or ?1", 4],
  ])("refuses %s with the same error as the reference", (_name, field, message, offset) => {
    const thrown = outcome(parseDictionary, field);
    expect(thrown).toEqual({ error: `${message} at offset ${offset}`, offset });
    expect(thrown).toEqual(outcome(reference.parseDictionary, field));
  });

  // Characters that steer the parser: delimiters, quotes, escapes, digits, key and token
  // characters, base64, whitespace, and a few that no rule allows.
  const steering = fc.constantFrom(
    ..."abz*_-.0123456789AZ!#$%&'+^`|~:/=;,() \t\"\\?+/=é\u0000\u007f".split(""),
    "sig=",
    '"@method"',
    ":AQID:",
    "?1",
    "-1.5",
  );
  const fields = fc.array(steering, { maxLength: 40 }).map((parts) => parts.join(""));

  it.each([
    ["parseDictionary", parseDictionary, reference.parseDictionary],
    ["parseList", parseList, reference.parseList],
    ["parseItem", parseItem, reference.parseItem],
  ] as const)("%s agrees with the reference on random input", (_name, parse, parseReference) => {
    fc.assert(
      fc.property(fields, (field) => {
        expect(outcome(parse, field)).toEqual(outcome(parseReference, field));
      }),
      { numRuns: 3000 },
    );
  });

  const key = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,6}$/);
  const bareItem: fc.Arbitrary<BareItem> = fc.oneof(
    fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
    fc.integer({ min: -99_999, max: 99_999 }).map((n) => n / 8),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode) }),
    fc.stringMatching(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]{0,6}$/).map((t) => new Token(t)),
    fc.uint8Array({ maxLength: 12 }),
    fc.boolean(),
  );
  const params = fc.uniqueArray(fc.tuple(key, bareItem), { selector: ([k]) => k, maxLength: 3 });
  const item = fc.record({ value: bareItem, params: params.map((p) => new Map(p)) });
  const member: fc.Arbitrary<Member> = fc.oneof(
    item,
    fc.record({ items: fc.array(item, { maxLength: 3 }), params: params.map((p) => new Map(p)) }),
  );

  it("serializes any dictionary to a field that parses back to it (§4.1, §4.2)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, member), { selector: ([k]) => k, maxLength: 4 }),
        (entries) => {
          const field = serializeDictionary(new Map(entries));
          expect(serializeDictionary(parseDictionary(field))).toBe(field);
          expect(plain(parseDictionary(field))).toEqual(plain(reference.parseDictionary(field)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("serializes a byte sequence from a view without its neighbours (§4.1.8)", () => {
    const buffer = Buffer.from("xxABCyy");
    expect(serializeBareItem(buffer.subarray(2, 5))).toBe(":QUJD:");
    expect(serializeBareItem(new Uint8Array(buffer.buffer, buffer.byteOffset + 2, 3))).toBe(
      ":QUJD:",
    );
    expect(serializeItem({ value: new Uint8Array(0), params: new Map() })).toBe("::");
  });

  it.each([
    ["a plain string", "abc", '"abc"'],
    ["quotes and backslashes", 'a"b\\c', '"a\\"b\\\\c"'],
    ["an empty string", "", '""'],
  ])("escapes %s (§4.1.6)", (_name, value, field) => {
    expect(serializeBareItem(value)).toBe(field);
    expect(parseItem(field).value).toBe(value);
  });

  it.each([
    ["a line feed", "a\nb"],
    ["a non-ASCII character", "居民"],
    ["DEL", "\u007f"],
  ])("refuses to serialize a string with %s", (_name, value) => {
    expect(() => serializeBareItem(value)).toThrow(TypeError);
  });

  it("keeps an inner list's parameters and a list's members in order", () => {
    const field = '("a" "b");x=1, c;y=?0';
    expect(parseList(field).map(serializeMember).join(", ")).toBe(field);
  });
});
