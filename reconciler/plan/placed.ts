/**
 * Orders an earlier apply placed and left undelivered (`apply --no-pay`, an interrupted run): apply
 * pays or awaits them rather than buying again, so the plan says so, and its one-time total counts
 * only what would be bought anew. The caller reads them from the backend's journal; the planner
 * only matches them to its order changes, by change id.
 */
import { platformKey, type Change, type OrderChange, type PlacedOrder } from "../model.js";
import { orderStatusText, type OrderStatus } from "../order-status.js";

/** An undelivered order of the journal: the change it was placed for, and what it buys. */
export interface JournalledOrder extends PlacedOrder {
  /** The platform, `org/svc`. */
  platform: string;
  changeId: string;
}

export function markPlacedOrders(changes: Change[], placed: readonly JournalledOrder[]): Change[] {
  if (placed.length === 0) return changes;
  return changes.map((change) => {
    if (change.action !== "order") return change;
    const key = platformKey(change.platform);
    const mine = placed
      .filter((p) => p.platform === key && p.changeId === change.id)
      .sort((a, b) => a.orderId - b.orderId);
    return mine.length === 0 ? change : withPlaced(change, mine);
  });
}

function withPlaced(change: OrderChange, orders: readonly JournalledOrder[]): OrderChange {
  const placed: PlacedOrder[] = orders.map(({ orderId, quantity, status }) => ({
    orderId,
    quantity,
    status,
  }));
  const covered = placed.reduce((sum, p) => sum + p.quantity, 0);
  const said = placed.map(describePlacedOrder).join("; ");
  if (covered >= change.quantity) {
    // Already bought: nothing is spent anew, so nothing enters the one-time total.
    return { ...change, placed, cost: { kind: "none", note: said } };
  }
  const rest = change.quantity - covered;
  return {
    ...change,
    placed,
    // The price of the remainder alone is not quoted: unknown, not the full order's price.
    cost: {
      kind: "unknown",
      reason: `${said}; the other ${rest} account${rest === 1 ? " is" : "s are"} ordered anew, at a price not read`,
    },
  };
}

/** Statuses of an order that is paid and on its way (`GET /me/order/{orderId}/status`). */
const PAID: ReadonlySet<OrderStatus> = new Set(["checking", "delivering"]);

/** `order 123 placed, awaiting payment: apply pays it`. */
export function describePlacedOrder(order: PlacedOrder): string {
  if (order.status === "notPaid") return `order ${order.orderId} placed, awaiting payment: apply pays it`;
  if (PAID.has(order.status))
    return `order ${order.orderId} placed and paid (status ${orderStatusText(order.status)}), awaiting delivery: apply configures its accounts`;
  return `order ${order.orderId} placed (status ${orderStatusText(order.status)}): apply resumes it rather than ordering again`;
}
