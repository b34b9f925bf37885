/**
 * The planner's rules, one table row each. Every row states a declared and a live state and the
 * changes the plan must hold (in apply order, all of them), with their effective date, cost, rule
 * and destructiveness. Prices are the test values of samplePrices(): Hosted standard 4 EUR monthly
 * / 3 EUR yearly-equivalent, basic 2 / 1, enterprise 8 / 6; Private basic 5, standard 7, enterprise 11.
 */
import { describe, expect, it } from "vitest";
import {
  toAddress,
  isDestructive,
  type Actual,
  type Desired,
  type OrderQuote,
  type Plan,
} from "../../reconciler/model.js";
import { documentOf } from "../../reconciler/plan-format/document.js";
import { plan } from "../../reconciler/plan.js";
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
  quotes?: [string, OrderQuote][];
  /** Every change of the plan, in order, each matched with toMatchObject. */
  changes: Record<string, unknown>[];
  waiting?: string[];
  unmanaged?: string[];
  warnings?: RegExp[];
}

function planRow(row: Pick<Row, "desired" | "actual" | "quotes">): Plan {
  return plan(row.desired, row.actual, {
    now: NOW,
    prices: samplePrices(),
    quotes: new Map(row.quotes ?? []),
  });
}

function check(row: Row): void {
  const result = planRow(row);
  // Matched as the plan's JSON writes them: with the `destructive` their actions give.
  const changes = documentOf(result).changes;
  expect(changes).toHaveLength(row.changes.length);
  row.changes.forEach((expected, i) => expect(changes[i]).toMatchObject(expected));
  expect(result.waiting.map((w) => w.address)).toEqual(row.waiting ?? []);
  expect(result.unmanaged.map((u) => u.address)).toEqual(row.unmanaged ?? []);
  for (const warning of row.warnings ?? []) expect(result.warnings.some((w) => warning.test(w))).toBe(true);
}

const H = "hosted-acme-1/hosted-acme-1";
const P = "private-acme-1/exchange.acme.example";

