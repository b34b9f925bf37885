/**
 * Formatting shared by every renderer (plans, drift reports, history), so that an amount or a date
 * reads the same everywhere.
 */
import { UNKNOWN_DATE, type CalendarDate, type Effective, type Money } from "./model.js";

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
export function calendarDate(apiDateTime: string): CalendarDate {
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(apiDateTime)?.[1];
  if (date === undefined) throw new Error(`not an ISO date: ${JSON.stringify(apiDateTime)}`);
  // The pattern above is the type's: four, two and two digits.
  return date as CalendarDate;
}

/** `now`, `on 2027-03-31`, `on an unknown date`. */
export function formatEffective(effective: Effective): string {
  switch (effective) {
    case "now":
      return "now";
    case UNKNOWN_DATE:
      return "on an unknown date";
    default:
      return `on ${effective}`;
  }
}

/** `now`, `2027-03-31`, `an unknown date`: the start of a run-rate change. */
export function formatStart(from: Effective): string {
  switch (from) {
    case "now":
      return "now";
    case UNKNOWN_DATE:
      return "an unknown date";
    default:
      return from;
  }
}
