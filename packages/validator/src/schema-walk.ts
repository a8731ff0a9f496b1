/**
 * Read-only walks over raw JSON Schemas: the zh-CN/English title of the field at a JSON
 * Pointer, the types of a property (CSV coercion), and the objects that carry
 * `x-govex-rules`. Walks never recurse on data or on schema cycles (explicit stacks and
 * lazily built, cached nodes), so hostile input cannot overflow the stack.
 * @module
 */

type Schema = Record<string, unknown> | boolean;

interface Ctx {
  readonly schema: Schema;
  readonly base: string;
}

const hasOwn = Object.hasOwn;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A registry of schema documents by `$id`, resolving `$ref`s (relative or absolute, JSON Pointer fragments). */
export class SchemaRegistry {
  private readonly docs = new Map<string, Schema>();

  constructor(private readonly parent?: SchemaRegistry) {}

  add(id: string, schema: Schema): void {
    this.docs.set(stripHash(id), schema);
  }

  has(id: string): boolean {
    return this.docs.has(stripHash(id)) || (this.parent?.has(id) ?? false);
  }

  private doc(id: string): Schema | undefined {
    return this.docs.get(id) ?? this.parent?.doc(id);
  }

  resolve(ref: string, base: string): Ctx | null {
    let url: URL;
    try {
      url = new URL(ref, base);
    } catch {
      return null;
    }
    const hash = url.hash;
    url.hash = "";
    const docId = url.href;
    const doc = this.doc(docId);
    if (doc === undefined) return null;
    if (hash === "" || hash === "#") return { schema: doc, base: docId };
    let node: unknown = doc;
    for (const raw of hash.slice(1).split("/").slice(1)) {
      let seg: string;
      try {
        seg = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      } catch {
        return null;
      }
      if (Array.isArray(node)) node = node[Number(seg)];
      else if (isObj(node) && hasOwn(node, seg)) node = node[seg];
      else return null;
    }
    if (!isObj(node) && typeof node !== "boolean") return null;
    return { schema: node, base: docId };
  }
}

function stripHash(id: string): string {
  const i = id.indexOf("#");
  return i < 0 ? id : id.slice(0, i);
}

/** Applicators whose subschemas describe the same instance. */
const IN_PLACE = ["allOf", "anyOf", "oneOf"] as const;

/**
 * A position in a schema (the set of subschemas that apply to one instance location),
 * with lazily computed children cached by property name.
 */
export class SchemaNode {
  readonly views: readonly Ctx[];
  private readonly children = new Map<string, SchemaNode | null>();
  private additional: SchemaNode | null | undefined;
  private itemsNode: SchemaNode | null | undefined;
  private cachedRules: readonly string[] | undefined;
  private cachedTypes: ReadonlySet<string> | null | undefined;
  private cachedReach: boolean | undefined;
  private cachedRuleFns: readonly (readonly [string, unknown])[] | undefined;
  private cachedRuleChildren:
    | { named: readonly (readonly [string, SchemaNode, string])[]; other: boolean }
    | undefined;

  constructor(
    private readonly registry: SchemaRegistry,
    roots: readonly Ctx[],
  ) {
    this.views = expand(registry, roots);
  }

  /** The first zh-CN `title` of the applicable subschemas. */
  get title(): string | undefined {
    return this.annotation("title");
  }

  /** The first English title (`x-title-en`). */
  get titleEn(): string | undefined {
    return this.annotation("x-title-en");
  }

  /** The first `format` of the applicable subschemas, e.g. "date". */
  get format(): string | undefined {
    return this.annotation("format");
  }

  private annotation(key: string): string | undefined {
    for (const v of this.views) {
      if (isObj(v.schema) && typeof v.schema[key] === "string") return v.schema[key] as string;
    }
    return undefined;
  }

  /** Rule names of `x-govex-rules` on this position. */
  get rules(): readonly string[] {
    if (this.cachedRules === undefined) {
      const out: string[] = [];
      for (const v of this.views) {
        const r = isObj(v.schema) ? v.schema["x-govex-rules"] : undefined;
        if (Array.isArray(r))
          for (const n of r) if (typeof n === "string" && !out.includes(n)) out.push(n);
      }
      this.cachedRules = out;
    }
    return this.cachedRules;
  }

