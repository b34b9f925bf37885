/**
 * The journal of the local backend: `<dir>/journal.json`, `{formatVersion: 1, entries: {id: entry}}`.
 *
 * Two applies on different platforms may write it at the same time (the platform locks do not
 * cover each other), so every read-modify-write runs under the short-lived mutex file
 * `journal.json.lock`, and the new content replaces the old in one rename: a reader sees the old
 * journal or the new one, never a mix. The file is created with mode 0600.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { JournalEntry, JournalPatch, NewJournalEntry } from "../../reconciler/ports.js";
import { errorCode, oldestFirst } from "./common.js";
import { BackendError, JournalError } from "./errors.js";
import { withFileMutex } from "./exclusive-file.js";
import { decodeJournalEntry, type StoredJournalEntry } from "./journal-entry.js";

const FORMAT_VERSION = 1;

/**
 * Closed (done or failed) entries kept in the file, newest first; older ones are dropped when the
 * journal is next written. The journal is for operations in flight; the history is the record.
 */
export const KEPT_CLOSED_ENTRIES = 500;

interface JournalFile {
  formatVersion: number;
  entries: Record<string, StoredJournalEntry>;
}

export class LocalJournal {
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, "journal.json");
  }

  async open(entry: NewJournalEntry): Promise<void> {
    await this.modify((entries) => {
      const existing = entries[entry.id];
      if (existing) {
        throw new JournalError(`journal entry ${entry.id} already exists (${existing.platform})`, entry.id, {
          hint: "journal ids must be unique; this is a bug in the caller",
        });
      }
      entries[entry.id] = { ...entry, status: "open", updatedAt: new Date().toISOString() };
    });
  }

  async update(id: string, patch: JournalPatch): Promise<void> {
    await this.modify((entries) => {
      const current = entries[id];
      if (!current) {
        throw new JournalError(`journal entry ${id} does not exist in ${this.path}`, id, {
          hint: "open the entry with journalOpen before updating it",
        });
      }
      entries[id] = {
        ...current,
        status: patch.status ?? current.status,
        // Merged, so that what was sent stays next to what was learnt (an order id, a task id).
        detail: patch.detail ? { ...current.detail, ...patch.detail } : current.detail,
        updatedAt: new Date().toISOString(),
      };
    });
  }

  async openEntries(platforms?: string[]): Promise<JournalEntry[]> {
    const wanted = platforms ? new Set(platforms) : null;
    const entries = Object.values((await this.read()).entries);
    return oldestFirst(
      entries
        .filter((e) => e.status === "open" && (wanted === null || wanted.has(e.platform)))
        .map((e) => decodeJournalEntry(e, this.path)),
    );
  }

  private async modify(change: (entries: Record<string, StoredJournalEntry>) => void): Promise<void> {
    await withFileMutex(`${this.path}.lock`, async () => {
      const journal = await this.read();
      change(journal.entries);
      await this.write(pruneClosed(journal.entries));
    });
  }

  private async read(): Promise<JournalFile> {
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return { formatVersion: FORMAT_VERSION, entries: {} };
      throw error;
    }
    let parsed: Partial<JournalFile>;
    try {
      parsed = JSON.parse(text) as Partial<JournalFile>;
    } catch (error) {
      throw new BackendError(`${this.path} is not valid JSON: ${(error as Error).message}`, {
        hint: "it is written atomically by exrec, so it was edited by hand or damaged; restore it, or move it away to start an empty journal",
      });
    }
    if (
      parsed.formatVersion !== FORMAT_VERSION ||
      typeof parsed.entries !== "object" ||
      parsed.entries === null
    ) {
      throw new BackendError(`${this.path} is not an exrec journal of format version ${FORMAT_VERSION}`, {
        hint: "a newer exrec may have written it: upgrade exrec, or move the file away if it is not exrec's",
      });
    }
    for (const [id, entry] of Object.entries(parsed.entries as Record<string, unknown>)) {
      // What the backend itself relies on (the rest is decoded when an open entry is handed out).
      if (!isStoredEntry(entry)) {
        throw new JournalError(
          `journal entry ${id} in ${this.path} cannot be read: it lacks its id, platform, status, updatedAt or detail`,
          id,
          { hint: "it was edited by hand or damaged: restore the journal; nothing was changed" },
        );
      }
    }
    return { formatVersion: FORMAT_VERSION, entries: parsed.entries };
  }

  private async write(entries: Record<string, StoredJournalEntry>): Promise<void> {
    const content =
      JSON.stringify({ formatVersion: FORMAT_VERSION, entries } satisfies JournalFile, null, 2) + "\n";
    const aside = `${this.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await fs.open(aside, "wx", 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync(); // the journal exists to survive crashes: make it durable before it replaces the old one
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(aside, this.path);
    } catch (error) {
      await fs.rm(aside, { force: true });
      throw error;
    }
  }
}

function pruneClosed(entries: Record<string, StoredJournalEntry>): Record<string, StoredJournalEntry> {
  const closed = Object.values(entries)
    .filter((e) => e.status !== "open")
    .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  if (closed.length <= KEPT_CLOSED_ENTRIES) return entries;
  const dropped = new Set(closed.slice(KEPT_CLOSED_ENTRIES).map((e) => e.id));
  return Object.fromEntries(Object.entries(entries).filter(([id]) => !dropped.has(id)));
}

function isStoredEntry(value: unknown): value is StoredJournalEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.id === "string" &&
    typeof entry.platform === "string" &&
    typeof entry.status === "string" &&
    typeof entry.updatedAt === "string" &&
    typeof entry.detail === "object" &&
    entry.detail !== null
  );
}
