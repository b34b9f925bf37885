/**
 * Orders an earlier apply placed and left undelivered, as the journal gives them to the planner:
 * the order change names them, and the one-time total counts only what would be bought anew.
 */
import { describe, expect, it } from "vitest";
import type { Cost, OrderQuote, PlacedOrder } from "../../reconciler/model.js";
import type { OrderStatus } from "../../reconciler/order-status.js";
import { plan, quotesNeeded, type JournalledOrder } from "../../reconciler/plan.js";
import {
  actualOf,
  desiredOf,
  eur,
  HOSTED_REF,
  hostedPlatform,
  liveHosted,
  NOW,
  present,
  samplePrices,
  sampleQuote,
} from "../support/builders.js";
import { first } from "../support/items.js";

const KEY = `${HOSTED_REF.organization}/${HOSTED_REF.service}`;
const STANDARD_YEARLY = `${KEY}/order/standard/12`;

/** Three standard yearly accounts missing: one order of 3, quoted 36 EUR. */
const desired = desiredOf(
  hostedPlatform({
    accounts: ["ann", "bob", "cid"].map((n) =>
      present(`${n}@acme.example`, { license: "standard", renewal: "yearly" }),
    ),
  }),
);
const actual = actualOf(liveHosted([]));
const quotes = new Map<string, OrderQuote>([
  sampleQuote({ license: "standard", duration: "12", quantity: 3, unitsWithoutTax: 36 }),
]);

interface Row {
  name: string;
  placedOrders: JournalledOrder[];
  placed: PlacedOrder[] | undefined;
  cost: Cost;
  oneTime: number;
  unknownCosts: number;
  /** Whether the order's price is still asked for. */
  quoteAsked: boolean;
}

const journalled = (
  orderId: number,
  quantity: number,
  status: OrderStatus = "notPaid",
  changeId = STANDARD_YEARLY,
) => ({
  platform: KEY,
  changeId,
  orderId,
  quantity,
  status,
});

const rows: Row[] = [
  {
    name: "no placed order: the order is bought anew at its quote",
    placedOrders: [],
    placed: undefined,
    cost: { kind: "one-time", amount: eur(36), taxIncluded: eur(43.2), source: "quote" },
    oneTime: 36,
    unknownCosts: 0,
    quoteAsked: true,
  },
  {
    name: "an unpaid order of the whole quantity: named, costs nothing anew, apply pays it",
    placedOrders: [journalled(123, 3)],
    placed: [{ orderId: 123, quantity: 3, status: "notPaid" }],
    cost: { kind: "none", note: "order 123 placed, awaiting payment: apply pays it" },
    oneTime: 0,
    unknownCosts: 0,
    quoteAsked: false,
  },
  {
    name: "a paid order still being delivered: named, costs nothing anew, apply awaits it",
    placedOrders: [journalled(124, 3, "delivering")],
    placed: [{ orderId: 124, quantity: 3, status: "delivering" }],
    cost: {
      kind: "none",
      note: "order 124 placed and paid (status delivering), awaiting delivery: apply configures its accounts",
    },
    oneTime: 0,
    unknownCosts: 0,
    quoteAsked: false,
  },
  {
    name: "an order whose status could not be read: named as placed, with its status unknown",
    placedOrders: [journalled(126, 3, "unknown")],
    placed: [{ orderId: 126, quantity: 3, status: "unknown" }],
    cost: {
      kind: "none",
      note: "order 126 placed (status unknown): apply resumes it rather than ordering again",
    },
    oneTime: 0,
    unknownCosts: 0,
    quoteAsked: false,
  },
  {
    name: "an order of part of the quantity: named, the remainder's price is unknown, not the full quote",
    placedOrders: [journalled(125, 2)],
    placed: [{ orderId: 125, quantity: 2, status: "notPaid" }],
    cost: {
      kind: "unknown",
      reason:
        "order 125 placed, awaiting payment: apply pays it; the other 1 account is ordered anew, at a price not read",
    },
    oneTime: 0,
    unknownCosts: 1,
    quoteAsked: false,
  },
  {
    name: "two placed orders that together cover it: both named, in order id order",
    placedOrders: [journalled(131, 1), journalled(130, 2)],
    placed: [
      { orderId: 130, quantity: 2, status: "notPaid" },
      { orderId: 131, quantity: 1, status: "notPaid" },
    ],
    cost: {
      kind: "none",
      note: "order 130 placed, awaiting payment: apply pays it; order 131 placed, awaiting payment: apply pays it",
    },
    oneTime: 0,
    unknownCosts: 0,
    quoteAsked: false,
  },
  {
    name: "an order with a status OVHcloud's schema does not list: named with the status as sent, apply resumes it",
    placedOrders: [journalled(127, 3, { kind: "other", raw: "awaitingValidation" })],
    placed: [{ orderId: 127, quantity: 3, status: { kind: "other", raw: "awaitingValidation" } }],
    cost: {
      kind: "none",
      note: "order 127 placed (status awaitingValidation): apply resumes it rather than ordering again",
    },
    oneTime: 0,
    unknownCosts: 0,
    quoteAsked: false,
  },
  {
    name: "an order of another change (another licence or duration) does not cover this one",
    placedOrders: [journalled(140, 3, "notPaid", `${KEY}/order/standard/01`)],
    placed: undefined,
    cost: { kind: "one-time", amount: eur(36), taxIncluded: eur(43.2), source: "quote" },
    oneTime: 36,
    unknownCosts: 0,
    quoteAsked: true,
  },
  {
    name: "an order journalled for another platform does not cover this one",
    placedOrders: [{ ...journalled(141, 3), platform: "other-org/other-svc" }],
    placed: undefined,
    cost: { kind: "one-time", amount: eur(36), taxIncluded: eur(43.2), source: "quote" },
    oneTime: 36,
    unknownCosts: 0,
    quoteAsked: true,
  },
];

describe("orders already placed, from the journal", () => {
  it.each(rows)("$name", (row) => {
    const ctx = { now: NOW, prices: samplePrices(), placedOrders: row.placedOrders };
    const result = plan(desired, actual, { ...ctx, quotes });
    const orders = result.changes.filter((c) => c.action === "order");
    expect(orders).toHaveLength(1);
    const order = first(orders, "order");
    if (order.action !== "order") throw new Error("not an order");
    expect(order.id).toBe(STANDARD_YEARLY);
    expect(order.quantity).toBe(3);
    expect(order.placed).toEqual(row.placed);
    expect(order.cost).toEqual(row.cost);
    expect(result.totals.oneTime).toEqual(eur(row.oneTime));
    expect(result.totals.unknownCosts).toBe(row.unknownCosts);
    // The summary's cost table has a one-time line only for what is bought anew.
    const oneTimeLines = result.summary.costs.filter((c) => c.kind === "one-time");
    expect(oneTimeLines.map((c) => c.amount)).toEqual(row.oneTime === 0 ? [] : [eur(row.oneTime)]);
    // The accounts are still created by the plan, whoever bought them.
    expect(result.summary.add).toBe(3);
    const unquoted = plan(desired, actual, { ...ctx, quotes: new Map() });
    expect(quotesNeeded(unquoted).length).toBe(row.quoteAsked ? 1 : 0);
  });
});
