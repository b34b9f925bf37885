/**
 * The check before buying: orders for this service that no journal entry or history line of this
 * backend claims. The lock keeps out another apply only when both share a backend; two checkouts
 * with their own `.exrec` folders (or two CI runners without `--backend postgres://…`) do not see
 * each other's lock, and both would buy for the same need. Their orders are what each does see.
 *
 * An unclaimed order counts when it is among the account's most recent ones (the window order
 * recovery looks in) and is still open (not paid, or paid and not delivered yet) or was placed
 * within the last day. Such an order stops the apply, naming it: exrec neither pays an order of
 * unknown origin nor buys beside it. Called twice by order.ts: before the order is placed, and
 * before it is paid, where of two runs that placed at the same instant only the one that placed
 * first goes on (order ids only grow), so that nothing is paid twice. The check before placing
 * runs inside the host's ordering turn (order.ts), so on one machine two runs cannot both pass it
 * before either has placed; runs on two machines without a shared backend still can.
 */
import { platformKey, type OrderChange } from "../model.js";
import { orderStatusText, type OrderStatus } from "../order-status.js";
import { ApplyRefusedError, type ApplyContext } from "./context.js";

/** How many of the account's most recent orders are looked at when looking for one of ours. */
export const RECENT_ORDERS = 20;

/** A delivered order of unknown origin younger than this still stops an apply that would order. */
const RECENT_DELIVERY_MS = 24 * 60 * 60_000;

const OPEN: ReadonlySet<OrderStatus> = new Set(["notPaid", "checking", "delivering", "documentsRequested"]);

/**
 * The account's most recent orders that no journal entry or history line claims, newest first.
 * Not filtered by date here: the local clock may be off from OVHcloud's, and order ids only grow.
 */
export async function unclaimedRecentOrders(ctx: ApplyContext): Promise<number[]> {
  const claimed = new Set<number>();
  for (const e of await ctx.backend.journalOpenEntries())
    if (e.action === "order" && e.detail.orderId !== undefined) claimed.add(e.detail.orderId);
  for (const h of await ctx.backend.historyList(null)) if (h.orderId !== null) claimed.add(h.orderId);
  const ids = (await ctx.api.listOrders({})).filter((id) => !claimed.has(id));
  return ids.sort((a, b) => b - a).slice(0, RECENT_ORDERS);
}

/**
 * What `accountsOrderedFor` found, per apply: an order's lines do not change once it is placed,
 * and one order change looks at the same recent orders up to three times (before configuring
 * blanks, in its ordering turn, before paying). A line cancelled since can only make the cached
 * count too high, which stops an apply rather than lets it buy.
 */
const orderedCounts = new WeakMap<ApplyContext, Map<string, Promise<number>>>();

/** How many accounts an order buys on this service (0: it is not for this service). */
export function accountsOrderedFor(ctx: ApplyContext, orderId: number, service: string): Promise<number> {
  let counts = orderedCounts.get(ctx);
  if (!counts) orderedCounts.set(ctx, (counts = new Map<string, Promise<number>>()));
  const key = `${orderId} ${service}`;
  let count = counts.get(key);
  if (!count) {
    count = readAccountsOrderedFor(ctx, orderId, service);
    counts.set(key, count);
    // A failed read is not remembered: the next look asks again.
    count.catch(() => counts.delete(key));
  }
  return count;
}

async function readAccountsOrderedFor(ctx: ApplyContext, orderId: number, service: string): Promise<number> {
  let quantity = 0;
  for (const detailId of await ctx.api.listOrderDetails(orderId)) {
    const detail = await ctx.api.getOrderDetail(orderId, detailId);
    if (detail.domain !== service || detail.cancelled === true) continue;
    // `billing.OrderDetail.quantity` is a string ("1"); the client checked it is a whole number.
    quantity += Number(detail.quantity);
  }
  return quantity;
}

/**
 * Throws ApplyRefusedError naming the first unclaimed recent order for the change's service.
 * `ours`: the order this run placed and is about to pay; only foreign orders placed before it
 * (smaller ids) stop it, so that of two runs racing, the first to place pays and the other stops.
 */
export async function refuseForeignOrders(
  ctx: ApplyContext,
  change: OrderChange,
  ours: number | null = null,
): Promise<void> {
  const service = change.platform.service;
  for (const id of await unclaimedRecentOrders(ctx)) {
    if (ours !== null && id >= ours) continue;
    const status = await ctx.api.orderStatus(id);
    if (status === "cancelled" || status === "cancelling") continue;
    const quantity = await accountsOrderedFor(ctx, id, service);
    if (quantity === 0) continue;
    const order = await ctx.api.getOrder(id);
    // A status the published schema does not list may be an open one: counted, to be safe.
    const open = typeof status !== "string" || OPEN.has(status);
    if (!open && !placedRecently(order.date, ctx.now())) continue;
    throw new ApplyRefusedError(
      `order ${id} for ${platformKey(change.platform)} (${quantity} account(s), ${orderStatusText(status)}${order.date ? `, placed ${order.date}` : ""}) ` +
        `was placed by no apply this backend knows of: another exrec with its own .exrec folder (another checkout or CI runner) may be ordering for the same need; ` +
        (ours === null
          ? "nothing was ordered"
          : `order ${ours} of this run was left unpaid (nothing is billed for it)`),
      {
        hint:
          "run every apply against one shared backend (--backend postgres://… or EXREC_BACKEND) so that they take turns; " +
          "then run apply again: accounts that order delivers are reused. If it is not exrec's, wait for its delivery or cancel it in the control panel",
      },
    );
  }
}

/** Placed within the last day (an unknown date counts as recent: when in doubt, do not buy). */
function placedRecently(date: string | null, now: Date): boolean {
  if (date === null) return true;
  const placed = Date.parse(date);
  return Number.isNaN(placed) || now.getTime() - placed < RECENT_DELIVERY_MS;
}
