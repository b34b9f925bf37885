/**
 * What the backend tests share: a fresh backend of each kind per test (a temporary `.exrec`
 * folder; for PostgreSQL, a fresh database on a throw-away server too), and child processes that
 * take locks (fixtures/lock-child.ts) so that exclusion is tested between real processes.
 *
 * The children run compiled, from dist/ (built by `npm test`'s pretest, as the CLI the other tests
 * run is): a TypeScript loader would cost each child more start-up than the test it serves.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { openBackend } from "../../provider/backend/index.js";
import type { Backend, LockOwner } from "../../reconciler/ports.js";
import { loopbackChildEnv } from "../support/child-env.js";
import { createDatabase, type ThrowawayPostgres } from "../support/postgres.js";
import { testPostgres } from "../support/shared-postgres.js";

export const REPO = resolve(import.meta.dirname, "..", "..");
const LOCK_CHILD = join(REPO, "dist", "test", "backend", "fixtures", "lock-child.js");
const JOURNAL_CHILD = join(REPO, "dist", "test", "backend", "fixtures", "journal-child.js");

export type BackendKind = "local" | "postgres";

/** One backend under test: its `--backend` value, its `.exrec` folder, and the warnings it gave. */
export interface Subject {
  kind: BackendKind;
  spec: string | undefined;
  dir: string;
  warnings: string[];
  /** Opens a new instance on the same storage (optionally from another `.exrec` folder). */
  open(dir?: string): Promise<Backend>;
  /** Another `.exrec` folder, removed with the subject. */
  otherFolder(): Promise<string>;
  /**
   * Stores journal entries as they are, past the backend's checks, as an earlier exrec or a hand
   * edit would have left them: journal.json written whole, or rows inserted into exrec_journal
   * (whose tables a backend opened once has created).
   */
  storeJournal(entries: Record<string, unknown>[]): Promise<void>;
  /**
   * Stores history entries as they are, in the stored shape (`address` one text), past the
   * backend's checks: lines appended to history.jsonl, or rows inserted into exrec_history.
   */
  storeHistory(entries: Record<string, unknown>[]): Promise<void>;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = "exrec-backend-"): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), prefix));
}

export async function makeSubject(kind: BackendKind, server: ThrowawayPostgres | null): Promise<Subject> {
  const dir = await tempDir();
  const database = kind === "postgres" ? await createDatabase(server!.url) : null;
  const opened: Backend[] = [];
  const warnings: string[] = [];
  const folders = [dir];
  return {
    kind,
    spec: database?.url,
    dir,
    warnings,
    async open(otherDir = dir) {
      const backend = await openBackend(database?.url, {
        dir: otherDir,
        pollMs: 25,
        onWarning: (m) => warnings.push(m),
      });
      opened.push(backend);
      return backend;
    },
    async otherFolder() {
      const other = await tempDir();
      folders.push(other);
      return other;
    },
    async storeJournal(entries) {
      if (database === null) {
        const byId = Object.fromEntries(entries.map((e) => [String(e.id), e]));
        await fs.writeFile(join(dir, "journal.json"), JSON.stringify({ formatVersion: 1, entries: byId }));
        return;
      }
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        for (const e of entries) {
          await client.query(
            `INSERT INTO exrec_journal (id, platform, change_id, action, detail, started_at, status, updated_at)
             VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
            [
              e.id,
              e.platform,
              e.changeId,
              e.action,
              JSON.stringify(e.detail),
              e.startedAt,
              e.status,
              e.updatedAt,
            ],
          );
        }
      } finally {
        await client.end();
      }
    },
    async storeHistory(entries) {
      if (database === null) {
        const lines = entries.map((e) => `${JSON.stringify(e)}\n`).join("");
        await fs.appendFile(join(dir, "history.jsonl"), lines);
        return;
      }
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        for (const e of entries) {
          const amount = e.amount as { ucents: number; currency: string } | null;
          await client.query(
            `INSERT INTO exrec_history (at, at_instant, who, git_commit, platform, change_id, action, address,
                                        result, message, order_id, amount_ucents, amount_currency, effective)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            [
              e.at,
              new Date(String(e.at)).toISOString(),
              e.who,
              e.commit,
              e.platform,
              e.changeId,
              e.action,
              e.address,
              e.result,
              e.message,
              e.orderId,
              amount?.ucents ?? null,
              amount?.currency ?? null,
              e.effective ?? null,
            ],
          );
        }
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      await Promise.all(opened.map((backend) => backend.close()));
      await database?.drop();
      await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
    },
  };
}

