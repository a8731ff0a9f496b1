/**
 * The structured-field parser as govex first wrote it: RFC 8941 §4.2 transcribed step by
 * step, with a RegExp per character class. src/structured-fields.ts now parses with
 * lookup tables and slices; test/structured-fields.test.ts checks, over random inputs,
 * that both give the same result or the same error at the same offset.
 */
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

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class Parser {
  pos = 0;
  constructor(readonly input: string) {}

  fail(message: string): never {
    throw new StructuredFieldError(message, this.pos);
  }
  peek(): string {
    return this.input[this.pos] ?? "";
  }
  done(): boolean {
    return this.pos >= this.input.length;
  }
  skipSP(): void {
    while (this.peek() === " ") this.pos++;
  }
  skipOWS(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  // §4.2.3.3
  key(): string {
    if (!KEY_START.test(this.peek())) this.fail("expected a key");
    const start = this.pos;
    while (!this.done() && KEY_CHAR.test(this.peek())) this.pos++;
    return this.input.slice(start, this.pos);
  }

  // §4.2.3.2
  params(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ";") {
      this.pos++;
      this.skipSP();
      const key = this.key();
      let value: BareItem = true;
      if (this.peek() === "=") {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  // §4.2.3.1
  bareItem(): BareItem {
    const c = this.peek();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.byteSequence();
    if (c === "?") return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
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
      if (this.peek() === ")") {
        this.pos++;
        return { items, params: this.params() };
      }
      if (this.done()) this.fail("unterminated inner list");
      items.push(this.item());
      const c = this.peek();
      if (c !== " " && c !== ")") this.fail("expected a space or ')' in an inner list");
    }
  }

  member(): Member {
    return this.peek() === "(" ? this.innerList() : this.item();
  }

  // §4.2.4
  number(): number {
    const start = this.pos;
    if (this.peek() === "-") this.pos++;
    let digits = 0;
    let dot = -1;
    while (!this.done()) {
      const c = this.peek();
      if (c >= "0" && c <= "9") digits++;
      else if (c === "." && dot < 0) dot = digits;
      else break;
      this.pos++;
      if (dot < 0 && digits > 15) this.fail("integer too long");
      if (dot >= 0 && (dot > 12 || digits - dot > 3)) this.fail("decimal too long");
    }
    if (digits === 0 || dot === digits) this.fail("malformed number");
    return Number(this.input.slice(start, this.pos));
  }

  // §4.2.5
  string(): string {
    this.pos++;
    let out = "";
    while (!this.done()) {
      const c = this.input[this.pos++] as string;
      if (c === "\\") {
        const next = this.input[this.pos++];
        if (next !== '"' && next !== "\\") this.fail("bad escape in string");
        out += next;
      } else if (c === '"') {
        return out;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail("non-printable character in string");
        out += c;
      }
    }
    return this.fail("unterminated string");
  }

  // §4.2.6
  token(): Token {
    const start = this.pos++;
    while (!this.done() && TOKEN_CHAR.test(this.peek())) this.pos++;
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
    if (p.peek() === "=") {
      p.pos++;
      member = p.member();
    } else {
      member = { value: true, params: p.params() };
    }
    dict.set(key, member);
    p.skipOWS();
    if (p.done()) return dict;
    if (p.peek() !== ",") p.fail("expected ',' between dictionary members");
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
    if (p.peek() !== ",") p.fail("expected ',' between list members");
    p.pos++;
    p.skipOWS();
    if (p.done()) p.fail("trailing ',' in list");
  }
  return list;
}
