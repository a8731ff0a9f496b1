/**
 * Database driver errors (pg, PGlite, mysql2) turned into `AdapterError`s. A connection string
 * or password never reaches a message: the messages name the environment variable, the cause is
 * a copy of the driver's error with the secret cut out.
 */
import { AdapterError } from "@govex/adapter";

/** What went wrong, as far as the source is concerned. */
export type DriverFailure =
  /** Cannot connect, cannot log in, the server is shutting down or out of connections. */
  | "connection"
  /** A column named in the request does not exist: the mapping names a wrong field. */
  | "undefined_column"
  /** The table, view, schema or change table does not exist. */
  | "undefined_relation"
  /** A value cannot be compared with the column (not a number, a NUL byte, a bad date). */
  | "data"
  | "other";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "POOL_CLOSED",
]);

interface DriverError {
  code?: unknown;
  sqlState?: unknown;
  errno?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The SQLSTATE (PostgreSQL, PGlite and mysql2 all report one) or the Node/driver code. */
export function driverCode(error: unknown): string | undefined {
  const e = (error ?? {}) as DriverError;
  if (typeof e.sqlState === "string" && e.sqlState !== "HY000") return e.sqlState;
  if (typeof e.code === "string") return e.code;
  // Node's happy-eyeballs connect reports an AggregateError whose parts carry the code.
  if (Array.isArray(e.errors)) return driverCode(e.errors[0]);
  return undefined;
}

/** The driver's own code, for the `unavailable` message and params (never its message). */
function reasonOf(error: unknown): string {
  const e = (error ?? {}) as DriverError;
  if (typeof e.code === "string") return e.code;
  return driverCode(error) ?? "unknown";
}

export function classify(error: unknown): DriverFailure {
  const code = driverCode(error);
  const mysqlCode =
    typeof (error as DriverError)?.code === "string" ? (error as DriverError).code : "";
  if (code === undefined) {
    const message = String((error as DriverError)?.message ?? "");
    // pg reports dropped connections and connect timeouts without a code.
    return /connection|terminated|timeout/i.test(message) ? "connection" : "other";
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(String(mysqlCode))) return "connection";
  if (code === "42703" || code === "42S22") return "undefined_column";
  if (code === "42P01" || code === "3F000" || code === "42S02") return "undefined_relation";
  // SQLSTATE classes: 08 connection exception, 28 invalid authorization, 3D invalid catalog
  // (database) name, 53 insufficient resources, 57 operator intervention (shutdown).
  if (/^(08|28|3D|53|57)/.test(code)) return "connection";
  if (/^(ER_ACCESS_DENIED|ER_BAD_DB_ERROR|ER_CON_COUNT|ER_SERVER_SHUTDOWN)/.test(String(mysqlCode)))
    return "connection";
  if (code.startsWith("22")) return "data";
  return "other";
}

/** A copy of the driver's error with the secret removed, safe to log as a cause. */
function redacted(error: unknown, secrets: readonly string[]): Error {
  const e = (error ?? {}) as DriverError;
  let message = String(e.message ?? error);
  for (const secret of secrets) if (secret) message = message.split(secret).join("***");
  const copy = new Error(message);
  copy.name = "DatabaseError";
  const code = driverCode(error);
  if (code) Object.assign(copy, { code });
  return copy;
}

/** The secrets a message must not show: the URL, its password (raw and decoded), and its user info. */
export function secretsOf(url: string | undefined): string[] {
  if (!url) return [];
  const out = [url];
  try {
    const parsed = new URL(url);
    if (parsed.password) out.push(parsed.password, decodeURIComponent(parsed.password));
    if (parsed.username && parsed.password)
      out.push(
        `${parsed.username}:${parsed.password}`,
        `${parsed.username}:${decodeURIComponent(parsed.password)}`,
      );
  } catch {}
  // Longest first, so a password inside the URL does not leave the rest of the URL behind.
  return out.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

export interface ErrorScope {
  /** The environment variable that holds the connection (named in messages), if any. */
  env?: string;
  secrets: readonly string[];
}

/** The `unavailable` error for a failure to reach or use the database. */
export function unavailable(error: unknown, scope: ErrorScope): AdapterError {
  const reason = reasonOf(error);
  const where = scope.env
    ? {
        zh: `以及环境变量 ${scope.env} 中的连接串`,
        en: ` and the connection string in ${scope.env}`,
      }
    : { zh: "以及数据目录", en: " and the data directory" };
  const failure = classify(error);
  return new AdapterError("unavailable", {
    zh:
      failure === "connection"
        ? `数据库不可用(${reason}):请检查数据库是否运行、网络是否可达,${where.zh}。`
        : `数据库查询失败(${reason}):请检查数据源配置与数据库日志。`,
    en:
      failure === "connection"
        ? `database unavailable (${reason}): check that it runs, that it can be reached${where.en}`
        : `database query failed (${reason}): check the source configuration and the database log`,
    cause: redacted(error, scope.secrets),
    params: { driverCode: reason },
  });
}

/** A request naming a column the relation lacks. */
export function unknownColumn(error: unknown, scope: ErrorScope): AdapterError {
  return new AdapterError("bad_request", {
    zh: "请求或映射中的某个来源字段在数据库中不存在:请核对映射文件的字段名。",
    en: "a source field of the request or mapping does not exist in the database: check the mapping's field names",
    cause: redacted(error, scope.secrets),
    params: { driverCode: reasonOf(error) },
  });
}