  /** The rule functions of `x-govex-rules` here that exist in `table` (cached; unknown names are skipped). */
  ruleFunctions<F>(table: Readonly<Record<string, F>>): readonly (readonly [string, F])[] {
    if (this.cachedRuleFns === undefined) {
      this.cachedRuleFns = this.rules
        .filter((n) => hasOwn(table, n))
        .map((n) => [n, table[n]] as const);
    }
    return this.cachedRuleFns as readonly (readonly [string, F])[];
  }

  /** JSON types allowed here (from `type`, else inferred from `const`/`enum`), or null when unconstrained. */
  get types(): ReadonlySet<string> | null {
    if (this.cachedTypes === undefined) {
      let out: Set<string> | null = null;
      for (const v of this.views) {
        if (!isObj(v.schema)) continue;
        const t = v.schema.type;
        const found = new Set<string>();
        if (typeof t === "string") found.add(t);
        else if (Array.isArray(t))
          for (const x of t)
            if (typeof x === "string") found.add(x);
            else {
              const values = hasOwn(v.schema, "const")
                ? [v.schema.const]
                : Array.isArray(v.schema.enum)
                  ? v.schema.enum
                  : [];
              for (const x of values) found.add(jsonType(x));
            }
        if (found.size === 0) continue;
        if (out === null) out = found;
        else for (const x of found) out.add(x);
      }
      this.cachedTypes = out;
    }
    return this.cachedTypes;
  }

  /** Names and titles of the declared properties, in schema order. */
  propertyNames(): { name: string; title?: string; titleEn?: string }[] {
    const out: { name: string; title?: string; titleEn?: string }[] = [];
    const seen = new Set<string>();
    for (const v of this.views) {
      if (!isObj(v.schema) || !isObj(v.schema.properties)) continue;
      for (const name of Object.keys(v.schema.properties)) {
        if (seen.has(name)) continue;
        seen.add(name);
        const child = this.child(name);
        const entry: { name: string; title?: string; titleEn?: string } = { name };
        const title = child?.title;
        const titleEn = child?.titleEn;
        if (title !== undefined) entry.title = title;
        if (titleEn !== undefined) entry.titleEn = titleEn;
        out.push(entry);
      }
    }
    return out;
  }

  /** The position of a property (object) or index (array) below this one. */
  child(key: string): SchemaNode | null {
    const cached = this.children.get(key);
    if (cached !== undefined) return cached;
    const direct: Ctx[] = [];
    const items: Ctx[] = [];
    let arrayLike = false;
    const isIndex = /^(0|[1-9]\d*)$/.test(key);
    for (const v of this.views) {
      const s = v.schema;
      if (!isObj(s)) continue;
      if (isObj(s.properties) && hasOwn(s.properties, key)) {
        direct.push({ schema: s.properties[key] as Schema, base: v.base });
      }
      if (isIndex) {
        const idx = Number(key);
        if (Array.isArray(s.prefixItems) && idx < s.prefixItems.length) {
          direct.push({ schema: s.prefixItems[idx] as Schema, base: v.base });
        } else if (hasOwn(s, "items")) {
          arrayLike = true;
          items.push({ schema: s.items as Schema, base: v.base });
        }
      }
    }
    if (direct.length > 0) {
      const node = new SchemaNode(this.registry, [...direct, ...items]);
      this.children.set(key, node);
      return node;
    }
    if (arrayLike) {
      if (this.itemsNode === undefined) this.itemsNode = new SchemaNode(this.registry, items);
      return this.itemsNode;
    }
    if (this.additional === undefined) {
      const extra: Ctx[] = [];
      for (const v of this.views) {
        const s = v.schema;
        if (isObj(s) && (isObj(s.additionalProperties) || s.additionalProperties === true)) {
          extra.push({ schema: s.additionalProperties as Schema, base: v.base });
        }
      }
      this.additional = extra.length > 0 ? new SchemaNode(this.registry, extra) : null;
    }
    return this.additional;
  }

  /** Whether x-govex-rules can apply here or anywhere below (prunes the rule walk). */
  get reachesRules(): boolean {
    if (this.cachedReach === undefined)
      this.cachedReach = computeReachesRules(this.views, this.registry);
    return this.cachedReach;
  }

