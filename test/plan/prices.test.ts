/**
 * Reading prices: the public catalog into a PriceBook, an order quote into an OrderQuote. The
 * catalog documents here are hand-written in the shape of `GET /order/catalog/public/exchange`;
 * their amounts are test values, not OVHcloud's prices.
 */
import { describe, expect, it } from "vitest";
import { ExrecError, PriceDataError } from "../../reconciler/errors.js";
import type { ApiCatalog, ApiCatalogPlan, ApiOrder, ApiPrice } from "../../reconciler/ports.js";
import {
  priceBookFromCatalog,
  quoteFromApiOrder,
  unknownPriceBook,
  type QuoteRequest,
} from "../../reconciler/prices.js";

type Pricing = ApiCatalogPlan["pricings"][number];

function pricing(fields: Partial<Pricing>): Pricing {
  return {
    interval: 1,
    intervalUnit: "month",
    price: 0,
    tax: 0,
    mode: "default",
    phase: 1,
    capacities: ["renew"],
    commitment: 0,
    ...fields,
  };
}

function catalog(
  plans: { planCode: string; pricings: Pricing[] }[],
  addons: { planCode: string; pricings: Pricing[] }[] = [],
): ApiCatalog {
  const withNames = (list: typeof plans): ApiCatalogPlan[] =>
    list.map((p) => ({ invoiceName: p.planCode, ...p }));
  return {
    catalogId: 1,
    locale: { currencyCode: "EUR", subsidiary: "FR", taxRate: 20 },
    plans: withNames(plans),
    addons: withNames(addons),
  };
}

const rows: { name: string; catalog: ApiCatalog; monthly: Record<string, number> }[] = [
  {
    name: "H2: a monthly pricing (interval 1 month) of exchange-hosted-standard prices hosted/standard/monthly as is",
    catalog: catalog([
      { planCode: "exchange-hosted-standard", pricings: [pricing({ interval: 1, price: 400_000_000 })] },
    ]),
    monthly: { "hosted/standard/monthly": 400_000_000 },
  },
  {
    name: "H2: a yearly pricing (interval 12 months) is turned into its monthly equivalent, price / 12 rounded to the micro-cent",
    catalog: catalog([
      { planCode: "exchange-hosted-basic", pricings: [pricing({ interval: 12, price: 1_000_000_001 })] },
    ]),
    monthly: { "hosted/basic/yearly": 83_333_333 },
  },
  {
    name: "H2: halves round up when a yearly price is divided by 12",
    catalog: catalog([
      { planCode: "exchange-hosted-basic", pricings: [pricing({ interval: 12, price: 18 })] },
    ]),
    monthly: { "hosted/basic/yearly": 2 },
  },
  {
    name: "P1: exchange-private-{licence} codes price Private accounts, monthly",
    catalog: catalog([
      { planCode: "exchange-private-enterprise", pricings: [pricing({ price: 1_100_000_000 })] },
      { planCode: "exchange-private-basic", pricings: [pricing({ price: 500_000_000 })] },
    ]),
    monthly: { "private/basic/monthly": 500_000_000, "private/enterprise/monthly": 1_100_000_000 },
  },
  {
    name: "H1: unknown plan codes (the real ones are unverified) are ignored, so those prices stay unknown",
    catalog: catalog([
      { planCode: "exchange-hosted-standard-2024", pricings: [pricing({ price: 1 })] },
      { planCode: "exchange-account-hosted", pricings: [pricing({ price: 2 })] },
      { planCode: "EXCHANGE-HOSTED-BASIC", pricings: [pricing({ price: 3 })] },
    ]),
    monthly: {},
  },
  {
    name: "H2: pricings by day or year, other intervals, or without the renew capacity (an installation fee) are not run rates",
    catalog: catalog([
      {
        planCode: "exchange-hosted-enterprise",
        pricings: [
          pricing({ intervalUnit: "day", interval: 1, price: 1 }),
          pricing({ intervalUnit: "year", interval: 1, price: 2 }),
          pricing({ interval: 3, price: 3 }),
          pricing({ interval: 1, price: 4, capacities: ["installation"] }),
          pricing({ interval: 1, price: 800_000_000, capacities: ["create", "renew"] }),
        ],
      },
    ]),
    monthly: { "hosted/enterprise/monthly": 800_000_000 },
  },
  {
    name: "H2: a pricing that lists no capacities counts",
    catalog: catalog([
      { planCode: "exchange-hosted-basic", pricings: [pricing({ price: 7, capacities: [] })] },
    ]),
    monthly: { "hosted/basic/monthly": 7 },
  },
  {
    name: "H2: two counting pricings that disagree leave the price unknown rather than pick one; agreeing ones are fine",
    catalog: catalog([
      {
        planCode: "exchange-hosted-basic",
        pricings: [pricing({ price: 10 }), pricing({ price: 20, commitment: 12 })],
      },
      {
        planCode: "exchange-hosted-standard",
        pricings: [pricing({ price: 30 }), pricing({ price: 30, mode: "upfront" })],
      },
    ]),
    monthly: { "hosted/standard/monthly": 30 },
  },
  {
    name: "H1: accounts listed as add-ons are read too",
    catalog: catalog(
      [],
      [{ planCode: "exchange-hosted-standard", pricings: [pricing({ interval: 12, price: 3_600_000_000 })] }],
    ),
    monthly: { "hosted/standard/yearly": 300_000_000 },
  },
  {
    name: "H2: a price that is not a non-negative integer of micro-cents is ignored",
    catalog: catalog([
      {
        planCode: "exchange-hosted-basic",
        pricings: [pricing({ price: 1.5 }), pricing({ interval: 12, price: -12 })],
      },
    ]),
    monthly: {},
  },
];

