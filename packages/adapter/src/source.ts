/**
 * The low-level contract a built-in adapter package implements: a `Source` reads rows from a
 * department system in that system's own shape (its column or field names). The core
 * (`createMappedAdapter`) applies the mapping file to turn rows into govex records, validates
 * them, masks nothing itself (the exchange masks), and speaks specs/provider v1.
 *
 * Kafka Connect's connector/task split, reduced: a `SourceFactory` is the connector (it reads
 * and checks its configuration), a `Source` the task (it holds connections and reads).
 */

/** A row as the department's system holds it, keyed by the source's field names. */
export type SourceRow = Record<string, unknown>;

export interface SourceScanRequest {
  /** The source field that holds the record key (the mapping's key item, translated). */
  keyField: string;
  /**
   * Equality filters on source fields. Values are strings already translated to the source's
   * own coding where the mapping can invert it (a national code back to the local one). A
   * source must push them down as bound parameters or compare them exactly; the core
   * re-checks every mapped record, so a source may return a superset but never miss one.
   */
  filter: Readonly<Record<string, string>>;
  /** Source fields the core needs (the key field is always among them); a source may return more. */
  fields: readonly string[];
  /** Only rows whose key sorts strictly after this one (keyset pagination); absent for the first page. */
  after?: string;
  /** At most this many rows, in ascending key order. */
  limit: number;
  signal?: AbortSignal;
}

export interface SourceGetRequest {
  keyField: string;
  key: string;
  fields: readonly string[];
  signal?: AbortSignal;
}

/** One change as the source saw it. */
export interface SourceChange {
  /** The key of the changed row, as a string. */
  key: string;
  op: "upsert" | "delete";
  /** When the change happened, RFC 3339 date-time. */
  time: string;
  /** The row after the change (upserts); the core maps and validates it. */
  row?: SourceRow;
}

export interface SourceChangesRequest {
  keyField: string;
  fields: readonly string[];
  /** The source's own position token from a previous page; absent to start at the earliest change kept. */
  position?: string;
  limit: number;
  signal?: AbortSignal;
}

export interface SourceChangesPage {
  changes: SourceChange[];
  /**
   * The position after the last change returned (the request's position when there was none).
   * It must only move forward: no change after it is older than any change before it.
   */
  position: string;
}

export interface SourceHealth {
  status: "ok" | "degraded";
  /** A short reason, for logs; never a secret (connection strings stay out). */
  detail?: string;
}

/** A readable department system: a table, view or query; a directory of files; a REST or SOAP service. */
export interface Source {
  /** The kind, as in the mapping file's `source.kind` (`sql`, `file`, `rest`, `soap`, …). */
  readonly kind: string;
  /** Whether the system can serve data now; throw `AdapterError("unavailable")` when it cannot. */
  check(signal?: AbortSignal): Promise<SourceHealth>;
  /** Rows in ascending key order after `after`, at most `limit`. */
  scan(request: SourceScanRequest): Promise<SourceRow[]>;
  /** One row by key, or undefined. */
  get(request: SourceGetRequest): Promise<SourceRow | undefined>;
  /** Changes after a position; omit when the source cannot detect changes. */
  changes?(request: SourceChangesRequest): Promise<SourceChangesPage>;
  /** Release connections, watchers and timers. */
  close(): Promise<void>;
}

/** What a source factory is given besides its own `source` block of the mapping file. */
export interface SourceContext {
  /** Directory of the mapping file: relative paths in the source block resolve against it. */
  baseDir: string;
  /** Environment for secrets (connection strings, tokens): never read from the mapping file. */
  env: Readonly<Record<string, string | undefined>>;
  /** The mapping file's name, for error messages. */
  file?: string;
}

/**
 * Creates a source from the mapping file's `source` block. Every adapter package exports one
 * as `createSource`, so `govex provide` can load `@govex/adapter-<kind>` by the block's `kind`.
 */
export type SourceFactory = (
  config: Record<string, unknown>,
  context: SourceContext,
) => Promise<Source>;
