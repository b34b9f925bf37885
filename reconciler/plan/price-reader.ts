/**
 * Looks up monthly prices for the planner, and says once, in the warnings, which prices are unknown
 * and why. Two sources, best first:
 *  - Hosted, per platform: the order quote of ONE account of a licence for `01` (a month) or `12`
 *    months (a year), a GET that buys nothing. It is OVHcloud's own price for that platform.
 *  - The public catalog, whose Exchange plan codes are unverified: used only where no quote was had
 *    (Private accounts, which are not ordered, or a quote that could not be read).
 * Every amount it returns is in one currency; a quote in another currency than the catalog's is not
 * mixed with it.
 */
import {
  durationOf,
  platformKey,
  priceKey,
  quoteKey,
  type License,
  type Money,
  type Offer,
  type OrderQuote,
  type PlatformRef,
  type PriceBook,
  type RecurringSource,
  type Renewal,
} from "../model.js";
import { planCodeOf } from "../prices.js";
import type { Warnings } from "./warnings.js";

/** A monthly price and where it came from, or why it is unknown. */
export type MonthlyPrice =
  { known: true; price: Money; source: RecurringSource } | { known: false; reason: string };

const OFFER_SLOT: Record<Offer, number> = { hosted: 0, private: 9 };
const LICENSE_SLOT: Record<License, number> = { basic: 0, standard: 3, enterprise: 6 };
const RENEWAL_SLOT: Record<Renewal | "none", number> = { monthly: 0, yearly: 1, none: 2 };
const MONTHS: Record<Renewal, number> = { monthly: 1, yearly: 12 };

/** The prices of one platform: the catalog's, overridden by that platform's quotes. */
export interface PlatformPrices {
  monthly(offer: Offer, license: License, renewal: Renewal | null): MonthlyPrice;
}

export class PriceReader {
  /** The currency of the plan's amounts: the catalog's, or the quotes' when the catalog gave none. */
  readonly currency: string | null;
  /** Catalog lookups, one slot per (offer, licence, renewal), see SLOT below: no string is built per lookup. */
  private readonly cache: (MonthlyPrice | undefined)[] = [];
  private readonly platforms = new Map<string, PlatformPrices>();

  constructor(
    private readonly book: PriceBook,
    private readonly warnings: Warnings,
    private readonly quotes: ReadonlyMap<string, OrderQuote> = new Map(),
  ) {
    this.currency = book.currency ?? firstQuoteCurrency(quotes);
  }

  /** The prices of `ref`: its recurring quotes first, then the catalog. */
  forPlatform(ref: PlatformRef): PlatformPrices {
    const key = platformKey(ref);
    let prices = this.platforms.get(key);
    if (!prices) {
      const slots: (MonthlyPrice | undefined)[] = [];
      prices = {
        monthly: (offer, license, renewal) => {
          if (offer !== "hosted" || renewal === null) return this.monthly(offer, license, renewal);
          const slot = LICENSE_SLOT[license] + RENEWAL_SLOT[renewal];
          return (slots[slot] ??=
            this.quoted(ref, license, renewal) ?? this.monthly(offer, license, renewal));
        },
      };
      this.platforms.set(key, prices);
    }
    return prices;
  }

  /**
   * The catalog's monthly-equivalent price of one account. Private accounts renew monthly whatever
   * the API says (P1). A Hosted account whose renewal the API does not give has no price.
   */
  monthly(offer: Offer, license: License, renewal: Renewal | null): MonthlyPrice {
    // Looked up once per (offer, licence, renewal): a plan asks for the same few prices 100,000 times.
    const period: Renewal | null = offer === "private" ? "monthly" : renewal;
    const slot = OFFER_SLOT[offer] + LICENSE_SLOT[license] + RENEWAL_SLOT[period ?? "none"];
    return (this.cache[slot] ??= this.lookUp(offer, license, period));
  }

  /**
   * The monthly equivalent of the quote of one account for the period's duration (a yearly quote
   * over 12, rounded to the nearest micro-cent, halves up, like the catalog's yearly prices).
   */
  private quoted(ref: PlatformRef, license: License, renewal: Renewal): MonthlyPrice | null {
    const quote = this.quotes.get(quoteKey({ ...ref, license, duration: durationOf(renewal), quantity: 1 }));
    if (!quote) return null;
    if (this.currency !== null && quote.withoutTax.currency !== this.currency) {
      this.warnings.add(
        `the order quote of ${platformKey(ref)} is in ${quote.withoutTax.currency}, not ${this.currency}: its recurring prices are read from the catalog`,
      );
      return null;
    }
    const ucents = Math.round(quote.withoutTax.ucents / MONTHS[renewal]);
    return { known: true, price: { ucents, currency: quote.withoutTax.currency }, source: "quote" };
  }

  private lookUp(offer: Offer, license: License, period: Renewal | null): MonthlyPrice {
    if (this.book.unavailableReason !== undefined || this.book.currency === null) {
      const reason = this.book.unavailableReason ?? "the price catalog gave no currency";
      this.warnings.add(`prices are unknown: ${reason}; costs are shown as unknown`);
      return { known: false, reason };
    }
    if (period === null) {
      const reason = `the API gives no renewal period for this ${license} account, so its price is unknown`;
      this.warnings.add(`some Hosted accounts have no renewal period in the API: their price is unknown`);
      return { known: false, reason };
    }
    const ucents = this.book.monthly[priceKey(offer, license, period)];
    if (ucents === undefined) {
      const reason = `the catalog gives no usable monthly price for ${offer} ${license} accounts renewed ${period}`;
      this.warnings.add(
        `${reason} (exrec reads plan code ${planCodeOf(offer, license)}, which is unverified): costs that depend on it are shown as unknown`,
      );
      return { known: false, reason };
    }
    return { known: true, price: { ucents, currency: this.book.currency }, source: "catalog" };
  }
}

/** The currency of the quote with the smallest key: quotes arrive in any order, the plan must not. */
function firstQuoteCurrency(quotes: ReadonlyMap<string, OrderQuote>): string | null {
  let first: { key: string; quote: OrderQuote } | null = null;
  for (const [key, quote] of quotes) if (first === null || key < first.key) first = { key, quote };
  return first === null ? null : first.quote.withoutTax.currency;
}
