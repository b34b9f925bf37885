/**
 * The interfaces through which the engine reaches the outside world. `refresh` and `apply` depend
 * on these only; `provider/ovh` and `provider/backend` implement them. Shapes follow OVHcloud's
 * API v1 exactly (see docs/OVH-API.md), so the same objects come from the sandbox and from OVHcloud.
 */
import type {
  AccountState,
  Address,
  ApiOffer,
  Change,
  License,
  Money,
  Renewal,
  StorageQuota,
} from "./model.js";
import type { OrderStatus } from "./order-status.js";

export type { StorageQuota } from "./model.js";

// ---------------------------------------------------------------------------------------------
// OVHcloud API objects (as the API sends them)
// ---------------------------------------------------------------------------------------------

/*
 * The client checks only the fields the engine reads (provider/ovh/shape.ts) and passes the others
 * through unchecked, so that a field OVHcloud adds, drops or retypes and that exrec does not use
 * never fails a plan. Fields listed here as optional are not read by the engine.
 */

/** `email.exchange.ExchangeService` (the fields exrec reads). */
export interface ApiService {
  domain: string;
  displayName: string | null;
  offer: ApiOffer;
  state: "inMaintenance" | "ok" | "suspended";
  /** null when no task is pending (the API's `0` and null both read as null). */
  taskPendingId: number | null;
  [extra: string]: unknown;
}

/** `email.exchange.Account`. */
export interface ApiAccount {
  primaryEmailAddress: string;
  login?: string;
  domain: string;
  displayName: string | null;
  firstName?: string | null;
  lastName?: string | null;
  accountLicense: License;
  renewPeriod: Renewal | null;
  deleteAtExpiration: boolean | null;
  expirationDate: string | null;
  creationDate?: string | null;
  configured: boolean;
  state: AccountState;
  /** null when no task is pending (the API's `0` and null both read as null). */
  taskPendingId: number | null;
  quota?: number | null;
  currentUsage?: number | null;
  id?: number;
  [extra: string]: unknown;
}

/** `email.exchange.Task`. */
export interface ApiTask {
  id: number;
  function: string;
  status: "todo" | "doing" | "done" | "error" | "cancelled";
  todoDate?: string | null;
  finishDate?: string | null;
  [extra: string]: unknown;
}

/**
 * `order.Price`. `priceInUcents` may be null or absent: then `value` (in currency units) is the
 * amount (reconciler/prices.ts `moneyOfPrice`).
 */
export interface ApiPrice {
  currencyCode: string;
  value: number;
  text?: string;
  priceInUcents: number | null;
  [extra: string]: unknown;
}

/** `order.Order` (a quote or a placed order). */
export interface ApiOrder {
  orderId: number | null;
  url: string | null;
  prices: { withoutTax: ApiPrice; withTax: ApiPrice; tax?: ApiPrice };
  /**
   * `order.OrderDetail[]`: `quantity` is a number here, unlike `billing.OrderDetail`. The client does
   * not check it and the engine does not read it.
   */
  details?: {
    description: string;
    quantity: number;
    domain: string;
    totalPrice: ApiPrice;
    unitPrice: ApiPrice;
    [extra: string]: unknown;
  }[];
  [extra: string]: unknown;
}

/** `GET /me/order/{orderId}/status`: a published status, or one kept as sent (reconciler/order-status.ts). */
export type ApiOrderStatus = OrderStatus;

/** `billing.Order` (`GET /me/order/{orderId}`): `date` may be null. */
export interface ApiPastOrder {
  orderId: number;
  date: string | null;
  expirationDate?: string | null;
  url: string | null;
  priceWithTax?: ApiPrice;
  priceWithoutTax: ApiPrice;
  tax?: ApiPrice;
  [extra: string]: unknown;
}

/**
 * `billing.OrderDetail` (`GET /me/order/{orderId}/details/{detailId}`). `quantity` is a STRING in
 * the schema and in OVHcloud's Terraform provider; `cancelled` says the line was cancelled.
 */
export interface ApiOrderDetail {
  domain: string;
  quantity: string;
  cancelled: boolean | null;
  description?: string;
  detailType?: string | null;
  orderDetailId?: number;
  unitPrice?: ApiPrice;
  totalPrice?: ApiPrice;
  [extra: string]: unknown;
}

