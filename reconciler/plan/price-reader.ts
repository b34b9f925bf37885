/**
 * Looks up monthly prices in the PriceBook for the planner, and says once, in the warnings, which
 * prices are unknown and why. Every amount it returns is in the book's currency.
 */
import { priceKey, type License, type Money, type Offer, type PriceBook, type Renewal } from "../model.js";
import { planCodeOf } from "../prices.js";
import type { Warnings } from "./warnings.js";

/** A monthly price, or why it is unknown. */
export type MonthlyPrice = { known: true; price: Money } | { known: false; reason: string };

const OFFER_SLOT: Record<Offer, number> = { hosted: 0, private: 9 };
const LICENSE_SLOT: Record<License, number> = { basic: 0, standard: 3, enterprise: 6 };
const RENEWAL_SLOT: Record<Renewal | "none", number> = { monthly: 0, yearly: 1, none: 2 };

export class PriceReader {
  readonly currency: string | null;
  /** One slot per (offer, licence, renewal), see SLOT below: no string is built per lookup. */
  private readonly cache: (MonthlyPrice | undefined)[] = [];

  constructor(
    private readonly book: PriceBook,
    private readonly warnings: Warnings,
  ) {
    this.currency = book.currency;
  }

  /**
   * The monthly-equivalent price of one account. Private accounts renew monthly whatever the API
   * says (P1). A Hosted account whose renewal the API does not give has no price.
   */
  monthly(offer: Offer, license: License, renewal: Renewal | null): MonthlyPrice {
    // Looked up once per (offer, licence, renewal): a plan asks for the same few prices 100,000 times.
    const period: Renewal | null = offer === "private" ? "monthly" : renewal;
    const slot = OFFER_SLOT[offer] + LICENSE_SLOT[license] + RENEWAL_SLOT[period ?? "none"];
    return (this.cache[slot] ??= this.lookUp(offer, license, period));
  }

  private lookUp(offer: Offer, license: License, period: Renewal | null): MonthlyPrice {
    if (this.book.unavailableReason !== undefined || this.currency === null) {
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
    return { known: true, price: { ucents, currency: this.currency } };
  }
}