const hostedRows: Row[] = [
  {
    name: "H1: a declared Hosted account that is missing reuses a blank, paid account of the same licence (configure), at no cost",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("ann@acme.example", { license: "standard", renewal: "yearly", displayName: "Ann" }),
        ],
      }),
    ),
    actual: actualOf(liveHosted([blankAccount("blank1")])),
    changes: [
      {
        id: `${H}/ann@acme.example/configure`,
        action: "configure",
        address: "ann@acme.example",
        placeholder: "blank1@configureme.me",
        before: { email: "blank1@configureme.me", configured: false, displayName: null },
        after: { email: "ann@acme.example", configured: true, displayName: "Ann" },
        renewalEffective: null,
        effective: "now",
        cost: { kind: "none" },
        rule: "H1",
        destructive: false,
      },
    ],
  },
  {
    name: "H1, H3: a reused blank whose renewal differs gets the declared renewal from its expiry date, and the reason says so",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "standard", renewal: "yearly" })] }),
    ),
    actual: actualOf(liveHosted([blankAccount("blank1", { renewal: "monthly" })])),
    changes: [
      {
        action: "configure",
        placeholder: "blank1@configureme.me",
        before: { renewal: "monthly" },
        after: { renewal: "yearly" },
        renewalEffective: "2027-03-31",
        effective: "now",
        cost: { kind: "recurring", delta: eur(3 - 4), from: "2027-03-31" },
        reason: expect.stringMatching(/monthly → yearly applies at its expiry on 2027-03-31 \(H3\)/),
        rule: "H1",
      },
    ],
  },
  {
    name: "H1: a blank of another licence is not reused: the account is ordered and the blank stays unmanaged",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "standard", renewal: "yearly" })] }),
    ),
    actual: actualOf(liveHosted([blankAccount("blank1", { license: "basic" })])),
    changes: [{ action: "order", license: "standard", addresses: ["ann@acme.example"], quantity: 1 }],
    unmanaged: ["blank1@configureme.me"],
  },
  {
    name: "H1: a blank that is terminating, past its paid term, suspended or busy with a task is not reused",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "standard", renewal: "yearly" })] }),
    ),
    actual: actualOf(
      liveHosted([
        blankAccount("terminating", { deleteAtExpiration: true }),
        blankAccount("expired", { expirationDate: "2026-11-01T00:00:00+01:00" }),
        blankAccount("noexpiry", { expirationDate: null }),
        blankAccount("suspended", { state: "suspended" }),
        blankAccount("busy", { taskPendingId: 42 }),
        blankAccount("creating", { state: "creating" }),
      ]),
    ),
    changes: [{ action: "order", addresses: ["ann@acme.example"] }],
    unmanaged: [
      "terminating@configureme.me",
      "expired@configureme.me",
      "noexpiry@configureme.me",
      "suspended@configureme.me",
      "busy@configureme.me",
      "creating@configureme.me",
    ],
    warnings: [/2 blank standard accounts are still being delivered or worked on; this plan orders anyway/],
  },
  {
    name: "H1: missing accounts are ordered in ONE order per licence and duration, addresses sorted, the quote as a one-time cost",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("cid@acme.example", { license: "standard", renewal: "yearly", displayName: "Cid" }),
          present("dan@acme.example", { license: "basic", renewal: "monthly" }),
          present("ann@acme.example", { license: "standard", renewal: "yearly" }),
          present("bob@acme.example", { license: "standard", renewal: "yearly" }),
        ],
      }),
    ),
    actual: actualOf(liveHosted([])),
    quotes: [sampleQuote({ license: "standard", duration: "12", quantity: 3, unitsWithoutTax: 108 })],
    changes: [
      {
        id: `${H}/order/standard/12`,
        action: "order",
        addresses: ["ann@acme.example", "bob@acme.example", "cid@acme.example"],
        accounts: [
          { email: "ann@acme.example", displayName: null },
          { email: "bob@acme.example", displayName: null },
          { email: "cid@acme.example", displayName: "Cid" },
        ],
        license: "standard",
        renewal: "yearly",
        duration: "12",
        quantity: 3,
        before: null,
        after: { exists: true, license: "standard", renewal: "yearly" },
        effective: "now",
        cost: { kind: "one-time", amount: eur(108), taxIncluded: eur(129.6), source: "quote" },
        rule: "H1",
        destructive: false,
      },
      {
        id: `${H}/order/basic/01`,
        action: "order",
        addresses: ["dan@acme.example"],
        duration: "01",
        quantity: 1,
        cost: { kind: "unknown", reason: "no order quote was read" },
        rule: "H1",
      },
    ],
  },
  {
    name: "H1: each blank is reused once: a matching renewal first, then the latest expiry, then the lowest address",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("x@acme.example", { license: "standard", renewal: "yearly" }),
          present("y@acme.example", { license: "standard", renewal: "yearly" }),
          present("z@acme.example", { license: "standard", renewal: "monthly" }),
          present("w@acme.example", { license: "standard", renewal: "yearly" }),
        ],
      }),
    ),
    actual: actualOf(
      liveHosted([
        blankAccount("b1", { renewal: "monthly", expirationDate: "2027-06-30T00:00:00+02:00" }),
        blankAccount("b2", { renewal: "yearly", expirationDate: "2027-01-31T00:00:00+01:00" }),
        blankAccount("b4", { renewal: "yearly", expirationDate: "2027-05-31T00:00:00+02:00" }),
        blankAccount("b3", { renewal: "yearly", expirationDate: "2027-05-31T00:00:00+02:00" }),
      ]),
    ),
    changes: [
      {
        action: "configure",
        address: "w@acme.example",
        placeholder: "b2@configureme.me",
        renewalEffective: null,
      },
      {
        action: "configure",
        address: "x@acme.example",
        placeholder: "b3@configureme.me",
        renewalEffective: null,
      },
      {
        action: "configure",
        address: "y@acme.example",
        placeholder: "b4@configureme.me",
        renewalEffective: null,
      },
      {
        action: "configure",
        address: "z@acme.example",
        placeholder: "b1@configureme.me",
        renewalEffective: null,
      },
    ],
  },
  {
    name: "H1: a blank whose renewal matches goes to the account that wants that renewal, even when another is declared first",
    desired: desiredOf(
      hostedPlatform({
        accounts: [
          present("ann@acme.example", { license: "standard", renewal: "yearly" }),
          present("bob@acme.example", { license: "standard", renewal: "monthly" }),
        ],
      }),
    ),
    actual: actualOf(liveHosted([blankAccount("b1", { renewal: "monthly" })])),
    changes: [
      {
        action: "configure",
        address: "bob@acme.example",
        placeholder: "b1@configureme.me",
        renewalEffective: null,
      },
      { action: "order", addresses: ["ann@acme.example"], renewal: "yearly", duration: "12" },
    ],
  },
  {
    name: "H3: a Hosted account whose declared renewal differs is renewed at its expiry date, in the date's own offset",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "yearly" })] })),
    // 23:30 at -05:00 is already 1 April in UTC: the plan must still say 31 March.
    actual: actualOf(
      liveHosted([
        liveAccount("ann@acme.example", { renewal: "monthly", expirationDate: "2027-03-31T23:30:00-05:00" }),
      ]),
    ),
    changes: [
      {
        id: `${H}/ann@acme.example/renew`,
        action: "renew",
        before: { renewal: "monthly" },
        after: { renewal: "yearly" },
        effective: "2027-03-31",
        cost: { kind: "recurring", delta: eur(-1), from: "2027-03-31", source: "catalog" },
        rule: "H3",
        destructive: false,
      },
    ],
  },
  {
    name: "H3: when the API gives no expiry date, a renewal takes effect on an 'unknown' date, its cost is unknown and a warning says why",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "monthly" })] })),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example", { renewal: "yearly", expirationDate: null })]),
    ),
    changes: [
      {
        action: "renew",
        effective: "unknown",
        cost: { kind: "unknown", reason: expect.stringMatching(/no expiry date/) },
        reason: expect.stringMatching(/no expiry date/),
        rule: "H3",
      },
    ],
    warnings: [
      /ann@acme\.example: the API gives no expiry date for this account, so the date its renewal change takes effect is unknown/,
    ],
  },
  {
    name: "H2: a declared renewal equal to the live one plans nothing",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "standard", renewal: "yearly" })] }),
    ),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    changes: [],
  },
  {
    name: "H4: a Hosted account set to expire at term but declared present has its termination cancelled now, at no cost, the continued billing in the note",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { deleteAtExpiration: true })])),
    changes: [
      {
        id: `${H}/ann@acme.example/cancel-termination`,
        action: "cancel-termination",
        before: { deleteAtExpiration: true },
        after: { deleteAtExpiration: false },
        effective: "now",
        cost: { kind: "none", note: "billing continues past the expiry on 2027-03-31 at 3.00 EUR/month" },
        rule: "H4",
        destructive: false,
      },
    ],
  },
  {
    name: "H4: a Hosted account declared absent is terminated at its expiry, saving its monthly price from that date",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example", { license: "enterprise", renewal: "monthly" })]),
    ),
    changes: [
      {
        id: `${H}/ann@acme.example/terminate`,
        action: "terminate",
        before: { deleteAtExpiration: false },
        after: { deleteAtExpiration: true },
        effective: "2027-03-31",
        cost: { kind: "recurring", delta: eur(-8), from: "2027-03-31" },
        rule: "H4",
        destructive: false,
      },
    ],
  },
  {
    name: "H4: a Hosted account declared absent that is already terminating needs nothing",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { deleteAtExpiration: true })])),
    changes: [],
  },
  {
    name: "H4: a Hosted account declared absent that does not exist needs nothing",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([])),
    changes: [],
  },
  {
    name: "H4: when the API gives no expiry date, a termination takes effect on an 'unknown' date and its saving is unknown",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { expirationDate: null })])),
    changes: [
      {
        action: "terminate",
        effective: "unknown",
        cost: { kind: "unknown", reason: expect.stringMatching(/no expiry date/) },
      },
    ],
    warnings: [/no expiry date/],
  },
  {
    name: "H4: with prune, an undeclared Hosted account is terminated at its expiry",
    desired: desiredOf(hostedPlatform({ prune: true, accounts: [present("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example"), liveAccount("old@acme.example")])),
    changes: [
      {
        action: "terminate",
        address: "old@acme.example",
        effective: "2027-03-31",
        cost: { kind: "recurring", delta: eur(-3) },
        reason: expect.stringMatching(/^not declared, and the platform prunes/),
        rule: "H4",
      },
    ],
  },
  {
    name: "H4: with prune, a blank account that no declared account reuses is terminated, with the saving shown",
    desired: desiredOf(
      hostedPlatform({
        prune: true,
        accounts: [present("ann@acme.example", { license: "basic", renewal: "yearly" })],
      }),
    ),
    actual: actualOf(
      liveHosted([
        blankAccount("b1", { license: "basic" }),
        blankAccount("b2", { license: "enterprise", renewal: "monthly" }),
      ]),
    ),
    changes: [
      { action: "configure", address: "ann@acme.example", placeholder: "b1@configureme.me" },
      {
        action: "terminate",
        address: "b2@configureme.me",
        effective: "2027-03-31",
        cost: { kind: "recurring", delta: eur(-8), from: "2027-03-31" },
        reason: expect.stringMatching(/^blank, reused by no declared account/),
        rule: "H4",
      },
    ],
  },
  {
    name: "H4: without prune, undeclared accounts, blanks included, are left alone and listed as unmanaged",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example"), liveAccount("old@acme.example"), blankAccount("b1")]),
    ),
    changes: [],
    unmanaged: ["old@acme.example", "b1@configureme.me"],
  },
  {
    name: "H5: with removal: reset, an account declared absent is terminated at expiry AND reset now (destructive, billed until its expiry)",
    desired: desiredOf(hostedPlatform({ removal: "reset", accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    changes: [
      { action: "terminate", effective: "2027-03-31", destructive: false, rule: "H4" },
      {
        id: `${H}/ann@acme.example/reset`,
        action: "reset",
        effective: "now",
        destructive: true,
        rule: "H5",
        cost: {
          kind: "none",
          note: "the mailbox is wiped today; billing runs to its expiry on 2027-03-31 (H5)",
        },
      },
    ],
  },
  {
    name: "H5: with removal: reset and prune, a blank account is terminated but never reset (it has no mailbox)",
    desired: desiredOf(hostedPlatform({ removal: "reset", prune: true })),
    actual: actualOf(liveHosted([blankAccount("b1")])),
    changes: [{ action: "terminate", address: "b1@configureme.me" }],
  },
  {
    name: "H5: with removal: reset, an account already terminating is reset but not terminated again",
    desired: desiredOf(hostedPlatform({ removal: "reset", accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { deleteAtExpiration: true })])),
    changes: [{ action: "reset", destructive: true }],
  },
];

const privateRows: Row[] = [
  {
    name: "P2: a declared Private account that is missing is added now, billed for the current month",
    desired: desiredOf(
      privatePlatform({
        accounts: [present("ann@acme.example", { license: "enterprise", displayName: "Ann" })],
      }),
    ),
    actual: actualOf(livePrivate([])),
    changes: [
      {
        id: `${P}/ann@acme.example/add`,
        action: "add",
        license: "enterprise",
        before: { exists: false },
        after: { exists: true, email: "ann@acme.example", license: "enterprise", displayName: "Ann" },
        effective: "now",
        cost: { kind: "recurring", delta: eur(11), from: "now", note: "billed for the current month (P2)" },
        rule: "P2",
        destructive: false,
      },
    ],
  },
  {
    name: "P3: a Private account declared absent is deleted now, destructive, saving its price from now with no claim about refunds",
    desired: desiredOf(privatePlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example", { license: "basic" })])),
    changes: [
      {
        id: `${P}/ann@acme.example/delete`,
        action: "delete",
        before: { exists: true },
        after: { exists: false },
        effective: "now",
        cost: {
          kind: "recurring",
          delta: eur(-5),
          from: "now",
          note: "the guide does not say whether the current month is refunded",
        },
        rule: "P3",
        destructive: true,
      },
    ],
  },
  {
    name: "P3: with prune, an undeclared Private account is deleted; without prune it is unmanaged",
    desired: desiredOf(
      privatePlatform({ prune: true }),
      privatePlatform({ organization: "private-other", service: "exchange.other.example" }),
    ),
    actual: actualOf(
      livePrivate([livePrivateAccount("old@acme.example")]),
      livePrivate([livePrivateAccount("keep@other.example")], {
        organization: "private-other",
        service: "exchange.other.example",
      }),
    ),
    changes: [{ action: "delete", address: "old@acme.example", destructive: true, rule: "P3" }],
    unmanaged: ["keep@other.example"],
  },
  {
    name: "P1: a renewal is never changed on a Private platform, whatever the API or the manifest gives",
    desired: desiredOf(
      privatePlatform({
        accounts: [present("ann@acme.example", { license: "standard", renewal: "monthly" })],
      }),
    ),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example", { renewal: "yearly" })])),
    changes: [],
  },
  {
    name: "P1: a Private account never gets a cancel-termination, even if the API says deleteAtExpiration",
    desired: desiredOf(privatePlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example", { deleteAtExpiration: true })])),
    changes: [],
  },
  {
    name: "P2: the API offer dedicatedCluster follows the Private rules",
    desired: desiredOf(privatePlatform({ accounts: [present("ann@acme.example", { license: "basic" })] })),
    actual: actualOf(livePrivate([], { apiOffer: "dedicatedCluster" })),
    changes: [{ action: "add", rule: "P2" }],
  },
];

const updateRows: Row[] = [
  {
    name: "Licence (no rule): a declared licence that differs is an update now whose cost is unknown, the catalog's difference in the reason",
    desired: desiredOf(
      hostedPlatform({ accounts: [present("ann@acme.example", { license: "enterprise" })] }),
    ),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { license: "standard" })])),
    changes: [
      {
        id: `${H}/ann@acme.example/update`,
        action: "update",
        before: { license: "standard" },
        after: { license: "enterprise" },
        effective: "now",
        cost: {
          kind: "unknown",
          reason:
            "the guide does not say when a licence change is billed; the catalog's monthly difference is +3.00 EUR per account",
        },
        rule: null,
        destructive: false,
      },
    ],
  },
  {
    name: "Display name (no rule): a declared display name that differs is an update now with no billing effect",
    desired: desiredOf(
      privatePlatform({ accounts: [present("ann@acme.example", { displayName: "Ann Smith" })] }),
    ),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example", { displayName: "Ann" })])),
    changes: [
      {
        action: "update",
        before: { displayName: "Ann" },
        after: { displayName: "Ann Smith" },
        effective: "now",
        cost: { kind: "none" },
        rule: null,
      },
    ],
  },
  {
    name: "H3 with a licence: one account can get a cancel-termination, a renewal and an update, each its own change",
    desired: desiredOf(
      hostedPlatform({
        accounts: [present("ann@acme.example", { license: "basic", renewal: "monthly", displayName: "Ann" })],
      }),
    ),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { deleteAtExpiration: true })])),
    changes: [
      { action: "cancel-termination" },
      {
        action: "update",
        before: { license: "standard", displayName: null },
        after: { license: "basic", displayName: "Ann" },
      },
      { action: "renew", effective: "2027-03-31", cost: { kind: "recurring", delta: eur(4 - 3) } },
    ],
  },
  {
    name: "Unmanaged fields: licence, renewal and display name left undeclared plan nothing, whatever they are live",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(
      liveHosted([
        liveAccount("ann@acme.example", {
          license: "enterprise",
          renewal: "monthly",
          displayName: "Whoever",
        }),
      ]),
    ),
    changes: [],
  },
];