/** The PostgreSQL server of a test file (the run's shared one), or why there is none. */
export async function postgresForTests(): Promise<{ server: ThrowawayPostgres | null; skip: string | null }> {
  const started = await testPostgres();
  return "skip" in started ? { server: null, skip: started.skip } : { server: started, skip: null };
}

export function owner(who: string, pid = process.pid): LockOwner {
  return { pid, host: hostname(), who, startedAt: new Date().toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

export interface ChildOutcome {
  ok: boolean;
  pid: number;
  code?: string;
  message?: string;
  hint?: string;
  holder?: LockOwner | null;
  warnings: string[];
}

export interface LockChild {
  process: ChildProcess;
  pid: number;
  /** Resolves with what the child printed when it exits; rejects if it printed nothing usable. */
  outcome: Promise<ChildOutcome>;
}

export interface LockChildConfig {
  spec: string | undefined;
  dir: string;
  keys: string[];
  waitMs: number;
  log: string;
  label: string;
  releaseFile?: string;
  holdMs?: number;
}

/** Starts fixtures/lock-child.ts (compiled); killed after 30 s whatever happens. */
export function startLockChild(config: LockChildConfig): LockChild {
  const child = spawn(process.execPath, [LOCK_CHILD, JSON.stringify(config)], {
    cwd: REPO,
    env: loopbackChildEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const outcome = new Promise<ChildOutcome>((resolvePromise, reject) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolvePromise(JSON.parse(line) as ChildOutcome);
      } catch {
        reject(
          new Error(
            `lock child ${config.label} exited (${code ?? signal}) without an outcome:\n${stdout}\n${stderr}`,
          ),
        );
      }
    });
  });
  outcome.catch(() => undefined); // a test that kills the child on purpose does not read it
  return { process: child, pid: child.pid!, outcome };
}

/** Runs fixtures/journal-child.ts to the end; rejects if it did not finish well within 30 s. */
export function runJournalChild(config: {
  spec: string | undefined;
  dir: string;
  prefix: string;
  count: number;
}): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [JOURNAL_CHILD, JSON.stringify(config)], {
      cwd: REPO,
      env: loopbackChildEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) =>
      code === 0 && output.includes('"ok":true')
        ? resolvePromise()
        : reject(new Error(`journal child failed (${code}):\n${output}`)),
    );
  });
}

export interface LogEvent {
  label: string;
  event: "trying" | "enter" | "leave";
  at: number;
}

export async function readLog(path: string): Promise<LogEvent[]> {
  const text = await fs.readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [label, event, at] = line.split(" ");
      return { label: label!, event: event as LogEvent["event"], at: Number(at) };
    });
}

/** Waits until the log holds `label event`; fails after `timeoutMs`. */
export async function waitForLog(
  path: string,
  label: string,
  event: LogEvent["event"],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await readLog(path)).some((e) => e.label === label && e.event === event)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `${label} never logged ${event} within ${timeoutMs} ms: ${JSON.stringify(await readLog(path))}`,
  );
}

/**
 * The periods during which each label held the lock, checked to be well formed (every enter
 * followed by its own leave), in order of entry.
 */
export function holdPeriods(events: LogEvent[]): { label: string; enter: number; leave: number }[] {
  const periods: { label: string; enter: number; leave: number }[] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.event === "enter") open.set(e.label, e.at);
    if (e.event === "leave") {
      const enter = open.get(e.label);
      if (enter === undefined) throw new Error(`${e.label} left without entering`);
      periods.push({ label: e.label, enter, leave: e.at });
      open.delete(e.label);
    }
  }
  return periods.sort((a, b) => a.enter - b.enter);
}

/** A pid that belonged to a process of this host that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { env: loopbackChildEnv(), stdio: "ignore" });
  const pid = child.pid!;
  await new Promise((r) => child.on("close", r));
  return pid;
}
