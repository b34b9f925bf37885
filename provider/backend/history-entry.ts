/**
 * History entries as the backends store them, and their decoding when read back. The stored shape
 * is the one exrec has always written, so that histories written before and after read alike:
 * `address` is one text, null when the entry names no account and the addresses joined with commas
 * when it names several (an order); `action` is text. Reading makes each address an `Address` and
 * keeps only the actions this exrec knows: an entry of another action (written by a newer exrec)
 * is left out with a warning rather than shown as something it is not.
 */
import { RENEWALS, toAddress, type Renewal } from "../../reconciler/model.js";
import { HISTORY_ACTIONS, type HistoryAction, type HistoryEntry } from "../../reconciler/ports.js";

/** A history entry as stored. */
export type StoredHistoryEntry = Omit<HistoryEntry, "action" | "addresses" | "renewal"> & {
  action: string;
  address: string | null;
  renewal?: string | null;
};

/** The stored form of an entry. */
export function storedHistoryEntry(entry: HistoryEntry): StoredHistoryEntry {
  const { addresses, ...rest } = entry;
  return { ...rest, address: addressText(addresses) };
}

/** The stored `address` of these accounts. */
export function addressText(addresses: readonly string[]): string | null {
  return addresses.length === 0 ? null : addresses.join(",");
}

/**
 * The entry a stored one holds, or why it cannot be read (its action is not one this exrec
 * knows). `effective` and `renewal` are present only when they hold a value (both `undefined` and
 * `null` mean "not recorded"), whichever backend stored them; a period this exrec does not know is
 * "not recorded" too.
 */
export function historyEntryOf(stored: StoredHistoryEntry): HistoryEntry | { unreadable: string } {
  const { address, action, effective, renewal, ...rest } = stored;
  if (!isHistoryAction(action)) {
    return {
      unreadable: `its action ${JSON.stringify(action).slice(0, 60)} is not one this exrec knows (written by a newer exrec?)`,
    };
  }
  const entry: HistoryEntry = { ...rest, action, addresses: addressesOf(address) };
  if (typeof effective === "string") entry.effective = effective;
  if (isRenewal(renewal)) entry.renewal = renewal;
  return entry;
}

function isRenewal(renewal: unknown): renewal is Renewal {
  return typeof renewal === "string" && (RENEWALS as readonly string[]).includes(renewal);
}

function isHistoryAction(action: unknown): action is HistoryAction {
  return typeof action === "string" && (HISTORY_ACTIONS as readonly string[]).includes(action);
}

function addressesOf(address: unknown): HistoryEntry["addresses"] {
  if (typeof address !== "string" || address === "") return [];
  return address.split(",").map((one) => toAddress(one.trim()));
}
