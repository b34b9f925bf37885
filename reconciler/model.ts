/**
 * The types every layer shares: what the user wants (Desired), what OVHcloud has (Actual),
 * and what exrec intends to do about the difference (Change, Plan).
 *
 * A Plan is plain JSON-serialisable data: it is saved with `plan --out`, read back by `apply`,
 * rendered by every renderer, and compared in golden files. Nothing in here does I/O.
 */

import type { OrderStatus } from "./order-status.js";

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/** The manifest's offer. `private` covers the API's `dedicated` and `dedicatedCluster`. */
export type Offer = "hosted" | "private";
/** The API's `offer` enum on `email.exchange.ExchangeService`. */
export type ApiOffer = "dedicated" | "dedicatedCluster" | "hosted" | "provider";
export type License = "basic" | "standard" | "enterprise";
export type Renewal = "monthly" | "yearly";
/** How a Hosted platform removes accounts: terminate at expiry (H4), or also reset now (H5). */
export type RemovalMode = "expire" | "reset";
/** The API's `email.exchange.ObjectStateEnum` for accounts. */
export type AccountState =
  "creating" | "deleting" | "internalMigration" | "ok" | "reopening" | "suspended" | "suspending";
/** Every AccountState, in the order of OVHcloud's enum. */
export const ACCOUNT_STATES: readonly AccountState[] = [
  "creating",
  "deleting",
  "internalMigration",
  "ok",
  "reopening",
  "suspended",
  "suspending",
];
/** Rule ids of docs/RULES.md, cited by changes, errors and plan output. */
export type RuleId = "H1" | "H2" | "H3" | "H4" | "H5" | "P1" | "P2" | "P3";
/** An order duration in months, as the order API names them ("01" monthly, "12" yearly). */
export type OrderDuration = "01" | "12";

/**
 * The storage of an ordered Hosted account in GB: `storageQuota` of the order API, whose default
 * (the one OVHcloud applies when it is left out) is "50".
 */
export type StorageQuota = "50" | "300";

export const LICENSES: readonly License[] = ["basic", "standard", "enterprise"];
export const STORAGE_QUOTAS: readonly StorageQuota[] = ["50", "300"];
export const DEFAULT_STORAGE_QUOTA: StorageQuota = "50";
export const RENEWALS: readonly Renewal[] = ["monthly", "yearly"];

/** The OVHcloud API offers that follow the Hosted rules; the others follow the Private rules. */
export function offerOf(apiOffer: ApiOffer): Offer {
  return apiOffer === "hosted" || apiOffer === "provider" ? "hosted" : "private";
}

export function durationOf(renewal: Renewal): OrderDuration {
  return renewal === "monthly" ? "01" : "12";
}

/** The domain on which OVHcloud delivers ordered Hosted accounts, blank until configured. */
export const PLACEHOLDER_DOMAIN = "configureme.me";

// ---------------------------------------------------------------------------------------------
// Desired state (from YAML or cdk.tf.json)
// ---------------------------------------------------------------------------------------------

/** Where a value came from, for error messages: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * A primary e-mail address in lower case. OVHcloud matches addresses without regard to case, so
 * exrec keeps them lower-cased and compares them as they are. Made once, by `toAddress`, where an
 * address comes in (the manifest, the API's answers, the Terraform provider's inputs, a saved plan,
 * a flag); everything past that edge compares addresses as they are.
 */
export type Address = string & { readonly __brand: "Address" };

/** The address as exrec keeps it. */
export function toAddress(text: string): Address {
  return text.toLowerCase() as Address;
}

export interface PlatformRef {
  organization: string;
  service: string;
}

/** `organization/service`, the key used for platforms everywhere (flags, fingerprints, locks). */
export function platformKey(ref: PlatformRef): string {
  return `${ref.organization}/${ref.service}`;
}

interface DesiredAccountBase {
  email: Address;
  source: SourceLocation;
}

/** An account that must exist. Fields left undefined are not managed by exrec. */
export interface PresentAccount extends DesiredAccountBase {
  state: "present";
  license?: License;
  /** Hosted only; always undefined on Private platforms (P1). */
  renewal?: Renewal;
  displayName?: string;
  /** exrec never terminates, resets or deletes a protected account. */
  protect: boolean;
}