/** `GET /order/catalog/public/exchange`. Prices are in micro-cents. */
export interface ApiCatalog {
  catalogId?: number;
  locale: { currencyCode: string; subsidiary?: string; taxRate?: number; [extra: string]: unknown };
  plans: ApiCatalogPlan[];
  addons?: ApiCatalogPlan[];
  [extra: string]: unknown;
}

export interface ApiCatalogPlan {
  planCode: string;
  invoiceName?: string;
  pricings: {
    interval: number;
    /** `day | month | none | year` in the catalogs seen; read as text. */
    intervalUnit: string;
    price: number;
    tax?: number;
    mode?: string;
    phase?: number;
    capacities?: string[];
    commitment?: number;
    description?: string;
    [extra: string]: unknown;
  }[];
  [extra: string]: unknown;
}

/** Writable fields of `PUT …/account/{email}`. */
export interface AccountUpdate {
  renewPeriod?: Renewal;
  deleteAtExpiration?: boolean;
  accountLicense?: License;
  displayName?: string;
  login?: string;
  domain?: string;
}

/** `POST …/service/{svc}/account` (Private, P2). */
export interface AccountCreate {
  domain: string;
  login: string;
  license: License;
  password: string;
  displayName?: string;
}

/** One page of a list read in `CachedObjectList-Pages` mode, or the sign that the API ignored it. */
export type AccountPage =
  | { kind: "objects"; accounts: ApiAccount[]; total: number }
  /** The API answered bare ids: it does not offer bulk objects on this route. */
  | { kind: "ids"; ids: string[] };

/** A batch read (`X-Ovh-Batch`), or the sign that the API does not answer batches on this route. */
export type AccountBatch =
  | { kind: "objects"; accounts: ApiAccount[]; errors: { email: string; message: string }[] }
  | { kind: "unsupported"; reason: string };

// ---------------------------------------------------------------------------------------------
// The API port
// ---------------------------------------------------------------------------------------------

/** Every route exrec uses, typed. Implemented by provider/ovh (against OVHcloud or the sandbox). */
export interface ExchangeApi {
  /** The most requests the client keeps in flight at once, when it has such a ceiling. */
  readonly requestsInFlight?: number;
  // Reading
  listOrganizations(): Promise<string[]>;
  listServices(org: string): Promise<string[]>;
  getService(org: string, svc: string): Promise<ApiService>;
  listDomains(org: string, svc: string): Promise<string[]>;
  listAccounts(org: string, svc: string): Promise<string[]>;
  getAccount(org: string, svc: string, email: string): Promise<ApiAccount>;
  /** `GET …/account` with `X-Pagination-Mode: CachedObjectList-Pages` (page numbers start at 1). */
  listAccountsPage(org: string, svc: string, page: number, size: number): Promise<AccountPage>;
  /** `GET …/account/a,b,c` with `X-Ovh-Batch: ,`. An address containing "," must not be passed. */
  getAccountsBatch(org: string, svc: string, emails: string[]): Promise<AccountBatch>;
  getTask(org: string, svc: string, taskId: number): Promise<ApiTask>;
  listAccountTasks(org: string, svc: string, email: string): Promise<number[]>;

  // Writing accounts
  updateAccount(org: string, svc: string, email: string, body: AccountUpdate): Promise<void>;
  /** `POST …/account/{email}/terminate`: the fallback when deleteAtExpiration is refused as read-only. */
  terminateAccount(org: string, svc: string, email: string): Promise<string>;
  /** Hosted: a reset (H5). Private: a removal (P3). Callers must check the live offer first. */
  deleteAccount(org: string, svc: string, email: string): Promise<ApiTask>;
  addAccount(org: string, svc: string, body: AccountCreate): Promise<ApiTask>;
  /** `POST …/account/{email}/changePassword` `{"password"}`: sets a (configured) Hosted account's password. */
  changePassword(org: string, svc: string, email: string, password: string): Promise<ApiTask>;

