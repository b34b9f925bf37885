/**
 * The life of an order of Hosted accounts (H1): placed `notPaid`; once paid `checking`, then
 * `delivering`, then `delivered` after `deliveryDelayMs` (real clock), settled lazily on requests.
 * On delivery its accounts appear on the platform as blanks on configureme.me.
 */
import { PLACEHOLDER_DOMAIN, type OrderStatus as ApiOrderStatus } from "./models.js";
import { insertAccount, placeholderLogin } from "./accounts.js";
import { addMonths, parisDateOf, parisDateTime, parisMidnight } from "./dates.js";
import type { OrderRecord } from "./state.js";
import type { World } from "./world.js";

export function orderStatus(world: World, order: OrderRecord): ApiOrderStatus {
  if (order.paidAtMs === null) return "notPaid";
  if (order.deliveredAt !== null) return "delivered";
  const elapsed = world.realNow() - order.paidAtMs;
  return elapsed * 2 < world.options.deliveryDelayMs ? "checking" : "delivering";
}

/** Delivers the paid orders whose delay has passed. */
export function settleOrders(world: World): void {
  if (world.openOrders.size === 0) return;
  const realNow = world.realNow();
  for (const id of world.openOrders) {
    const order = world.state.orders.get(id);
    if (!order || order.paidAtMs === null) {
      world.openOrders.delete(id);
      continue;
    }
    if (order.neverDeliver || realNow - order.paidAtMs < world.options.deliveryDelayMs) continue;
    deliver(world, order);
    world.openOrders.delete(id);
  }
}

function deliver(world: World, order: OrderRecord): void {
  const now = world.now();
  order.deliveredAt = parisDateTime(now);
  world.changed("orders");
  const service = world.findService(order.organization, order.service);
  if (!service) return;
  world.changed(service);
  const months = order.duration === "01" ? 1 : 12;
  const expirationDate = parisMidnight(addMonths(parisDateOf(now), months));
  for (let i = 0; i < order.quantity; i++) {
    insertAccount(world.state, service, {
      login: placeholderLogin(service, world.prng),
      domain: PLACEHOLDER_DOMAIN,
      displayName: null,
      firstName: null,
      lastName: null,
      accountLicense: order.licence,
      renewPeriod: months === 1 ? "monthly" : "yearly",
      deleteAtExpiration: false,
      expirationDate,
      creationDate: order.deliveredAt,
      configured: false,
      state: "ok",
      taskPendingId: null,
      quota: order.quota,
      currentUsage: 0,
    });
  }
}
