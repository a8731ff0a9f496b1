/**
 * The masking engine: one value under one rule ({@link maskValue}), and whole records
 * under a policy of paths ({@link maskRecord}).
 *
 * @module masking/engine
 */
import { createHmac } from "node:crypto";
import { canonical, plan } from "./kinds.js";
import { MaskingError } from "./masking-error.js";
import {
  checkKey,
  DEFAULT_MASK_GRADE,
  invalidRule,
  MASK_HASH_BYTES,
  MASK_REDACTED_WIDTH,
  MASKING_MAX_DEPTH,
  type MaskingPolicy,
  type MaskOptions,
  type MaskRecordOptions,
  type MaskRule,
  type ResolvedRule,
  resolveRule,
} from "./rules.js";

export function applyRule(
  value: string,
  rule: ResolvedRule,
  options: MaskOptions | undefined,
  path?: string,
): string {
  if (rule.strategy === "redact") return rule.maskChar.repeat(MASK_REDACTED_WIDTH);
  if (rule.strategy === "hash") {
    const key = checkKey(options?.hmacKey, path);
    // Domain-separated by kind, so one key does not link a value across kinds.
    const mac = createHmac("sha256", key)
      .update(`govex-mask-v1\u0000${rule.kind}\u0000`)
      .update(canonical(value, rule.kind))
      .digest();
    return mac.subarray(0, MASK_HASH_BYTES).toString("hex");
  }
  const cps = Array.from(value);
  const shown = plan(cps, value, rule);
  for (let i = 0; i < cps.length; i++) if (!shown[i]) cps[i] = rule.maskChar;
  return cps.join("");
}

/**
 * Mask one value by a rule. `mask` keeps the value's length in code points and shows
 * only what the kind and grade allow; `redact` returns a fixed placeholder; `hash`
 * returns the first 16 bytes of HMAC-SHA256 (hex) under `options.hmacKey`, the same for
 * equal values under one key and unlinkable without it.
 *
 * A value shorter than its rule is never shown whole: at most its first third shows.
 *
 * @throws {MaskingError} `masking_invalid_rule`, `masking_invalid_value`, or
 *   `masking_key_required` for `hash` without a key of 32 bytes or more.
 *
 * @example
 * maskValue("11010519491231002X", { kind: "resident-id" }); // "1***************2X"
 * maskValue("18012341999", { kind: "mobile" });             // "180****1999"
 * maskValue("欧阳锋", { kind: "name" });                     // "欧阳*"
 * maskValue("北京市海淀区中关村大街27号", { kind: "address" }); // "北京市海淀区********"
 * maskValue("11010519491231002X", { kind: "resident-id", grade: 4 }); // "******"
 */
export function maskValue(value: string, rule: MaskRule, options?: MaskOptions): string {
  if (typeof value !== "string")
    throw new MaskingError("masking_invalid_value", {
      type: value === null ? "null" : typeof value,
    });
  return applyRule(value, resolveRule(rule, DEFAULT_MASK_GRADE), options);
}

export interface PathNode {
  children: Map<string, PathNode>;
  wildcard: PathNode | undefined;
  rule: ResolvedRule | undefined;
}

export function newNode(): PathNode {
  return { children: new Map(), wildcard: undefined, rule: undefined };
}

export function parsePath(field: string): string[] {
  const bad = (reason: string) => new MaskingError("masking_invalid_path", { field, reason });
  if (field === "") return [];
  if (field.startsWith("/")) {
    // RFC 6901 §3-4: "/"-separated, "~1" is "/", "~0" is "~".
    return field
      .slice(1)
      .split("/")
      .map((segment) => {
        if (/~(?![01])/.test(segment)) throw bad("'~' must be followed by 0 or 1 (RFC 6901 §3)");
        return segment.replace(/~1/g, "/").replace(/~0/g, "~");
      });
  }
  const segments = field.replace(/\[(\*|\d+)\]/g, ".$1").split(".");
  if (segments.some((s) => s === "")) throw bad("an empty segment");
  if (segments.some((s) => s.includes("[") || s.includes("]")))
    throw bad("brackets may hold only an index or *");
  return segments;
}

/** The stricter of two rules on one value: the higher grade; on a tie, the first. */
export function stricter(a: ResolvedRule | undefined, b: ResolvedRule): ResolvedRule {
  return a === undefined || b.grade > a.grade ? b : a;
}

