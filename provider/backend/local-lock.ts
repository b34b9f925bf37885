/**
 * Platform locks of the local backend: one file per platform key in `<dir>/locks/`, holding who
 * took it (JSON `{pid, host, who, startedAt, scope}`).
 *
 * - Keys are taken one by one in sorted order (see `lockOrder`), each created exclusively.
 * - A lock whose holder runs on this host and whose pid is gone is stale: it is taken over, under a
 *   short takeover mutex so that two waiters never both take it, and named in a warning.
 * - A lock from another host is never taken over: exrec cannot see that host's processes.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { HeldLock, LockOwner } from "../../reconciler/ports.js";
import { lockOrder, once, sleep } from "./common.js";
import { LockHeldError } from "./errors.js";
import {
  type CreatedFile,
  createExclusive,
  isProcessAlive,
  removeIfUnchanged,
  snapshot,
  withFileMutex,
} from "./exclusive-file.js";

/** The content of a lock file. */
export interface LockFileContent extends LockOwner {
  scope: string[];
}

/**
 * The lock file name of a platform key: the key with every character outside `[A-Za-z0-9._-]`
 * replaced by `_`, plus a hash of the exact key so that `a/b` and `a_b` never share a file.
 */
export function lockFileName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80);
  const digest = createHash("sha256").update(key).digest("hex").slice(0, 12);
  return `${readable}-${digest}.lock`;
}

export function lockFilePath(dir: string, key: string): string {
  return join(dir, "locks", lockFileName(key));
}

type Holder =
  | { kind: "missing" }
  | { kind: "owner"; owner: LockFileContent; ino: number; text: string }
  | { kind: "unreadable"; ino: number };

export class LocalLocks {
  private readonly held = new Set<HeldLock>();

  constructor(
    private readonly dir: string,
    private readonly pollMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  async lock(scope: string[], owner: LockOwner, waitMs: number): Promise<HeldLock> {
    const keys = lockOrder(scope);
    await fs.mkdir(join(this.dir, "locks"), { recursive: true, mode: 0o700 });
    const content = JSON.stringify({ ...owner, scope: keys } satisfies LockFileContent, null, 2) + "\n";
    const startedWaiting = Date.now();
    const deadline = startedWaiting + Math.max(0, waitMs);
    const taken: CreatedFile[] = [];
    try {
      for (const key of keys) taken.push(await this.acquire(key, content, deadline, startedWaiting));
    } catch (error) {
      await this.releaseFiles(taken);
      throw error;
    }
    const lock: HeldLock = {
      scope: keys,
      release: once(async () => {
        this.held.delete(lock);
        await this.releaseFiles(taken);
      }),
    };
    this.held.add(lock);
    return lock;
  }

  /** Releases every lock still held (the backend is closing). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((lock) => lock.release()));
  }

  private async acquire(
    key: string,
    content: string,
    deadline: number,
    startedWaiting: number,
  ): Promise<CreatedFile> {
    const path = lockFilePath(this.dir, key);
    for (;;) {
      const created = await createExclusive(path, content);
      if (created) return created;

      const holder = await readHolder(path);
      if (holder.kind === "missing") continue; // released between our two looks: try again at once

      if (holder.kind === "owner" && isStale(holder.owner)) {
        const takenOver = await takeOver(path, holder, content);
        if (takenOver) {
          this.warn(
            `took over the stale lock of platform ${key}: pid ${holder.owner.pid} on this host (${holder.owner.host}), ` +
              `started ${holder.owner.startedAt}${holder.owner.who ? ` by ${holder.owner.who}` : ""}, is no longer running; ` +
              `its lock file was ${path}. Check the journal for operations it left unfinished.`,
          );
          return takenOver;
        }
        continue;
      }

      const now = Date.now();
      if (now >= deadline) {
        const owner = holder.kind === "owner" ? holder.owner : null;
        const kind = owner === null ? "unknown" : owner.host === hostname() ? "live" : "foreign-host";
        throw new LockHeldError(key, owner && ownerOnly(owner), kind, path, now - startedWaiting);
      }
      await sleep(Math.min(this.pollMs, deadline - now));
    }
  }

  private async releaseFiles(files: CreatedFile[]): Promise<void> {
    for (const file of [...files].reverse()) {
      const removed = await removeIfUnchanged(file.path, { ino: file.ino });
      if (!removed)
        this.warn(`the lock file ${file.path} was no longer the one this run created; it was left in place`);
    }
  }
}

function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && !isProcessAlive(owner.pid);
}

/**
 * Replaces a stale lock by ours. Under the takeover mutex, the lock file is checked to be still the
 * stale one (inode and text) before it is removed: of several waiters that saw the same stale lock,
 * only the first removes it, and the others find a live lock.
 */
async function takeOver(
  path: string,
  stale: { ino: number; text: string },
  content: string,
): Promise<CreatedFile | null> {
  return withFileMutex(`${path}.takeover`, async () => {
    const current = await snapshot(path);
    if (current.kind !== "present" || current.ino !== stale.ino || current.text !== stale.text) return null;
    await fs.rm(path, { force: true });
    // A plain waiter may create the lock between the removal and this line: then it holds it, fairly.
    return createExclusive(path, content);
  });
}

async function readHolder(path: string): Promise<Holder> {
  const file = await snapshot(path);
  if (file.kind === "missing") return file;
  const owner = parseLockFile(file.text);
  return owner
    ? { kind: "owner", owner, ino: file.ino, text: file.text }
    : { kind: "unreadable", ino: file.ino };
}

function parseLockFile(text: string): LockFileContent | null {
  try {
    const value = JSON.parse(text) as Partial<LockFileContent>;
    if (
      typeof value.pid !== "number" ||
      typeof value.host !== "string" ||
      typeof value.startedAt !== "string"
    ) {
      return null;
    }
    return {
      pid: value.pid,
      host: value.host,
      who: typeof value.who === "string" ? value.who : null,
      startedAt: value.startedAt,
      scope: Array.isArray(value.scope)
        ? value.scope.filter((key): key is string => typeof key === "string")
        : [],
    };
  } catch {
    return null;
  }
}

function ownerOnly({ pid, host, who, startedAt }: LockFileContent): LockOwner {
  return { pid, host, who, startedAt };
}
