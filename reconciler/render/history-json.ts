/**
 * `exrec history --format json`: the entries as exrec has always printed them, so that scripts
 * reading it keep working: `address` is one text (null when the entry names no account, the
 * addresses joined with commas when an order names several).
 */
import type { HistoryEntry } from "../ports.js";

/** One entry of `exrec history --format json`. */
export type HistoryJsonEntry = Omit<HistoryEntry, "addresses"> & { address: string | null };

export function renderHistoryJson(entries: readonly HistoryEntry[]): string {
  const printed: HistoryJsonEntry[] = entries.map(({ addresses, ...entry }) => ({
    ...entry,
    address: addresses.length === 0 ? null : addresses.join(","),
  }));
  return JSON.stringify(printed, null, 2);
}