  // Ordering Hosted accounts (H1)
  orderDurations(org: string, svc: string, license: License, quantity: number): Promise<string[]>;
  /** A GET that buys nothing: the price of one order. `storageQuota` left out: OVHcloud's default. */
  quoteOrder(
    org: string,
    svc: string,
    duration: string,
    license: License,
    quantity: number,
    storageQuota?: StorageQuota,
  ): Promise<ApiOrder>;
  placeOrder(
    org: string,
    svc: string,
    duration: string,
    body: { licence: License; number: number; storageQuota?: StorageQuota },
  ): Promise<ApiOrder>;
  /** `GET /me/payment/method?default=true`: the ids of the account's default payment method. */
  defaultPaymentMethods(): Promise<number[]>;
  /** `POST /me/order/{orderId}/pay` with `{"paymentMethod":{"id": N}}`. */
  payOrder(orderId: number, paymentMethodId: number): Promise<void>;
  /**
   * `POST /me/order/{orderId}/payWithRegisteredPaymentMean` `{"paymentMean":"fidelityAccount"}`:
   * for orders that cost 0 only (every other mean needs a `paymentMeanId` exrec cannot learn).
   */
  payWithFidelityAccount(orderId: number): Promise<void>;
  orderStatus(orderId: number): Promise<ApiOrderStatus>;
  listOrders(range: { from?: string; to?: string }): Promise<number[]>;
  getOrder(orderId: number): Promise<ApiPastOrder>;
  listOrderDetails(orderId: number): Promise<number[]>;
  getOrderDetail(orderId: number, detailId: number): Promise<ApiOrderDetail>;

  // Prices
  catalog(subsidiary: string): Promise<ApiCatalog>;
}

// ---------------------------------------------------------------------------------------------
// The backend port: lock, journal of operations in flight, history
// ---------------------------------------------------------------------------------------------

export interface LockOwner {
  pid: number;
  host: string;
  /** Who ran it (user, CI actor), when known. */
  who: string | null;
  startedAt: string;
}

/** A held lock. `release` is idempotent. */
export interface HeldLock {
  scope: string[];
  release(): Promise<void>;
}

/** `open` until the outcome of the operation is confirmed. */
export type JournalStatus = "open" | "done" | "failed";

/**
 * The journal holds only the operations whose outcome a crash could hide: the order (it spends
 * money), the configuration of a blank with its password, and the account tasks add, reset and
 * delete. Updates, renewals, terminations and their cancellation are single PUTs that apply, being
 * level-based, simply sends again; they are not journalled.
 */
interface JournalEntryBase {
  id: string;
  /** The platform, `org/svc`. */
  platform: string;
  /** The change id from the plan. */
  changeId: string;
  startedAt: string;
  status: JournalStatus;
  updatedAt: string;
}

/**
 * An order of Hosted accounts (apply/order.ts), journalled before its POST so that a rerun resumes
 * it instead of ordering again.
 */
export type OrderJournalDetail = {
  license: License;
  duration: string;
  /** How many accounts it buys (at least 1): what identifies it in the order list before its id is known. */
  quantity: number;
  /** The addresses it is for. */
  addresses: Address[];
  /** What the quote said it costs (without tax) when it was placed; null when the quote gave no amount. */
  amount: Money | null;
  /** Known once the POST answered, or once the order was found in the order list. */
  orderId?: number;
  /** Where to pay it by hand, when OVHcloud gave it. */
  url?: string | null;
  /** OVHcloud said it was delivered. */
  delivered?: boolean;
  /**
   * `unknown`: the POST got no answer and the order was not seen in the order list; it may land
   * still, so the next run looks again before ordering. Otherwise why the entry was closed.
   */
  outcome?: string;
};

/** A blank Hosted account given its address, then its password (apply/password.ts). */
export type SetPasswordJournalDetail = {
  /** The address the blank gets. */
  address: Address;
  /** The blank's placeholder address before the configure PUT. */
  placeholder?: Address;
  /** The changePassword task, once it is done. */
  taskId?: number;
  /** Why the entry was closed without the password set. */
  outcome?: string;
};

/** An account task (apply/steps.ts): add (Private), reset (Hosted) or delete (Private). */
export type AccountTaskJournalDetail = {
  address: Address;
  /** The task, when it ended in error. */
  taskId?: number;
  /** Why the entry was closed without the task done. */
  outcome?: string;
};

/** One operation that apply started; kept until it is known to be done, so a crash can be resumed. */
export type JournalEntry =
  | (JournalEntryBase & { action: "order"; detail: OrderJournalDetail })
  | (JournalEntryBase & { action: "set-password"; detail: SetPasswordJournalDetail })
  | (JournalEntryBase & { action: "add"; detail: AccountTaskJournalDetail })
  | (JournalEntryBase & { action: "reset"; detail: AccountTaskJournalDetail })
  | (JournalEntryBase & { action: "delete"; detail: AccountTaskJournalDetail });

