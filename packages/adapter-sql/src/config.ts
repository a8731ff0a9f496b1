/**
 * The `source` block of a mapping file for `kind: sql`, as a zod 4 schema, and its resolution
 * against the environment (connection strings) and the mapping file's directory (PGlite data).
 * Every problem becomes `AdapterError("config_invalid")` with a JSON Pointer into the mapping
 * file (`/source/...`) and zh-CN and English messages; secrets never appear in them.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { AdapterError, type SourceContext } from "@govex/adapter";
import { z } from "zod";

/** Letters (any script), digits and underscores, not starting with a digit. */
const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 = 63 bytes; MySQL allows 64. */
const IDENTIFIER_MAX_BYTES = 63;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const UTC_OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/;
const QUERY_MAX_CHARS = 20_000;

/** Whether a name is a plain SQL identifier govex accepts for schemas, tables, views and columns. */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && Buffer.byteLength(name, "utf8") <= IDENTIFIER_MAX_BYTES;
}

const identifier = z.string().refine(isIdentifier, { params: { govex: "identifier" } });

const changesSchema = z.discriminatedUnion("mode", [
  z.strictObject({
    /** A monotonic column: a last-modified timestamp or a version/sequence number. */
    mode: z.literal("column"),
    column: identifier,
  }),
  z.strictObject({
    /** A change table fed by triggers (see `changeTableDdl`). */
    mode: z.literal("table"),
    table: identifier,
    /** Schema (PostgreSQL) or database (MySQL) of the change table; default the source's. */
    schema: identifier.optional(),
    /** Column names of the change table; defaults as `changeTableDdl` creates them. */
    columns: z
      .strictObject({
        seq: identifier.optional(),
        key: identifier.optional(),
        op: identifier.optional(),
        time: identifier.optional(),
      })
      .optional(),
  }),
]);

/** The `source` block for `kind: sql`. */
export const sqlSourceConfigSchema = z.strictObject({
  kind: z.literal("sql"),
  dialect: z.enum(["postgres", "mysql", "pglite"]),
  /** Where the connection string is: an environment variable, never the file. */
  connection: z.strictObject({ env: z.string().regex(ENV_NAME) }).optional(),
  /** PGlite only: its data directory, relative to the mapping file; absent = in memory. */
  dataDir: z.string().min(1).max(4096).optional(),
  /** PostgreSQL schema or MySQL database holding the table, view or change table. */
  schema: identifier.optional(),
  table: identifier.optional(),
  view: identifier.optional(),
  /** A read-only SELECT used as a subquery: trusted configuration, run as written. */
  query: z.string().max(QUERY_MAX_CHARS).optional(),
  changes: changesSchema.optional(),
  /** UTC offset of timestamps stored without a zone (MySQL DATETIME, PostgreSQL timestamp). */
  timeZone: z.string().regex(UTC_OFFSET).optional(),
  pool: z
    .strictObject({
      max: z.int().min(1).max(100).optional(),
      connectTimeoutMs: z.int().min(100).max(300_000).optional(),
    })
    .optional(),
});

/** The `source` block as written in the mapping file. */
export type SqlSourceConfig = z.input<typeof sqlSourceConfigSchema>;
export type SqlDialect = SqlSourceConfig["dialect"];

export interface ChangeTableColumns {
  seq: string;
  key: string;
  op: string;
  time: string;
}

/** Where rows come from. */
export type SqlRelation =
  | { kind: "table" | "view"; schema?: string; name: string }
  | { kind: "query"; sql: string };

export type SqlChangeSettings =
  | { mode: "column"; column: string }
  | { mode: "table"; schema?: string; table: string; columns: ChangeTableColumns };

/** How to reach the database; the URL is a secret and never leaves this package's errors. */
export type SqlConnectionSettings =
  | { kind: "url"; url: string; env: string }
  /** PGlite: a data directory (absolute), or undefined for an in-memory database. */
  | { kind: "pglite"; dataDir?: string; env?: string };

/** The source block, checked and resolved. */
export interface SqlSourceSettings {
  dialect: SqlDialect;
  connection: SqlConnectionSettings;
  relation: SqlRelation;
  changes?: SqlChangeSettings;
  timeZone: string;
  poolMax: number;
  connectTimeoutMs: number;
}

export const DEFAULT_CHANGE_COLUMNS: ChangeTableColumns = {
  seq: "seq",
  key: "row_key",
  op: "op",
  time: "changed_at",
};
/** China Standard Time: how most department databases store DATETIME values. */
export const DEFAULT_TIME_ZONE = "+08:00";

interface ConfigIssue {
  path: string;
  code: string;
  zh: string;
  en: string;
}

const pointer = (segments: readonly PropertyKey[]) =>
  `/source${segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("")}`;

