/**
 * The sandbox's world: organisations, services, accounts, tasks and orders, held in maps for
 * cheap lookups (fleets hold 100k accounts). `state-file.ts` turns it into JSON and back.
 *
 * Records keep exactly the fields the API shows (plus what the sandbox needs to evolve them);
 * passwords are never part of it.
 */
import type {
  Licence as License,
  ObjectState as AccountState,
  OrderDuration,
  RenewPeriod as Renewal,
  ServiceOffer as ApiOffer,
  TaskFunction,
  TaskStatus,
} from "./models.js";

/** One mailbox. The primary address is `login@domain`, always lower-case. */
export interface AccountRecord {
  id: number;
  login: string;
  domain: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  accountLicense: License;
  renewPeriod: Renewal | null;
  deleteAtExpiration: boolean | null;
  expirationDate: string | null;
  creationDate: string | null;
  configured: boolean;
  state: AccountState;
  taskPendingId: number | null;
  quota: number;
  currentUsage: number;
}

export type { TaskFunction, TaskStatus };

/**
 * What a task does to its account when it ends `done`: finish an addition, remove the account,
 * reset it to a blank one, or only release it. When it ends in `error` none of it happens.
 */
export type TaskEffect = "add" | "delete" | "reset" | "release";

export interface TaskRecord {
  id: number;
  function: TaskFunction;
  status: TaskStatus;
  todoDate: string;
  finishDate: string | null;
  accountId: number;
  /** The account's address while the task is open (nothing renames an account with an open task). */
  address: string;
  effect: TaskEffect;
  /** Real-clock ms at which it was created and at which it ends; null: it never ends by itself. */
  createdAtMs: number;
  dueAtMs: number | null;
  /** Ends in `error` (the `task-error` fault). */
  fails: boolean;
}

export type ServiceState = "inMaintenance" | "ok" | "suspended";

export interface ServiceRecord {
  name: string;
  offer: ApiOffer;
  /** The platform's main domain (`ExchangeService.domain`). */
  domain: string;
  displayName: string | null;
  /** Every domain attached to the platform, the main one first. */
  domains: string[];
  state: ServiceState;
  creationDate: string;
  /** By lower-case primary address, in creation order. */
  accounts: Map<string, AccountRecord>;
  tasks: Map<number, TaskRecord>;
  /** Not stored: ids of tasks still `todo`/`doing`, so that settling them is cheap. */
  openTasks: Set<number>;
  /** Not stored: before this business-clock ms no account expires; undefined when unknown. */
  nextExpiryMs: number | undefined;
}

export interface OrderRecord {
  orderId: number;
  date: string;
  expirationDate: string;
  url: string;
  organization: string;
  service: string;
  licence: License;
  quantity: number;
  duration: OrderDuration;
  /** Mailbox size of the delivered accounts, in GB. */
  quota: number;
  /** Price of one account for the duration, excluding tax. */
  unitUcents: number;
  detailIds: number[];
  paymentMean: string | null;
  /** Real-clock ms of the payment; null while not paid. */
  paidAtMs: number | null;
  /** The `never-deliver` fault: paid, but it stays `delivering`. */
  neverDeliver: boolean;
  /** Business-clock date of the delivery; null until delivered. */
  deliveredAt: string | null;
}

export interface Counters {
  account: number;
  task: number;
  order: number;
  detail: number;
}

export interface SandboxState {
  /** The seed it started from, as `parseSeed` reads it (`demo`, `fleet:3x10`, ...). */
  seed: string;
  /** The PRNG state (placeholder logins). */
  rng: number;
  counters: Counters;
  /** Organisation → service name → service. */
  organizations: Map<string, Map<string, ServiceRecord>>;
  orders: Map<number, OrderRecord>;
  /** Whether the account's one payment method is its default one (`/me/payment/method?default=true`). */
  defaultPaymentMethod: boolean;
}

export function primaryAddress(account: Pick<AccountRecord, "login" | "domain">): string {
  return `${account.login}@${account.domain}`;
}

export function nextId(state: SandboxState, kind: keyof Counters): number {
  state.counters[kind] += 1;
  return state.counters[kind];
}

export function newService(
  fields: Omit<ServiceRecord, "accounts" | "tasks" | "openTasks" | "nextExpiryMs">,
): ServiceRecord {
  return { ...fields, accounts: new Map(), tasks: new Map(), openTasks: new Set(), nextExpiryMs: undefined };
}

export function emptyState(seed: string, rng: number): SandboxState {
  return {
    seed,
    rng,
    counters: { account: 0, task: 0, order: 0, detail: 0 },
    organizations: new Map(),
    orders: new Map(),
    defaultPaymentMethod: true,
  };
}

/** Every account of the state (for counts in tests and messages). */
export function accountCount(state: SandboxState): number {
  let count = 0;
  for (const services of state.organizations.values())
    for (const service of services.values()) count += service.accounts.size;
  return count;
}
