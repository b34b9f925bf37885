/**
 * Account expiry dates. The API gives them with their own offset (`2027-03-31T00:00:00+02:00`);
 * the date a change takes effect is the calendar date in that offset, never re-zoned to UTC (H3).
 */
import type { ActualAccount, CalendarDate } from "../model.js";
import { calendarDate } from "../format.js";

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
