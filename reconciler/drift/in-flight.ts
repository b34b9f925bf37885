/**
 * What exrec itself has set in motion and not yet seen take effect: open journal entries
 * (operations apply started, such as an order in delivery) and renewal changes recorded in
 * history that wait for the account's expiry (H3). Drift detection reports these as pending
 * rather than as drift.
 */
import { calendarDate } from "../format.js";
import { toAddress, UNKNOWN_DATE, type Address, type AtExpiry, type Renewal } from "../model.js";
import type { HistoryEntry, JournalEntry } from "../ports.js";
import { instantOf } from "./dates.js";

/** The addresses a journal entry is about: `detail.addresses`, `detail.address`, or the change id `org/svc/address/action`. */
export function journalAddresses(entry: JournalEntry): Address[] {
  const found: Address[] = entry.action === "order" ? [...entry.detail.addresses] : [entry.detail.address];
  const parts = entry.changeId.split("/");
  const named = parts.length === 4 ? parts[2] : undefined;
  // The change id is text the journal kept: the address in it is made an Address here, where it comes in.
  if (named?.includes("@")) found.push(toAddress(named));
  return found;
}

/** The oldest open journal entry of this platform that names the address, or null. */
export function openOperationFor(
  journal: JournalEntry[],
  platform: string,
  address: Address,
): JournalEntry | null {
  const open = journal
    .filter((e) => e.status === "open" && e.platform === platform && journalAddresses(e).includes(address))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return open[0] ?? null;
}

export interface RecordedRenewal {
  /** When exrec made the change. */
  at: string;
  /** The calendar date it takes effect (the account's expiry then), or unknown when the plan did not know it. */
  effective: AtExpiry;
  /** The effective date as history recorded it (a calendar date, or a date-time with its offset). */
  recordedEffective: string;
  /** The period it switched to, when history recorded it. */
  renewal: Renewal | null;
}

/** The latest renewal change exrec made on this account (action `renew`, result done), or null. */
export function latestRenewal(
  history: HistoryEntry[],
  platform: string,
  address: Address,
): RecordedRenewal | null {
  let latest: HistoryEntry | null = null;
  for (const entry of history) {
    if (entry.action !== "renew" || entry.result !== "done" || entry.platform !== platform) continue;
    if (!entry.addresses.includes(address)) continue;
    if (latest === null || entry.at > latest.at) latest = entry;
  }
  if (latest === null || !latest.effective || latest.effective === "now") return null;
  return {
    at: latest.at,
    effective: recordedDate(latest.effective),
    recordedEffective: latest.effective,
    renewal: latest.renewal ?? null,
  };
}

/** The date history recorded for a change at an expiry: a date (or date-time), or the plan's `unknown`. */
function recordedDate(effective: string): AtExpiry {
  if (effective === UNKNOWN_DATE) return UNKNOWN_DATE;
  try {
    return calendarDate(effective);
  } catch {
    // Not written by exrec: a date that cannot be read is not known.
    return UNKNOWN_DATE;
  }
}

/**
 * A renewal change exrec recorded that is not in force yet and that the live period matches: it
 * is pending. `expiryOffset` is the offset of the account's expiry date, in which a bare calendar
 * date is read. A recorded period that differs from the live one is not this change any more.
 */
export function pendingRenewal(
  history: HistoryEntry[],
  platform: string,
  address: Address,
  live: Renewal | null,
  now: Date,
  expiryOffset: string | null,
): RecordedRenewal | null {
  const recorded = latestRenewal(history, platform, address);
  if (recorded === null) return null;
  if (recorded.renewal !== null && recorded.renewal !== live) return null;
  const starts = instantOf(recorded.recordedEffective, expiryOffset);
  return Number.isFinite(starts) && starts > now.getTime() ? recorded : null;
}