describe("priceBookFromCatalog", () => {
  it.each(rows)("$name", (row) => {
    expect(priceBookFromCatalog(row.catalog)).toEqual({ currency: "EUR", monthly: row.monthly });
  });

  it("takes the currency from locale.currencyCode", () => {
    const book = priceBookFromCatalog({
      ...catalog([]),
      locale: { currencyCode: "CAD", subsidiary: "CA", taxRate: 0 },
    });
    expect(book.currency).toBe("CAD");
  });

  it("throws a PriceDataError naming the call when the answer is not a catalog", () => {
    const notACatalog = { catalogId: 1, plans: [] } as unknown as ApiCatalog;
    expect(() => priceBookFromCatalog(notACatalog)).toThrow(PriceDataError);
    expect(() => priceBookFromCatalog(notACatalog)).toThrow(
      /GET \/order\/catalog\/public\/exchange .*locale\.currencyCode is missing/,
    );
    expect(() => priceBookFromCatalog({ ...catalog([]), plans: null } as unknown as ApiCatalog)).toThrow(
      /plans is not a list/,
    );
  });
});

describe("unknownPriceBook", () => {
  it("has no currency, no price, and the reason", () => {
    expect(unknownPriceBook("offline")).toEqual({
      currency: null,
      monthly: {},
      unavailableReason: "offline",
    });
  });
});

describe("quoteFromApiOrder", () => {
  const request: QuoteRequest = {
    organization: "hosted-acme-1",
    service: "hosted-acme-1",
    license: "basic",
    duration: "12",
    quantity: 3,
  };
  const price = (ucents: number): ApiPrice => ({
    currencyCode: "EUR",
    value: ucents / 1e8,
    text: `${ucents / 1e8} €`,
    priceInUcents: ucents,
  });
  const order = (prices: ApiOrder["prices"]): ApiOrder => ({ orderId: null, url: null, prices, details: [] });

  it("H1: reads the quote's prices without and with tax from priceInUcents", () => {
    const quote = quoteFromApiOrder(
      request,
      order({ withoutTax: price(3_600_000_000), withTax: price(4_320_000_000), tax: price(720_000_000) }),
    );
    expect(quote).toEqual({
      platform: { organization: "hosted-acme-1", service: "hosted-acme-1" },
      license: "basic",
      duration: "12",
      quantity: 3,
      withoutTax: { ucents: 3_600_000_000, currency: "EUR" },
      withTax: { ucents: 4_320_000_000, currency: "EUR" },
    });
  });

  it("H1: reads a price whose priceInUcents is null (the schema allows it) from its value", () => {
    const quote = quoteFromApiOrder(
      request,
      order({
        withoutTax: { ...price(3_600_000_000), priceInUcents: null },
        withTax: { ...price(4_320_000_000), priceInUcents: null },
        tax: price(720_000_000),
      }),
    );
    expect(quote.withoutTax).toEqual({ ucents: 3_600_000_000, currency: "EUR" });
    expect(quote.withTax).toEqual({ ucents: 4_320_000_000, currency: "EUR" });
  });

  it.each([
    ["no prices at all", { orderId: null, url: null, details: [] }, /the quote has no prices/],
    ["no withTax", { prices: { withoutTax: price(1) } }, /prices\.withTax is missing/],
    [
      "neither an integer priceInUcents nor a numeric value",
      { prices: { withoutTax: { ...price(1), priceInUcents: "12", value: "0.12" }, withTax: price(1) } },
      /prices\.withoutTax has neither an integer priceInUcents nor a numeric value/,
    ],
    [
      "no currency",
      { prices: { withoutTax: price(1), withTax: { ...price(1), currencyCode: "" } } },
      /prices\.withTax\.currencyCode is missing/,
    ],
  ])("H1: a quote with %s is refused with a PriceDataError naming the call", (_what, answer, message) => {
    let error: unknown;
    try {
      quoteFromApiOrder(request, answer as unknown as ApiOrder);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PriceDataError);
    expect(error).toBeInstanceOf(ExrecError);
    expect((error as PriceDataError).code).toBe("EXREC_PRICE_DATA");
    expect((error as Error).message).toContain(
      "GET /order/email/exchange/hosted-acme-1/service/hosted-acme-1/account/12?licence=basic&number=3",
    );
    expect((error as Error).message).toMatch(message);
  });
});
