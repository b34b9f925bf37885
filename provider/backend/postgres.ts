/**
 * The PostgreSQL backend, for teams whose runs start on different machines (CI runners, laptops):
 * locks are advisory locks (see pg-lock.ts), the journal and the history are tables (see
 * pg-schema.ts). A small pool serves the journal and history; each held lock has its own connection.
 */
import pg from "pg";
import type {
  Backend,
  HeldLock,
  HistoryEntry,
  JournalEntry,
  JournalPatch,
  JournalStatus,
  LockOwner,
  NewJournalEntry,
} from "../../reconciler/ports.js";
import {
  type BackendOptions,
  DEFAULT_POLL_MS,
  historyInstant,
  oldestFirst,
  parseSince,
  warnOnStderr,
} from "./common.js";
import { BackendSchemaError, JournalError } from "./errors.js";
import { databaseError, describeConnection } from "./pg-connection.js";
import { addressText, historyEntryOf } from "./history-entry.js";
import { decodeJournalEntry } from "./journal-entry.js";
import { PgLocks } from "./pg-lock.js";
import { ensureSchema, type SchemaColumns } from "./pg-schema.js";

const CONNECT_TIMEOUT_MS = 10_000;

/** Connects, creates the tables on first use (or checks their version), and returns the backend. */
export async function openPostgresBackend(
  url: string,
  options: BackendOptions = {},
): Promise<PostgresBackend> {
  const backend = new PostgresBackend(url, options);
  try {
    await backend.prepare();
  } catch (error) {
    await backend.close();
    throw error;
  }
  return backend;
}

interface JournalRow {
  id: string;
  platform: string;
  change_id: string;
  action: string;
  detail: Record<string, unknown>;
  started_at: string;
  status: JournalStatus;
  updated_at: string;
}

interface HistoryRow {
  at: string;
  who: string | null;
  git_commit: string | null;
  platform: string;
  change_id: string;
  action: string;
  address: string | null;
  result: HistoryEntry["result"];
  message: string | null;
  order_id: string | null;
  amount_ucents: string | null;
  amount_currency: string | null;
  effective: string | null;
  renewal: string | null;
}

const HISTORY_COLUMNS =
  "at, at_instant, who, git_commit, platform, change_id, action, address, result, message, order_id, amount_ucents, amount_currency, effective";
