/**
 * DDL for a trigger-fed change table, the `changes: { mode: table }` way of detecting changes
 * (deletes included). The statements are for a DBA to review and run once; the source itself
 * never writes. Identifiers are checked with the configuration's rule, then quoted.
 */
import { AdapterError } from "@govex/adapter";
import {
  type ChangeTableColumns,
  DEFAULT_CHANGE_COLUMNS,
  isIdentifier,
  type SqlDialect,
} from "./config.js";

export interface ChangeTableDdlOptions {
  /** Schema (PostgreSQL) or database (MySQL) of the table and its change table. */
  schema?: string;
  /** Name of the change table; default `<table>_changes`. */
  changeTable?: string;
  /** Column names of the change table; default seq, row_key, op, changed_at. */
  columns?: Partial<ChangeTableColumns>;
}

function checked(name: string, what: string): string {
  if (!isIdentifier(name))
    throw new AdapterError("config_invalid", {
      zh: `${what} ${JSON.stringify(name).slice(0, 80)} 不是有效标识符(字母或下划线开头,只含字母、数字和下划线,不超过 63 字节)。`,
      en: `${what} ${JSON.stringify(name).slice(0, 80)} is not a valid identifier (a letter or underscore, then letters, digits or underscores, at most 63 bytes)`,
      path: `/${what}`,
    });
  return name;
}

/**
 * The statements that create a change table and the triggers that feed it: one row per insert
 * (`I`), update (`U`) and delete (`D`) of `table`, keyed by the text of `keyColumn`; an update that
 * changes the key is logged as a delete of the old key and an update of the new one. Each string is
 * one statement, without a trailing semicolon, to run in order (MySQL triggers need no DELIMITER).
 *
 * @example
 * for (const statement of changeTableDdl("postgres", "residents", "sfzh")) await client.query(statement);
 * // then, in the mapping file: changes: { mode: table, table: residents_changes }
 */
export function changeTableDdl(
  dialect: SqlDialect,
  table: string,
  keyColumn: string,
  options: ChangeTableDdlOptions = {},
): string[] {
  checked(table, "table");
  checked(keyColumn, "keyColumn");
  if (options.schema !== undefined) checked(options.schema, "schema");
  const changeTable = checked(options.changeTable ?? `${table}_changes`, "changeTable");
  const columns = { ...DEFAULT_CHANGE_COLUMNS, ...options.columns };
  for (const [name, value] of Object.entries(columns)) checked(value, `columns/${name}`);
  return dialect === "mysql"
    ? mysqlDdl(table, keyColumn, changeTable, columns, options.schema)
    : postgresDdl(table, keyColumn, changeTable, columns, options.schema);
}

function postgresDdl(
  table: string,
  keyColumn: string,
  changeTable: string,
  c: ChangeTableColumns,
  schema: string | undefined,
): string[] {
  const q = (name: string) => `"${name}"`;
  const qualified = (name: string) => (schema ? `${q(schema)}.${q(name)}` : q(name));
  const log = qualified(changeTable);
  const fn = qualified(checked(`${changeTable}_log`, "function"));
  const key = q(keyColumn);
  const insert = (row: "OLD" | "NEW", op: string) =>
    `INSERT INTO ${log} (${q(c.key)}, ${q(c.op)}) VALUES (${row}.${key}::text, '${op}');`;
  return [
    `CREATE TABLE IF NOT EXISTS ${log} (
  ${q(c.seq)} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ${q(c.key)} text NOT NULL,
  ${q(c.op)} char(1) NOT NULL CHECK (${q(c.op)} IN ('I', 'U', 'D')),
  ${q(c.time)} timestamptz NOT NULL DEFAULT clock_timestamp()
)`,
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $govex$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.${key} IS DISTINCT FROM NEW.${key}) THEN
    ${insert("OLD", "D")}
  END IF;
  IF TG_OP = 'INSERT' THEN
    ${insert("NEW", "I")}
  ELSIF TG_OP = 'UPDATE' THEN
    ${insert("NEW", "U")}
  END IF;
  RETURN NULL;
END
$govex$`,
    `DROP TRIGGER IF EXISTS ${q(changeTable)} ON ${qualified(table)}`,
    `CREATE TRIGGER ${q(changeTable)} AFTER INSERT OR UPDATE OR DELETE ON ${qualified(table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

function mysqlDdl(
  table: string,
  keyColumn: string,
  changeTable: string,
  c: ChangeTableColumns,
  schema: string | undefined,
): string[] {
  const q = (name: string) => `\`${name}\``;
  const qualified = (name: string) => (schema ? `${q(schema)}.${q(name)}` : q(name));
  const log = qualified(changeTable);
  const key = q(keyColumn);
  const into = `INSERT INTO ${log} (${q(c.key)}, ${q(c.op)})`;
  const trigger = (suffix: string) => qualified(checked(`${changeTable}_${suffix}`, "trigger"));
  const statements = [
    // TIMESTAMP stores UTC, so the time is right whatever the writer's session time zone.
    `CREATE TABLE IF NOT EXISTS ${log} (
  ${q(c.seq)} BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ${q(c.key)} VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  ${q(c.op)} CHAR(1) NOT NULL,
  ${q(c.time)} TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ];
  const triggers: [string, string, string][] = [
    ["ai", "INSERT", `${into} VALUES (NEW.${key}, 'I')`],
    // One statement per trigger, so no BEGIN … END and no DELIMITER in the mysql client.
    [
      "au",
      "UPDATE",
      `${into} SELECT OLD.${key}, 'D' FROM DUAL WHERE NOT (OLD.${key} <=> NEW.${key}) UNION ALL SELECT NEW.${key}, 'U' FROM DUAL`,
    ],
    ["ad", "DELETE", `${into} VALUES (OLD.${key}, 'D')`],
  ];
  for (const [suffix, event, body] of triggers) {
    statements.push(`DROP TRIGGER IF EXISTS ${trigger(suffix)}`);
    statements.push(
      `CREATE TRIGGER ${trigger(suffix)} AFTER ${event} ON ${qualified(table)} FOR EACH ROW ${body}`,
    );
  }
  return statements;
}
