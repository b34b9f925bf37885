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
  effective       text
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

/** Creates the tables if the database has none; refuses a newer schema. `database` names it in errors. */
export async function ensureSchema(client: pg.ClientBase, database: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [SCHEMA_LOCK_KEY.toString()]);
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
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