/** An account that must be removed (terminated at expiry on Hosted, deleted on Private). */
export interface AbsentAccount extends DesiredAccountBase {
  state: "absent";
}

export type DesiredAccount = PresentAccount | AbsentAccount;

export type DesiredPlatform = PlatformRef & {
  source: SourceLocation;
  /** true: live accounts not declared here are removed. */
  prune: boolean;
  accounts: DesiredAccount[];
} & (
    | {
        offer: "hosted";
        removal: RemovalMode;
        /** The storage of the accounts exrec orders here; absent: not sent, OVHcloud's default. */
        storageQuota?: StorageQuota;
      }
    | { offer: "private" }
  );

export interface Desired {
  platforms: DesiredPlatform[];
  /** sha256 over the canonical desired model: a saved plan is refused when the manifest changed. */
  digest: string;
  /** The files it was loaded from, as given. */
  files: string[];
}

// ---------------------------------------------------------------------------------------------
// Actual state (from the OVHcloud API)
// ---------------------------------------------------------------------------------------------

export interface ActualAccount {
  /** Blank Hosted accounts have one on `configureme.me`. */
  email: Address;
  domain: string;
  license: License;
  /** null where the API gives none (Private platforms). */
  renewal: Renewal | null;
  /** null where the API gives none. */
  deleteAtExpiration: boolean | null;
  /** As the API gives it (ISO 8601 with its own offset), or null. Never re-zoned. */
  expirationDate: string | null;
  displayName: string | null;
  configured: boolean;
  state: AccountState;
  taskPendingId: number | null;
}

export interface ActualPlatform extends PlatformRef {
  apiOffer: ApiOffer;
  offer: Offer;
  state: "inMaintenance" | "ok" | "suspended";
  domains: string[];
  accounts: ActualAccount[];
}

