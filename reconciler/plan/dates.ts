/**
 * When each change takes effect: the planner's second pass, over the changes the comparison found.
 * Hosted renewal changes (H2, H3) and terminations (H4) take effect at the account's expiry, every
 * other change now (H1, H5, P2, P3). The API gives expiry dates with their own offset
 * (`2027-03-31T00:00:00+02:00`); the date a change takes effect is the calendar date in that
 * offset, never re-zoned to UTC (H3). Where the API gives none, the date is unknown, and a warning
 * names the account.
 */
import {
  UNKNOWN_DATE,
  type ActualAccount,
  type AtExpiry,
  type CalendarDate,
  type Effective,
} from "../model.js";
import { calendarDate } from "../format.js";
import type { Draft } from "./changes.js";
import type { Warnings } from "./warnings.js";

/** When one change takes effect, and the expiry it was read from (for the costs and reasons). */
export interface Timing {
  effective: Effective;
  /** A reuse whose renewal differs: when the new period applies (H3); otherwise null. */
  renewalEffective: AtExpiry | null;
  /** The account's expiry as a calendar date, or null when the API gives none. */
  expiry: CalendarDate | null;
}

/** What the costs and reasons of a change at an expiry say when the API gives no expiry date. */
export const NO_EXPIRY = "the API gives no expiry date for this account";

/** A draft and when it takes effect. */
export interface Dated {
  draft: Draft;
  timing: Timing;
}

/** The dating pass: each draft with its timing, in the same order. */
export function dated(drafts: readonly Draft[], warnings: Warnings): Dated[] {
  return drafts.map((draft) => ({ draft, timing: timingOf(draft, warnings) }));
}

function timingOf(draft: Draft, warnings: Warnings): Timing {
  switch (draft.action) {
    case "renew":
      return atExpiry(draft.key, draft.live, "renewal change", warnings);
    case "terminate":
      return atExpiry(draft.key, draft.live, "termination", warnings);
    case "configure": {
      const expiry = expiryDate(draft.live);
      const renewalEffective = draft.change.after.renewal === undefined ? null : (expiry ?? UNKNOWN_DATE);
      return { effective: "now", renewalEffective, expiry };
    }
    case "cancel-termination":
    case "reset":
    case "update":
    case "delete":
      return { effective: "now", renewalEffective: null, expiry: expiryDate(draft.live) };
    case "add":
    case "order":
      return { effective: "now", renewalEffective: null, expiry: null };
  }
}

/** A change at the account's expiry: its date, or unknown with a warning naming the account. */
function atExpiry(key: string, live: ActualAccount, what: string, warnings: Warnings): Timing {
  const expiry = expiryDate(live);
  if (expiry === null) {
    warnings.add(`${key} ${live.email}: ${NO_EXPIRY}, so the date its ${what} takes effect is unknown`);
    return { effective: UNKNOWN_DATE, renewalEffective: null, expiry };
  }
  return { effective: expiry, renewalEffective: null, expiry };
}

/** The account's expiry as a calendar date (YYYY-MM-DD, in the date's own offset), or null. */
export function expiryDate(account: ActualAccount): CalendarDate | null {
  if (account.expirationDate === null || Number.isNaN(Date.parse(account.expirationDate))) return null;
  try {
    return calendarDate(account.expirationDate);
  } catch {
    return null;
  }
}

/** The instant the account expires (ms since the epoch), or null when the API gives none. */
export function expiryInstant(account: ActualAccount): number | null {
  if (account.expirationDate === null) return null;
  const instant = Date.parse(account.expirationDate);
  return Number.isNaN(instant) ? null : instant;
}
