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

/** What a change touched: one service (its accounts or tasks), or the orders and counters only. */
export type ChangeScope = ServiceRecord | "orders";

export interface WorldOptions {
  now: () => Date;
  taskDelayMs: number;
  deliveryDelayMs: number;
}

export class World {
  readonly prng: Prng;
  /** Paid orders not yet delivered (not stored: derived from the orders at load). */
  readonly openOrders = new Set<number>();
  /**
   * SHA-256 of the initial password of each account added in this run (`org/svc/address`), in
   * memory only: what a log-in would check, so tests can tell a kept password from a lost one.
   */
  readonly passwordDigests = new Map<string, string>();
  private dirty = false;
  private readonly dirtyServices = new Set<ServiceRecord>();

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

  /**
   * Records that the state changed, so that it is saved once the request is over. Naming the
   * service lets the state file re-serialize that service only (fleets hold 100k accounts).
   */
  changed(scope: ChangeScope): void {
    this.dirty = true;
    if (scope !== "orders") this.dirtyServices.add(scope);
  }

  /** The services changed since the last call, or null when nothing changed (and forgets them). */
  takeChanges(): ReadonlySet<ServiceRecord> | null {
    if (!this.dirty) return null;
    this.dirty = false;
    this.state.rng = this.prng.state;
    const services = new Set(this.dirtyServices);
    this.dirtyServices.clear();
    return services;
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
    if (!account)
      throw ApiFailure.notFound(`The requested object (primaryEmailAddress = ${address}) does not exist`);
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
