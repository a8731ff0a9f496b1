/**
 * The subset of Structured Field Values (RFC 8941) that HTTP Message Signatures
 * (RFC 9421) and Digest Fields (RFC 9530) need: items, inner lists, parameters,
 * lists and dictionaries, parsed (§4.2) and serialized (§4.1) exactly as the RFC's
 * algorithms say. Parsing fails with {@link StructuredFieldError}, never loops: every
 * step consumes input, and the input length is capped by the caller.
 */

/** A Token (RFC 8941 §3.3.4), kept apart from a String. */
export class Token {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type BareItem = number | string | boolean | Token | Uint8Array;
export type Parameters = Map<string, BareItem>;
export interface Item {
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  items: Item[];
  params: Parameters;
}
export type Member = Item | InnerList;
export type Dictionary = Map<string, Member>;

export class StructuredFieldError extends Error {
  override name = "StructuredFieldError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export function isInnerList(member: Member): member is InnerList {
  return "items" in member;
}

// Character classes as lookup tables over ASCII codes: the parser runs on every signed
// request and response, and a table lookup is several times cheaper than a RegExp test
// on a one-character string.
const KEY_START = 1;
const KEY_CHAR = 2;
const TOKEN_START = 4;
const TOKEN_CHAR = 8;
const CLASS = new Uint8Array(128);
function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) {
    const code = chars.charCodeAt(i);
    CLASS[code] = (CLASS[code] as number) | flag;
  }
}
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGIT = "0123456789";
mark(`${LOWER}*`, KEY_START); // §4.2.3.3: lcalpha / "*"
mark(`${LOWER}${DIGIT}_-.*`, KEY_CHAR);
mark(`${LOWER}${UPPER}*`, TOKEN_START); // §4.2.6: ALPHA / "*"
mark(`${LOWER}${UPPER}${DIGIT}!#$%&'*+-.^_\`|~:/`, TOKEN_CHAR); // tchar / ":" / "/"
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const SP = 0x20;
const HTAB = 0x09;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function is(code: number, flag: number): boolean {
  return code < 128 && ((CLASS[code] as number) & flag) !== 0;
}

class Parser {
  pos = 0;
  constructor(readonly input: string) {}

  fail(message: string): never {
    throw new StructuredFieldError(message, this.pos);
  }
  /** The current character's code, NaN at the end (no comparison with NaN holds). */
  code(): number {
    return this.input.charCodeAt(this.pos);
  }
  done(): boolean {
    return this.pos >= this.input.length;
  }
  skipSP(): void {
    while (this.code() === SP) this.pos++;
  }
  skipOWS(): void {
    for (let c = this.code(); c === SP || c === HTAB; c = this.code()) this.pos++;
  }

  // §4.2.3.3
  key(): string {
    if (!is(this.code(), KEY_START)) this.fail("expected a key");
    const start = this.pos;
    while (is(this.code(), KEY_CHAR)) this.pos++;
    return this.input.slice(start, this.pos);
  }

