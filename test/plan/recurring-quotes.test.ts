/**
 * Recurring prices of Hosted accounts from order quotes: the quote of ONE account of a licence for
 * `01` months is its monthly price, for `12` months its yearly one (a twelfth a month). The catalog
 * is used only where no quote was had, and every recurring cost says which source it came from.
 * The prices are TEST VALUES: quotes deliberately differ from the catalog so each row shows which
 * one was used.
 */
import { describe, expect, it } from "vitest";
import {
  quoteKey,
  type Actual,
  type Cost,
  type Desired,
  type OrderQuote,
  type Plan,
  type PriceBook,
} from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import {
  declaredRecurringQuoteRequests,
  recurringQuoteRequests,
  unknownPriceBook,
} from "../../reconciler/prices.js";
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
  sampleQuote,
  samplePrices,
} from "../support/builders.js";
import { first } from "../support/items.js";

interface Row {
  name: string;
  desired: Desired;
  actual: Actual;
  prices?: PriceBook;
  quotes: [string, OrderQuote][];
  /** The cost of the one change planned. */
  cost: Cost;
  /** The plan's monthly run rate before, in EUR units, or null when unknown. */
  monthlyBefore?: number | null;
}

// Catalog (samplePrices): standard monthly 4, yearly 3 a month. Quotes below: monthly 5, yearly 42 (3.5).
const STANDARD_MONTHLY_QUOTE = sampleQuote({
  license: "standard",
  duration: "01",
  quantity: 1,
  unitsWithoutTax: 5,
});
const STANDARD_YEARLY_QUOTE = sampleQuote({
  license: "standard",
  duration: "12",
  quantity: 1,
  unitsWithoutTax: 42,
});

const rows: Row[] = [
  {
    name: "H3: a renewal change is priced from the quotes of 01 and 12 months, marked quote",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [STANDARD_MONTHLY_QUOTE, STANDARD_YEARLY_QUOTE],
    // 5 a month − 42/12 (3.5) a month.
    cost: { kind: "recurring", delta: eur(1.5), from: "2027-03-31", source: "quote" },
    monthlyBefore: 3.5,
  },
  {
    name: "H3: with only one of the two quotes, the other price is the catalog's, marked quote+catalog",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [STANDARD_MONTHLY_QUOTE],
    // 5 (quote) − 3 (catalog).
    cost: { kind: "recurring", delta: eur(2), from: "2027-03-31", source: "quote+catalog" },
  },
  {
    name: "H3: with no quote, the catalog prices the change, marked catalog",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [],
    cost: { kind: "recurring", delta: eur(1), from: "2027-03-31", source: "catalog" },
    monthlyBefore: 3,
  },
  {
    name: "H4: a termination saves the yearly quote's twelfth from the expiry",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [STANDARD_YEARLY_QUOTE],
    cost: {
      kind: "recurring",
      delta: eur(-3.5),
      from: "2027-03-31",
      source: "quote",
      note: "billed until its expiry, then no more",
    },
  },
  {
    name: "H4: the quotes still price a termination when the catalog cannot be read",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    prices: unknownPriceBook("the price catalog could not be read: test"),
    quotes: [STANDARD_YEARLY_QUOTE],
    cost: {
      kind: "recurring",
      delta: eur(-3.5),
      from: "2027-03-31",
      source: "quote",
      note: "billed until its expiry, then no more",
    },
    monthlyBefore: 3.5,
  },
  {
    name: "H4: another platform's quote is not used: each platform has its own prices",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [
      sampleQuote({
        organization: "other-org",
        service: "other-svc",
        license: "standard",
        duration: "12",
        quantity: 1,
        unitsWithoutTax: 42,
      }),
    ],
    cost: {
      kind: "recurring",
      delta: eur(-3),
      from: "2027-03-31",
      source: "catalog",
      note: "billed until its expiry, then no more",
    },
  },
  {
    name: "H4: the quote of an order of two accounts is not a price of one",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })])),
    quotes: [sampleQuote({ license: "standard", duration: "12", quantity: 2, unitsWithoutTax: 84 })],
    cost: {
      kind: "recurring",
      delta: eur(-3),
      from: "2027-03-31",
      source: "catalog",
      note: "billed until its expiry, then no more",
    },
  },
  {
    name: "P3: Private accounts are never quoted: the catalog prices their removal",
    desired: desiredOf(privatePlatform({ accounts: [absent("pat@globex.example")] })),
    actual: actualOf(livePrivate([livePrivateAccount("pat@globex.example")])),
    quotes: [STANDARD_MONTHLY_QUOTE],
    cost: {
      kind: "recurring",
      delta: eur(-7),
      from: "now",
      source: "catalog",
      note: "the guide does not say whether the current month is refunded",
    },
  },
];

function planRow(row: Row): Plan {
  return plan(row.desired, row.actual, {
    now: NOW,
    prices: row.prices ?? samplePrices(),
    quotes: new Map(row.quotes),
  });
}

describe("recurring prices of Hosted accounts from order quotes", () => {
  it.each(rows)("$name", (row) => {
    const result = planRow(row);
    expect(result.changes).toHaveLength(1);
    expect(first(result.changes, "change").cost).toEqual(row.cost);
    if (row.monthlyBefore !== undefined) {
      expect(result.totals.monthlyBefore).toEqual(row.monthlyBefore === null ? null : eur(row.monthlyBefore));
    }
  });
});