const TYPE_ZH: Record<string, string> = {
  string: "字符串",
  object: "对象",
  number: "数字",
  int: "整数",
  boolean: "布尔值",
};

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = pointer(issue.path);
  const missing = "input" in issue && issue.input === undefined && issue.code !== "custom";
  if (missing)
    return [{ path, code: "required", zh: "缺少必填设置。", en: "required setting is missing" }];
  switch (issue.code) {
    case "invalid_type":
      if (issue.path.at(-1) === "connection")
        return [
          {
            path,
            code: "invalid_type",
            zh: "connection 须写成 { env: 变量名 }:连接串只能来自环境变量,不能写在文件里。",
            en: "connection must be { env: NAME }: a connection string comes from the environment, never the file",
          },
        ];
      return [
        {
          path,
          code: "invalid_type",
          zh: `应为${TYPE_ZH[issue.expected] ?? issue.expected}。`,
          en: `expected ${issue.expected}`,
        },
      ];
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: pointer([...issue.path, key]),
        code: "unknown_setting",
        zh: `未知设置 ${key}:请删除或检查拼写。`,
        en: `unknown setting ${key}: remove it or check its spelling`,
      }));
    case "invalid_value":
    case "invalid_union": {
      const values = issue.code === "invalid_value" ? issue.values.map(String) : [];
      const options = values.length > 0 ? values.join(" | ") : "column | table";
      return [
        {
          path,
          code: "invalid_value",
          zh: `应为 ${options} 之一。`,
          en: `expected one of ${options}`,
        },
      ];
    }
    case "custom":
      if (issue.params?.govex === "identifier")
        return [
          {
            path,
            code: "invalid_identifier",
            zh: "须为标识符:以字母或下划线开头,只含字母、数字和下划线,不超过 63 字节。",
            en: "must be an identifier: a letter or underscore, then letters, digits or underscores, at most 63 bytes",
          },
        ];
      return [{ path, code: "invalid", zh: "设置无效。", en: "invalid setting" }];
    case "invalid_format":
      if (issue.path.at(-1) === "timeZone")
        return [
          {
            path,
            code: "invalid_time_zone",
            zh: "须为 UTC 偏移,如 +08:00。",
            en: "must be a UTC offset such as +08:00",
          },
        ];
      return [
        {
          path,
          code: "invalid_env_name",
          zh: "须为环境变量名:字母、数字和下划线。",
          en: "must be an environment variable name: letters, digits and underscores",
        },
      ];
    default:
      return [
        { path, code: issue.code, zh: "超出允许范围。", en: `out of range (${issue.message})` },
      ];
  }
}

/** The error for a list of configuration problems, pointing at the first. */
export function configError(issues: readonly ConfigIssue[], file?: string): AdapterError {
  const where = file ? `${file} ` : "";
  const first = issues[0] as ConfigIssue;
  const lines = (lang: "zh" | "en") =>
    issues.map((i) => `${where}${i.path}: ${i[lang]}`).join("\n");
  return new AdapterError("config_invalid", {
    zh: `SQL 数据源配置有 ${issues.length} 处错误:\n${lines("zh")}`,
    en: `SQL source configuration has ${issues.length} error(s):\n${lines("en")}`,
    path: first.path,
    params: { issues },
  });
}

/** A SELECT (or WITH … SELECT) with no statement separator: the only queries a source runs as written. */
function queryIssue(query: string): ConfigIssue | undefined {
  const text = query.trim().replace(/;\s*$/, "");
  const path = "/source/query";
  if (!/^(select|with)\b/i.test(text))
    return {
      path,
      code: "query_not_select",
      zh: "query 须为只读的 SELECT(或 WITH … SELECT)语句。",
      en: "query must be a read-only SELECT (or WITH … SELECT) statement",
    };
  if (text.includes(";") || text.includes("\u0000"))
    return {
      path,
      code: "query_multiple_statements",
      zh: "query 只能是一条语句:请删除其中的分号。",
      en: "query must be a single statement: remove the semicolons in it",
    };
  return undefined;
}

