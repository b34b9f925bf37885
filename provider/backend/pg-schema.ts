/**
 * The tables of the PostgreSQL backend, created on first use. Creation runs in one transaction
 * under a fixed advisory lock, so several exrec starting at once create them exactly once. The
 * version in `exrec_schema` lets a later exrec change the tables, and lets this one refuse tables
 * it does not understand rather than misread them.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { BackendSchemaError } from "./errors.js";

export const SCHEMA_VERSION = 1;

/**
 * A 64-bit advisory lock key, from sha256 of a text. Platform keys are hashed as `exrec:<key>`;
 * the schema lock uses another prefix, so the two never collide.
 */
export function advisoryKey(text: string): bigint {
  return createHash("sha256").update(text).digest().readBigInt64BE(0);
}

export function platformLockKey(platform: string): bigint {
  return advisoryKey(`exrec:${platform}`);
}

const SCHEMA_LOCK_KEY = advisoryKey("exrec-schema");

const CREATE_TABLES = `
CREATE TABLE exrec_journal (
  id          text PRIMARY KEY,
  platform    text NOT NULL,
  change_id   text NOT NULL,
  action      text NOT NULL,
  detail      jsonb NOT NULL,
  started_at  text NOT NULL,
  status      text NOT NULL CHECK (status IN ('open', 'done', 'failed')),
  updated_at  text NOT NULL,
  seq         bigserial NOT NULL
);
CREATE INDEX exrec_journal_open ON exrec_journal (platform) WHERE status = 'open';

CREATE TABLE exrec_history (
  seq             bigserial PRIMARY KEY,
  at              text NOT NULL,
  at_instant      timestamptz NOT NULL,
  who             text,
  git_commit      text,
  platform        text NOT NULL,
  change_id       text NOT NULL,
  action          text NOT NULL,
  address         text,
  result          text NOT NULL CHECK (result IN ('done', 'failed', 'skipped')),
  message         text,
  order_id        bigint,
  amount_ucents   bigint,
  amount_currency text,
  effective       text,
  renewal         text
);
CREATE INDEX exrec_history_at ON exrec_history (at_instant);

CREATE TABLE exrec_locks (
  key          text PRIMARY KEY,
  pid          integer NOT NULL,
  host         text NOT NULL,
  who          text,
  started_at   text NOT NULL,
  scope        jsonb NOT NULL,
  session_pid  integer NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now()
);
`;

/** What the tables of this database hold beyond version 1 as first made. */
export interface SchemaColumns {
  /** `exrec_history.renewal`: absent where the tables are older and this role may not add it. */
  historyRenewal: boolean;
}

/**
 * Creates the tables if the database has none; refuses a newer schema. `database` names it in
 * errors. `warn` hears of a column this role may not add (the tables are another role's).
 */
export async function ensureSchema(
  client: pg.ClientBase,
  database: string,
  warn: (message: string) => void,
): Promise<SchemaColumns> {
  let columns: SchemaColumns = { historyRenewal: true };
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [SCHEMA_LOCK_KEY.toString()]);
    // Looked up before it is created: CREATE TABLE IF NOT EXISTS needs the right to create in the
    // schema even when the table is there, and a role granted only reading and writing has none.
    const { rows: made } = await client.query<{ made: boolean }>(
      "SELECT to_regclass('exrec_schema') IS NOT NULL AS made",
    );
    if (made[0]?.made !== true)
      await client.query("CREATE TABLE IF NOT EXISTS exrec_schema (version integer NOT NULL)");
    const { rows } = await client.query<{ version: number | null }>(
      "SELECT max(version) AS version FROM exrec_schema",
    );
    const found = rows[0]?.version ?? null;
    if (found === null) {
      await client.query(CREATE_TABLES);
      await client.query("INSERT INTO exrec_schema (version) VALUES ($1)", [SCHEMA_VERSION]);
    } else if (found > SCHEMA_VERSION) {
      throw new BackendSchemaError(database, found, SCHEMA_VERSION);
    } else {
      const present = await addCompatibleColumns(client, database, warn);
      columns = { historyRenewal: present.has("exrec_history.renewal") };
    }
    await client.query("COMMIT");
    return columns;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Columns added after the tables were first made, each nullable and named by no earlier exrec's
 * statements (they name their columns), so adding one keeps the version: an earlier exrec still
 * reads and appends, and its rows read back with the column null ("not recorded"). Each is looked
 * up first, because ALTER TABLE takes the table's strongest lock even when it has nothing to do.
 */
const COMPATIBLE_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  // The period a `renew` entry switched to, for drift to tell a switch made outside exrec.
  { table: "exrec_history", column: "renewal", type: "text" },
];

/** Adds the missing columns this role may add; returns `table.column` of those present after. */
async function addCompatibleColumns(
  client: pg.ClientBase,
  database: string,
  warn: (message: string) => void,
): Promise<Set<string>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
    [COMPATIBLE_COLUMNS.map((c) => c.table)],
  );
  const present = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  for (const { table, column, type } of COMPATIBLE_COLUMNS) {
    const name = `${table}.${column}`;
    if (present.has(name)) continue;
    // Only the tables' owner may alter them: a role the owner granted reading and writing goes on
    // without the column, as an earlier exrec does, rather than being shut out of the backend.
    await client.query("SAVEPOINT exrec_add_column");
    try {
      await client.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
      present.add(name);
    } catch (error) {
      if ((error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      await client.query("ROLLBACK TO SAVEPOINT exrec_add_column");
      warn(
        `${database}: ${name} is missing and this role may not add it (only the tables' owner may); ` +
          `history is kept without it until an exrec run by the owner adds it`,
      );
    }
  }
  return present;
}

/** PostgreSQL's SQLSTATE for "permission denied" (insufficient_privilege). */
const INSUFFICIENT_PRIVILEGE = "42501";
