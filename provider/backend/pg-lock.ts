/**
 * Platform locks of the PostgreSQL backend.
 *
 * Each `lock()` opens ONE dedicated connection and takes, on it, a session-level advisory lock per
 * platform (`pg_try_advisory_lock`, key from sha256 of `exrec:<platform>`), in sorted order. The
 * advisory lock is the exclusion; a row in `exrec_locks` only names the holder for the message of
 * a waiting run. A dedicated connection matters: advisory locks are re-entrant within a session,
 * so two locks taken through one pooled session would not exclude each other.
 *
 * A holder that crashes loses its session, and PostgreSQL frees its advisory locks by itself: there
 * is no stale lock to clean up, only a leftover row, which the next holder overwrites (and names in
 * a warning). The flip side: if the connection of a live holder drops, its locks are gone too; the
 * backend warns when that happens.
 */
import { hostname } from "node:os";
import pg from "pg";
import type { HeldLock, LockOwner } from "../../reconciler/ports.js";
import { lockOrder, once, sleep } from "./common.js";
import { LockHeldError } from "./errors.js";
import { databaseError } from "./pg-connection.js";
import { platformLockKey } from "./pg-schema.js";

interface LockRow {
  pid: number;
  host: string;
  who: string | null;
  started_at: string;
  session_pid: number;
}

export interface PgLockSettings {
  url: string;
  description: string;
  clientConfig: pg.ClientConfig;
  pollMs: number;
  warn: (message: string) => void;
}

export class PgLocks {
  private readonly held = new Set<HeldLock>();

  constructor(private readonly settings: PgLockSettings) {}

  async lock(scope: string[], owner: LockOwner, waitMs: number): Promise<HeldLock> {
    const keys = lockOrder(scope);
    const client = new pg.Client({ ...this.settings.clientConfig, application_name: "exrec-lock" });
    let releasing = false;
    client.on("error", (error) => {
      if (releasing) return;
      this.settings.warn(
        `lost the database connection that holds the lock on ${keys.join(", ")} (${error.message}); ` +
          "PostgreSQL has released that lock, so another exrec may now start on these platforms",
      );
    });
    try {
      await client.connect();
    } catch (error) {
      throw databaseError("connecting to take a lock", this.settings.url, error);
    }

    const startedWaiting = Date.now();
    const deadline = startedWaiting + Math.max(0, waitMs);
    try {
      for (const key of keys) await this.acquire(client, key, keys, owner, deadline, startedWaiting);
    } catch (error) {
      releasing = true;
      // Ending the session frees every advisory lock it took.
      await client.end().catch(() => undefined);
      throw error instanceof LockHeldError ? error : databaseError("taking a lock", this.settings.url, error);
    }

    const lock: HeldLock = {
      scope: keys,
      release: once(async () => {
        this.held.delete(lock);
        releasing = true;
        try {
          await client.query(
            "DELETE FROM exrec_locks WHERE key = ANY($1::text[]) AND session_pid = pg_backend_pid()",
            [keys],
          );
          await client.query("SELECT pg_advisory_unlock_all()");
        } catch (error) {
          this.settings.warn(
            `could not clear the lock rows of ${keys.join(", ")}: ${databaseError("releasing a lock", this.settings.url, error).message}`,
          );
        } finally {
          await client.end().catch(() => undefined);
        }
      }),
    };
    this.held.add(lock);
    return lock;
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((lock) => lock.release()));
  }

  private async acquire(
    client: pg.Client,
    key: string,
    scope: string[],
    owner: LockOwner,
    deadline: number,
    startedWaiting: number,
  ): Promise<void> {
    const advisory = platformLockKey(key);
    for (;;) {
      const { rows } = await client.query<{ got: boolean }>(
        "SELECT pg_try_advisory_lock($1::bigint) AS got",
        [advisory.toString()],
      );
      if (rows[0]?.got) {
        await this.recordHolder(client, key, scope, owner);
        return;
      }
      const now = Date.now();
      if (now >= deadline) throw await this.heldError(client, key, advisory, now - startedWaiting);
      await sleep(Math.min(this.settings.pollMs, deadline - now));
    }
  }

  private async recordHolder(
    client: pg.Client,
    key: string,
    scope: string[],
    owner: LockOwner,
  ): Promise<void> {
    const previous = await client.query<LockRow>(
      "SELECT pid, host, who, started_at, session_pid FROM exrec_locks WHERE key = $1",
      [key],
    );
    const left = previous.rows[0];
    if (left) {
      this.settings.warn(
        `platform ${key} was last locked by pid ${left.pid} on ${left.host}${left.who ? ` (${left.who})` : ""} ` +
          `since ${left.started_at}, which ended without releasing it; its database session is gone, so PostgreSQL ` +
          "had already freed the lock. Check the journal for operations it left unfinished.",
      );
    }
    await client.query(
      `INSERT INTO exrec_locks (key, pid, host, who, started_at, scope, session_pid)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, pg_backend_pid())
       ON CONFLICT (key) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, who = EXCLUDED.who,
         started_at = EXCLUDED.started_at, scope = EXCLUDED.scope, session_pid = EXCLUDED.session_pid, acquired_at = now()`,
      [key, owner.pid, owner.host, owner.who, owner.startedAt, JSON.stringify(scope)],
    );
  }

  /**
   * Names the holder: the session that holds the advisory lock (from `pg_locks`, where a bigint key
   * shows as its high half in `classid` and low half in `objid`), and its row in `exrec_locks`.
   * A row written by another session is not trusted: it is a leftover.
   */
  private async heldError(
    client: pg.Client,
    key: string,
    advisory: bigint,
    waitedMs: number,
  ): Promise<LockHeldError> {
    const unsigned = BigInt.asUintN(64, advisory);
    const { rows } = await client.query<Partial<LockRow> & { holder_session: number }>(
      `SELECT l.pid AS holder_session, r.pid, r.host, r.who, r.started_at
         FROM pg_locks l
         LEFT JOIN exrec_locks r ON r.key = $3 AND r.session_pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString(), key],
    );
    const row = rows[0];
    const holder: LockOwner | null =
      row && typeof row.pid === "number" && typeof row.host === "string" && typeof row.started_at === "string"
        ? { pid: row.pid, host: row.host, who: row.who ?? null, startedAt: row.started_at }
        : null;
    const session = row ? ` (database session ${row.holder_session})` : "";
    const where = `advisory lock of ${key} in ${this.settings.description}${session}`;
    const hint =
      `another exrec is working on this platform; wait for it to finish and try again` +
      (holder
        ? ` (or stop pid ${holder.pid} on ${holder.host === hostname() ? "this host" : holder.host})`
        : "") +
      (row
        ? `. If that process is stuck and cannot be stopped, an administrator can end its session with SELECT pg_terminate_backend(${row.holder_session}), which frees the lock`
        : "");
    return new LockHeldError(key, holder, holder ? "live" : "unknown", where, waitedMs, { hint });
  }
}
