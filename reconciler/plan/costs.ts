/**
 * Building the Cost of a change from catalog prices. Every amount comes from the catalog or an
 * order quote; where one is missing the cost is `unknown`, with the reason, never a guess.
 */
import type { Cost, Effective, Money } from "../model.js";
import { formatMoney } from "../format.js";
import type { MonthlyPrice } from "./price-reader.js";

export function noCost(note: string): Cost {
  return { kind: "none", note };
}

export function unknownCost(reason: string): Cost {
  return { kind: "unknown", reason };
}

export function recurring(amount: Money, from: Effective, note?: string): Cost {
  // A copy: prices are shared by every change that uses them, and a plan is data others may edit.
  const delta: Money = { ucents: amount.ucents, currency: amount.currency };
  return note === undefined
    ? { kind: "recurring", delta, from, source: "catalog" }
    : { kind: "recurring", delta, from, source: "catalog", note };
}

/** `after − before` per month, or why it is unknown. */
export function monthlyDifference(
  before: MonthlyPrice,
  after: MonthlyPrice,
): { known: true; delta: Money } | { known: false; reason: string } {
  if (!before.known) return { known: false, reason: before.reason };
  if (!after.known) return { known: false, reason: after.reason };
  return {
    known: true,
    delta: { ucents: after.price.ucents - before.price.ucents, currency: after.price.currency },
  };
}

/** `3.60 EUR/month`, or a phrase saying the price is unknown. */
export function perMonth(price: MonthlyPrice): string {
  return price.known ? `${formatMoney(price.price)}/month` : "a monthly price the catalog does not give";
}

export function negate(money: Money): Money {
  return { ucents: -money.ucents, currency: money.currency };
}
