/**
 * The running sandbox's world: the state, its two clocks, and the lookups every route shares.
 *
 * Two clocks on purpose: the *business* clock (`now`, fixed in tests) dates everything the API
 * shows (expiry, orders, tasks); the *real* clock measures delays (`taskDelayMs`,
 * `deliveryDelayMs`), which are about how long a client waits, not about the calendar.
 */
import { ApiFailure } from "./errors.js";
import { Prng } from "./prng.js";
import type { AccountRecord, OrderRecord, SandboxState, ServiceRecord } from "./state.js";

export interface WorldOptions {
  now: () => Date;
  taskDelayMs: number;
  deliveryDelayMs: number;
}

export class World {
  readonly prng: Prng;
  /** Paid orders not yet delivered (not stored: derived from the orders at load). */
  readonly openOrders = new Set<number>();
  private dirty = false;

  constructor(
    readonly state: SandboxState,
    readonly options: WorldOptions,
  ) {
    this.prng = new Prng(state.rng);
    for (const order of state.orders.values()) if (isOpenOrder(order)) this.openOrders.add(order.orderId);
  }

  now(): Date {
    return this.options.now();
  }

  realNow(): number {
    return Date.now();
  }

  /** Records that the state changed, so that it is saved once the request is over. */
  changed(): void {
    this.dirty = true;
  }

  /** Whether the state changed since the last call (and forgets it). */
  takeChanged(): boolean {
    const was = this.dirty;
    this.dirty = false;
    if (was) this.state.rng = this.prng.state;
    return was;
  }

  organization(org: string): Map<string, ServiceRecord> {
    const services = this.state.organizations.get(org);
    if (!services) throw ApiFailure.notFound("This service does not exist");
    return services;
  }

  service(org: string, svc: string): ServiceRecord {
    const service = this.organization(org).get(svc);
    if (!service) throw ApiFailure.notFound("This service does not exist");
    return service;
  }

  findService(org: string, svc: string): ServiceRecord | undefined {
    return this.state.organizations.get(org)?.get(svc);
  }

  account(service: ServiceRecord, address: string): AccountRecord {
    const account = service.accounts.get(address.toLowerCase());
    if (!account) throw ApiFailure.notFound(`The requested object (primaryEmailAddress = ${address}) does not exist`);
    return account;
  }

  order(orderId: number): OrderRecord {
    const order = this.state.orders.get(orderId);
    if (!order) throw ApiFailure.notFound(`The requested object (orderId = ${orderId}) does not exist`);
    return order;
  }
}

export function isOpenOrder(order: OrderRecord): boolean {
  return order.paidAtMs !== null && order.deliveredAt === null;
}
