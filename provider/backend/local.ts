/**
 * The local folder backend (the default): everything lives in the `.exrec` folder.
 *
 *   locks/<platform>-<hash>.lock   one per locked platform (see local-lock.ts)
 *   journal.json                   operations in flight (see local-journal.ts)
 *   history.jsonl                  what was done (see local-history.ts)
 *
 * Safe for several processes on one machine (or one shared folder whose file system honours
 * exclusive creation and rename). For a team whose runs start on different machines, use PostgreSQL.
 */
import { promises as fs } from "node:fs";
import type {
  Backend,
  HeldLock,
  HistoryEntry,
  JournalEntry,
  JournalPatch,
  LockOwner,
  NewJournalEntry,
} from "../../reconciler/ports.js";
import { type BackendOptions, DEFAULT_POLL_MS, warnOnStderr } from "./common.js";
import { LocalHistory } from "./local-history.js";
import { LocalJournal } from "./local-journal.js";
import { LocalLocks } from "./local-lock.js";

export async function openLocalBackend(dir: string, options: BackendOptions = {}): Promise<LocalBackend> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return new LocalBackend(dir, options);
}

export class LocalBackend implements Backend {
  readonly description: string;
  private readonly locks: LocalLocks;
  private readonly journal: LocalJournal;
  private readonly history: LocalHistory;

  constructor(
    readonly dir: string,
    options: BackendOptions = {},
  ) {
    const warn = options.onWarning ?? warnOnStderr;
    this.description = `local folder ${dir}`;
    this.locks = new LocalLocks(dir, options.pollMs ?? DEFAULT_POLL_MS, warn);
    this.journal = new LocalJournal(dir);
    this.history = new LocalHistory(dir, warn);
  }

  lock(scope: string[], owner: LockOwner, waitMs: number): Promise<HeldLock> {
    return this.locks.lock(scope, owner, waitMs);
  }

  journalOpen(entry: NewJournalEntry): Promise<void> {
    return this.journal.open(entry);
  }

  journalUpdate(id: string, patch: JournalPatch): Promise<void> {
    return this.journal.update(id, patch);
  }

  journalOpenEntries(platforms?: string[]): Promise<JournalEntry[]> {
    return this.journal.openEntries(platforms);
  }

  historyAppend(entries: HistoryEntry[]): Promise<void> {
    return this.history.append(entries);
  }

  historyList(since: string | null): Promise<HistoryEntry[]> {
    return this.history.list(since);
  }

  /** Releases the locks this backend still holds; the files need no other closing. */
  close(): Promise<void> {
    return this.locks.releaseAll();
  }
}
