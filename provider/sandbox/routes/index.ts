/**
 * Every route of the sandbox's API below `/1.0`, and the lazy settling that runs before each:
 * orders due for delivery, then the tasks and expiries of the service the request is about.
 */
import { settleExpiries } from "../expiry.js";
import { settleOrders } from "../orders.js";
import { Router } from "../router.js";
import { settleTasks } from "../tasks.js";
import type { World } from "../world.js";
import { exchangeReadRoutes } from "./exchange-read.js";
import { exchangeWriteRoutes } from "./exchange-write.js";
import { meRoutes } from "./me.js";
import { orderRoutes } from "./order.js";
import { publicRoutes } from "./public.js";

export function apiRouter(): Router {
  return new Router([
    ...publicRoutes,
    ...exchangeReadRoutes,
    ...exchangeWriteRoutes,
    ...orderRoutes,
    ...meRoutes,
  ]);
}

/** Brings the world up to date for a request about `org/svc` (either may be absent). */
export function settle(world: World, org: string | undefined, svc: string | undefined): void {
  settleOrders(world);
  if (org === undefined || svc === undefined) return;
  const service = world.findService(org, svc);
  if (!service) return;
  settleTasks(world, service);
  settleExpiries(world, service);
}
