/**
 * The billing consequences of the whole plan, excluding tax. Known amounts are summed exactly (in
 * micro-cents); unknown ones are counted, never guessed, and make the totals they would enter null.
 *
 * The monthly figures are a run rate, not a cash flow: `monthlyBefore` is what the covered
 * platforms' live accounts cost per month today (blank accounts included: they are billed), and
 * each step, the sum of the recurring costs of the changes that start that day, says from when the
 * run rate moves. One-time and recurring amounts are never mixed: an order is a one-time cost (its
 * first term, paid now) and adds no step; `monthlyAfter` is before plus the steps, and so leaves out
 * the renewals of ordered accounts, which start at the end of their first term.
 */
import {
  UNKNOWN_DATE,
  type ActualPlatform,
  type Change,
  type Effective,
  type Money,
  type Offer,
  type Pricing,
  type RunRateStep,
  type Totals,
} from "../model.js";
import type { PriceReader } from "./price-reader.js";
import type { Warnings } from "./warnings.js";

export function totalsOf(
  changes: readonly Change[],
  platforms: readonly { live: ActualPlatform; offer: Offer }[],
  prices: PriceReader,
  warnings: Warnings,
  pricing: Pricing,
): Totals {
  const currency = prices.currency ?? firstQuoteCurrency(changes);

  let oneTime = 0;
  let oneTimeKnown = currency !== null;
  let unknownCosts = 0;
  let runRateKnown = true;
  const steps = new Map<Effective, number>();
  const step = (from: Effective, ucents: number): void => {
    steps.set(from, (steps.get(from) ?? 0) + ucents);
  };

  for (const change of changes) {
    const cost = change.cost;
    if (cost.kind === "unknown") unknownCosts++;
    if (cost.kind === "one-time") {
      if (cost.amount.currency === currency) oneTime += cost.amount.ucents;
      else {
        oneTimeKnown = false;
        warnings.add(
          `an order quote is in ${cost.amount.currency}, not ${currency ?? "the catalog's currency"}: the one-time total is not summed`,
        );
      }
    }
    // An order's cost is one-time (its first term, paid now); its renewals are not a step of the
    // monthly run rate here, which would mix a one-time amount into a monthly one.
    if (cost.kind === "recurring") {
      step(cost.from, cost.delta.ucents);
    } else if (cost.kind === "unknown") {
      runRateKnown = false;
    }
  }

  const monthlySteps: RunRateStep[] = [];
  if (currency !== null) {
    for (const [from, ucents] of [...steps].sort(([a], [b]) => compareEffective(a, b))) {
      if (ucents !== 0) monthlySteps.push({ from, delta: { ucents, currency } });
    }
  }

  // Priced for its changes only, the plan looks up no price of an account it does not change.
  const before = pricing === "estate" ? runRateToday(platforms, prices) : null;
  const monthlyBefore: Money | null =
    before === null || currency === null ? null : { ucents: before, currency };
  const monthlyAfter: Money | null =
    monthlyBefore === null || !runRateKnown
      ? null
      : {
          ucents: monthlySteps.reduce((sum, s) => sum + s.delta.ucents, monthlyBefore.ucents),
          currency: monthlyBefore.currency,
        };

  return {
    currency,
    oneTime: oneTimeKnown && currency !== null ? { ucents: oneTime, currency } : null,
    unknownCosts,
    monthlyBefore,
    monthlySteps,
    monthlyAfter,
  };
}

/** The monthly run rate of every live account of the covered platforms, or null when a price is unknown. */
function runRateToday(
  platforms: readonly { live: ActualPlatform; offer: Offer }[],
  prices: PriceReader,
): number | null {
  let sum = 0;
  for (const { live, offer } of platforms) {
    const platformPrices = prices.forPlatform(live);
    for (const account of live.accounts) {
      const price = platformPrices.monthly(offer, account.license, account.renewal);
      if (!price.known) return null;
      sum += price.price.ucents;
    }
  }
  return sum;
}

function firstQuoteCurrency(changes: readonly Change[]): string | null {
  for (const change of changes) if (change.cost.kind === "one-time") return change.cost.amount.currency;
  return null;
}

/** `now` first, then calendar dates in order (YYYY-MM-DD sorts as text), then the unknown date. */
function compareEffective(a: Effective, b: Effective): number {
  const rank = (effective: Effective): number => {
    switch (effective) {
      case "now":
        return 0;
      case UNKNOWN_DATE:
        return 2;
      default:
        return 1;
    }
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
