/**
 * What each change costs: the planner's third pass, after the dating one (a recurring cost starts
 * on the day its change takes effect). Every amount comes from an order quote or the catalog
 * (plan/price-reader.ts says which); where one is missing the cost is `unknown`, with the reason,
 * never a guess.
 */
import {
  orderQuoteKey,
  type Cost,
  type Effective,
  type Money,
  type OrderQuote,
  type RecurringSource,
} from "../model.js";
import { formatMoney } from "../format.js";
import type { Draft } from "./changes.js";
import { NO_EXPIRY, type Dated, type Timing } from "./dates.js";
import type { MonthlyPrice, PlatformPrices, PriceReader } from "./price-reader.js";

/** The costing pass: each dated draft with its cost, in the same order. */
export function priced<T extends Dated>(
  items: readonly T[],
  prices: PriceReader,
  quotes: ReadonlyMap<string, OrderQuote>,
): (T & { cost: Cost })[] {
  // The changes of one platform share its reference: its prices are looked up once.
  const byPlatform = new Map<object, PlatformPrices>();
  return items.map((item) => {
    const platform = item.draft.change.platform;
    let platformPrices = byPlatform.get(platform);
    if (!platformPrices) byPlatform.set(platform, (platformPrices = prices.forPlatform(platform)));
    return { ...item, cost: costOf(item.draft, item.timing, platformPrices, quotes) };
  });
}

function costOf(
  draft: Draft,
  timing: Timing,
  prices: PlatformPrices,
  quotes: ReadonlyMap<string, OrderQuote>,
): Cost {
  const offer = draft.change.platform.offer;
  const { expiry } = timing;
  switch (draft.action) {
    case "renew": {
      // H2, H3: the new period is billed from the expiry.
      const { live } = draft;
      const difference = monthlyDifference(
        prices.monthly("hosted", live.license, live.renewal),
        prices.monthly("hosted", live.license, draft.change.after.renewal),
      );
      if (expiry === null) return unknownCost(`${NO_EXPIRY}, so when the new period is billed is unknown`);
      return difference.known
        ? recurring(difference.delta, expiry, difference.source)
        : unknownCost(difference.reason);
    }
    case "cancel-termination": {
      // H4: billing goes on.
      const price = prices.monthly("hosted", draft.live.license, draft.live.renewal);
      return noCost(
        `billing continues past the expiry${expiry ? ` on ${expiry}` : ""} at ${perMonth(price)}`,
      );
    }
    case "terminate": {
      // H4: billed until the expiry, then no more.
      const price = prices.monthly("hosted", draft.live.license, draft.live.renewal);
      if (expiry === null) return unknownCost(`${NO_EXPIRY}, so when its billing stops is unknown`);
      return price.known
        ? recurring(negate(price.price), expiry, price.source, "billed until its expiry, then no more")
        : unknownCost(price.reason);
    }
    case "reset": {
      const until = expiry ? `its expiry on ${expiry}` : `its expiry (${NO_EXPIRY})`;
      return noCost(`the mailbox is wiped today; billing runs to ${until} (H5)`);
    }
    case "add": {
      // P2: billed for the current month.
      const price = prices.monthly("private", draft.change.license, "monthly");
      return price.known
        ? recurring(price.price, "now", price.source, "billed for the current month (P2)")
        : unknownCost(price.reason);
    }
    case "delete": {
      const price = prices.monthly("private", draft.live.license, "monthly");
      return price.known
        ? recurring(
            negate(price.price),
            "now",
            price.source,
            "the guide does not say whether the current month is refunded",
          )
        : unknownCost(price.reason);
    }
    case "update": {
      // The guide does not say when a licence change is billed; the catalog's monthly difference
      // is given for the reader.
      const license = draft.change.after.license;
      if (license === undefined) return noCost("a display name has no billing effect");
      const difference = monthlyDifference(
        prices.monthly(offer, draft.live.license, draft.live.renewal),
        prices.monthly(offer, license, draft.live.renewal),
      );
      const known = difference.known
        ? `; the ${difference.source === "quote" ? "quoted" : "catalog's"} monthly difference is ${formatMoney(difference.delta, { signed: true })} per account`
        : "";
      return unknownCost(`the guide does not say when a licence change is billed${known}`);
    }
    case "configure": {
      // H1: the blank is already paid for; a renewal that differs is billed from its expiry (H3).
      const { live: blank } = draft;
      const renewal = draft.change.after.renewal;
      if (renewal === undefined) {
        return noCost(`reuses a blank account already paid for until ${expiry ?? "its expiry"} (H1)`);
      }
      const difference = monthlyDifference(
        prices.monthly("hosted", blank.license, blank.renewal),
        prices.monthly("hosted", blank.license, renewal),
      );
      if (expiry === null) return unknownCost(`${NO_EXPIRY}, so when the new period is billed is unknown`);
      return difference.known
        ? recurring(
            difference.delta,
            expiry,
            difference.source,
            "reuses a blank account already paid for; the new renewal period applies at its expiry (H3)",
          )
        : unknownCost(difference.reason);
    }
    case "order": {
      // H1: the order quote; without one the cost is unknown (the caller asks with quotesNeeded()).
      const { change } = draft;
      const quote = quotes.get(orderQuoteKey(change));
      return quote
        ? { kind: "one-time", amount: quote.withoutTax, taxIncluded: quote.withTax, source: "quote" }
        : unknownCost("no order quote was read");
    }
  }
}

export function noCost(note: string): Cost {
  return { kind: "none", note };
}

export function unknownCost(reason: string): Cost {
  return { kind: "unknown", reason };
}

export function recurring(amount: Money, from: Effective, source: RecurringSource, note?: string): Cost {
  // A copy: prices are shared by every change that uses them, and a plan is data others may edit.
  const delta: Money = { ucents: amount.ucents, currency: amount.currency };
  return note === undefined
    ? { kind: "recurring", delta, from, source }
    : { kind: "recurring", delta, from, source, note };
}

/** `after − before` per month and where the two prices came from, or why it is unknown. */
export function monthlyDifference(
  before: MonthlyPrice,
  after: MonthlyPrice,
): { known: true; delta: Money; source: RecurringSource } | { known: false; reason: string } {
  if (!before.known) return { known: false, reason: before.reason };
  if (!after.known) return { known: false, reason: after.reason };
  if (before.price.currency !== after.price.currency) {
    return {
      known: false,
      reason: `the two prices are in different currencies (${before.price.currency}, ${after.price.currency})`,
    };
  }
  return {
    known: true,
    delta: { ucents: after.price.ucents - before.price.ucents, currency: after.price.currency },
    source: before.source === after.source ? before.source : "quote+catalog",
  };
}

/** `3.60 EUR/month`, or a phrase saying the price is unknown. */
export function perMonth(price: MonthlyPrice): string {
  return price.known
    ? `${formatMoney(price.price)}/month`
    : "a monthly price neither a quote nor the catalog gives";
}

export function negate(money: Money): Money {
  return { ucents: -money.ucents, currency: money.currency };
}
