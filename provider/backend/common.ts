/**
 * Pieces both backends share, so that the local folder and PostgreSQL answer the same questions in
 * the same way: which keys a lock covers, the order of journal entries, what `since` means.
 */
import type { HistoryEntry, JournalEntry } from "../../reconciler/ports.js";
import { BackendError } from "./errors.js";

/** Options every backend takes. */
export interface BackendOptions {
  /**
   * Told about things the user should know but that do not stop the run: a stale lock taken over,
   * a lost lock connection, an unreadable history line. Defaults to a line on stderr.
   */
  onWarning?: (message: string) => void;
  /** How often a waiting `lock` tries again, in milliseconds (default 200). */
  pollMs?: number;
}

export const DEFAULT_POLL_MS = 200;

export function warnOnStderr(message: string): void {
  process.stderr.write(`exrec: warning: ${message}\n`);
}

/**
 * The keys of a lock, each once, in one global order. Every run takes its keys in this order, so
 * two runs that want overlapping platforms can never each hold one that the other waits for.
 */
export function lockOrder(scope: readonly string[]): string[] {
  return [...new Set(scope)].sort();
}

/** Journal entries oldest first by `startedAt`; entries started at the same instant keep their order. */
export function oldestFirst(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.startedAt) }))
    .sort((a, b) =>
      a.at === b.at || Number.isNaN(a.at) || Number.isNaN(b.at) ? a.index - b.index : a.at - b.at,
    )
    .map(({ entry }) => entry);
}

/** The instant of `since` in ms, or null for "everything". An unreadable date is refused, not ignored. */
export function parseSince(since: string | null): number | null {
  if (since === null) return null;
  const at = Date.parse(since);
  if (Number.isNaN(at)) {
    throw new BackendError(`cannot read the history start date ${JSON.stringify(since)}`, {
      hint: "give an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z",
    });
  }
  return at;
}

/** The instant of a history entry; entries whose `at` is not a date are refused before they are stored. */
export function historyInstant(entry: HistoryEntry): number {
  const at = Date.parse(entry.at);
  if (Number.isNaN(at)) {
    throw new BackendError(
      `history entry for ${entry.platform} change ${entry.changeId} has no readable date: ${JSON.stringify(entry.at)}`,
      { hint: "this is a bug in the caller: `at` must be an ISO 8601 date-time" },
    );
  }
  return at;
}

/** Runs `release` once however many times it is called; later calls wait for the first. */
export function once(release: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= release());
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** The Node.js error code of an error (`ENOENT`, `EEXIST`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}