const stateRows: Row[] = [
  ...(["creating", "deleting", "suspending", "reopening", "internalMigration"] as const).map(
    (state): Row => ({
      name: `Waiting (H1-H5, P1-P3 deferred): an account in state ${state} gets no change and is listed as waiting`,
      desired: desiredOf(
        hostedPlatform({ accounts: [present("ann@acme.example", { license: "basic", renewal: "monthly" })] }),
      ),
      actual: actualOf(liveHosted([liveAccount("ann@acme.example", { state, deleteAtExpiration: true })])),
      changes: [],
      waiting: ["ann@acme.example"],
    }),
  ),
  {
    name: "Waiting (H4 deferred): an account with a pending task gets no change, even when declared absent",
    desired: desiredOf(hostedPlatform({ removal: "reset", accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example", { taskPendingId: 9001 })])),
    changes: [],
    waiting: ["ann@acme.example"],
  },
  {
    name: "Waiting (P3 deferred): with prune, an undeclared account in a transitional state is waited for, not deleted",
    desired: desiredOf(privatePlatform({ prune: true })),
    actual: actualOf(livePrivate([livePrivateAccount("old@acme.example", { state: "creating" })])),
    changes: [],
    waiting: ["old@acme.example"],
  },
  {
    name: "Suspended (H3): a suspended account is planned only as declared, with a warning that the guide is silent on it",
    desired: desiredOf(
      hostedPlatform({
        accounts: [present("ann@acme.example", { renewal: "monthly" }), present("bob@acme.example")],
      }),
    ),
    actual: actualOf(
      liveHosted([
        liveAccount("ann@acme.example", { state: "suspended" }),
        liveAccount("bob@acme.example", { state: "suspended" }),
      ]),
    ),
    changes: [{ action: "renew", address: "ann@acme.example", effective: "2027-03-31" }],
    warnings: [/ann@acme\.example is suspended/, /bob@acme\.example is suspended/],
  },
  {
    name: "Case (H1): addresses are compared case-insensitively, so a live account in other case is neither ordered nor pruned",
    desired: desiredOf(
      hostedPlatform({
        prune: true,
        accounts: [
          {
            ...present("x", { license: "standard", renewal: "yearly" }),
            email: toAddress("Ann.Smith@ACME.example"),
          },
        ],
      }),
    ),
    actual: actualOf(
      liveHosted([{ ...liveAccount("ann.smith@acme.example"), email: toAddress("ANN.SMITH@acme.example") }]),
    ),
    changes: [],
  },
  {
    name: "Platform state: a platform in maintenance is planned, with a warning",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")], { state: "inMaintenance" })),
    changes: [{ action: "terminate" }],
    warnings: [/is inMaintenance/],
  },
  {
    name: "H1-H5: the API offer provider follows the Hosted rules",
    desired: desiredOf(hostedPlatform({ accounts: [absent("ann@acme.example")] })),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")], { apiOffer: "provider" })),
    changes: [{ action: "terminate", rule: "H4" }],
  },
];

describe("plan: Hosted rules", () => {
  it.each(hostedRows)("$name", (row) => check(row));
});

describe("plan: Private rules", () => {
  it.each(privateRows)("$name", (row) => check(row));
});

describe("plan: updates of licence and display name", () => {
  it.each(updateRows)("$name", (row) => check(row));
});

describe("plan: account states, case and offers", () => {
  it.each(stateRows)("$name", (row) => check(row));
});

describe("plan: ids, order and metadata", () => {
  it("changes are sorted by APPLY_ORDER (destructive last), then platform, then address; ids are org/svc/address/action", () => {
    const result = planRow({
      desired: desiredOf(
        privatePlatform({
          prune: true,
          accounts: [
            present("new@acme.example", { license: "basic" }),
            present("ren@acme.example", { displayName: "R" }),
          ],
        }),
        hostedPlatform({
          removal: "reset",
          accounts: [
            absent("zed@acme.example"),
            present("ord@acme.example", { license: "basic", renewal: "yearly" }),
            present("ren@acme.example", { renewal: "monthly" }),
            present("kep@acme.example"),
          ],
        }),
      ),
      actual: actualOf(
        livePrivate([livePrivateAccount("old@acme.example"), livePrivateAccount("ren@acme.example")]),
        liveHosted([
          liveAccount("zed@acme.example"),
          liveAccount("ren@acme.example"),
          liveAccount("kep@acme.example", { deleteAtExpiration: true }),
        ]),
      ),
    });
    expect(result.changes.map((c) => c.id)).toEqual([
      `${H}/kep@acme.example/cancel-termination`,
      `${P}/ren@acme.example/update`,
      `${H}/ren@acme.example/renew`,
      `${P}/new@acme.example/add`,
      `${H}/order/basic/12`,
      `${H}/zed@acme.example/terminate`,
      `${H}/zed@acme.example/reset`,
      `${P}/old@acme.example/delete`,
    ]);
    expect(result.changes.filter(isDestructive).map((c) => c.action)).toEqual(["reset", "delete"]);
  });

  it("the plan carries the manifest digest, the live fingerprint, the clock it was given and the covered platforms in manifest order", () => {
    const desired = desiredOf(privatePlatform(), hostedPlatform());
    const actual = actualOf(liveHosted([liveAccount("ann@acme.example")]), livePrivate([]));
    const result = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
    expect(result).toMatchObject({
      format_version: "1",
      created_at: NOW.toISOString(),
      manifest_digest: desired.digest,
      fingerprint: actual.fingerprint,
      platforms: [
        { organization: "private-acme-1", service: "exchange.acme.example", offer: "private" },
        { organization: "hosted-acme-1", service: "hosted-acme-1", offer: "hosted" },
      ],
      changes: [],
    });
  });

  it("a declared platform that the live state does not hold is not planned (the caller filtered it out)", () => {
    const result = planRow({
      desired: desiredOf(
        hostedPlatform({ accounts: [absent("ann@acme.example")] }),
        privatePlatform({ accounts: [absent("bob@acme.example")] }),
      ),
      actual: actualOf(livePrivate([livePrivateAccount("bob@acme.example")])),
    });
    expect(result.platforms.map((p) => p.offer)).toEqual(["private"]);
    expect(result.changes.map((c) => c.action)).toEqual(["delete"]);
  });
});
