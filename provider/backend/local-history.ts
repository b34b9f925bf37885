/**
 * The history of the local backend: `<dir>/history.jsonl`, one JSON entry a line, append-only,
 * mode 0600. Appends run under a short-lived mutex file so that lines from two processes never
 * interleave; a line cut short by a crash is kept apart from the next append and skipped (with a
 * warning) when the history is read.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { HistoryEntry } from "../../reconciler/ports.js";
import { errorCode, historyInstant, parseSince } from "./common.js";
import { withFileMutex } from "./exclusive-file.js";
import { historyEntryOf, storedHistoryEntry, type StoredHistoryEntry } from "./history-entry.js";

export class LocalHistory {
  readonly path: string;

  constructor(
    dir: string,
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(dir, "history.jsonl");
  }

  async append(entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) historyInstant(entry); // refuse undated entries before writing any
    const lines = entries.map((entry) => JSON.stringify(storedHistoryEntry(entry)) + "\n").join("");
    await withFileMutex(`${this.path}.lock`, async () => {
      const handle = await fs.open(this.path, "a+", 0o600);
      try {
        const separator = (await endsInsideALine(handle)) ? "\n" : "";
        await handle.appendFile(separator + lines);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async list(since: string | null): Promise<HistoryEntry[]> {
    const from = parseSince(since);
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw error;
    }
    const entries: HistoryEntry[] = [];
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      const stored = parseLine(line);
      if (stored === null) {
        this.warn(`${this.path}:${index + 1} is not a history entry (cut short by a crash?); skipped`);
        return;
      }
      const entry = historyEntryOf(stored);
      if ("unreadable" in entry) {
        this.warn(`${this.path}:${index + 1} is skipped: ${entry.unreadable}`);
        return;
      }
      if (from === null || Date.parse(entry.at) >= from) entries.push(entry);
    });
    return entries;
  }
}

async function endsInsideALine(handle: fs.FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

function parseLine(line: string): StoredHistoryEntry | null {
  try {
    const value = JSON.parse(line) as Partial<StoredHistoryEntry> | null;
    if (!value || typeof value.at !== "string" || Number.isNaN(Date.parse(value.at))) return null;
    if (typeof value.platform !== "string" || typeof value.changeId !== "string") return null;
    return value as StoredHistoryEntry;
  } catch {
    return null;
  }
}