  /**
   * Children through which x-govex-rules can be reached: declared properties by name, plus
   * whether any other key (additionalProperties / items) can reach them. Cached.
   */
  /** Declared properties that lead to rules, each with its JSON Pointer segment ("/" + escaped name). */
  ruleChildren(): { named: readonly (readonly [string, SchemaNode, string])[]; other: boolean } {
    if (this.cachedRuleChildren === undefined) {
      const named: [string, SchemaNode, string][] = [];
      const names = new Set<string>();
      for (const v of this.views) {
        if (isObj(v.schema) && isObj(v.schema.properties))
          for (const k of Object.keys(v.schema.properties)) names.add(k);
      }
      for (const k of names) {
        const c = this.child(k);
        if (c?.reachesRules) named.push([k, c, `/${escapePointer(k)}`]);
      }
      let other = false;
      for (const v of this.views) {
        const s = v.schema;
        if (!isObj(s)) continue;
        for (const k of ["additionalProperties", "items", "prefixItems", "patternProperties"]) {
          if (
            hasOwn(s, k) &&
            computeReachesRules([{ schema: s[k] as Schema, base: v.base }], this.registry)
          )
            other = true;
        }
      }
      this.cachedRuleChildren = { named, other };
    }
    return this.cachedRuleChildren;
  }

  /** The position at a JSON Pointer's segments, or null when the schema says nothing there. */
  at(segments: readonly string[]): SchemaNode | null {
    let node: SchemaNode | null = this;
    for (const seg of segments) {
      node = node.child(seg);
      if (node === null) return null;
    }
    return node;
  }
}

function jsonType(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  if (typeof x === "number") return Number.isInteger(x) ? "integer" : "number";
  return typeof x;
}

/** Close a set of subschemas over $ref and the in-place applicators (allOf/anyOf/oneOf/then/else). */
function expand(registry: SchemaRegistry, roots: readonly Ctx[]): Ctx[] {
  const out: Ctx[] = [];
  const seen = new Set<Schema>();
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const ctx = stack.pop() as Ctx;
    if (seen.has(ctx.schema)) continue;
    seen.add(ctx.schema);
    out.push(ctx);
    const s = ctx.schema;
    if (!isObj(s)) continue;
    let base = ctx.base;
    if (typeof s.$id === "string") {
      try {
        base = new URL(s.$id, base).href;
      } catch {
        // keep the outer base
      }
    }
    const next: Ctx[] = [];
    if (typeof s.$ref === "string") {
      const target = registry.resolve(s.$ref, base);
      if (target) next.push(target);
    }
    for (const k of IN_PLACE) {
      const list = s[k];
      if (Array.isArray(list)) for (const sub of list) next.push({ schema: sub as Schema, base });
    }
    for (const k of ["then", "else"]) {
      if (hasOwn(s, k)) next.push({ schema: s[k] as Schema, base });
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as Ctx);
  }
  return out;
}

/** Split a JSON Pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Escape one JSON Pointer segment (RFC 6901 §3). */
export function escapePointer(seg: string | number): string {
  return String(seg).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Whether a position or any position below it can carry `x-govex-rules` (static, cycle-safe). */
function computeReachesRules(views: readonly Ctx[], registry: SchemaRegistry): boolean {
  const seen = new Set<Schema>();
  const stack: Ctx[] = [...views];
  let found = false;
  while (stack.length > 0 && !found) {
    const ctx = stack.pop() as Ctx;
    const s = ctx.schema;
    if (!isObj(s) || seen.has(s)) continue;
    seen.add(s);
    if (Array.isArray(s["x-govex-rules"]) && s["x-govex-rules"].length > 0) found = true;
    const push = (sub: unknown) => {
      if (isObj(sub)) stack.push({ schema: sub, base: ctx.base });
    };
    if (typeof s.$ref === "string") {
      const t = registry.resolve(s.$ref, ctx.base);
      if (t) stack.push(t);
    }
    for (const k of ["properties", "patternProperties"]) {
      const m = s[k];
      if (isObj(m)) for (const sub of Object.values(m)) push(sub);
    }
    for (const k of ["allOf", "anyOf", "oneOf", "prefixItems"]) {
      const l = s[k];
      if (Array.isArray(l)) for (const sub of l) push(sub);
    }
    for (const k of ["items", "additionalProperties", "then", "else"]) push(s[k]);
  }
  return found;
}
