/**
 * Initial passwords for accounts exrec creates. They are generated here, never printed or logged,
 * and written only to the file the user named with `--secrets-out` (mode 0600), BEFORE the request
 * that uses them is sent: a crash after the request must not lose the password of a created account.
 *
 * The file has one writer at a time, and every write is atomic and durable:
 *  - within a process, records queue and are written together (one file write for all that waited),
 *    so concurrent adds take turns instead of racing on one temporary file;
 *  - across processes (two applies on different platforms naming the same file), a lock file next
 *    to it (`<file>.lock`, O_EXCL, taken over when its process is gone) serialises the writers;
 *  - each write goes to a fresh temporary file in the same folder, is fsynced, renamed over the
 *    file, and the folder is fsynced: a kill at any instant leaves the old file or the new one;
 *  - a record is reported written only once that rename is on disk.
 * A file that exists but cannot be read as a secrets file is never overwritten: the passwords it
 * may hold are worth more than the run.
 */
import { randomInt } from "node:crypto";
import { mkdir, open, readFile, readdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ExrecError } from "../../reconciler/errors.js";
import type { SecretStore } from "../../reconciler/ports.js";
import { writeFileAtomically } from "../system/atomic-file.js";

const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const SYMBOLS = "!#%+-=?@_";

/** 20 characters with every class Exchange's complexity policy asks for. */
export function generatePassword(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[randomInt(set.length)];
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < 20) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

export interface SecretRecord {
  platform: string;
  email: string;
  password: string;
  createdAt: string;
}

/** The secrets file cannot be read back or written; its content is never part of the message. */
export class SecretsFileError extends ExrecError {
  readonly code = "EXREC_SECRETS_FILE";
  constructor(
    readonly file: string,
    problem: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(`secrets file ${file}: ${problem}`, options);
  }
}

/** How long a writer waits for another process's lock on the file before it gives up. */
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 20;

/** One writer per secrets file in this process (keyed by absolute path). */
const writers = new Map<string, SecretsWriter>();

/** Adds (or replaces) one account's password in the secrets file; resolves once it is on disk. */
export async function recordSecret(file: string, record: SecretRecord): Promise<void> {
  const key = resolve(file);
  let writer = writers.get(key);
  if (!writer) {
    writer = new SecretsWriter(file);
    writers.set(key, writer);
  }
  await writer.add(record);
}

/**
 * The initial password of an account about to be added: the one the secrets file already holds
 * for it (an earlier run wrote it, then may have sent it: an add whose answer was lost may still
 * create the account with it), else a new one, on disk before this returns.
 */
export async function passwordFor(
  file: string,
  platform: string,
  email: string,
  createdAt: string,
): Promise<string> {
  const known = (await readExisting(file)).find(
    (r) => r.platform === platform && r.email === email && typeof r.password === "string",
  );
  if (known) return known.password;
  const password = generatePassword();
  await recordSecret(file, { platform, email, password, createdAt });
  return password;
}

/**
 * Checks, before anything is written to the API, that the secrets file can be written: its folder
 * is made, and an existing file must be a readable secrets file (never silently replaced).
 */
export async function checkSecretsFile(file: string): Promise<void> {
  await mkdirFor(file);
  await readExisting(file);
}

interface Waiter {
  record: SecretRecord;
  done: () => void;
  failed: (error: unknown) => void;
}

class SecretsWriter {
  private queue: Waiter[] = [];
  private running = false;

  constructor(private readonly file: string) {}

  add(record: SecretRecord): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.queue.push({ record, done, failed });
      if (!this.running) void this.drain();
    });
  }

  /** Writes what has queued, in batches, until the queue is empty. */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await writeRecords(
            this.file,
            batch.map((w) => w.record),
          );
          for (const w of batch) w.done();
        } catch (error) {
          for (const w of batch) w.failed(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

async function writeRecords(file: string, records: readonly SecretRecord[]): Promise<void> {
  await mkdirFor(file);
  await withFileLock(file, async () => {
    await removeLeftovers(file);
    const existing = await readExisting(file);
    const replaced = new Set(records.map((r) => `${r.platform}\n${r.email}`));
    const accounts = [...existing.filter((r) => !replaced.has(`${r.platform}\n${r.email}`)), ...records];
    await writeDurably(file, `${JSON.stringify({ accounts }, null, 2)}\n`);
  });
}

async function mkdirFor(file: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (error) {
    throw new SecretsFileError(file, `its folder cannot be made (${codeOf(error)})`, {
      hint: "name a file in a folder you may write to",
      cause: error,
    });
  }
}

/** The records of an existing secrets file ([] when there is none); refuses anything else. */
async function readExisting(file: string): Promise<SecretRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (codeOf(error) === "ENOENT") return [];
    throw new SecretsFileError(file, `cannot be read (${codeOf(error)})`, {
      hint: "it may hold passwords of accounts created earlier: fix its permissions, or name another file",
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const accounts = (parsed as { accounts?: unknown } | undefined)?.accounts;
  if (!Array.isArray(accounts)) {
    throw new SecretsFileError(file, "exists but is not a secrets file exrec wrote; it was left untouched", {
      hint: "it may hold passwords: move it away or name another file with --secrets-out",
    });
  }
  return accounts as SecretRecord[];
}

/** Temporary files are named `.<name>.exrec-secrets.<random>.tmp` next to the file. */
function temporaryPrefix(file: string): string {
  return `.${basename(file)}.exrec-secrets.`;
}

/**
 * Temporary files a killed writer left behind: they hold passwords, and must not outlive it.
 * Called under the file lock, so no live writer of this file has one open.
 */
async function removeLeftovers(file: string): Promise<void> {
  const prefix = temporaryPrefix(file);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith(".tmp"))
      .map((name) => unlink(join(dirname(file), name)).catch(() => undefined)),
  );
}

/** Writes `text` to a fresh 0600 file, fsyncs it, renames it over `file`, fsyncs the folder. */
async function writeDurably(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomically(file, text, {
      mode: 0o600,
      durable: true,
      temporaryPrefix: temporaryPrefix(file),
    });
  } catch (error) {
    throw new SecretsFileError(file, `cannot be written (${codeOf(error)})`, {
      hint: "check the folder's permissions and free space",
      cause: error,
    });
  }
}

/**
 * Runs `work` holding `<file>.lock`, created exclusively with this process's pid. A lock whose
 * process is gone (killed while it wrote) is taken over.
 */
async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx", 0o600);
      try {
        await handle.writeFile(String(process.pid), "utf8");
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if (codeOf(error) !== "EEXIST") {
        throw new SecretsFileError(file, `its lock ${lock} cannot be made (${codeOf(error)})`, {
          cause: error,
        });
      }
    }
    if (await holderIsGone(lock)) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new SecretsFileError(file, `another process has held ${lock} for ${LOCK_WAIT_MS / 1000} s`, {
        hint: "is another exrec writing to the same secrets file? If not, remove the lock file",
      });
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** A lock file whose pid no longer runs (or that is empty and old: its writer died at once). */
async function holderIsGone(lock: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(lock, "utf8");
  } catch (error) {
    return codeOf(error) === "ENOENT";
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    // Created, killed before its pid was written: give it a moment, as a live writer writes at once.
    const modified = await stat(lock).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    return Date.now() - modified > 2000;
  }
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return codeOf(error) === "ESRCH";
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}

/** The secrets file as the engine's SecretStore (reconciler/ports.ts). */
export function secretsFileStore(file: string): SecretStore {
  return {
    location: file,
    passwordFor: (platform, email, createdAt) => passwordFor(file, platform, email, createdAt),
  };
}
