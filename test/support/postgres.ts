/**
 * A throw-away PostgreSQL for tests. With `EXREC_TEST_PG_URL` set (CI starts one, see
 * .ci/postgres.sh), that server is used. Otherwise a cluster is created in a temporary folder from
 * the installed server programs, started on a free loopback port, and removed by `stop()`. Where
 * the programs are missing, the answer is `{ skip: why }` and the tests say so. Test files ask
 * through shared-postgres.ts, which gives them the run's one server.
 */
import { type ChildProcess, execFile as execFileCallback, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, promises as fs } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const execFile = promisify(execFileCallback);

/** The name under which vitest's global setup provides the shared server's endpoint (postgres-broker.ts). */
export const POSTGRES_BROKER = "exrecPostgresBroker";

declare module "vitest" {
  export interface ProvidedContext {
    /** Absent when vitest runs without this repository's configuration. */
    exrecPostgresBroker?: string;
  }
}

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Where Debian-style installs keep the server programs (not on PATH). */
const SERVER_PROGRAM_ROOT = "/usr/lib/postgresql";

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | { skip: string }> {
  const given = process.env.EXREC_TEST_PG_URL;
  if (given) return { url: given, stop: async () => undefined };

  const bin = await findServerPrograms();
  if (!bin)
    return {
      skip: `no PostgreSQL server programs (initdb, pg_ctl) under ${SERVER_PROGRAM_ROOT}/*/bin or on PATH`,
    };

  const asRoot = process.getuid?.() === 0;
  let runAs: string[] = [];
  if (asRoot) {
    // initdb refuses to run as root: run the server programs as the postgres user.
    if (!(await succeeds("id", ["-u", "postgres"])))
      return { skip: "running as root and there is no postgres user to run initdb as" };
    runAs = ["runuser", "-u", "postgres", "--"];
  }

  const folder = await fs.mkdtemp(join(tmpdir(), "exrec-pg-"));
  const data = join(folder, "data");
  const watcher = cleanUpWhenThisProcessEnds(runAs, bin, data, folder);
  const password = randomBytes(12).toString("hex");
  try {
    const passwordFile = join(folder, "pw");
    await fs.writeFile(passwordFile, password + "\n", { mode: 0o600 });
    if (asRoot) await execFile("chown", ["-R", "postgres:", folder]);
    await run(runAs, join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "exrec",
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      `--pwfile=${passwordFile}`,
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    await fs.rm(passwordFile);

    const port = await startServer(runAs, bin, folder, data);
    const base = `postgresql://exrec:${password}@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query("CREATE DATABASE exrec_test");
    } finally {
      await admin.end();
    }
    return {
      url: `${base}/exrec_test`,
      stop: async () => {
        watcher.kill("SIGKILL");
        await run(runAs, join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(
          () => undefined,
        );
        await fs.rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    watcher.kill("SIGKILL");
    await run(runAs, join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(
      () => undefined,
    );
    await fs.rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A watcher, in a session of its own (a Ctrl-C to the test run does not reach it), that stops the
 * server and removes its folder once this process has ended, however it ended: it waits for the
 * end of a pipe only this process writes to, which the system closes when this process exits or
 * is killed. A stop() that runs first kills the watcher.
 */
function cleanUpWhenThisProcessEnds(
  runAs: string[],
  bin: string,
  data: string,
  folder: string,
): ChildProcess {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const stop = [...runAs, join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"];
  const script = `read _; ${stop.map(quote).join(" ")} >/dev/null 2>&1; rm -rf ${quote(folder)}`;
  const watcher = spawn("sh", ["-c", script], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  // Neither the watcher nor its pipe keeps this process running.
  watcher.unref();
  (watcher.stdin as unknown as { unref(): void }).unref();
  watcher.on("error", () => undefined);
  return watcher;
}

/** A fresh, empty database on the same server (for tests that need a clean schema); `drop` removes it. */
export async function createDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `exrec_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function findServerPrograms(): Promise<string | null> {
  const versions = await fs.readdir(SERVER_PROGRAM_ROOT).catch(() => [] as string[]);
  const candidates = [
    ...versions
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => join(SERVER_PROGRAM_ROOT, version, "bin")),
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean),
  ];
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) ?? null;
}

/** Starts the cluster on a free loopback port; a port taken in the meantime gets another try. */
async function startServer(runAs: string[], bin: string, folder: string, data: string): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      "-c listen_addresses=127.0.0.1",
      `-p ${port}`,
      `-k ${folder}`,
      // Nothing here needs to survive a power cut; skipping the flushes keeps the tests fast.
      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    ].join(" ");
    try {
      await run(runAs, join(bin, "pg_ctl"), [
        "-D",
        data,
        "-l",
        join(folder, "server.log"),
        "-w",
        "-t",
        "30",
        "-o",
        settings,
        "start",
      ]);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  const log = await fs.readFile(join(folder, "server.log"), "utf8").catch(() => "(no log)");
  throw new Error(`could not start the throw-away PostgreSQL: ${String(lastError)}\n${log}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function run(runAs: string[], program: string, args: string[]): Promise<void> {
  const [command, ...prefix] = runAs.length ? runAs : [program];
  await execFile(command!, runAs.length ? [...prefix, program, ...args] : args, { timeout: 60_000 });
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await execFile(command, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