const INSERT_HISTORY = `INSERT INTO exrec_history (${HISTORY_COLUMNS}, renewal)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`;
/** Tables older than the renewal column, where this role may not add it. */
const INSERT_HISTORY_WITHOUT_RENEWAL = `INSERT INTO exrec_history (${HISTORY_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

export class PostgresBackend implements Backend {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly locks: PgLocks;
  private readonly warn: (message: string) => void;
  /** What the tables hold beyond version 1 as first made; known once `prepare` has run. */
  private columns: SchemaColumns = { historyRenewal: true };

  constructor(
    private readonly url: string,
    options: BackendOptions = {},
  ) {
    const warn = options.onWarning ?? warnOnStderr;
    this.warn = warn;
    this.description = describeConnection(url);
    const clientConfig: pg.ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    };
    this.pool = new pg.Pool({ ...clientConfig, application_name: "exrec", max: 3, idleTimeoutMillis: 5_000 });
    // An idle pooled connection that drops must not crash the process; the next query reconnects.
    this.pool.on("error", (error) =>
      warn(`a pooled connection to ${this.description} failed: ${error.message}`),
    );
    this.locks = new PgLocks({
      url,
      description: this.description,
      clientConfig,
      pollMs: options.pollMs ?? DEFAULT_POLL_MS,
      warn,
    });
  }

  /** Creates the tables if needed and checks their version. */
  async prepare(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw databaseError("connecting", this.url, error);
    }
    try {
      this.columns = await ensureSchema(client, this.description, this.warn);
    } catch (error) {
      throw error instanceof BackendSchemaError
        ? error
        : databaseError("creating exrec's tables", this.url, error);
    } finally {
      client.release();
    }
  }

  lock(scope: string[], owner: LockOwner, waitMs: number): Promise<HeldLock> {
    return this.locks.lock(scope, owner, waitMs);
  }

  async journalOpen(entry: NewJournalEntry): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO exrec_journal (id, platform, change_id, action, detail, started_at, status, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'open', $7)`,
        [
          entry.id,
          entry.platform,
          entry.changeId,
          entry.action,
          JSON.stringify(entry.detail),
          entry.startedAt,
          nowText(),
        ],
      );
    } catch (error) {
      if (sqlState(error) === "23505") {
        throw new JournalError(`journal entry ${entry.id} already exists`, entry.id, {
          hint: "journal ids must be unique; this is a bug in the caller",
        });
      }
      throw databaseError("opening a journal entry", this.url, error);
    }
  }

  async journalUpdate(id: string, patch: JournalPatch): Promise<void> {
    let updated: number;
    try {
      // `detail` is merged (jsonb ||), so that what was sent stays next to what was learnt.
      const result = await this.pool.query(
        `UPDATE exrec_journal
            SET status = COALESCE($2, status), detail = detail || COALESCE($3::jsonb, '{}'::jsonb), updated_at = $4
          WHERE id = $1`,
        [id, patch.status ?? null, patch.detail ? JSON.stringify(patch.detail) : null, nowText()],
      );
      updated = result.rowCount ?? 0;
    } catch (error) {
      throw databaseError("updating a journal entry", this.url, error);
    }
    if (updated === 0) {
      throw new JournalError(`journal entry ${id} does not exist in ${this.description}`, id, {
        hint: "open the entry with journalOpen before updating it",
      });
    }
  }

  async journalOpenEntries(platforms?: string[]): Promise<JournalEntry[]> {
    let rows: JournalRow[];
    try {
      const result = await this.pool.query<JournalRow>(
        `SELECT id, platform, change_id, action, detail, started_at, status, updated_at
           FROM exrec_journal
          WHERE status = 'open' AND ($1::text[] IS NULL OR platform = ANY($1::text[]))
          ORDER BY seq`,
        [platforms ?? null],
      );
      rows = result.rows;
    } catch (error) {
      throw databaseError("reading the journal", this.url, error);
    }
    return oldestFirst(
      rows.map((row) =>
        decodeJournalEntry(
          {
            id: row.id,
            platform: row.platform,
            changeId: row.change_id,
            action: row.action,
            detail: row.detail,
            startedAt: row.started_at,
            status: row.status,
            updatedAt: row.updated_at,
          },
          `the exrec_journal table of ${this.description}`,
        ),
      ),
    );
  }

  async historyAppend(entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const instants = entries.map((entry) => new Date(historyInstant(entry)).toISOString());
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw databaseError("connecting", this.url, error);
    }
    try {
      await client.query("BEGIN");
      for (const [index, entry] of entries.entries()) {
        await client.query(this.columns.historyRenewal ? INSERT_HISTORY : INSERT_HISTORY_WITHOUT_RENEWAL, [
          entry.at,
          instants[index],
          entry.who,
          entry.commit,
          entry.platform,
          entry.changeId,
          entry.action,
          addressText(entry.addresses),
          entry.result,
          entry.message,
          entry.orderId,
          entry.amount?.ucents ?? null,
          entry.amount?.currency ?? null,
          entry.effective ?? null,
          ...(this.columns.historyRenewal ? [entry.renewal ?? null] : []),
        ]);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw databaseError("appending to the history", this.url, error);
    } finally {
      client.release();
    }
  }

  async historyList(since: string | null): Promise<HistoryEntry[]> {
    const from = parseSince(since);
    let rows: HistoryRow[];
    try {
      const result = await this.pool.query<HistoryRow>(
        `SELECT at, who, git_commit, platform, change_id, action, address, result, message,
                order_id::text, amount_ucents::text, amount_currency, effective,
                ${this.columns.historyRenewal ? "renewal" : "NULL::text AS renewal"}
           FROM exrec_history
          WHERE $1::timestamptz IS NULL OR at_instant >= $1::timestamptz
          ORDER BY seq`,
        [from === null ? null : new Date(from).toISOString()],
      );
      rows = result.rows;
    } catch (error) {
      throw databaseError("reading the history", this.url, error);
    }
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      const entry = historyEntryOf({
        at: row.at,
        who: row.who,
        commit: row.git_commit,
        platform: row.platform,
        changeId: row.change_id,
        action: row.action,
        address: row.address,
        result: row.result,
        message: row.message,
        orderId: row.order_id === null ? null : Number(row.order_id),
        amount:
          row.amount_ucents === null || row.amount_currency === null
            ? null
            : { ucents: Number(row.amount_ucents), currency: row.amount_currency },
        effective: row.effective,
        renewal: row.renewal,
      });
      if ("unreadable" in entry) {
        this.warn(
          `the exrec_history entry of ${row.platform} change ${row.change_id} in ${this.description} is skipped: ${entry.unreadable}`,
        );
      } else entries.push(entry);
    }
    return entries;
  }

  /** Releases the locks still held, then ends the pool. */
  async close(): Promise<void> {
    await this.locks.releaseAll();
    if (!this.pool.ended) await this.pool.end();
  }
}

function nowText(): string {
  return new Date().toISOString();
}

function sqlState(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}