export interface Actual {
  platforms: ActualPlatform[];
  /** Object key (`org/svc` or `org/svc/email`) → digest of what was read, for the stale-plan check. */
  fingerprint: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Prices
// ---------------------------------------------------------------------------------------------

/**
 * Money in OVHcloud's micro-cents (`priceInUcents`: 1 currency unit = 100,000,000 ucents), so that
 * sums stay exact integers.
 */
export interface Money {
  ucents: number;
  currency: string;
}

/** The verified price of an order of N accounts of one licence and duration (the order quote). */
export interface OrderQuote {
  platform: PlatformRef;
  license: License;
  duration: OrderDuration;
  quantity: number;
  /** Absent: quoted without `storageQuota` (OVHcloud's default). */
  storageQuota?: StorageQuota;
  withoutTax: Money;
  withTax: Money;
}

/** Key of an order quote: `org/svc/license/duration/quantity`. */
export function quoteKey(
  q: PlatformRef & {
    license: License;
    duration: OrderDuration;
    quantity: number;
    storageQuota?: StorageQuota | undefined;
  },
): string {
  const base = `${platformKey(q)}/${q.license}/${q.duration}/${q.quantity}`;
  return q.storageQuota === undefined ? base : `${base}/storage-${q.storageQuota}`;
}

/** The key of the quote an order change is priced by: its platform, licence, duration, quantity and quota. */
export function orderQuoteKey(
  change: Pick<OrderChange, "platform" | "license" | "duration" | "quantity" | "storageQuota">,
): string {
  return quoteKey({
    ...change.platform,
    license: change.license,
    duration: change.duration,
    quantity: change.quantity,
    storageQuota: change.storageQuota,
  });
}

/**
 * Recurring prices per account and month, excluding tax, as far as the catalog tells them.
 * A missing entry means "unknown": the planner then says so, and never guesses.
 * Key: `${offer}/${license}/${renewal}`; Private accounts use renewal `monthly` (P1).
 */
export interface PriceBook {
  currency: string | null;
  /** Monthly-equivalent price per account, in ucents. */
  monthly: Record<string, number>;
  /** Why a price is missing, when the whole catalog could not be read. */
  unavailableReason?: string;
}

export function priceKey(offer: Offer, license: License, renewal: Renewal): string {
  return `${offer}/${license}/${renewal}`;
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

export type Action =
  | "order"
  | "configure"
  | "renew"
  | "cancel-termination"
  | "terminate"
  | "reset"
  | "add"
  | "delete"
  | "update";

/**
 * A calendar date, `YYYY-MM-DD`, in the offset of the API date it was read from, never re-zoned
 * (H3). The type keeps the words `now` and `unknown` out of it; a date read from outside is made
 * by `calendarDate()` (reconciler/format.ts), or checked by the plan schema, never merely cast.
 */
export type CalendarDate = `${number}-${number}-${number}`;

/**
 * The one word for a date that takes effect at an account's expiry when the API gives no expiry:
 * the plan says it is unknown rather than pretend it is now.
 */
export const UNKNOWN_DATE = "unknown";

/** When something takes effect at an account's expiry: its calendar date, or unknown. */
export type AtExpiry = CalendarDate | typeof UNKNOWN_DATE;

/**
 * When a change (or a part of the run rate) takes effect: `now`, or at an expiry. Readers switch
 * on it: `now`, `unknown`, and otherwise a CalendarDate.
 */
export type Effective = "now" | AtExpiry;

/**
 * Where a recurring price comes from: `quote`, the order quote of one account of the platform (a GET
 * that buys nothing); `catalog`, the public catalog (its Exchange plan codes are unverified);
 * `quote+catalog`, a difference of two prices, one from each.
 */
export type RecurringSource = "quote" | "catalog" | "quote+catalog";

export type Cost =
  /** No billing effect. */
  | { kind: "none"; note?: string }
  /** Paid once, now (an order quote). */
  | { kind: "one-time"; amount: Money; taxIncluded: Money | null; source: "quote" }
  /** The monthly run rate changes by `delta` from `from` (negative: a saving). */
  | { kind: "recurring"; delta: Money; from: Effective; source: RecurringSource; note?: string }
  /** What the API does not tell us: shown as unknown, never guessed. */
  | { kind: "unknown"; reason: string };

/**
 * Every field a change may show before/after, for readers that go through them one by one (the
 * renderers). Each change says exactly which of them it carries, by its action (below).
 */
export interface AccountFields {
  email?: string;
  license?: License;
  renewal?: Renewal | null;
  displayName?: string | null;
  deleteAtExpiration?: boolean | null;
  configured?: boolean;
  exists?: boolean;
}

interface ChangeBase {
  /** Stable id within the plan: `org/svc/address/action` (orders: `org/svc/order/license/duration`). */
  id: string;
  platform: PlatformRef & { offer: Offer };
  effective: Effective;
  cost: Cost;
  rule: RuleId | null;
  /** For the reader only: apply never branches on it. */
  reason: string;
}

/** An order placed by an earlier apply, as its journal records it, with the status OVHcloud gives now. */
export interface PlacedOrder {
  orderId: number;
  /** How many accounts it buys. */
  quantity: number;
  /**
   * OVHcloud's order status when the plan was made: `notPaid`, apply pays it; any other, apply awaits
   * its delivery. The plan's JSON writes it as text (`orderStatusText`).
   */
  status: OrderStatus;
}

/** Buy N Hosted accounts of one licence and duration; once delivered they are configured (H1). */
export interface OrderChange extends ChangeBase {
  action: "order";
  addresses: Address[];
  license: License;
  renewal: Renewal;
  duration: OrderDuration;
  quantity: number;
  /** The storage ordered per account; absent in plans saved before it existed (OVHcloud's default, 50). */
  storageQuota?: StorageQuota;
  /** Per address, what the delivered account is configured with. */
  accounts: { email: Address; displayName: string | null }[];
  /**
   * Orders an earlier apply already placed for this change (its journal says so) and that are not
   * delivered yet: apply pays or awaits them instead of buying again. Absent: none.
   */
  placed?: PlacedOrder[];
  before: null;
  after: { exists: true; license: License; renewal: Renewal };
}

/** Give a blank, paid Hosted account (on configureme.me) a declared address (reuse, H1). */
export interface ConfigureChange extends ChangeBase {
  action: "configure";
  address: Address;
  /** The blank account's current address. */
  placeholder: Address;
  /**
   * The blank's address and state, then the declared ones. `displayName` only when declared (an
   * undeclared one is not managed: the blank keeps its own); `renewal` only when the blank's differs.
   */
  before: { email: string; configured: false; displayName?: string | null; renewal?: Renewal | null };
  after: { email: string; configured: true; displayName?: string; renewal?: Renewal };
  /** When the blank account's renewal differs: the date the new period applies (H3). */
  renewalEffective: AtExpiry | null;
}

interface AccountChangeBase extends ChangeBase {
  address: Address;
}

/** H2, H3: the renewal period, changed at the account's expiry. */
export interface RenewChange extends AccountChangeBase {
  action: "renew";
  before: { renewal: Renewal | null };
  after: { renewal: Renewal };
}
/** H4: an account set to expire at term is kept. */
export interface CancelTerminationChange extends AccountChangeBase {
  action: "cancel-termination";
  before: { deleteAtExpiration: true };
  after: { deleteAtExpiration: false };
}
/** H4: an account is not renewed, and is suspended at its expiry. */
export interface TerminateChange extends AccountChangeBase {
  action: "terminate";
  before: { deleteAtExpiration: boolean | null };
  after: { deleteAtExpiration: true };
}
/** H5: a configured Hosted account is emptied now and left blank. */
export interface ResetChange extends AccountChangeBase {
  action: "reset";
  before: { email: string; configured: true };
  after: { configured: false };
}
/** P2: an account added to a Private platform; it did not exist before. */
export interface AddChange extends AccountChangeBase {
  action: "add";
  license: License;
  before: { exists: false };
  /** The planner gives the address and licence, and `displayName` when declared; the plan schema requires none of them. */
  after: { exists: true; email?: string; license?: License; displayName?: string };
}
/** P3: a Private account deleted now. */
export interface DeleteChange extends AccountChangeBase {
  action: "delete";
  /** The planner gives the address and licence; the plan schema requires neither. */
  before: { exists: true; email?: string; license?: License };
  after: { exists: false };
}
/** The licence and the display name, each on both sides when it changes, absent when it does not. */
export interface UpdateChange extends AccountChangeBase {
  action: "update";
  before: { license?: License; displayName?: string | null };
  after: { license?: License; displayName?: string };
}

export type Change =
  | OrderChange
  | ConfigureChange
  | RenewChange
  | CancelTerminationChange
  | TerminateChange
  | ResetChange
  | AddChange
  | DeleteChange
  | UpdateChange;

/** The order apply carries changes out in: non-destructive first, destructive last. */
export const APPLY_ORDER: readonly Action[] = [
  "cancel-termination",
  "update",
  "renew",
  "configure",
  "add",
  "order",
  "terminate",
  "reset",
  "delete",
];

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

/** An account left alone because it is in a transitional state; the plan waits for it. */
export interface Waiting {
  platform: PlatformRef;
  address: Address;
  state: AccountState;
  taskPendingId: number | null;
  reason: string;
}

export interface Unmanaged {
  platform: PlatformRef;
  address: Address;
  configured: boolean;
}

/** A part of the monthly run rate change that starts on one date. */
export interface RunRateStep {
  from: Effective;
  delta: Money;
}

/**
 * What a plan prices. `estate`: its changes, and the monthly run rate of every live account of the
 * platforms it covers (`Totals.monthlyBefore` and `monthlyAfter`), as JSON plans and plan files
 * carry it. `changes`: its changes only, the run rate left out (both null): the text and Markdown
 * plans show the changes' costs and never the run rate, so a platform without a change needs no
 * price read for it.
 */
export type Pricing = "estate" | "changes";

export interface Totals {
  currency: string | null;
  /** Sum of known one-time costs (order quotes), excluding tax. */
  oneTime: Money | null;
  /** Changes whose cost is unknown: the totals do not include them. */
  unknownCosts: number;
  /**
   * The monthly run rate of the declared platforms' live accounts today, or null when unknown (or
   * not asked for: a plan priced for its `changes` only).
   */
  monthlyBefore: Money | null;
  /** How the run rate moves, by start date (sorted, `now` first). */
  monthlySteps: RunRateStep[];
  /** monthlyBefore plus every step, or null when unknown. */
  monthlyAfter: Money | null;
}

export interface Plan {
  format_version: "1";
  /** ISO timestamp of the clock the planner was given. */
  created_at: string;
  manifest_digest: string;
  /**
   * Plan files only: the manifest files the plan was made from, as given, so that `apply PLAN` can
   * check that they did not change. Absent from rendered plans, which must not depend on paths.
   */
  manifest_files?: string[];
  fingerprint: Record<string, string>;
  /** Platforms this plan covers (after --platform / --exclude). */
  platforms: (PlatformRef & { offer: Offer })[];
  /** In apply order. */
  changes: Change[];
  waiting: Waiting[];
  unmanaged: Unmanaged[];
  warnings: string[];
  totals: Totals;
  /** What the plan amounts to, as every renderer shows it: counts and the cost table. */
  summary: PlanSummary;
}

/** One line of the cost table: a one-time sum, or a change of the monthly run rate from a date. */
export interface SummaryCost {
  kind: "one-time" | "monthly";
  /** `now` for one-time costs; the first day of a monthly change. */
  from: Effective;
  amount: Money;
  /** Every amount of a plan excludes tax (the catalog's and the quotes' prices without tax). */
  tax: "excluded";
}

export interface PlanSummary {
  /** Accounts the plan creates: ordered, configured from a blank, or added. */
  add: number;
  /** Accounts changed in place: renewal, licence, display name, a termination cancelled. */
  change: number;
  /** Accounts removed: terminated at expiry, reset or deleted (each once). */
  remove: number;
  /** Of those, removed now, their data destroyed (a Hosted reset, a Private delete). */
  removeNow: number;
  /** Platforms of which no live account is left once the plan and the terminations under way are done. */
  emptiedPlatforms: string[];
  /**
   * The one-time sum (what would be bought anew; orders already placed are not counted again), then
   * the monthly changes by start date: each the sum of the rows of that kind and date.
   */
  costs: SummaryCost[];
  /** Changes whose cost is unknown, left out of `costs`. */
  unknownCosts: number;
}

/** The one answer to "is there anything to do?": exit codes, prompts and renderers all ask it. */
export function isEmpty(plan: Pick<Plan, "changes">): boolean {
  return plan.changes.length === 0;
}

/**
 * Whether a change destroys data now (apply needs --allow-destroy for it). Derived from the
 * action, never stored in a change, so a plan file that says otherwise cannot contradict it. Both
 * actions send the DELETE that destroys data at once, whichever the offer: on Hosted it empties a
 * configured account (a reset, H5), on Private it removes the account (P3); the offer only decides
 * which of the two the planner plans.
 */
export function isDestructive(change: { action: Action }): boolean {
  return change.action === "reset" || change.action === "delete";
}

export function destructiveChanges(plan: Pick<Plan, "changes">): Change[] {
  return plan.changes.filter(isDestructive);
}

/** The actions that remove an account: now (reset, Private delete) or at its expiry (terminate). */
export const REMOVAL_ACTIONS: readonly Action[] = ["terminate", "reset", "delete"];

/** An account the plan removes, with how (a reset account is also terminated: one account, two changes). */
export interface Removal {
  platform: string;
  address: Address;
  /** true when its data is destroyed now (reset, delete); false for a termination at expiry only. */
  now: boolean;
}

/**
 * Every account the plan removes, once each. A termination counts: it is a deletion scheduled for
 * the expiry date, what Terraform would count as a destroy.
 */
export function removals(plan: { changes: readonly Change[] }): Removal[] {
  const byAccount = new Map<string, Removal>();
  for (const change of plan.changes) {
    if (change.action !== "terminate" && change.action !== "reset" && change.action !== "delete") continue;
    const platform = platformKey(change.platform);
    const key = `${platform}/${change.address}`;
    const now = change.action !== "terminate";
    const known = byAccount.get(key);
    if (known) known.now ||= now;
    else byAccount.set(key, { platform, address: change.address, now });
  }
  return [...byAccount.values()];
}
