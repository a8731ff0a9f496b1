import type { RawIssue } from "../map-errors.js";
import type { SchemaNode } from "../schema-walk.js";
import type { Lang, StreamOptions, ValidationIssue, Validator } from "../types.js";
import { DEFAULT_MAX_DEPTH, GovexValidator, NO_ISSUES, renderIssue } from "../validator.js";
import { jsonDepth, jsonErrorParams } from "./json-scan.js";

/** Receives each record's issues (a shared empty array when the record is valid). */
export type RecordSink = (
  record: number,
  line: number | undefined,
  issues: ValidationIssue[],
) => void;

/** Parses and validates one record's text or value, and renders input issues (invalid_json …). */
export class RecordChecker {
  readonly root: SchemaNode | null;
  private readonly govex: GovexValidator | null;
  private readonly lang: Lang;
  readonly maxDepth: number;
  /** Texts shorter than this cannot nest deeper than maxDepth, so skip the depth scan. */
  private readonly depthScanFrom: number;

  constructor(
    private readonly validator: Validator,
    private readonly opts: StreamOptions,
  ) {
    this.govex = validator instanceof GovexValidator ? validator : null;
    this.root = this.govex?.root ?? null;
    this.lang = opts.lang ?? "zh-CN";
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.depthScanFrom = 2 * this.maxDepth + 2;
  }

  /** JSON text of one record → issues. */
  text(text: string, record: number, line: number | undefined): ValidationIssue[] {
    if (text.length >= this.depthScanFrom) {
      const depth = jsonDepth(text, this.maxDepth);
      if (depth > this.maxDepth)
        return this.input("nesting_too_deep", { limit: this.maxDepth }, record, line);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return this.input("invalid_json", jsonErrorParams(err, text), record, line);
    }
    return this.value(value, record, line);
  }

  /** A parsed record → issues. */
  value(value: unknown, record: number, line: number | undefined): ValidationIssue[] {
    if (this.govex !== null) return this.govex.check(value, this.opts, record, line);
    const issues = this.validator.validate(value, this.opts);
    if (issues.length === 0) return NO_ISSUES;
    return issues.map((i) => {
      const copy: ValidationIssue = { ...i, record };
      if (line !== undefined) copy.line = line;
      return copy;
    });
  }

  /** One input issue (not from the schema) for a record or, with record 0, for the file. */
  input(
    code: string,
    params: Record<string, unknown>,
    record: number,
    line: number | undefined,
    severity: "error" | "warning" = "error",
    path = "",
  ): ValidationIssue[] {
    const raw: RawIssue = { path, code, severity, params };
    return [renderIssue(raw, this.lang, record, line, this.root)];
  }
}
