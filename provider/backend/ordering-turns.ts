/**
 * Host-wide turns for ordering and adding (the `OrderingTurns` port): lock files in the system's
 * temporary folder, one per OVHcloud account and service (or address being added), made and taken over exactly as the local backend's
 * platform locks are (local-lock.ts: exclusive create, holder recorded, a dead holder's lock taken
 * over). Two exrec processes of this host with different backends (two checkouts, each its own
 * `.exrec`) thereby take turns at ordering for the same need, and the second sees the first's order.
 *
 * The key is the API endpoint (a URL, or the embedded sandbox's state file), who the credentials
 * are (application and consumer key, or OAuth2 client id) and the service, all hashed: the lock
 * file names and holds no key. The folder is per user (`exrec-ordering-<uid>`), kept 0700.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExrecError, InterruptedError } from "../../reconciler/errors.js";
import type { HeldLock, LockOwner, OrderingTurns } from "../../reconciler/ports.js";
import { DEFAULT_POLL_MS, sleep, warnOnStderr } from "./common.js";
import { BackendError, LockHeldError, OrderingTurnTimeoutError } from "./errors.js";
import { LocalLocks, lockFilePath } from "./local-lock.js";

export interface OrderingTurnsOptions {
  /**
   * Who this process talks to as: the endpoint and the credentials' identity. Hashed at once and
   * never kept; the same text in two processes means the same turns.
   */
  account: string;
  /** Who takes the turns, as recorded in the lock file (pid, host, user, since). */
  owner: () => LockOwner;
  /** How long to wait for another process's turn to end before giving up. */
  waitMs: number;
  /** The folder of the turns (default: `exrec-ordering-<uid>` in the system's temporary folder). */
  dir?: string;
  pollMs?: number;
  onWarning?: (message: string) => void;
}

/** Long enough for another run's ordering (a few reads, one POST and its unknown-outcome grace). */
export const DEFAULT_ORDERING_WAIT_MS = 5 * 60_000;

export function defaultOrderingDir(): string {
  const uid = typeof process.getuid === "function" ? String(process.getuid()) : "user";
  return join(tmpdir(), `exrec-ordering-${uid}`);
}

export function hostOrderingTurns(options: OrderingTurnsOptions): OrderingTurns {
  const dir = options.dir ?? defaultOrderingDir();
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const warn = options.onWarning ?? warnOnStderr;
  const account = createHash("sha256").update(options.account).digest("hex");
  const locks = new LocalLocks(dir, pollMs, warn);
  let checked: Promise<void> | null = null;

  /** The lock key: readable by its platform, told apart by the account's hash. */
  const keyOf = (platform: string) => `${platform} ${account.slice(0, 16)}`;

  return {
    location: join(dir, "locks"),
    async take(platform, { signal, onWait }): Promise<HeldLock> {
      checked ??= checkFolder(dir);
      await checked;
      const key = keyOf(platform);
      const started = Date.now();
      let told = false;
      for (;;) {
        if (signal?.aborted) {
          throw new InterruptedError(
            `interrupted while waiting for the turn to order or add on ${platform}`,
            {
              hint: "nothing was ordered or added there; run the same command again",
            },
          );
        }
        try {
          // One attempt (a dead holder's lock is taken over on it); the waiting is done here, so
          // that Ctrl-C ends it at once.
          return await locks.lock([key], options.owner(), 0);
        } catch (error) {
          if (!(error instanceof LockHeldError)) throw unusable(dir, error);
          const waited = Date.now() - started;
          if (waited >= options.waitMs) {
            throw new OrderingTurnTimeoutError(platform, error.holder, lockFilePath(dir, key), waited);
          }
          if (!told) {
            told = true;
            onWait?.(describe(error.holder));
          }
          await abortableSleep(Math.min(pollMs, options.waitMs - waited), signal);
        }
      }
    },
  };
}

function describe(holder: LockOwner | null): string {
  return holder === null
    ? "a process whose lock file cannot be read"
    : `pid ${holder.pid}${holder.who ? ` (${holder.who})` : ""}, since ${holder.startedAt}`;
}

/**
 * The folder must be this user's own and closed to others: it sits in a temporary folder that
 * every user can write to, and a folder planted there by someone else must not be trusted.
 */
async function checkFolder(dir: string): Promise<void> {
  let stat: Awaited<ReturnType<typeof fs.lstat>>;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    stat = await fs.lstat(dir);
  } catch (error) {
    throw unusable(dir, error);
  }
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (!stat.isDirectory() || (uid !== null && stat.uid !== uid) || (stat.mode & 0o022) !== 0) {
    throw new BackendError(
      `the folder of ordering turns ${dir} is not a folder of this user closed to others; nothing was ordered`,
      { hint: `remove ${dir} (another user or program made it), then run apply again` },
    );
  }
}

/** A file system error met while taking a turn, as a BackendError naming the folder. */
function unusable(dir: string, error: unknown): unknown {
  if (error instanceof ExrecError) return error;
  const code = (error as { code?: unknown }).code;
  return new BackendError(
    `the folder of ordering turns ${dir} cannot be used (${typeof code === "string" ? code : String(error)}); nothing was ordered or added there`,
    {
      hint: "make the system's temporary folder writable (or point TMPDIR at one that is), then run apply again",
    },
  );
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
