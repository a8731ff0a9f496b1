/**
 * @govex/adapter-sql: a govex source over a department's SQL database — PostgreSQL (`pg`),
 * MySQL/MariaDB (`mysql2`) or embedded PGlite — through Kysely. Filters are bound parameters,
 * pages are keyset pages, changes come from a monotonic column or a trigger-fed change table.
 * @module
 */
export { type ChangeTableDdlOptions, changeTableDdl } from "./change-table-ddl.js";
export {
  type ChangeTableColumns,
  DEFAULT_CHANGE_COLUMNS,
  DEFAULT_TIME_ZONE,
  isIdentifier,
  parseSqlSourceConfig,
  type SqlChangeSettings,
  type SqlConnectionSettings,
  type SqlDialect,
  type SqlRelation,
  type SqlSourceConfig,
  type SqlSourceSettings,
  sqlSourceConfigSchema,
} from "./config.js";
export type { SqlSourceOptions } from "./connection.js";
export { MAX_PAGE, type SourceStreamRequest } from "./query.js";
export { createSource, type SqlSource } from "./source.js";
export { toRfc3339 } from "./values.js";
