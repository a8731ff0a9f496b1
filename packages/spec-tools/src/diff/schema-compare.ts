import type { Scope } from "./checks.js";
import { canonical, DiffInputError, escapeToken, isObject, MAX_DEPTH, own, same } from "./json.js";
import type { RawChange } from "./result.js";

/** A schema node and where it sits: `base` names the file (schema sets) or is "" (OpenAPI), `ptr` is a JSON Pointer in it. */
export interface At {
  node: unknown;
  base: string;
  ptr: string;
}

/** Resolves a `$ref` seen at `from` on one side of the diff. */
export type Resolve = (ref: string, from: At) => At | undefined;

/** Where the walk is: the scope decides levels, the location is what people read. */
export interface Ctx {
  scope: Scope;
  /** `pointer`: locations are schema paths (`/properties/a`); `data`: data paths (`/a/[]/b`). */
  mode: "pointer" | "data";
  locBase: string;
  locPath: string;
  /** The first operation that reached a shared component (OpenAPI). */
  via?: string;
}

/** Called when both sides `$ref` the same place: the target is compared there, once, not here. */
export type OnSharedRef = (oldTarget: At, newTarget: At, ctx: Ctx) => void;

const MAX_REF_HOPS = 32;

function refOf(node: unknown): string | undefined {
  if (!isObject(node)) return undefined;
  const ref = own(node, "$ref");
  return typeof ref === "string" ? ref : undefined;
}

