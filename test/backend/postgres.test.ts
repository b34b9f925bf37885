/**
 * What only the PostgreSQL backend does: its tables and their version, the rows that name lock
 * holders, and connection failures reported without the password. Runs on a throw-away server;
 * skipped, saying why, where PostgreSQL is not installed.
 */
import { promises as fs } from "node:fs";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import pg from "pg";
import {
  BackendError,
  BackendSchemaError,
  openBackend,
  SCHEMA_VERSION,
} from "../../provider/backend/index.js";
import type { Backend, HistoryEntry } from "../../reconciler/ports.js";
import { toAddress } from "../../reconciler/model.js";
import { createDatabase } from "../support/postgres.js";
import { owner, postgresForTests, tempDir } from "./harness.js";

const postgres = await postgresForTests();

/** A history entry of a renewal switched to yearly, as apply appends it. */
function yearlyRenewal(changeId: string, address: string): HistoryEntry {
  return {
    at: "2026-03-01T10:00:00.000Z",
    who: null,
    commit: null,
    platform: "org/svc",
    changeId,
    action: "renew",
    addresses: [toAddress(address)],
    result: "done",
    message: null,
    orderId: null,
    amount: null,
    renewal: "yearly",
  };
}
afterAll(() => postgres.server?.stop());

describe.skipIf(postgres.skip !== null)(
  `PostgreSQL backend${postgres.skip ? ` (skipped: ${postgres.skip})` : ""}`,
  () => {
    let database: { url: string; drop(): Promise<void> };
    let dir: string;
    const opened: Backend[] = [];
    const open = async (url = database.url) => {
      const backend = await openBackend(url, { dir, pollMs: 25, onWarning: () => undefined });
      opened.push(backend);
      return backend;
    };
    const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.end();
      }
    };

    beforeEach(async () => {
      database = await createDatabase(postgres.server!.url);
      dir = await tempDir();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await database.drop();
      await fs.rm(dir, { recursive: true, force: true });
    });

    test("the tables are created on first use, exactly once even when several exrec start together", async () => {
      await Promise.all([open(), open(), open()]);
      await open();
      expect(await query("SELECT version FROM exrec_schema")).toEqual([{ version: SCHEMA_VERSION }]);
      const tables = await query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'exrec_%' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        "exrec_history",
        "exrec_journal",
        "exrec_locks",
        "exrec_schema",
      ]);
    });

    test("a database whose exrec tables are of a newer version is refused, and left as it was", async () => {
      await open();
      await query(`UPDATE exrec_schema SET version = ${SCHEMA_VERSION + 1}`);
      const error = await open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendSchemaError);
      expect((error as BackendSchemaError).code).toBe("EXREC_BACKEND_SCHEMA");
      expect((error as BackendSchemaError).message).toContain(`version ${SCHEMA_VERSION + 1}`);
      expect((error as BackendSchemaError).hint).toContain("upgrade exrec");
      expect(await query("SELECT version FROM exrec_schema")).toEqual([{ version: SCHEMA_VERSION + 1 }]);
    });

    test("tables made before the history kept a renewal's period gain that column, keep their rows and their version", async () => {
      await open();
      await query("ALTER TABLE exrec_history DROP COLUMN renewal");
      await query(
        `INSERT INTO exrec_history (at, at_instant, platform, change_id, action, address, result)
         VALUES ('2026-02-01T10:00:00.000Z', '2026-02-01T10:00:00.000Z', 'org/svc', 'old', 'renew', 'ann@acme.example', 'done')`,
      );
      const backend = await open();
      await backend.historyAppend([yearlyRenewal("new", "bob@acme.example")]);
      expect((await backend.historyList(null)).map((e) => [e.changeId, e.renewal])).toEqual([
        ["old", undefined],
        ["new", "yearly"],
      ]);
      expect(await query("SELECT version FROM exrec_schema")).toEqual([{ version: SCHEMA_VERSION }]);
    });

    test("a role granted only reading and writing opens the backend; on older tables it goes on without the renewal column, saying so", async () => {
      await open();
      await query("ALTER TABLE exrec_history DROP COLUMN renewal");
      const [me] = await query<{ rolsuper: boolean }>(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
      );
      if (!me?.rolsuper) return; // Making a second role needs a superuser: the throw-away server's is one.
      const role = `exrec_writer_${process.pid}_${Date.now()}`;
      await query(`CREATE ROLE ${role} LOGIN PASSWORD 'writer-password'`);
      try {
        await query(`GRANT USAGE ON SCHEMA public TO ${role}`);
        await query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
        await query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
        const asWriter = new URL(database.url);
        asWriter.username = role;
        asWriter.password = "writer-password";
        const warnings: string[] = [];
        const backend = await openBackend(asWriter.toString(), {
          dir,
          pollMs: 25,
          onWarning: (m) => warnings.push(m),
        });
        opened.push(backend);
        await backend.historyAppend([yearlyRenewal("c1", "ann@acme.example")]);
        expect((await backend.historyList(null)).map((e) => [e.changeId, e.renewal])).toEqual([
          ["c1", undefined],
        ]);
        expect(warnings.join("\n")).toContain(
          "exrec_history.renewal is missing and this role may not add it",
        );
        expect(warnings.join("\n")).not.toContain("writer-password");
        await backend.close();
      } finally {
        await query(`DROP OWNED BY ${role}`);
        await query(`DROP ROLE ${role}`);
      }
    });

    test("a held lock has a row naming its holder, removed on release", async () => {
      const backend = await open();
      const me = owner("alice");
      const lock = await backend.lock(["org/b", "org/a"], me, 0);
      const rows = await query<{
        key: string;
        pid: number;
        host: string;
        who: string;
        started_at: string;
        scope: string[];
      }>("SELECT key, pid, host, who, started_at, scope FROM exrec_locks ORDER BY key");
      expect(rows).toEqual(
        ["org/a", "org/b"].map((key) => ({
          key,
          pid: me.pid,
          host: me.host,
          who: "alice",
          started_at: me.startedAt,
          scope: ["org/a", "org/b"],
        })),
      );
      await lock.release();
      expect(await query("SELECT key FROM exrec_locks")).toEqual([]);
    });

    test("a leftover row of a holder whose session ended names nobody: the lock is free and the row is replaced", async () => {
      const backend = await open();
      await query(
        "INSERT INTO exrec_locks (key, pid, host, who, started_at, scope, session_pid) VALUES ('org/svc', 1, 'gone.example', 'bob', '2026-01-01T00:00:00Z', '[]', 1)",
      );
      const me = owner("alice");
      await backend.lock(["org/svc"], me, 0);
      expect(await query("SELECT pid, who FROM exrec_locks")).toEqual([{ pid: me.pid, who: "alice" }]);
    });

    test("a wrong password is reported as EXREC_BACKEND without the password", async () => {
      const wrong = new URL(database.url);
      wrong.password = "Wr0ng-S3cret-Value";
      const error = await open(wrong.toString()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      const { message, hint } = error as BackendError;
      expect(message).not.toContain("Wr0ng-S3cret-Value");
      expect(message).toContain("exrec:****@");
      expect(hint).toContain("user and password");
    });

    test("an unreachable server is reported as EXREC_BACKEND without the password, with what to check", async () => {
      const closed = new URL(database.url);
      closed.port = "1"; // nothing listens on port 1 of the loopback
      const error = await open(closed.toString()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).message).not.toContain(new URL(database.url).password);
      expect((error as BackendError).message).toContain("ECONNREFUSED");
      expect((error as BackendError).hint).toContain("host and port");
    });
  },
);
