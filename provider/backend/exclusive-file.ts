/**
 * Files that exist at most once: the building block of the local backend's locks. A file is
 * created complete or not at all (written aside, then hard-linked into place, which fails if the
 * name is taken, like `open(O_CREAT|O_EXCL)`), so a reader never sees a half-written lock.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { errorCode, sleep } from "./common.js";
import { BackendError } from "./errors.js";

/** A file this process created; `ino` tells it apart from a later file of the same name. */
export interface CreatedFile {
  path: string;
  ino: number;
}

/** Creates `path` holding `content` (mode 0600) if nothing is there; null if the name is taken. */
export async function createExclusive(path: string, content: string): Promise<CreatedFile | null> {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(aside, content, { mode: 0o600, flag: "wx" });
  try {
    try {
      await fs.link(aside, path);
    } catch (error) {
      if (errorCode(error) === "EEXIST") return null;
      if (!linkUnsupported(error)) throw error;
      // Some file systems (certain network and FUSE mounts) have no hard links: fall back to a
      // plain exclusive create, whose content appears a moment after the name.
      return await createWithOpenExclusive(path, content);
    }
    const { ino } = await fs.stat(aside);
    return { path, ino };
  } finally {
    await fs.rm(aside, { force: true });
  }
}

function linkUnsupported(error: unknown): boolean {
  const code = errorCode(error);
  return code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS";
}

async function createWithOpenExclusive(path: string, content: string): Promise<CreatedFile | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "wx", 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return null;
    throw error;
  }
  try {
    await handle.writeFile(content);
    const { ino } = await handle.stat();
    return { path, ino };
  } finally {
    await handle.close();
  }
}

/** What is at a path: nothing, or a file's text and identity. */
export type FileSnapshot =
  { kind: "missing" } | { kind: "present"; text: string; ino: number; mtimeMs: number };

export async function snapshot(path: string): Promise<FileSnapshot> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { kind: "missing" };
    throw error;
  }
  try {
    const { ino, mtimeMs } = await handle.stat();
    const text = await handle.readFile("utf8");
    return { kind: "present", text, ino, mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Removes `path` only if it is still the file seen as `seen` (same inode and text). Moving the
 * file aside first makes the check and the removal one step: if another process replaced the file
 * in the meantime, the replacement is put back untouched.
 */
export async function removeIfUnchanged(
  path: string,
  seen: { ino: number; text?: string },
): Promise<boolean> {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.gone`;
  try {
    await fs.rename(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  const moved = await snapshot(aside);
  const same =
    moved.kind === "present" &&
    moved.ino === seen.ino &&
    (seen.text === undefined || moved.text === seen.text);
  if (!same) {
    try {
      await fs.link(aside, path);
    } catch (error) {
      // Someone created a new file meanwhile; theirs stands, and the one moved aside was not ours.
      if (errorCode(error) !== "EEXIST") throw error;
    }
  }
  await fs.rm(aside, { force: true });
  return same;
}

/** Whether a process of this host is alive. EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== "ESRCH";
  }
}

/** A mutex held longer than this has been abandoned: it guards a read-modify-write of milliseconds. */
const ABANDONED_MUTEX_MS = 30_000;

/**
 * Runs `critical` while holding the short-lived mutex file `path`, so that read-modify-writes of
 * one file by several processes happen one at a time. A mutex left by a dead process of this host,
 * or older than 30 s, is removed.
 */
export async function withFileMutex<T>(
  path: string,
  critical: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const content = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  const deadline = Date.now() + timeoutMs;
  let held: CreatedFile | null = null;
  while (held === null) {
    held = await createExclusive(path, content);
    if (held !== null) break;
    const current = await snapshot(path);
    if (current.kind === "present" && isAbandonedMutex(current)) {
      await removeIfUnchanged(path, current);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new BackendError(`${path} stayed locked for more than ${timeoutMs / 1000} s`, {
        hint: `another exrec is writing the same file, or one crashed while doing so; if no exrec is running, remove ${path}`,
      });
    }
    await sleep(5 + Math.random() * 20);
  }
  try {
    return await critical();
  } finally {
    await removeIfUnchanged(path, held);
  }
}

function isAbandonedMutex(current: { text: string; mtimeMs: number }): boolean {
  if (Date.now() - current.mtimeMs > ABANDONED_MUTEX_MS) return true;
  try {
    const holder = JSON.parse(current.text) as { pid?: unknown; host?: unknown };
    return typeof holder.pid === "number" && holder.host === hostname() && !isProcessAlive(holder.pid);
  } catch {
    return false; // being written by the open-exclusive fallback; the age rule covers a crash
  }
}
