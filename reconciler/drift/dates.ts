/**
 * Date arithmetic for drift detection. API dates keep their own offset (an expiry on
 * `2027-03-31T00:00:00+02:00` is in March, whatever the reader's zone); months are `YYYY-MM` keys.
 */
import { calendarDate } from "../format.js";

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** The offset an API date-time is written in (`+02:00`, `Z`), or null when it has none. */
export function offsetOf(apiDateTime: string): string | null {
  const offset = OFFSET.exec(apiDateTime.trim())?.[1];
  return offset !== undefined && apiDateTime.includes("T") ? offset : null;
}

/**
 * The instant a date starts. A bare calendar date (`2027-03-31`) is read at midnight in
 * `offsetHint` (the offset of the account's own expiry date), or UTC when none is known.
 * Returns NaN for text that is not a date.
 */
export function instantOf(date: string, offsetHint: string | null): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return Date.parse(`${date}T00:00:00${offsetHint ?? "Z"}`);
  return Date.parse(date);
}

/** The calendar date of an API date-time in its own offset, or null when there is none or it is not a date. */
export function calendarDateOrNull(apiDateTime: string | null | undefined): string | null {
  if (!apiDateTime) return null;
  try {
    return calendarDate(apiDateTime);
  } catch {
    return null;
  }
}

/** `YYYY-MM` of an instant, in UTC. */
export function utcMonthKey(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** The month key `count` months after `month` (`2026-11` + 3 → `2027-02`). */
export function addMonths(month: string, count: number): string {
  const [year, mon] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Whole months from `from` to `to` (both `YYYY-MM`); negative when `to` is earlier. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  return ty * 12 + tm - (fy * 12 + fm);
}
