/**
 * The drift report: what `exrec drift` found when it compared the live state with the manifest.
 * Plain JSON-serialisable data (rendered as text, Markdown, JSON and HTML; the JSON form is
 * described field by field in schemas/drift.schema.json).
 */
import type { License, Money, Offer, Renewal, RuleId } from "../model.js";

/** Declared fields exrec manages on an account, plus `exists` (an account declared absent is still there). */
export type DriftField = "license" | "renewal" | "displayName" | "deleteAtExpiration" | "exists";

export const DRIFT_FIELDS: readonly DriftField[] = [
  "license",
  "renewal",
  "displayName",
  "deleteAtExpiration",
  "exists",
];

/** A field's value as declared or as read live. null: the API gives none. */
export type FieldValue = string | boolean | null;

interface DriftItemBase {
  /** `organization/service`. */
  platform: string;
  /** Lower-cased primary address. */
  address: string;
}

/** A declared, managed field whose live value differs from the manifest. Drift. */
export interface ChangedItem extends DriftItemBase {
  kind: "changed";
  field: DriftField;
  declared: FieldValue;
  live: FieldValue;
  rule: RuleId | null;
  /**
   * When the difference reaches the bill, if not at once: a switched-back renewal period changes
   * the bill only at the account's expiry (H3), yet it is drift today. Calendar date or null.
   */
  effective: string | null;
  /** For the reader. */
  note: string | null;
}

/** A declared account that is not on the platform, and no operation in flight will create it. Drift. */
export interface MissingItem extends DriftItemBase {
  kind: "missing";
  /** The declared licence, when the manifest sets one. */
  license: License | null;
  /** H1 (Hosted: ordered) or P2 (Private: added). */
  rule: RuleId;
}

/**
 * A live account the manifest does not declare. Drift only on platforms with `prune: true`, where
 * exrec would remove it; informational elsewhere.
 */
export interface UnmanagedItem extends DriftItemBase {
  kind: "unmanaged";
  /** A delivered, never configured Hosted account (on configureme.me). */
  blank: boolean;
  /** The platform prunes: exrec would remove this account, so it counts as drift. */
  prune: boolean;
  license: License;
  renewal: Renewal | null;
  deleteAtExpiration: boolean;
  /** The expiry's calendar date, in the API date's own offset, or null. */
  expires: string | null;
  /** The rule exrec's removal would follow (H4 or P3) on prune platforms, else null. */
  rule: RuleId | null;
}

export type PendingCause =
  /** A renewal change exrec made, recorded in history, effective at the expiry (H3). */
  | "renewal"
  /** A termination scheduled at the expiry (H4). */
  | "termination"
  /** An operation apply started and has not confirmed yet (the journal), e.g. an order in delivery. */
  | "operation"
  /** The account has a task in flight or is in a transitional state. */
  | "task";

/** The live state already matches the manifest, or is on its way to it, but the effect is not in force yet. Not drift. */
export interface PendingItem extends DriftItemBase {
  kind: "pending";
  cause: PendingCause;
  /** The field the pending effect is about, when it is one field. */
  field: DriftField | null;
  /** The calendar date the effect takes hold, or null when no date is known (tasks, operations in flight). */
  effective: string | null;
  /** When the operation started (journal entries), or null. */
  since: string | null;
  rule: RuleId | null;
  /** For the reader. */
  detail: string;
}

export type DriftItem = ChangedItem | MissingItem | UnmanagedItem | PendingItem;
export type DriftKind = DriftItem["kind"];

export interface DriftCounts {
  changed: number;
  missing: number;
  unmanaged: number;
  pending: number;
}

export interface DriftPlatformSummary {
  organization: string;
  service: string;
  /** The live offer, by the rules it follows. */
  offer: Offer;
  prune: boolean;
  /** After ignore rules. */
  counts: DriftCounts;
}

/** What renewing costs in a month. */
export type CalendarAmount =
  /** Nothing renews that month. */
  | { kind: "none" }
  | { kind: "known"; amount: Money }
  /** At least one renewal's price is unknown: no partial sum is shown, it would read as a total. */
  | { kind: "unknown"; reason: string };

export interface CalendarMonth {
  /** `YYYY-MM`. */
  month: string;
  /** Accounts that renew that month (not terminating). Monthly accounts renew every month. */
  renewals: number;
  /** Accounts that expire for good that month (deleteAtExpiration true). */
  expiries: number;
  amount: CalendarAmount;
}

export interface DriftReport {
  format_version: "1";
  /** ISO timestamp of the clock detection was given. */
  created_at: string;
  manifest_digest: string;
  platforms: DriftPlatformSummary[];
  /** After ignore rules; sorted by platform, address, kind, field. */
  items: DriftItem[];
  /** How many items ignore rules removed. */
  ignored: number;
  /** The next 12 calendar months, starting with the month of `created_at` (UTC). */
  calendar: CalendarMonth[];
  /** Live accounts left out of the calendar because the API gives no future expiry date for them. */
  calendar_undated: number;
  /** Things the reader must know that are not drift items (a declared platform that was not read, ...). */
  warnings: string[];
}

/** Whether one item counts as drift: changed or missing, or unmanaged on a prune platform. */
export function isDrift(item: DriftItem): boolean {
  switch (item.kind) {
    case "changed":
    case "missing":
      return true;
    case "unmanaged":
      return item.prune;
    case "pending":
      return false;
  }
}

/**
 * The one answer to "has reality moved away from git?": exit codes and renderers all ask it.
 * Pending items and unmanaged accounts on platforms without prune never count.
 */
export function hasDrift(report: Pick<DriftReport, "items">): boolean {
  return report.items.some(isDrift);
}

export function driftItems(report: Pick<DriftReport, "items">): DriftItem[] {
  return report.items.filter(isDrift);
}