describe("recurringQuoteRequests: the quotes a plan's recurring prices need", () => {
  it("asks, per Hosted platform, one account of each licence it holds for each renewal it holds or is given", () => {
    const desired = desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] }),
      privatePlatform({ accounts: [absent("pat@globex.example")] }),
    );
    const actual = actualOf(
      liveHosted([
        liveAccount("ann@acme.example", { license: "standard", renewal: "yearly" }),
        liveAccount("bob@acme.example", { license: "basic", renewal: "yearly" }),
      ]),
      livePrivate([livePrivateAccount("pat@globex.example")]),
    );
    const first = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
    const asked = recurringQuoteRequests(first, actual).map(
      (r) => `${r.organization}/${r.service} ${r.license} ${r.duration} ×${r.quantity}`,
    );
    expect(asked).toEqual([
      "hosted-acme-1/hosted-acme-1 basic 01 ×1",
      "hosted-acme-1/hosted-acme-1 basic 12 ×1",
      "hosted-acme-1/hosted-acme-1 standard 01 ×1",
      "hosted-acme-1/hosted-acme-1 standard 12 ×1",
    ]);
  });

  it("leaves out the quotes already read, and asks nothing for a plan of Private platforms only", () => {
    const desired = desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] }));
    const actual = actualOf(liveHosted([liveAccount("ann@acme.example", { renewal: "yearly" })]));
    const first = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
    expect(recurringQuoteRequests(first, actual, new Set([STANDARD_YEARLY_QUOTE[0]]))).toEqual([]);

    const privateOnly = desiredOf(privatePlatform({ accounts: [absent("pat@globex.example")] }));
    const privateActual = actualOf(livePrivate([livePrivateAccount("pat@globex.example")]));
    const privatePlan = plan(privateOnly, privateActual, {
      now: NOW,
      prices: samplePrices(),
      quotes: new Map(),
    });
    expect(recurringQuoteRequests(privatePlan, privateActual)).toEqual([]);
  });
});

describe("declaredRecurringQuoteRequests: the quotes read while the platforms are refreshed", () => {
  it("asks, per declared Hosted platform, each licence its accounts declare for each renewal they declare", () => {
    const desired = desiredOf(
      hostedPlatform({
        accounts: [
          present("ann@acme.example", { license: "standard", renewal: "monthly" }),
          present("bob@acme.example", { license: "basic" }),
          present("cid@acme.example", { renewal: "yearly" }),
          absent("dan@acme.example"),
        ],
      }),
      privatePlatform({ accounts: [present("pat@globex.example", { license: "enterprise" })] }),
    );
    expect(
      declaredRecurringQuoteRequests(desired).map(
        (r) => `${r.organization}/${r.service} ${r.license} ${r.duration} ×${r.quantity}`,
      ),
    ).toEqual([
      "hosted-acme-1/hosted-acme-1 basic 01 ×1",
      "hosted-acme-1/hosted-acme-1 basic 12 ×1",
      "hosted-acme-1/hosted-acme-1 standard 01 ×1",
      "hosted-acme-1/hosted-acme-1 standard 12 ×1",
    ]);
  });

  // Read before the plan exists, they must never be more than the plan asks for.
  const declaring: { name: string; desired: Desired; actual: Actual }[] = [
    {
      name: "an account as it is",
      desired: desiredOf(
        hostedPlatform({
          accounts: [present("ann@acme.example", { license: "standard", renewal: "yearly" })],
        }),
      ),
      actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    },
    {
      name: "a licence changed",
      desired: desiredOf(
        hostedPlatform({
          accounts: [present("ann@acme.example", { license: "enterprise", renewal: "yearly" })],
        }),
      ),
      actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    },
    {
      name: "a renewal changed",
      desired: desiredOf(
        hostedPlatform({
          accounts: [present("ann@acme.example", { license: "standard", renewal: "monthly" })],
        }),
      ),
      actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    },
    {
      name: "an account ordered",
      desired: desiredOf(
        hostedPlatform({
          accounts: [
            present("ann@acme.example", { license: "standard", renewal: "yearly" }),
            present("bob@acme.example", { license: "basic", renewal: "monthly" }),
          ],
        }),
      ),
      actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    },
    {
      name: "a blank account reused",
      desired: desiredOf(
        hostedPlatform({ accounts: [present("bob@acme.example", { license: "basic", renewal: "monthly" })] }),
      ),
      actual: actualOf(liveHosted([blankAccount("blank1", { license: "basic", renewal: "monthly" })])),
    },
  ];

  it("asks nothing the plan would not ask for", () => {
    let asked = 0;
    for (const row of [...rows, ...declaring]) {
      const first = plan(row.desired, row.actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
      const needed = new Set(recurringQuoteRequests(first, row.actual).map((r) => quoteKey(r)));
      for (const request of declaredRecurringQuoteRequests(row.desired)) {
        expect(needed, row.name).toContain(quoteKey(request));
        asked++;
      }
    }
    expect(asked).toBeGreaterThan(0);
  });
});
