/**
 * The plan's totals (H1-H5, P2-P3 costs summed) and the order quotes it asks for. Prices are the
 * test values of samplePrices() (Hosted standard 4 / 3 EUR, basic 2 / 1, enterprise 8 / 6;
 * Private basic 5, standard 7, enterprise 11).
 */
import { describe, expect, it } from "vitest";
import type { Actual, Desired, OrderQuote, PriceBook, Totals } from "../../reconciler/model.js";
import { plan, quotesNeeded } from "../../reconciler/plan.js";
import { unknownPriceBook } from "../../reconciler/prices.js";
import {
  absent,
  actualOf,
  blankAccount,
  desiredOf,
  eur,
  hostedPlatform,
  liveAccount,
  liveHosted,
  livePrivate,
  livePrivateAccount,
  NOW,
  present,
  privatePlatform,
  samplePrices,
  sampleQuote,
} from "../support/builders.js";

interface Row {
  name: string;
  desired: Desired;
  actual: Actual;
  prices?: PriceBook;
  quotes?: [string, OrderQuote][];
  totals: Totals;
  warnings?: RegExp[];
}

const rows: Row[] = [
  {
    name: "Totals (H1, H4): monthlyBefore counts every live account, blanks included; steps are grouped by date, now first; after = before + steps",
    desired: desiredOf(
      hostedPlatform({
        prune: true,
        accounts: [
          present("ann@acme.example", { license: "standard", renewal: "yearly" }),
          absent("bob@acme.example"),
        ],
      }),
      privatePlatform({
        accounts: [present("cid@acme.example", { license: "basic" }), absent("dan@acme.example")],
      }),
    ),
    actual: actualOf(
      liveHosted([
        liveAccount("bob@acme.example", { license: "enterprise", renewal: "monthly" }), // 8, terminated at expiry
        liveAccount("eve@acme.example", { expirationDate: "2027-01-31T00:00:00+01:00" }), // 3, pruned at its expiry
        blankAccount("b1"), // 3, reused by ann
      ]),
      livePrivate([livePrivateAccount("dan@acme.example", { license: "standard" })]), // 7, deleted now
    ),
    totals: {
      currency: "EUR",
      oneTime: eur(0),
      unknownCosts: 0,
      monthlyBefore: eur(8 + 3 + 3 + 7),
      monthlySteps: [
        { from: "now", delta: eur(5 - 7) },
        { from: "2027-01-31", delta: eur(-3) },
        { from: "2027-03-31", delta: eur(-8) },
      ],
      monthlyAfter: eur(21 - 2 - 3 - 8),
    },
  },
  {
    name: "Totals (H1): ordered accounts cost the quote once, a one-time amount never mixed into the monthly steps",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("ann@acme.example", { license: "enterprise", renewal: "yearly" }),
          present("bob@acme.example", { license: "enterprise", renewal: "yearly" }),
          present("cid@acme.example", { license: "basic", renewal: "monthly" }),
        ],
      }),
    ),
    actual: actualOf(liveHosted([])),
    quotes: [
      sampleQuote({ license: "enterprise", duration: "12", quantity: 2, unitsWithoutTax: 144 }),
      sampleQuote({ license: "basic", duration: "01", quantity: 1, unitsWithoutTax: 2 }),
    ],
    totals: {
      currency: "EUR",
      oneTime: eur(146),
      unknownCosts: 0,
      monthlyBefore: eur(0),
      monthlySteps: [],
      monthlyAfter: eur(0),
    },
  },
  {
    name: "Totals (H1): an order without its quote is an unknown cost, and adds no monthly step",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "basic", renewal: "yearly" })] }),
    ),
    actual: actualOf(liveHosted([liveAccount("old@acme.example")])),
    totals: {
      currency: "EUR",
      oneTime: eur(0),
      unknownCosts: 1,
      monthlyBefore: eur(3),
      monthlySteps: [],
      monthlyAfter: null,
    },
  },
  {
    name: "Totals (H2, H3): steps that cancel out on one date are dropped",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("ann@acme.example", { renewal: "monthly" }),
          present("bob@acme.example", { renewal: "yearly" }),
        ],
      }),
    ),
    actual: actualOf(
      liveHosted([
        liveAccount("ann@acme.example", { renewal: "yearly" }),
        liveAccount("bob@acme.example", { renewal: "monthly" }),
      ]),
    ),
    totals: {
      currency: "EUR",
      oneTime: eur(0),
      unknownCosts: 0,
      monthlyBefore: eur(7),
      monthlySteps: [],
      monthlyAfter: eur(7),
    },
  },
  {
    name: "Totals (no rule): a licence change's unknown cost is counted and leaves the run rate after the plan unknown",
    desired: desiredOf(
      privatePlatform({ accounts: [present("ann@acme.example", { license: "enterprise" })] }),
    ),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example", { license: "basic" })])),
    totals: {
      currency: "EUR",
      oneTime: eur(0),
      unknownCosts: 1,
      monthlyBefore: eur(5),
      monthlySteps: [],
      monthlyAfter: null,
    },
  },
  {
    name: "Totals (H4, P3): when the catalog could not be read, every amount is unknown, the reason is a warning, and nothing is guessed",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          absent("ann@acme.example"),
          present("bob@acme.example", { license: "basic", renewal: "yearly" }),
        ],
      }),
      privatePlatform({ accounts: [absent("cid@acme.example")] }),
    ),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example")]),
      livePrivate([livePrivateAccount("cid@acme.example")]),
    ),
    prices: unknownPriceBook("the price catalog could not be read: HTTP 503"),
    totals: {
      currency: null,
      oneTime: null,
      unknownCosts: 3,
      monthlyBefore: null,
      monthlySteps: [],
      monthlyAfter: null,
    },
    warnings: [/^prices are unknown: the price catalog could not be read: HTTP 503/],
  },
  {
    name: "Totals (H1): with the catalog unknown, the order quote still gives the one-time total in its currency, and no monthly step (one-time and monthly are never mixed)",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "basic", renewal: "yearly" })] }),
    ),
    actual: actualOf(liveHosted([liveAccount("old@acme.example")])),
    prices: unknownPriceBook("offline"),
    quotes: [sampleQuote({ license: "basic", duration: "12", quantity: 1, unitsWithoutTax: 12 })],
    totals: {
      currency: "EUR",
      oneTime: eur(12),
      unknownCosts: 0,
      // old@ (standard, yearly) has neither a quote nor a catalog price.
      monthlyBefore: null,
      monthlySteps: [],
      monthlyAfter: null,
    },
  },
  {
    name: "Totals (H3): a price missing from the catalog makes the amounts that need it unknown, and the warning names the plan code read",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { license: "enterprise" })])),
    prices: { currency: "EUR", monthly: { "hosted/enterprise/yearly": 600_000_000 } },
    totals: {
      currency: "EUR",
      oneTime: eur(0),
      unknownCosts: 1,
      monthlyBefore: eur(6),
      monthlySteps: [],
      monthlyAfter: null,
    },
    warnings: [
      /no usable monthly price for hosted enterprise accounts renewed monthly \(exrec reads plan code exchange-hosted-enterprise, which is unverified\)/,
    ],
  },
];