export type JournalAction = JournalEntry["action"];

/** The entries of one action, e.g. `JournalEntryOf<"order">`. */
export type JournalEntryOf<A extends JournalAction> = Extract<JournalEntry, { action: A }>;

/** Every action the journal holds, for the backends that decode what they read. */
export const JOURNAL_ACTIONS: readonly JournalAction[] = ["order", "set-password", "add", "reset", "delete"];

/** A journal entry as apply opens it: the backend sets its status (`open`) and `updatedAt`. */
export type NewJournalEntry = JournalEntry extends infer E
  ? E extends JournalEntry
    ? Omit<E, "status" | "updatedAt">
    : never
  : never;

/**
 * A change to an entry: its status, and detail fields merged into those it has (so that what was
 * sent stays next to what was learnt: an order id, a task id).
 */
export interface JournalPatch {
  status?: JournalStatus;
  detail?:
    Partial<OrderJournalDetail> | Partial<SetPasswordJournalDetail> | Partial<AccountTaskJournalDetail>;
}

/** What a history entry records: a change of a plan, or a journalled step an earlier run left. */
export type HistoryAction = Change["action"] | JournalAction;

/** Every action a history entry may have, for the backends that decode what they read. */
export const HISTORY_ACTIONS = Object.keys({
  order: true,
  configure: true,
  renew: true,
  "cancel-termination": true,
  terminate: true,
  reset: true,
  add: true,
  delete: true,
  update: true,
  "set-password": true,
} satisfies Record<HistoryAction, true>) as readonly HistoryAction[];

export interface HistoryEntry {
  at: string;
  who: string | null;
  commit: string | null;
  platform: string;
  changeId: string;
  action: HistoryAction;
  /**
   * The accounts it was about: one, the several an order was for, or none (an order whose accounts
   * were not named). Backends store them as one text joined with commas, as they always have.
   */
  addresses: Address[];
  result: "done" | "failed" | "skipped";
  message: string | null;
  orderId: number | null;
  amount: { ucents: number; currency: string } | null;
  /** When the change takes effect: `now`, or the calendar date (renewals and terminations: the expiry). */
  effective?: string | null;
  /**
   * `renew` entries: the period the account was switched to. Drift detection uses it to recognise a
   * renewal change that is recorded but not yet in force (H3); absent on older entries.
   */
  renewal?: Renewal | null;
}

export interface Backend {
  /** A human description without secrets, e.g. `local folder .exrec` or `postgres db@host`. */
  readonly description: string;
  /**
   * Take the lock over these platforms (keys `org/svc`). Waits up to `waitMs`, then throws
   * a LockHeldError naming the holder (pid, host, since). A lock left by a dead process on this host
   * is detected and named as stale.
   */
  lock(scope: string[], owner: LockOwner, waitMs: number): Promise<HeldLock>;
  journalOpen(entry: NewJournalEntry): Promise<void>;
  journalUpdate(id: string, patch: JournalPatch): Promise<void>;
  /** Entries not yet done, oldest first (every platform, or the given ones). */
  journalOpenEntries(platforms?: string[]): Promise<JournalEntry[]>;
  historyAppend(entries: HistoryEntry[]): Promise<void>;
  historyList(since: string | null): Promise<HistoryEntry[]>;
  close(): Promise<void>;
}

/**
 * Turns between the exrec processes of one host that work for the same OVHcloud account, whatever
 * backend each uses, at the steps that create: "look at the recent orders, place one, record its
 * id" on a service, and "check the address is free, record its password, add it". Two checkouts
 * with their own `.exrec` folders thereby take turns, and the second sees what the first made.
 * It does not reach other hosts.
 */