function connectionIssues(
  block: z.output<typeof sqlSourceConfigSchema>,
  context: SourceContext,
): { issues: ConfigIssue[]; connection?: SqlConnectionSettings } {
  const env = block.connection?.env;
  const envPath = "/source/connection/env";
  if (block.dialect !== "pglite") {
    const issues: ConfigIssue[] = [];
    if (block.dataDir !== undefined)
      issues.push({
        path: "/source/dataDir",
        code: "pglite_only",
        zh: "dataDir 只用于 pglite。",
        en: "dataDir is for the pglite dialect only",
      });
    if (env === undefined) {
      issues.push({
        path: "/source/connection",
        code: "required",
        zh: "缺少 connection:请写 { env: 变量名 },连接串放在该环境变量中。",
        en: "connection is missing: write { env: NAME } and put the connection string in that variable",
      });
      return { issues };
    }
    const url = context.env[env];
    if (!url) {
      issues.push({
        path: envPath,
        code: "env_missing",
        zh: `环境变量 ${env} 未设置:请在其中提供数据库连接串。`,
        en: `environment variable ${env} is not set: put the database connection string in it`,
      });
      return { issues };
    }
    const schemes =
      block.dialect === "postgres" ? ["postgres:", "postgresql:"] : ["mysql:", "mariadb:"];
    let protocol = "";
    try {
      protocol = new URL(url).protocol;
    } catch {}
    if (!schemes.includes(protocol)) {
      // Never echo the value: it holds a password.
      issues.push({
        path: envPath,
        code: "env_not_url",
        zh: `环境变量 ${env} 不是 ${schemes[0]}// 形式的连接串。`,
        en: `environment variable ${env} is not a ${schemes[0]}// connection URL`,
      });
      return { issues };
    }
    return { issues, connection: { kind: "url", url, env } };
  }
  if (env !== undefined && block.dataDir !== undefined)
    return {
      issues: [
        {
          path: "/source/dataDir",
          code: "conflict",
          zh: "dataDir 与 connection 只能写一个。",
          en: "write dataDir or connection, not both",
        },
      ],
    };
  const raw = env === undefined ? block.dataDir : context.env[env];
  const at = env === undefined ? "/source/dataDir" : envPath;
  if (env !== undefined && !raw)
    return {
      issues: [
        {
          path: at,
          code: "env_missing",
          zh: `环境变量 ${env} 未设置:请在其中提供 PGlite 数据目录。`,
          en: `environment variable ${env} is not set: put the PGlite data directory in it`,
        },
      ],
    };
  if (raw === undefined || raw.startsWith("memory://"))
    return { issues: [], connection: { kind: "pglite", ...(env ? { env } : {}) } };
  const dataDir = isAbsolute(raw) ? raw : resolve(context.baseDir, raw);
  let isDir = false;
  try {
    isDir = statSync(dataDir).isDirectory();
  } catch {}
  if (!isDir)
    return {
      issues: [
        {
          path: at,
          code: "data_dir_missing",
          zh: `PGlite 数据目录 ${raw} 不存在:请检查路径(相对于映射文件)。`,
          en: `PGlite data directory ${raw} does not exist: check the path (relative to the mapping file)`,
        },
      ],
    };
  // An empty directory would get a fresh, empty database: a source reads one that exists.
  if (!existsSync(join(dataDir, "PG_VERSION")))
    return {
      issues: [
        {
          path: at,
          code: "not_pglite_dir",
          zh: `${raw} 不是 PGlite 数据目录(缺少 PG_VERSION):请指向部门系统已有的数据目录。`,
          en: `${raw} is not a PGlite data directory (no PG_VERSION): point it at the system's existing data directory`,
        },
      ],
    };
  return { issues: [], connection: { kind: "pglite", dataDir, ...(env ? { env } : {}) } };
}

/**
 * Check a `source` block and resolve it against the environment and the mapping file's
 * directory. Throws `AdapterError("config_invalid")` listing every problem.
 *
 * @example
 * const settings = parseSqlSourceConfig(mapping.source, { baseDir, env: process.env });
 */
export function parseSqlSourceConfig(
  config: Record<string, unknown>,
  context: SourceContext,
): SqlSourceSettings {
  // reportInput tells a missing setting from a wrong one; inputs never reach a message.
  const parsed = sqlSourceConfigSchema.safeParse(config, { reportInput: true });
  if (!parsed.success) throw configError(parsed.error.issues.flatMap(describeIssue), context.file);
  const block = parsed.data;
  const issues: ConfigIssue[] = [];

  const given = (["table", "view", "query"] as const).filter((k) => block[k] !== undefined);
  if (given.length !== 1)
    issues.push({
      path: given.length === 0 ? "/source" : `/source/${given[1]}`,
      code: "relation_count",
      zh: "table、view、query 须且只能写一个。",
      en: "write exactly one of table, view and query",
    });
  if (block.query !== undefined) {
    const issue = queryIssue(block.query);
    if (issue) issues.push(issue);
  }
  const { issues: connection, connection: resolved } = connectionIssues(block, context);
  issues.push(...connection);
  if (issues.length > 0 || !resolved) throw configError(issues, context.file);

  const relation: SqlRelation =
    block.query !== undefined
      ? { kind: "query", sql: block.query.trim().replace(/;\s*$/, "") }
      : {
          kind: block.table !== undefined ? "table" : "view",
          name: (block.table ?? block.view) as string,
          ...(block.schema ? { schema: block.schema } : {}),
        };
  let changes: SqlChangeSettings | undefined;
  if (block.changes?.mode === "column") changes = { mode: "column", column: block.changes.column };
  else if (block.changes?.mode === "table") {
    const schema = block.changes.schema ?? block.schema;
    changes = {
      mode: "table",
      table: block.changes.table,
      ...(schema ? { schema } : {}),
      columns: { ...DEFAULT_CHANGE_COLUMNS, ...stripUndefined(block.changes.columns ?? {}) },
    };
  }
  return {
    dialect: block.dialect,
    connection: resolved,
    relation,
    ...(changes ? { changes } : {}),
    timeZone: block.timeZone ?? DEFAULT_TIME_ZONE,
    poolMax: block.pool?.max ?? 10,
    connectTimeoutMs: block.pool?.connectTimeoutMs ?? 10_000,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