describe("plan totals", () => {
  it.each(rows)("$name", (row) => {
    const result = plan(row.desired, row.actual, {
      now: NOW,
      prices: row.prices ?? samplePrices(),
      quotes: new Map(row.quotes ?? []),
    });
    expect(result.totals).toEqual(row.totals);
    for (const warning of row.warnings ?? []) expect(result.warnings.some((w) => warning.test(w))).toBe(true);
  });
});

describe("quotesNeeded", () => {
  const desired = desiredOf(
    hostedPlatform({
      accounts: [
        present("ann@acme.example", { license: "standard", renewal: "yearly" }),
        present("bob@acme.example", { license: "standard", renewal: "yearly" }),
        present("cid@acme.example", { license: "basic", renewal: "monthly" }),
      ],
    }),
  );
  const actual = actualOf(liveHosted([]));

  it("H1: asks for one quote per planned order, with the order's licence, duration and quantity", () => {
    const first = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
    expect(quotesNeeded(first)).toEqual([
      {
        organization: "hosted-acme-1",
        service: "hosted-acme-1",
        license: "standard",
        duration: "12",
        quantity: 2,
      },
      {
        organization: "hosted-acme-1",
        service: "hosted-acme-1",
        license: "basic",
        duration: "01",
        quantity: 1,
      },
    ]);
  });

  it("H1: once planned again with the quotes it asked for, it asks for nothing and every order has a one-time cost", () => {
    const first = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
    const quotes = new Map(
      quotesNeeded(first).map((r) => sampleQuote({ ...r, unitsWithoutTax: 10 * r.quantity })),
    );
    const second = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes });
    expect(quotesNeeded(second)).toEqual([]);
    expect(second.changes.map((c) => c.cost.kind)).toEqual(["one-time", "one-time"]);
    expect(second.totals.oneTime).toEqual(eur(30));
  });

  it("H1: a quote for another quantity is not used: the cost stays unknown and the quote is asked for again", () => {
    const quotes = new Map([
      sampleQuote({ license: "standard", duration: "12", quantity: 5, unitsWithoutTax: 50 }),
    ]);
    const result = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes });
    expect(quotesNeeded(result).map((r) => r.quantity)).toEqual([2, 1]);
  });

  it("asks for nothing when nothing is ordered (reuse, renewals, removals)", () => {
    const result = plan(
      desiredOf(
        hostedPlatform({
          accounts: [
            present("ann@acme.example", { license: "standard", renewal: "yearly" }),
            absent("bob@acme.example"),
          ],
        }),
      ),
      actualOf(liveHosted([blankAccount("b1"), liveAccount("bob@acme.example")])),
      { now: NOW, prices: samplePrices(), quotes: new Map() },
    );
    expect(result.changes.length).toBe(2);
    expect(quotesNeeded(result)).toEqual([]);
  });
});