export interface OrderingTurns {
  /** Where the turns are kept, for messages (a folder; never a credential). */
  readonly location: string;
  /**
   * Waits for this process's turn at `key` (a platform `org/svc`, or `org/svc address`) on this
   * account; throws a named error when another process keeps it longer than the bound, or
   * InterruptedError once `signal` is aborted. `onWait` is told once, with the holder, when the
   * turn is not free at once.
   */
  take(key: string, options: { signal?: AbortSignal; onWait?: (holder: string) => void }): Promise<HeldLock>;
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** What a path names, symbolic links followed. */
export type FileKind = "file" | "folder" | "other";

/** One entry of a folder. */
export interface FolderEntry {
  name: string;
  /** What the entry itself is: a symbolic link is `other`, whatever it points to. */
  kind: FileKind;
}

/** Why a file call failed: the system's error code (`ENOENT`, `EACCES`…) when it gave one. */
export interface FileFailure {
  readonly code: string | null;
  readonly message: string;
}

/**
 * A whole regular file read under a size limit, or what stopped it: not a regular file (a folder,
 * a FIFO: never waited on), larger than the limit (`size` as far as it was seen), or a failure while
 * opening or reading it.
 */
export type FileRead =
  | { kind: "read"; bytes: Uint8Array }
  | { kind: "not-a-file" }
  | { kind: "too-large"; size: number }
  | { kind: "failed"; during: "open" | "read"; failure: FileFailure };

/**
 * The files the engine reads and writes (manifests, saved plans), reached only through this port so
 * that the engine stays a function of what it is handed. Paths are absolute or relative to the
 * process's working folder: the engine resolves the run's own relative paths before it calls.
 * Implemented by provider/system/files.ts.
 */
export interface FileSystem {
  /** The file's bytes, refused without reading past `maxBytes` (a file that grows while read too). */
  read(path: string, maxBytes: number): Promise<FileRead>;
  /** What `path` is, or null when it cannot be told (absent, or a folder on the way is not readable). */
  kindOf(path: string): Promise<FileKind | null>;
  /**
   * The entries of a folder, in no particular order, a link counted as what it points to (a dangling
   * one as a file, so that reading it fails by name); null when the folder cannot be listed.
   */
  list(folder: string): Promise<FolderEntry[] | null>;
  /**
   * Writes `text` so that a reader, or a kill at any instant, sees the old file or the new one, with
   * exactly `mode`; `durable` also has it on disk before this returns. The folder must exist. Rejects
   * with an error that `fileFailureOf` reads.
   */
  writeAtomically(path: string, text: string, options: { mode: number; durable?: boolean }): Promise<void>;
}

/** The failure a FileSystem call rejected with: the system's `code`, when the error carries one. */
export function fileFailureOf(error: unknown): FileFailure {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === "string" ? code : null,
    message: error instanceof Error ? error.message : String(error),
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets and time
// ---------------------------------------------------------------------------------------------

/**
 * Where the initial passwords of the accounts exrec creates are kept (the `--secrets-out` file).
 * Nothing else ever sees a password.
 */
export interface SecretStore {
  /** Where the passwords are, for messages (a path; never a secret). */
  readonly location: string;
  /**
   * The password recorded for this account by an earlier run, or a new one: recorded durably
   * before this returns, so a crash after the request that uses it cannot lose it.
   */
  passwordFor(platform: string, email: string, createdAt: string): Promise<string>;
}

/** Waiting: resolves after `ms`, or at once when `signal` is aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

// ---------------------------------------------------------------------------------------------
// What a failed call means: the error contract every provider implements
// ---------------------------------------------------------------------------------------------

/**
 * What a provider's failed call means to the engine, whatever the provider's transport:
 * - `not-found`: the object asked for does not exist (a single-object read; never a batch);
 * - `outcome-unknown`: a write may or may not have taken effect; read the state before deciding;
 * - `rejected`: the API understood the request and refused it as sent (validation, a read-only
 *   field, a forbidden operation); nothing changed.
 * The engine asks only these questions of an error: it never reads HTTP statuses or imports a
 * provider's classes.
 */
export type CallFailure = "not-found" | "outcome-unknown" | "rejected";

/** Implemented by the errors a provider throws; `failure` is null when none of the above applies. */
export interface ProviderFailure {
  readonly failure: CallFailure | null;
}

function failureOf(error: unknown): CallFailure | null {
  if (typeof error !== "object" || error === null || !("failure" in error)) return null;
  const failure = (error as ProviderFailure).failure;
  return failure === "not-found" || failure === "outcome-unknown" || failure === "rejected" ? failure : null;
}

/** The object does not exist. */
export function isNotFound(error: unknown): boolean {
  return failureOf(error) === "not-found";
}

/** The write may or may not have taken effect. */
export function isOutcomeUnknown(error: unknown): boolean {
  return failureOf(error) === "outcome-unknown";
}

/** The API refused the request as sent; nothing changed. */
export function isRejected(error: unknown): boolean {
  return failureOf(error) === "rejected";
}
