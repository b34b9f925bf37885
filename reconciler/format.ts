/**
 * Formatting shared by every renderer (plans, drift reports, history), so that an amount or a date
 * reads the same everywhere.
 */
import type { Effective, Money } from "./model.js";

/** OVHcloud's micro-cents: 1 currency unit = 100,000,000 ucents. */
export const UCENTS_PER_UNIT = 100_000_000;

/** `107.88 EUR`; `+3.80 EUR` with `signed`. Rounded half away from zero to the cent. */
export function formatMoney(money: Money, options: { signed?: boolean } = {}): string {
  const cents = Math.round(Math.abs(money.ucents) / (UCENTS_PER_UNIT / 100));
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")} ${money.currency}`;
  if (money.ucents < 0 && cents !== 0) return `-${text}`;
  return options.signed ? `+${text}` : text;
}

/**
 * The calendar date of an API date-time, in the date's own offset: `2027-03-31T00:00:00+02:00`
 * is the 31st of March, whatever the reader's zone. Never re-zoned to UTC.
 */
export function calendarDate(apiDateTime: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(apiDateTime);
  if (!match) throw new Error(`not an ISO date: ${JSON.stringify(apiDateTime)}`);
  return match[1]!;
}

/** `now`, or `on 2027-03-31`. */
export function formatEffective(effective: Effective): string {
  return effective === "now" ? "now" : `on ${effective}`;
}
