/** How much a change can hurt systems that conform to the old version. */
export type Level = "ERR" | "WARN" | "INFO";

/** A message in both languages govex writes (zh-CN first). */
export interface Bilingual {
  "zh-CN": string;
  en: string;
}

/** One classified difference between two versions of a spec. */
export interface Change {
  /** Stable kebab-case check id, e.g. `request-property-became-required`. */
  id: string;
  /** The level after severity overrides. */
  level: Level;
  /** Human-readable place: `POST /catalog/entries request body /items/[]/name`, `person.schema.json /properties/name`. */
  location: string;
  /** JSON Pointer into the new document (the old one for removals), prefixed with the file for schema sets. */
  pointer: string;
  /** Where the schema is used in an OpenAPI document; undefined for schema sets (data flows both ways). */
  direction?: "request" | "response";
  old?: unknown;
  new?: unknown;
  /** What changed and why it matters, one sentence each. */
  message: Bilingual;
}

/** One entry of the check catalog. */
export interface CheckInfo {
  id: string;
  /** Default level (before severity overrides). */
  level: Level;
  /** Which diff can report it: schema sets, OpenAPI documents, or both. */
  kind: "schema" | "openapi" | "both";
  title: Bilingual;
  /** Only documentation changed (title, description, examples): a patch release. */
  docsOnly?: boolean;
  /** New compatible surface (operation, optional property, response status): a minor release. */
  additive?: boolean;
}

/** Silences a change, with the reason recorded in the report. */
export interface IgnoreRule {
  /** A check id, or a glob with `*`. */
  id: string;
  /** The change's location, exact or a glob with `*`; absent matches every location. */
  location?: string;
  reason: string;
}

export interface DiffOptions {
  /** Per-check level overrides; `"off"` drops the check entirely. */
  severity?: Record<string, Level | "off">;
  ignore?: readonly IgnoreRule[];
}

export interface DiffResult {
  changes: Change[];
  ignored: { change: Change; reason: string }[];
  counts: Record<Level, number>;
}