  // §4.2.3.2
  params(): Parameters {
    const params: Parameters = new Map();
    while (this.code() === 0x3b /* ; */) {
      this.pos++;
      this.skipSP();
      const key = this.key();
      let value: BareItem = true;
      if (this.code() === 0x3d /* = */) {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  // §4.2.3.1
  bareItem(): BareItem {
    const c = this.code();
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === DQUOTE) return this.string();
    if (c === 0x3a /* : */) return this.byteSequence();
    if (c === 0x3f /* ? */) return this.boolean();
    if (is(c, TOKEN_START)) return this.token();
    return this.fail("expected an item");
  }

  item(): Item {
    const value = this.bareItem();
    return { value, params: this.params() };
  }

  // §4.2.1.2
  innerList(): InnerList {
    this.pos++; // "("
    const items: Item[] = [];
    for (;;) {
      this.skipSP();
      if (this.code() === 0x29 /* ) */) {
        this.pos++;
        return { items, params: this.params() };
      }
      if (this.done()) this.fail("unterminated inner list");
      items.push(this.item());
      const c = this.code();
      if (c !== SP && c !== 0x29) this.fail("expected a space or ')' in an inner list");
    }
  }

  member(): Member {
    return this.code() === 0x28 /* ( */ ? this.innerList() : this.item();
  }

  // §4.2.4
  number(): number {
    const start = this.pos;
    if (this.code() === 0x2d) this.pos++;
    let digits = 0;
    let dot = -1;
    while (!this.done()) {
      const c = this.code();
      if (c >= 0x30 && c <= 0x39) digits++;
      else if (c === 0x2e /* . */ && dot < 0) dot = digits;
      else break;
      this.pos++;
      if (dot < 0 && digits > 15) this.fail("integer too long");
      if (dot >= 0 && (dot > 12 || digits - dot > 3)) this.fail("decimal too long");
    }
    if (digits === 0 || dot === digits) this.fail("malformed number");
    return Number(this.input.slice(start, this.pos));
  }

  // §4.2.5: runs of plain characters are sliced, not appended one by one.
  string(): string {
    const { input } = this;
    this.pos++;
    let out = "";
    let run = this.pos;
    while (!this.done()) {
      const code = input.charCodeAt(this.pos++);
      if (code === BACKSLASH) {
        out += input.slice(run, this.pos - 1);
        const next = input.charCodeAt(this.pos++);
        if (next !== DQUOTE && next !== BACKSLASH) this.fail("bad escape in string");
        out += next === DQUOTE ? '"' : "\\";
        run = this.pos;
      } else if (code === DQUOTE) {
        return out + input.slice(run, this.pos - 1);
      } else if (code < 0x20 || code > 0x7e) {
        this.fail("non-printable character in string");
      }
    }
    return this.fail("unterminated string");
  }

  // §4.2.6
  token(): Token {
    const start = this.pos++;
    while (is(this.code(), TOKEN_CHAR)) this.pos++;
    return new Token(this.input.slice(start, this.pos));
  }

  // §4.2.7
  byteSequence(): Uint8Array {
    const end = this.input.indexOf(":", this.pos + 1);
    if (end < 0) this.fail("unterminated byte sequence");
    const b64 = this.input.slice(this.pos + 1, end);
    if (!BASE64.test(b64)) this.fail("byte sequence is not base64");
    this.pos = end + 1;
    return new Uint8Array(Buffer.from(b64, "base64"));
  }

  // §4.2.8
  boolean(): boolean {
    this.pos++;
    const c = this.input[this.pos++];
    if (c === "1") return true;
    if (c === "0") return false;
    return this.fail("expected ?0 or ?1");
  }
}

/** Parse a Dictionary field value (RFC 8941 §4.2.2). */
export function parseDictionary(input: string): Dictionary {
  const p = new Parser(input);
  const dict: Dictionary = new Map();
  p.skipSP();
  while (!p.done()) {
    const key = p.key();
    let member: Member;
    if (p.code() === 0x3d /* = */) {
      p.pos++;
      member = p.member();
    } else {
      member = { value: true, params: p.params() };
    }
    dict.set(key, member);
    p.skipOWS();
    if (p.done()) return dict;
    if (p.code() !== 0x2c /* , */) p.fail("expected ',' between dictionary members");
    p.pos++;
    p.skipOWS();
    if (p.done()) p.fail("trailing ',' in dictionary");
  }
  return dict;
}

/** Parse an Item field value (RFC 8941 §4.2), e.g. a component identifier. */
export function parseItem(input: string): Item {
  const p = new Parser(input);
  p.skipSP();
  const item = p.item();
  p.skipSP();
  if (!p.done()) p.fail("trailing characters after item");
  return item;
}

/** Parse a List field value (RFC 8941 §4.2.1). */
export function parseList(input: string): Member[] {
  const p = new Parser(input);
  const list: Member[] = [];
  p.skipSP();
  while (!p.done()) {
    list.push(p.member());
    p.skipOWS();
    if (p.done()) return list;
    if (p.code() !== 0x2c /* , */) p.fail("expected ',' between list members");
    p.pos++;
    p.skipOWS();
    if (p.done()) p.fail("trailing ',' in list");
  }
  return list;
}

// §4.1.3.1
export function serializeBareItem(value: BareItem): string {
  if (typeof value === "boolean") return value ? "?1" : "?0";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("structured field numbers must be finite");
    if (Number.isInteger(value)) {
      if (Math.abs(value) > 999_999_999_999_999) throw new RangeError("integer out of range");
      return String(value);
    }
    const rounded = Math.round(value * 1000) / 1000;
    const text = String(rounded);
    return text.includes(".") ? text : `${text}.0`;
  }
  if (typeof value === "string") return serializeString(value);
  if (value instanceof Token) return value.value;
  // A view of the bytes rather than a copy.
  const bytes = ArrayBuffer.isView(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : Buffer.from(value);
  return `:${bytes.toString("base64")}:`;
}

// §4.1.6: one pass that checks the characters and finds whether any needs escaping.
function serializeString(value: string): string {
  let needsEscape = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e)
      throw new TypeError("structured field strings are printable ASCII");
    if (code === DQUOTE || code === BACKSLASH) needsEscape = true;
  }
  return `"${needsEscape ? value.replace(/[\\"]/g, "\\$&") : value}"`;
}

export function serializeParams(params: Parameters): string {
  let out = "";
  for (const [key, value] of params)
    out += value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  return out;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParams(item.params);
}

export function serializeMember(member: Member): string {
  if (isInnerList(member)) {
    return `(${member.items.map(serializeItem).join(" ")})${serializeParams(member.params)}`;
  }
  return serializeItem(member);
}

export function serializeDictionary(dict: Dictionary): string {
  const parts: string[] = [];
  for (const [key, member] of dict) {
    parts.push(
      !isInnerList(member) && member.value === true
        ? `${key}${serializeParams(member.params)}`
        : `${key}=${serializeMember(member)}`,
    );
  }
  return parts.join(", ");
}
