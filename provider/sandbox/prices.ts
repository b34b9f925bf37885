/**
 * The sandbox's price list, its public catalog and the order quotes derived from it. The figures
 * are plausible, not OVHcloud's: the sandbox must never be read as a source of real prices. The
 * plan codes are the ones exrec's planner recognises (the real ones are unverified).
 */
import type { Licence as License, OrderDuration, OrderPrice, RenewPeriod as Renewal } from "./models.js";

/** A plan of `order.catalog.public.Catalog`, with the fields the sandbox gives. */
interface CatalogPlan {
  planCode: string;
  invoiceName: string;
  product: string;
  pricingType: string;
  pricings: {
    interval: number;
    intervalUnit: "day" | "month" | "none" | "year";
    price: number;
    tax: number;
    mode: string;
    phase: number;
    capacities: string[];
    commitment: number;
    description: string;
  }[];
}

/** `order.catalog.public.Catalog`, with the fields the sandbox gives. */
interface Catalog {
  catalogId: number;
  locale: { currencyCode: string; subsidiary: string; taxRate: number };
  plans: CatalogPlan[];
  addons: CatalogPlan[];
}

export const CURRENCY = "EUR";
export const TAX_RATE_PERCENT = 20;
const UCENTS_PER_CENT = 1_000_000;

type PriceOffer = "hosted" | "private";

/**
 * Euro cents excluding tax, for the whole interval of the renewal: one month for `monthly`, twelve
 * for `yearly` (about 10% cheaper per month). Private accounts renew monthly only (P1).
 */
const PRICE_CENTS: Record<PriceOffer, Record<License, Partial<Record<Renewal, number>>>> = {
  hosted: {
    basic: { monthly: 169, yearly: 1824 },
    standard: { monthly: 359, yearly: 3876 },
    enterprise: { monthly: 699, yearly: 7548 },
  },
  private: {
    basic: { monthly: 199 },
    standard: { monthly: 399 },
    enterprise: { monthly: 749 },
  },
};

const LICENSES: readonly License[] = ["basic", "standard", "enterprise"];

export function planCode(offer: PriceOffer, license: License): string {
  return `exchange-${offer}-${license}`;
}

/** Price of one account for one order duration, excluding tax (Hosted only: Private accounts are not ordered). */
export function hostedPriceUcents(license: License, duration: OrderDuration): number {
  const cents = PRICE_CENTS.hosted[license][duration === "01" ? "monthly" : "yearly"];
  if (cents === undefined) throw new Error(`no sandbox price for hosted ${license} ${duration}`);
  return cents * UCENTS_PER_CENT;
}

export function taxOf(ucents: number): number {
  return Math.round((ucents * TAX_RATE_PERCENT) / 100);
}

/**
 * `order.Price`: the value in currency units, the text as a person reads it, and micro-cents,
 * which the schema lets be null (`withoutUcents`, to test clients that must then read `value`).
 */
export function apiPrice(ucents: number, withoutUcents = false): OrderPrice {
  const value = Math.round(ucents / UCENTS_PER_CENT) / 100;
  return {
    currencyCode: CURRENCY,
    value,
    text: `${value.toFixed(2)} €`,
    priceInUcents: withoutUcents ? null : ucents,
  };
}

function title(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plan(offer: PriceOffer, license: License): CatalogPlan {
  const prices = PRICE_CENTS[offer][license];
  const pricings: CatalogPlan["pricings"] = [];
  for (const [renewal, interval] of [
    ["monthly", 1],
    ["yearly", 12],
  ] as const) {
    const cents = prices[renewal];
    if (cents === undefined) continue;
    const ucents = cents * UCENTS_PER_CENT;
    pricings.push({
      interval,
      intervalUnit: "month",
      price: ucents,
      tax: taxOf(ucents),
      mode: "default",
      phase: 1,
      capacities: ["renew"],
      commitment: 0,
      description: `${interval === 1 ? "1 month" : "12 months"}, price for the whole interval`,
    });
  }
  return {
    planCode: planCode(offer, license),
    invoiceName: `Exchange ${title(offer)} ${title(license)} account`,
    pricings,
    product: `exchange-${offer}`,
    pricingType: "rental",
  };
}

/** `GET /order/catalog/public/exchange?ovhSubsidiary=FR`. */
export function publicCatalog(): Catalog {
  return {
    catalogId: 4242,
    locale: { currencyCode: CURRENCY, subsidiary: "FR", taxRate: TAX_RATE_PERCENT },
    plans: (["hosted", "private"] as const).flatMap((offer) =>
      LICENSES.map((license) => plan(offer, license)),
    ),
    addons: [],
  };
}
