import { govexRules, type RuleIssue } from "@govex/schemas/core";
import type { CompiledValidate } from "./compiled.js";
import { mapAjvErrors, type RawIssue } from "./map-errors.js";
import { renderMessage } from "./messages.js";
import { escapePointer, pointerSegments, type SchemaNode } from "./schema-walk.js";
import type { Lang, ValidateOptions, ValidationIssue, Validator } from "./types.js";

/** Returned for every valid value: no allocation on the hot path. Frozen so no caller can fill it. */
export const NO_ISSUES: ValidationIssue[] = Object.freeze([]) as unknown as ValidationIssue[];

export const DEFAULT_MAX_ERRORS = 100;
export const DEFAULT_MAX_DEPTH = 512;

type RuleFn = { check(value: unknown): RuleIssue[] };
type RuleTable = Readonly<Record<string, RuleFn>>;

/**
 * A compiled schema with the govex issue layer: ajv errors → issues, govex format
 * explanations, x-govex-rules, messages in zh-CN or English.
 */
export class GovexValidator implements Validator {
  readonly id: string;
  /** The schema's root position, for titles and CSV header mapping. */
  readonly root: SchemaNode;
  private readonly fn: CompiledValidate;
  private readonly hasRules: boolean;

  constructor(id: string, fn: CompiledValidate, root: SchemaNode) {
    this.id = id;
    this.fn = fn;
    this.root = root;
    this.hasRules = root.reachesRules;
  }

  validate(value: unknown, opts?: ValidateOptions): ValidationIssue[] {
    return this.check(value, opts, 0, undefined);
  }

  /** Validate one record, numbering its issues. */
  check(
    value: unknown,
    opts: ValidateOptions | undefined,
    record: number,
    line: number | undefined,
  ): ValidationIssue[] {
    let raw: RawIssue[];
    try {
      if (this.fn(value)) {
        if (!this.hasRules) return NO_ISSUES;
        raw = runRules(value, this.root);
        if (raw.length === 0) return NO_ISSUES;
      } else {
        raw = mapAjvErrors(this.fn.errors ?? [], value, {
          lenientUscc: opts?.lenient?.uscc === true,
        });
        // Cross-field rules run only on a record that passed structurally (warnings aside).
        if (this.hasRules && raw.every((r) => r.severity === "warning"))
          raw = raw.concat(runRules(value, this.root));
      }
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      // A value nested so deeply that the validator ran out of stack.
      raw = [
        {
          path: "",
          code: "nesting_too_deep",
          severity: "error",
          params: { depth: depthOf(value), limit: DEFAULT_MAX_DEPTH },
        },
      ];
    }
    return this.render(raw, opts, record, line);
  }

  /** Number and render raw issues (also used by the streaming layer for input issues). */
  render(
    raw: readonly RawIssue[],
    opts: ValidateOptions | undefined,
    record: number,
    line: number | undefined,
  ): ValidationIssue[] {
    const lang: Lang = opts?.lang ?? "zh-CN";
    const max = opts?.maxErrors ?? DEFAULT_MAX_ERRORS;
    const out: ValidationIssue[] = [];
    for (const r of raw) {
      if (out.length >= max) break;
      out.push(renderIssue(r, lang, record, line, this.root));
    }
    return out;
  }
}

/** Render one raw issue against a schema position (root may be null for non-govex validators). */
export function renderIssue(
  r: RawIssue,
  lang: Lang,
  record: number,
  line: number | undefined,
  root: SchemaNode | null,
): ValidationIssue {
  let title: { zh?: string; en?: string } = {};
  if (root !== null && r.path !== "") {
    const node = root.at(pointerSegments(r.path));
    if (node) title = { zh: node.title, en: node.titleEn } as { zh?: string; en?: string };
  }
  const issue: ValidationIssue = {
    record,
    path: r.path,
    code: r.code,
    severity: r.severity,
    message: renderMessage(r.code, r.params, lang, r.path, title),
    params: r.params,
  };
  if (line !== undefined) issue.line = line;
  return issue;
}

// Reused work stacks of runRules (it never re-enters itself): no allocation per valid record.
const stackValues: unknown[] = [];
const stackNodes: SchemaNode[] = [];
const stackPaths: string[] = [];

/** Run the x-govex-rules of every object position the data reaches (explicit stack: no recursion on data). */
export function runRules(value: unknown, root: SchemaNode): RawIssue[] {
  let out: RawIssue[] | null = null;
  let top = 0;
  stackValues[0] = value;
  stackNodes[0] = root;
  stackPaths[0] = "";
  top = 1;
  while (top > 0) {
    top--;
    const v = stackValues[top];
    const node = stackNodes[top] as SchemaNode;
    const path = stackPaths[top] as string;
    stackValues[top] = undefined; // do not pin the record after the walk
    if (typeof v !== "object" || v === null) continue;
    const fns = node.ruleFunctions(govexRules as RuleTable);
    for (let r = 0; r < fns.length; r++) {
      const [name, rule] = fns[r] as readonly [string, RuleFn];
      let found: RuleIssue[];
      try {
        found = rule.check(v);
      } catch {
        found = [{ code: "rule_failed", severity: "error", params: { rule: name }, path: [] }];
      }
      if (found.length === 0) continue;
      out ??= [];
      for (const f of found) {
        out.push({
          path:
            path +
            (Array.isArray(f.path) ? f.path.map((s) => `/${escapePointer(s)}`).join("") : ""),
          code: f.code,
          severity: f.severity,
          params: { rule: name, ...f.params },
        });
      }
    }
    const { named, other } = node.ruleChildren();
    if (!other && !Array.isArray(v)) {
      // Fast path: only the declared properties that lead to rules.
      for (let c = 0; c < named.length; c++) {
        const [k, child, segment] = named[c] as readonly [string, SchemaNode, string];
        if (!Object.hasOwn(v, k)) continue;
        stackValues[top] = (v as Record<string, unknown>)[k];
        stackNodes[top] = child;
        stackPaths[top] = path + segment;
        top++;
      }
      continue;
    }
    const keys = Array.isArray(v) ? v.map((_x, i) => String(i)) : Object.keys(v);
    for (const k of keys) {
      const child = node.child(k);
      if (child === null || !child.reachesRules) continue;
      stackValues[top] = (v as Record<string, unknown>)[k];
      stackNodes[top] = child;
      stackPaths[top] = `${path}/${escapePointer(k)}`;
      top++;
    }
  }
  return out ?? (NO_ISSUES as unknown as RawIssue[]);
}

/** Nesting depth of a value, without recursion. */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (d + 1 > max) max = d + 1;
    for (const c of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof c === "object" && c !== null) stack.push([c, d + 1]);
    }
  }
  return max;
}
