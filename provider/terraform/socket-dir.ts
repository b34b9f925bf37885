/**
 * The folder of the provider's Unix socket, named after the process that made it
 * (`exrec-plugin-<pid>-XXXXXX` in the temporary folder). A provider that stops removes its own; one
 * that was killed (SIGKILL, a crash, Terraform's own end) cannot, so each provider's start removes
 * the folders whose process is gone: what a crash leaves behind lasts until the next start, not for
 * ever. Only this user's folders are touched, and a folder whose process still runs (or might: a
 * process id this user cannot probe) is left alone.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "exrec-plugin-";
const OWNED = /^exrec-plugin-(\d+)-/;

/** A new socket folder for this process, after removing the stale ones of dead processes in `root`. */
export function makeSocketDir(root: string = tmpdir()): string {
  removeStaleSocketDirs(root);
  return mkdtempSync(join(root, `${PREFIX}${process.pid}-`));
}

/** Removes the socket folders in `root` whose process has ended; returns their names. */
export function removeStaleSocketDirs(root: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    const path = join(root, name);
    try {
      const stat = statSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to remove: nothing to do.
    }
  }
  return removed;
}

/** Whether a process of that id exists; one this user may not signal (EPERM) counts as running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}