function withoutRef(node: Record<string, unknown>): Record<string, unknown> {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

function key(at: At): string {
  return `${at.base}#${at.ptr}`;
}

function asSchema(node: unknown): Record<string, unknown> {
  return isObject(node) ? node : {};
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

function typeSet(schema: Record<string, unknown>): string[] | undefined {
  const t = own(schema, "type");
  let types = typeof t === "string" ? [t] : strings(t);
  if (types && own(schema, "nullable") === true && !types.includes("null"))
    types = [...types, "null"]; // OpenAPI 3.0 nullable
  return types;
}

// JSON Schema 2020-12 Validation §6.1.1: "integer" is a subset of "number".
function covered(type: string, by: readonly string[]): boolean {
  return by.includes(type) || (type === "integer" && by.includes("number"));
}

function subset(a: readonly string[], b: readonly string[]): boolean {
  return a.every((t) => covered(t, b));
}

function isMultiple(a: number, b: number): boolean {
  const ratio = a / b;
  return (
    Number.isFinite(ratio) &&
    Math.abs(ratio - Math.round(ratio)) < 1e-9 * Math.max(1, Math.abs(ratio))
  );
}

type Bound = [keyword: string, sub: string, tighter: "lower" | "higher"];

// JSON Schema 2020-12 Validation §6.2–§6.5: bounds on numbers, strings, arrays, objects.
const BOUNDS: readonly Bound[] = [
  ["maximum", "max", "lower"],
  ["exclusiveMaximum", "exclusive-max", "lower"],
  ["minimum", "min", "higher"],
  ["exclusiveMinimum", "exclusive-min", "higher"],
  ["maxLength", "max-length", "lower"],
  ["minLength", "min-length", "higher"],
  ["maxItems", "max-items", "lower"],
  ["minItems", "min-items", "higher"],
  ["maxProperties", "max-properties", "lower"],
  ["minProperties", "min-properties", "higher"],
];
const ZERO_IS_NONE = new Set(["minLength", "minItems", "minProperties"]);

/**
 * Compares two schemas keyword by keyword and records classified changes. One
 * instance per diff: it remembers compared `$ref` pairs, so shared and cyclic
 * schemas are walked once.
 */
export class SchemaComparer {
  readonly changes: RawChange[] = [];
  private readonly pairs = new Set<string>();
  private readonly once = new Set<string>();

  constructor(
    private readonly resolveOld: Resolve,
    private readonly resolveNew: Resolve,
    private readonly onSharedRef?: OnSharedRef,
  ) {}

  /** Record a change of a scoped check (`<scope>-<sub>`). */
  emit(sub: string, ctx: Ctx, at: At, old?: unknown, now?: unknown): void {
    this.push(`${ctx.scope}-${sub}`, ctx, at, old, now);
  }

  /** Record a change of an unscoped check; reported once per place even when the schema is used in both directions. */
  emitOnce(id: string, ctx: Ctx, at: At, old?: unknown, now?: unknown): void {
    const k = `${id} ${key(at)}`;
    if (this.once.has(k)) return;
    this.once.add(k);
    this.push(id, ctx, at, old, now, false);
  }

  private push(id: string, ctx: Ctx, at: At, old: unknown, now: unknown, directed = true): void {
    const change: RawChange = {
      id,
      location: ctx.locPath ? `${ctx.locBase} ${ctx.locPath}` : ctx.locBase,
      pointer: key(at),
    };
    if (directed && ctx.scope !== "schema") change.direction = ctx.scope;
    if (old !== undefined) change.old = old;
    if (now !== undefined) change.new = now;
    if (ctx.via) change.via = ctx.via;
    this.changes.push(change);
  }

  /** Compare two schemas (either may be a `$ref`, a boolean schema or absent). */
  compare(o: At, n: At, ctx: Ctx, depth = 0): void {
    if (depth > MAX_DEPTH) {
      throw new DiffInputError(
        `schema nested deeper than ${MAX_DEPTH} levels at ${ctx.locBase} ${ctx.locPath}: move nested parts to $defs`,
      );
    }
    if (o.node === n.node && o.base === n.base && o.ptr === n.ptr) return;
    const oRef = refOf(o.node);
    const nRef = refOf(n.node);
    if (oRef === undefined && nRef === undefined) {
      this.keywords(o, n, ctx, depth);
      return;
    }
    const oTarget = oRef === undefined ? undefined : this.follow(this.resolveOld, oRef, o);
    const nTarget = nRef === undefined ? undefined : this.follow(this.resolveNew, nRef, n);
    if (oRef !== undefined && nRef !== undefined) {
      const oKey = oTarget ? key(oTarget) : `?${oRef}`;
      const nKey = nTarget ? key(nTarget) : `?${nRef}`;
      if (oKey === nKey) {
        if (oTarget && nTarget) this.onSharedRef?.(oTarget, nTarget, ctx);
        const oRest = withoutRef(o.node as Record<string, unknown>);
        const nRest = withoutRef(n.node as Record<string, unknown>);
        if (Object.keys(oRest).length + Object.keys(nRest).length > 0) {
          this.keywords({ ...o, node: oRest }, { ...n, node: nRest }, ctx, depth);
        }
        return;
      }
      this.emit("ref-target-changed", ctx, n, oRef, nRef);
    }
    const oMerged = this.merge(o, oTarget);
    const nMerged = this.merge(n, nTarget);
    const pair = `${key(oMerged)}|${key(nMerged)}|${ctx.scope}`;
    if (this.pairs.has(pair)) return; // compared already, or a $ref cycle
    this.pairs.add(pair);
    this.keywords(oMerged, nMerged, ctx, depth);
  }

  /** Resolve a `$ref` and any `$ref` its target is, up to a bound. */
  private follow(resolve: Resolve, ref: string, from: At): At | undefined {
    let target = resolve(ref, from);
    for (let hops = 0; target && hops < MAX_REF_HOPS; hops++) {
      const next = refOf(target.node);
      if (next === undefined || Object.keys(target.node as object).length > 1) return target;
      target = resolve(next, target);
    }
    return target;
  }

  /** A `$ref` node seen through its target, its sibling keywords applied over the target's. */
  private merge(at: At, target: At | undefined): At {
    if (!isObject(at.node)) return at;
    const siblings = refOf(at.node) === undefined ? at.node : withoutRef(at.node);
    if (!target) return { ...at, node: siblings };
    const base = isObject(target.node)
      ? withoutRef(target.node)
      : target.node === false
        ? { not: {} }
        : {};
    return { node: { ...base, ...siblings }, base: target.base, ptr: target.ptr };
  }

  private child(at: At, node: unknown, ...segments: string[]): At {
    return { node, base: at.base, ptr: `${at.ptr}/${segments.map(escapeToken).join("/")}` };
  }

  private step(ctx: Ctx, segments: readonly string[], label: string): Ctx {
    const path = ctx.mode === "pointer" ? `/${segments.map(escapeToken).join("/")}` : label;
    return { ...ctx, locPath: `${ctx.locPath}${path}` };
  }

  private keywords(o: At, n: At, ctx: Ctx, depth: number): void {
    // JSON Schema 2020-12 Core §4.3.2: boolean schemas; false accepts nothing, true everything.
    if (o.node === false || n.node === false) {
      if (o.node === n.node) return;
      if (n.node === false) this.emit("type-narrowed", ctx, n, o.node, false);
      else this.emit("type-widened", ctx, n, false, n.node);
      return;
    }
    const a = asSchema(o.node);
    const b = asSchema(n.node);
    this.docs(a, b, o, n, ctx);
    this.types(a, b, n, ctx);
    this.enums(a, b, o, n, ctx);
    this.values(a, b, o, n, ctx);
    this.objects(a, b, o, n, ctx, depth);
    this.arrays(a, b, o, n, ctx, depth);
    this.combinators(a, b, o, n, ctx, depth);
    this.defs(a, b, o, n, ctx, depth);
  }

  private docs(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
  ): void {
    const pairs: [string, string][] = [
      ["title", "title-changed"],
      ["x-title-en", "title-changed"],
      ["description", "description-changed"],
      ["x-description-en", "description-changed"],
      ["examples", "examples-changed"],
      ["x-examples-invalid", "examples-changed"],
      ["example", "examples-changed"],
      ["$comment", "comment-changed"],
      ["x-standard", "standard-reference-changed"],
    ];
    for (const [keyword, id] of pairs) {
      const x = own(a, keyword);
      const y = own(b, keyword);
      if (!same(x, y)) this.emitOnce(id, ctx, y === undefined ? o : n, x, y);
    }
    for (const [keyword, sub] of [
      ["deprecated", "deprecated"],
      ["readOnly", "read-only"],
      ["writeOnly", "write-only"],
    ] as const) {
      const x = own(a, keyword) === true;
      const y = own(b, keyword) === true;
      if (x !== y) this.emit(`${sub}-${y ? "added" : "removed"}`, ctx, n, x, y);
    }
  }

  private types(a: Record<string, unknown>, b: Record<string, unknown>, n: At, ctx: Ctx): void {
    const x = typeSet(a);
    const y = typeSet(b);
    if (!x && !y) return;
    if (!x) {
      this.emit("type-narrowed", ctx, n, undefined, own(b, "type"));
      return;
    }
    if (!y) {
      this.emit("type-widened", ctx, n, own(a, "type"), undefined);
      return;
    }
    const xs = x.filter((t) => t !== "null");
    const ys = y.filter((t) => t !== "null");
    const baseSame =
      xs.length === ys.length &&
      subset(xs, ys) &&
      subset(ys, xs) &&
      xs.every((t) => ys.includes(t));
    if (!baseSame) {
      const sub = subset(ys, xs)
        ? "type-narrowed"
        : subset(xs, ys)
          ? "type-widened"
          : "type-changed";
      this.emit(sub, ctx, n, own(a, "type"), own(b, "type"));
    }
    const xNull = x.includes("null");
    const yNull = y.includes("null");
    if (xNull !== yNull)
      this.emit(
        yNull ? "nullable-added" : "nullable-removed",
        ctx,
        n,
        own(a, "type"),
        own(b, "type"),
      );
  }

  private enums(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
  ): void {
    const x = own(a, "enum");
    const y = own(b, "enum");
    if (!Array.isArray(x) && !Array.isArray(y)) return;
    if (!Array.isArray(x)) {
      this.emit("enum-added", ctx, n, undefined, y);
      return;
    }
    if (!Array.isArray(y)) {
      this.emit("enum-removed", ctx, n, x, undefined);
      return;
    }
    const xKeys = new Map(x.map((v) => [canonical(v), v] as const));
    const yKeys = new Map(y.map((v) => [canonical(v), v] as const));
    const labelsOld = own(a, "x-enum-labels");
    const labelsNew = own(b, "x-enum-labels");
    for (const [k, v] of xKeys) {
      if (yKeys.has(k)) continue;
      // A code of a national code table (x-enum-labels) in use never disappears.
      if (isObject(labelsOld))
        this.emitOnce(
          "code-table-value-removed",
          ctx,
          this.child(o, v, "enum", String(x.indexOf(v))),
          v,
        );
      else this.emit("enum-value-removed", ctx, o, v);
    }
    for (const [k, v] of yKeys) {
      if (!xKeys.has(k)) this.emit("enum-value-added", ctx, n, undefined, v);
    }
    if (isObject(labelsOld) && isObject(labelsNew)) {
      for (const code of Object.keys(labelsNew)) {
        if (!Object.hasOwn(labelsOld, code)) continue;
        const before = own(labelsOld, code);
        const after = own(labelsNew, code);
        if (!same(before, after))
          this.emitOnce(
            "code-table-label-changed",
            ctx,
            this.child(n, after, "x-enum-labels", code),
            before,
            after,
          );
      }
    }
  }

  private values(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
  ): void {
    for (const [keyword, sub, tighter] of BOUNDS) {
      let x = own(a, keyword);
      let y = own(b, keyword);
      if (typeof x !== "number") x = undefined;
      if (typeof y !== "number") y = undefined;
      if (ZERO_IS_NONE.has(keyword)) {
        if (x === 0) x = undefined;
        if (y === 0) y = undefined;
      }
      if (x === y) continue;
      const [narrow, wide] =
        tighter === "lower" ? ["decreased", "increased"] : ["increased", "decreased"];
      let tightened: boolean;
      if (x === undefined) tightened = true;
      else if (y === undefined) tightened = false;
      else
        tightened =
          tighter === "lower" ? (y as number) < (x as number) : (y as number) > (x as number);
      this.emit(`${sub}-${tightened ? narrow : wide}`, ctx, n, x, y);
    }
    const m = own(a, "multipleOf");
    const p = own(b, "multipleOf");
    const mx = typeof m === "number" && m > 0 ? m : undefined;
    const my = typeof p === "number" && p > 0 ? p : undefined;
    if (mx !== my) {
      if (mx === undefined) this.emit("multiple-of-narrowed", ctx, n, mx, my);
      else if (my === undefined) this.emit("multiple-of-widened", ctx, n, mx, my);
      else if (isMultiple(my, mx)) this.emit("multiple-of-narrowed", ctx, n, mx, my);
      else if (isMultiple(mx, my)) this.emit("multiple-of-widened", ctx, n, mx, my);
      else this.emit("multiple-of-changed", ctx, n, mx, my);
    }
    for (const keyword of ["pattern", "format"] as const) {
      const x = own(a, keyword);
      const y = own(b, keyword);
      if (x === y) continue;
      const sub = keyword === "pattern" ? "pattern" : "format";
      if (x === undefined) this.emit(`${sub}-added`, ctx, n, x, y);
      else if (y === undefined) this.emit(`${sub}-removed`, ctx, n, x, y);
      else this.emit(`${sub}-changed`, ctx, n, x, y);
    }
    const hasX = Object.hasOwn(a, "const");
    const hasY = Object.hasOwn(b, "const");
    if (hasX || hasY) {
      if (!hasX) this.emit("const-added", ctx, n, undefined, b.const);
      else if (!hasY) this.emit("const-removed", ctx, n, a.const, undefined);
      else if (!same(a.const, b.const)) this.emit("const-changed", ctx, n, a.const, b.const);
    }
    const ux = own(a, "uniqueItems") === true;
    const uy = own(b, "uniqueItems") === true;
    if (ux !== uy) this.emit(uy ? "unique-items-added" : "unique-items-removed", ctx, n, ux, uy);
    const dx = Object.hasOwn(a, "default");
    const dy = Object.hasOwn(b, "default");
    if (dx || dy) {
      if (!dx) this.emit("default-added", ctx, n, undefined, b.default);
      else if (!dy) this.emit("default-removed", ctx, o, a.default, undefined);
      else if (!same(a.default, b.default))
        this.emit("default-changed", ctx, n, a.default, b.default);
    }
    const rx = strings(own(a, "x-govex-rules")) ?? [];
    const ry = strings(own(b, "x-govex-rules")) ?? [];
    for (const r of ry) if (!rx.includes(r)) this.emit("govex-rule-added", ctx, n, undefined, r);
    for (const r of rx) if (!ry.includes(r)) this.emit("govex-rule-removed", ctx, o, r, undefined);
  }

  private objects(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    const xp = isObject(own(a, "properties")) ? (a.properties as Record<string, unknown>) : {};
    const yp = isObject(own(b, "properties")) ? (b.properties as Record<string, unknown>) : {};
    // OpenAPI 3.1.0 §4.8.24.4 (readOnly/writeOnly): a required readOnly property is not
    // required in requests, a required writeOnly one not in responses.
    const skip =
      ctx.scope === "request" ? "readOnly" : ctx.scope === "response" ? "writeOnly" : undefined;
    const requiredOf = (schema: Record<string, unknown>, props: Record<string, unknown>) =>
      new Set(
        (strings(own(schema, "required")) ?? []).filter(
          (k) =>
            !skip ||
            !isObject(own(props, k)) ||
            own(props[k] as Record<string, unknown>, skip) !== true,
        ),
      );
    const xr = requiredOf(a, xp);
    const yr = requiredOf(b, yp);
    const removed = Object.keys(xp).filter((k) => !Object.hasOwn(yp, k));
    const added = Object.keys(yp).filter((k) => !Object.hasOwn(xp, k));
    const prop = (c: Ctx, k: string) => this.step(c, ["properties", k], `/${k}`);
    // A rename: one property gone and one new with the same schema and required-ness.
    const renamedTo = new Map<string, string>();
    if (removed.length > 0 && added.length > 0) {
      const candidates = new Map<string, string>();
      for (const k of added) candidates.set(k, `${yr.has(k)}${canonical(yp[k])}`);
      for (const k of removed) {
        const sig = `${xr.has(k)}${canonical(xp[k])}`;
        for (const [to, s] of candidates) {
          if (s === sig) {
            renamedTo.set(k, to);
            candidates.delete(to);
            break;
          }
        }
      }
    }
    const renamedFrom = new Set(renamedTo.values());
    for (const k of removed) {
      const to = renamedTo.get(k);
      if (to !== undefined)
        this.emit(
          "property-renamed",
          prop(ctx, to),
          this.child(n, yp[to], "properties", to),
          k,
          to,
        );
      else
        this.emit(
          xr.has(k) ? "property-removed" : "optional-property-removed",
          prop(ctx, k),
          this.child(o, xp[k], "properties", k),
          k,
        );
    }
    for (const k of added) {
      if (renamedFrom.has(k)) continue;
      // An old system with a closed object (additionalProperties: false) rejects data that carries the new property.
      const closed = own(a, "additionalProperties") === false;
      this.emit(
        yr.has(k)
          ? "required-property-added"
          : closed
            ? "property-added-to-closed-object"
            : "property-added",
        prop(ctx, k),
        this.child(n, yp[k], "properties", k),
        undefined,
        k,
      );
    }
    const gone = new Set(removed);
    const fresh = new Set(added);
    for (const k of yr) {
      if (!xr.has(k) && !fresh.has(k))
        this.emit(
          "property-became-required",
          prop(ctx, k),
          this.child(n, own(yp, k), "properties", k),
          false,
          true,
        );
    }
    for (const k of xr) {
      if (!yr.has(k) && !gone.has(k))
        this.emit(
          "property-became-optional",
          prop(ctx, k),
          this.child(n, own(yp, k), "properties", k),
          true,
          false,
        );
    }
    for (const k of Object.keys(xp)) {
      if (!Object.hasOwn(yp, k)) continue;
      this.compare(
        this.child(o, xp[k], "properties", k),
        this.child(n, yp[k], "properties", k),
        prop(ctx, k),
        depth + 1,
      );
    }
    // JSON Schema 2020-12 Core §10.3.2.3: additionalProperties; absent means true.
    const xa = own(a, "additionalProperties");
    const ya = own(b, "additionalProperties");
    if (xa === false && ya !== false)
      this.emit("additional-properties-opened", ctx, n, false, ya ?? true);
    else if (ya === false && xa !== false)
      this.emit("additional-properties-closed", ctx, n, xa ?? true, false);
    else if (xa !== undefined || ya !== undefined) {
      this.compare(
        this.child(o, xa ?? true, "additionalProperties"),
        this.child(n, ya ?? true, "additionalProperties"),
        this.step(ctx, ["additionalProperties"], "/{*}"),
        depth + 1,
      );
    }
    this.patternProperties(a, b, o, n, ctx, depth);
    if (own(a, "propertyNames") !== undefined || own(b, "propertyNames") !== undefined) {
      this.compare(
        this.child(o, own(a, "propertyNames") ?? true, "propertyNames"),
        this.child(n, own(b, "propertyNames") ?? true, "propertyNames"),
        this.step(ctx, ["propertyNames"], "/{name}"),
        depth + 1,
      );
    }
    const dx = own(a, "dependentRequired");
    const dy = own(b, "dependentRequired");
    if (isObject(dx) || isObject(dy)) {
      const x = isObject(dx) ? dx : {};
      const y = isObject(dy) ? dy : {};
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        const before = strings(own(x, k)) ?? [];
        const after = strings(own(y, k)) ?? [];
        for (const d of after)
          if (!before.includes(d))
            this.emit("dependent-required-added", ctx, n, undefined, `${k} → ${d}`);
        for (const d of before)
          if (!after.includes(d))
            this.emit("dependent-required-removed", ctx, o, `${k} → ${d}`, undefined);
      }
    }
  }

  /**
   * JSON Schema 2020-12 Core §10.3.2.2: a name that matches a patternProperties key is
   * validated by its schema instead of additionalProperties. An entry added to an open
   * object constrains names that were free; added to a closed one, it admits names that
   * were refused (and the other way round for a removed entry).
   */
  private patternProperties(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    const rx = own(a, "patternProperties");
    const ry = own(b, "patternProperties");
    if (!isObject(rx) && !isObject(ry)) return;
    const x = isObject(rx) ? rx : {};
    const y = isObject(ry) ? ry : {};
    const free = (schema: unknown) =>
      schema === true || (isObject(schema) && Object.keys(schema).length === 0);
    for (const k of Object.keys(x)) {
      const c = this.step(ctx, ["patternProperties", k], `/{${k}}`);
      if (Object.hasOwn(y, k)) {
        this.compare(
          this.child(o, x[k], "patternProperties", k),
          this.child(n, y[k], "patternProperties", k),
          c,
          depth + 1,
        );
      } else if (own(b, "additionalProperties") === false) {
        this.emit(
          "pattern-property-removed-from-closed-object",
          c,
          this.child(o, x[k], "patternProperties", k),
          k,
        );
      } else if (!free(x[k])) {
        this.emit("pattern-property-removed", c, this.child(o, x[k], "patternProperties", k), k);
      }
    }
    for (const k of Object.keys(y)) {
      if (Object.hasOwn(x, k)) continue;
      const c = this.step(ctx, ["patternProperties", k], `/{${k}}`);
      const at = this.child(n, y[k], "patternProperties", k);
      if (own(a, "additionalProperties") === false)
        this.emit("pattern-property-added-to-closed-object", c, at, undefined, k);
      else if (!free(y[k])) this.emit("pattern-property-added", c, at, undefined, k);
    }
  }

  private arrays(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    const x = own(a, "items");
    const y = own(b, "items");
    if (x !== undefined || y !== undefined) {
      if (x === undefined) this.emit("items-added", ctx, n, undefined, y);
      else if (y === undefined) this.emit("items-removed", ctx, o, x, undefined);
      else
        this.compare(
          this.child(o, x, "items"),
          this.child(n, y, "items"),
          this.step(ctx, ["items"], "/[]"),
          depth + 1,
        );
    }
    // JSON Schema 2020-12 Core §10.3.1.1: prefixItems constrain the first positions; `items`
    // (§10.3.1.2) the rest, and `items: false` closes the tuple at the prefix's length.
    const rpx = own(a, "prefixItems");
    const rpy = own(b, "prefixItems");
    if (Array.isArray(rpx) || Array.isArray(rpy)) {
      const px: unknown[] = Array.isArray(rpx) ? rpx : [];
      const py: unknown[] = Array.isArray(rpy) ? rpy : [];
      for (let i = 0; i < Math.min(px.length, py.length); i++) {
        this.compare(
          this.child(o, px[i], "prefixItems", String(i)),
          this.child(n, py[i], "prefixItems", String(i)),
          this.step(ctx, ["prefixItems", String(i)], `/[${i}]`),
          depth + 1,
        );
      }
      if (py.length > px.length)
        this.emit(
          x === false ? "tuple-extended" : "prefix-items-added",
          ctx,
          this.child(n, rpy, "prefixItems"),
          px.length,
          py.length,
        );
      else if (py.length < px.length)
        this.emit(
          y === false ? "tuple-shortened" : "prefix-items-removed",
          ctx,
          this.child(n, rpy ?? [], "prefixItems"),
          px.length,
          py.length,
        );
    }
    const cx = own(a, "contains");
    const cy = own(b, "contains");
    if (cx !== undefined && cy !== undefined) {
      this.compare(
        this.child(o, cx, "contains"),
        this.child(n, cy, "contains"),
        this.step(ctx, ["contains"], "/{contains}"),
        depth + 1,
      );
    }
  }

  private combinators(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    for (const [keyword, sub] of [
      ["oneOf", "one-of"],
      ["anyOf", "any-of"],
      ["allOf", "all-of"],
    ] as const) {
      const rx = own(a, keyword);
      const ry = own(b, keyword);
      if (!Array.isArray(rx) && !Array.isArray(ry)) continue;
      if (keyword !== "allOf") {
        if (!Array.isArray(rx)) {
          this.emit(`${sub}-added`, ctx, n, undefined, ry);
          continue;
        }
        if (!Array.isArray(ry)) {
          this.emit(`${sub}-removed`, ctx, o, rx, undefined);
          continue;
        }
      }
      const x: unknown[] = Array.isArray(rx) ? rx : [];
      const y: unknown[] = Array.isArray(ry) ? ry : [];
      const sig = (v: unknown) => refOf(v) ?? canonical(v);
      const ySigs = y.map(sig);
      const used = new Set<number>();
      const leftOld: number[] = [];
      x.forEach((v, i) => {
        const s = sig(v);
        const j = ySigs.findIndex((t, k) => t === s && !used.has(k));
        if (j < 0) {
          leftOld.push(i);
          return;
        }
        used.add(j);
        if (refOf(v) !== undefined) {
          this.compare(
            this.child(o, v, keyword, String(i)),
            this.child(n, y[j], keyword, String(j)),
            this.step(ctx, [keyword, String(j)], `/${keyword}[${j}]`),
            depth + 1,
          );
        }
      });
      const leftNew = y.map((_, j) => j).filter((j) => !used.has(j));
      const pairs = Math.min(leftOld.length, leftNew.length);
      for (let k = 0; k < pairs; k++) {
        const i = leftOld[k] as number;
        const j = leftNew[k] as number;
        this.compare(
          this.child(o, x[i], keyword, String(i)),
          this.child(n, y[j], keyword, String(j)),
          this.step(ctx, [keyword, String(j)], `/${keyword}[${j}]`),
          depth + 1,
        );
      }
      for (const i of leftOld.slice(pairs))
        this.emit(`${sub}-branch-removed`, ctx, this.child(o, x[i], keyword, String(i)), x[i]);
      for (const j of leftNew.slice(pairs))
        this.emit(
          `${sub}-branch-added`,
          ctx,
          this.child(n, y[j], keyword, String(j)),
          undefined,
          y[j],
        );
    }
    if (!same(own(a, "not"), own(b, "not")))
      this.emit("not-changed", ctx, n, own(a, "not"), own(b, "not"));
    if (!same(own(a, "discriminator"), own(b, "discriminator")))
      this.emit("discriminator-changed", ctx, n, own(a, "discriminator"), own(b, "discriminator"));
    this.conditional(a, b, o, n, ctx, depth);
  }

  /**
   * JSON Schema 2020-12 Core §10.2.2: `then` and `else` apply only beside `if`, and `if`
   * alone constrains nothing. A conditional that starts to apply narrows; one that stops
   * applying widens; a changed condition moves data between the branches either way.
   */
  private conditional(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    const active = (s: Record<string, unknown>) =>
      own(s, "if") !== undefined && (own(s, "then") !== undefined || own(s, "else") !== undefined);
    const ax = active(a);
    const ay = active(b);
    if (!ax && !ay) return;
    if (!ax) {
      this.emit("conditional-added", ctx, n, undefined, b.if);
      return;
    }
    if (!ay) {
      this.emit("conditional-removed", ctx, o, a.if);
      return;
    }
    if (!same(a.if, b.if)) this.emit("if-changed", ctx, this.child(n, b.if, "if"), a.if, b.if);
    for (const keyword of ["then", "else"] as const) {
      const x = own(a, keyword);
      const y = own(b, keyword);
      if (x === undefined && y === undefined) continue;
      if (x === undefined)
        this.emit(`${keyword}-added`, ctx, this.child(n, y, keyword), undefined, y);
      else if (y === undefined)
        this.emit(`${keyword}-removed`, ctx, this.child(o, x, keyword), x, undefined);
      else
        this.compare(
          this.child(o, x, keyword),
          this.child(n, y, keyword),
          this.step(ctx, [keyword], `/{${keyword}}`),
          depth + 1,
        );
    }
  }

  private defs(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    o: At,
    n: At,
    ctx: Ctx,
    depth: number,
  ): void {
    for (const keyword of ["$defs", "definitions"] as const) {
      const x = own(a, keyword);
      const y = own(b, keyword);
      if (!isObject(x) && !isObject(y)) continue;
      const xs = isObject(x) ? x : {};
      const ys = isObject(y) ? y : {};
      for (const k of Object.keys(xs)) {
        const c = this.step(ctx, [keyword, k], `/${keyword}/${k}`);
        if (!Object.hasOwn(ys, k))
          this.emitOnce("def-removed", c, this.child(o, xs[k], keyword, k), k);
        else
          this.compare(
            this.child(o, xs[k], keyword, k),
            this.child(n, ys[k], keyword, k),
            { ...c, scope: ctx.scope },
            depth + 1,
          );
      }
      for (const k of Object.keys(ys)) {
        if (!Object.hasOwn(xs, k))
          this.emitOnce(
            "def-added",
            this.step(ctx, [keyword, k], `/${keyword}/${k}`),
            this.child(n, ys[k], keyword, k),
            undefined,
            k,
          );
      }
    }
  }
}