export function compilePolicy(policy: MaskingPolicy, options: MaskOptions | undefined): PathNode {
  if (
    typeof policy !== "object" ||
    policy === null ||
    typeof policy.fields !== "object" ||
    policy.fields === null
  )
    throw invalidRule("a policy needs a fields object");
  const defaultGrade = policy.defaultGrade ?? DEFAULT_MASK_GRADE;
  const root = newNode();
  for (const [field, raw] of Object.entries(policy.fields)) {
    const rule = resolveRule(raw, defaultGrade, field);
    if (rule.strategy === "hash") checkKey(options?.hmacKey, field);
    let node = root;
    for (const segment of parsePath(field)) {
      if (segment === "*") {
        node.wildcard ??= newNode();
        node = node.wildcard;
      } else {
        let next = node.children.get(segment);
        if (!next) {
          next = newNode();
          node.children.set(segment, next);
        }
        node = next;
      }
    }
    node.rule = stricter(node.rule, rule);
  }
  return root;
}

export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

export function childNodes(nodes: readonly PathNode[], key: string): PathNode[] {
  const out: PathNode[] = [];
  for (const node of nodes) {
    const exact = node.children.get(key);
    if (exact) out.push(exact);
    if (node.wildcard) out.push(node.wildcard);
  }
  return out;
}

export interface Walk {
  options: MaskRecordOptions | undefined;
  maxDepth: number;
  trail: (string | number)[];
}

export function walk(
  value: unknown,
  nodes: readonly PathNode[],
  inherited: ResolvedRule | undefined,
  depth: number,
  w: Walk,
): unknown {
  let rule: ResolvedRule | undefined;
  for (const node of nodes) if (node.rule) rule = stricter(rule, node.rule);
  // A rule on a container applies to every leaf beneath it that has no rule of its own.
  rule ??= inherited;
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return rule ? applyRule(String(value), rule, w.options, pointer(w.trail)) : value;
    case "object":
      break;
    default:
      return value; // functions and symbols are not data
  }
  if (value instanceof Date)
    return rule
      ? applyRule(
          Number.isNaN(value.getTime()) ? "" : value.toISOString(),
          rule,
          w.options,
          pointer(w.trail),
        )
      : new Date(value.getTime());
  if (ArrayBuffer.isView(value))
    return rule
      ? applyRule("", { ...rule, strategy: "redact" }, w.options)
      : structuredClone(value);
  if (depth >= w.maxDepth)
    throw new MaskingError("masking_too_deep", { maxDepth: w.maxDepth }, pointer(w.trail));
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      w.trail.push(i);
      out[i] = walk(value[i], childNodes(nodes, String(i)), rule, depth + 1, w);
      w.trail.pop();
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    w.trail.push(key);
    const masked = walk(source[key], childNodes(nodes, key), rule, depth + 1, w);
    w.trail.pop();
    // defineProperty, not assignment: an own "__proto__" key stays data and never
    // becomes the copy's prototype.
    Object.defineProperty(out, key, {
      value: masked,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Deep-copy a JSON-shaped record with the policy's fields masked. The input is never
 * mutated. Only own properties are followed (a `__proto__`, `constructor` or
 * `prototype` path reaches data, never a prototype). A rule on an object or array masks
 * every leaf beneath it; where several rules select one value, the highest grade wins.
 * Numbers and booleans under a rule come back as masked strings; null stays null.
 * Class instances come back as plain objects.
 *
 * @throws {MaskingError} `masking_too_deep` beyond `options.maxDepth` (default 64)
 *   levels or on a cycle, `masking_invalid_path`, `masking_invalid_rule`,
 *   `masking_key_required`.
 *
 * @example
 * maskRecord(
 *   { name: "段誉", contacts: [{ mobile: "18012341999" }] },
 *   { fields: { "/name": { kind: "name" }, "contacts.*.mobile": { kind: "mobile" } } },
 * );
 * // { name: "段*", contacts: [{ mobile: "180****1999" }] }
 */
export function maskRecord<T>(record: T, policy: MaskingPolicy, options?: MaskRecordOptions): T {
  const root = compilePolicy(policy, options);
  const maxDepth = options?.maxDepth ?? MASKING_MAX_DEPTH;
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 0)
    throw invalidRule(`maxDepth must be a non-negative integer, got ${String(maxDepth)}`);
  return walk(record, [root], undefined, 0, { options, maxDepth, trail: [] }) as T;
}
