/**
 * The renewal calendar of a drift report: for the next 12 calendar months, how many live accounts
 * renew, how many expire for good, and what the renewals cost, from the catalog prices only.
 *
 * An account renews first on its expiry date (bucketed by that date's calendar month in its own
 * offset), then once per period: every month for a monthly account, every 12 months for a yearly
 * one (H2). The period that applies is the live one: a renewal change takes effect at the expiry
 * (H3), so the live period is the one billed there. A terminating account (deleteAtExpiration)
 * only expires. A price the catalog does not give makes the month's amount unknown, never a guess.
 */
import { priceKey, type ActualAccount, type ActualPlatform, type PriceBook, type Renewal } from "../model.js";
import { addMonths, calendarDateOrNull, monthsBetween, utcMonthKey } from "./dates.js";
import type { CalendarAmount, CalendarMonth } from "./types.js";

export const CALENDAR_MONTHS = 12;

interface MonthTally {
  renewals: number;
  expiries: number;
  ucents: number;
  unknown: Set<string>;
}

type RenewalPrice = { kind: "known"; ucents: number } | { kind: "unknown"; reason: string };

export function renewalCalendar(
  platforms: ActualPlatform[],
  now: Date,
  prices: PriceBook,
): { months: CalendarMonth[]; undated: number } {
  const first = utcMonthKey(now);
  const tallies: MonthTally[] = Array.from({ length: CALENDAR_MONTHS }, () => ({
    renewals: 0,
    expiries: 0,
    ucents: 0,
    unknown: new Set<string>(),
  }));
  let undated = 0;

  for (const platform of platforms) {
    for (const account of platform.accounts) {
      const expiresAt = account.expirationDate;
      const expiry = calendarDateOrNull(expiresAt);
      // An expiry already past is not a renewal to come: the API has not moved the date (yet), or the account is suspended.
      if (expiry === null || expiresAt === null || Date.parse(expiresAt) < now.getTime()) {
        undated += 1;
        continue;
      }
      let index = monthsBetween(first, expiry.slice(0, 7));
      if (account.deleteAtExpiration === true) {
        const tally = tallies[index];
        if (tally !== undefined) tally.expiries += 1;
        continue;
      }
      const period: Renewal | null = platform.offer === "private" ? "monthly" : account.renewal;
      const price = renewalPrice(platform, account, period, prices);
      // Without a known period the later renewals cannot be placed: only the first one is shown.
      const step = period === "yearly" ? 12 : period === "monthly" ? 1 : Infinity;
      for (; index < CALENDAR_MONTHS; index += step) {
        // An expiry just past midnight UTC can still be in the previous month in its own offset.
        const tally = tallies[index];
        if (tally === undefined) continue;
        tally.renewals += 1;
        if (price.kind === "known") tally.ucents += price.ucents;
        else tally.unknown.add(price.reason);
      }
    }
  }

  const months = tallies.map((tally, i) => ({
    month: addMonths(first, i),
    renewals: tally.renewals,
    expiries: tally.expiries,
    amount: amountOf(tally, prices.currency),
  }));
  return { months, undated };
}

function amountOf(tally: MonthTally, currency: string | null): CalendarAmount {
  if (tally.renewals === 0) return { kind: "none" };
  if (tally.unknown.size > 0) return { kind: "unknown", reason: [...tally.unknown].sort().join("; ") };
  // renewalPrice only answers `known` when the currency is known: this is never reached without it.
  if (currency === null) return { kind: "unknown", reason: "the catalog gave no currency" };
  return { kind: "known", amount: { ucents: tally.ucents, currency } };
}

/** One renewal's price: the period's months × the monthly-equivalent catalog price. */
function renewalPrice(
  platform: ActualPlatform,
  account: ActualAccount,
  period: Renewal | null,
  prices: PriceBook,
): RenewalPrice {
  if (period === null)
    return { kind: "unknown", reason: "the API gives no renewal period for some accounts" };
  const key = priceKey(platform.offer, account.license, period);
  const monthly = prices.monthly[key];
  if (prices.currency === null || monthly === undefined) {
    return { kind: "unknown", reason: prices.unavailableReason ?? `no catalog price for ${key}` };
  }
  return { kind: "known", ucents: monthly * (period === "yearly" ? 12 : 1) };
}
