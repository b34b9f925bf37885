/**
 * Calendar arithmetic in Europe/Paris, where OVHcloud's API writes its dates
 * (`2027-03-31T00:00:00+02:00`). The EU summer-time rule is computed here rather than asked of ICU
 * so that seeds are identical on every machine: summer time (+02:00) runs from the last Sunday of
 * March 01:00 UTC to the last Sunday of October 01:00 UTC.
 */

/** A day in the Paris calendar; `month` is 1..12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE_MS = 60_000;

function lastSundayOf(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return lastDay.getUTCDate() - lastDay.getUTCDay();
}

/** Paris's offset from UTC, in minutes, at an instant. */
export function parisOffsetMinutes(instantMs: number): 60 | 120 {
  const year = new Date(instantMs).getUTCFullYear();
  const summerStart = Date.UTC(year, 2, lastSundayOf(year, 2), 1);
  const summerEnd = Date.UTC(year, 9, lastSundayOf(year, 9), 1);
  return instantMs >= summerStart && instantMs < summerEnd ? 120 : 60;
}

/** The Paris calendar day an instant falls on. */
export function parisDateOf(instant: Date): CalendarDate {
  const local = new Date(instant.getTime() + parisOffsetMinutes(instant.getTime()) * MINUTE_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Adds calendar months, keeping the day where the month has it (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(date.day, daysInMonth) };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function offsetText(minutes: number): string {
  return `+${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Midnight of a Paris day, as OVHcloud writes expiry dates: `2027-03-31T00:00:00+02:00`. */
export function parisMidnight(date: CalendarDate): string {
  // Midnight is before both changes of the clock (02:00 and 03:00 local), so the offset in force at
  // midnight is the one of the evening before: try summer time and keep it if it holds then.
  const ifSummer = Date.UTC(date.year, date.month - 1, date.day) - 120 * MINUTE_MS;
  const offset = parisOffsetMinutes(ifSummer) === 120 ? 120 : 60;
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T00:00:00${offsetText(offset)}`;
}

/** An instant in Paris time to the second, as OVHcloud writes task and order dates. */
export function parisDateTime(instant: Date): string {
  const offset = parisOffsetMinutes(instant.getTime());
  const local = new Date(instant.getTime() + offset * MINUTE_MS);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${offsetText(offset)}`
  );
}

/** The calendar day written at the start of an API date, in the date's own offset. */
export function calendarDateOf(apiDate: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(apiDate);
  if (!match) throw new Error(`not an API date: ${apiDate}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}
