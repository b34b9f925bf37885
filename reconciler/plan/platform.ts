/**
 * The comparison of one declared platform with its live state, the planner's first stage: which
 * change each account needs, under the billing rules of docs/RULES.md (Hosted H1-H5, Private
 * P1-P3), stated as drafts (what, before, after; changes.ts). It reads no price and dates nothing:
 * the later passes do (dates.ts, costs.ts, reasons.ts). Problems that would make the plan break a
 * promise are collected, not thrown, so that the caller can list every one of them. Drift reads
 * the same comparison, so that a drift report and the next plan agree on what differs.
 *
 * Accounts are indexed by address in Maps: the work is linear in the number of accounts.
 */
import {
  isDestructive,
  offerOf,
  platformKey,
  type Action,
  type ActualAccount,
  type Address,
  type ActualPlatform,
  type DesiredAccount,
  type DesiredPlatform,
  type License,
  type PresentAccount,
  type RemovalMode,
  type Renewal,
  type StorageQuota,
  type Unmanaged,
  type Waiting,
} from "../model.js";
import { isBlank, isTransitional } from "../account-state.js";
import { isReusableBlank, waitingReason } from "./accounts.js";
import { assignBlanks } from "./blanks.js";
import {
  addDraft,
  cancelTerminationDraft,
  configureDraft,
  deleteDraft,
  orderDraft,
  renewDraft,
  resetDraft,
  terminateDraft,
  updateDraft,
  type Creatable,
  type Draft,
  type RemovalCause,
  type Scope,
} from "./changes.js";
import { accountDifferences } from "./differences.js";
import type { Warnings } from "./warnings.js";

/** One reason the plan is refused (the shape PlanRefusedError lists). */
export interface Problem {
  platform: string;
  address: string | null;
  message: string;
  rule: string | null;
}

/** Where the comparison of every platform writes its results. */
export interface PlanSink {
  /** The changes found, in the order found (the plan sorts them into apply order at the end). */
  drafts: Draft[];
  waiting: Waiting[];
  unmanaged: Unmanaged[];
  problems: Problem[];
  /**
   * Declared present, missing, and not creatable for lack of a licence or renewal: each is also a
   * problem (the plan is refused), and drift still reports it as missing.
   */
  uncreatable: { platform: string; account: PresentAccount }[];
}

export interface PlatformInputs {
  /** Whether a blank's paid term has run out. */
  now: Date;
  warnings: Warnings;
}

/** The changes that remove an account, which a protected account must never get. */
const REMOVALS: ReadonlySet<Action> = new Set<Action>(["terminate", "reset", "delete"]);

/** Compares one platform; returns false when it was refused outright (its offer does not match). */
export function planPlatform(
  desired: DesiredPlatform,
  actual: ActualPlatform,
  inputs: PlatformInputs,
  sink: PlanSink,
): boolean {
  const key = platformKey(desired);
  const liveOffer = offerOf(actual.apiOffer);
  if (desired.offer !== liveOffer) {
    sink.problems.push({
      platform: key,
      address: null,
      rule: null,
      message:
        `the manifest declares offer ${desired.offer} but the live platform is ${liveOffer} (API offer ${actual.apiOffer}); ` +
        `nothing is planned on it, because the same DELETE resets an account on Hosted and destroys it on Private: ` +
        `correct the offer in the manifest`,
    });
    return false;
  }
  if (actual.state !== "ok") {
    inputs.warnings.add(
      `${key} is ${actual.state}: OVHcloud may refuse or delay changes on it until it is ok`,
    );
  }
  const scope: Scope = {
    ref: { organization: desired.organization, service: desired.service, offer: desired.offer },
    key,
  };
  const firstDraft = sink.drafts.length;
  const removal: RemovalMode = desired.offer === "hosted" ? desired.removal : "expire";

  const declared = indexDeclared(desired, key, sink);
  // Live accounts by address → their index; `taken` marks those a declaration (or a reuse) claims,
  // so that the undeclared ones are found without a second lookup per account.
  const liveIndex = new Map<string, number>();
  // Addresses are lower case on both sides (the model's Address), so they are compared as they are.
  for (const [i, account] of actual.accounts.entries()) liveIndex.set(account.email, i);
  const taken = new Uint8Array(actual.accounts.length);

  // Declared accounts, in the manifest's order.
  const missing: PresentAccount[] = [];
  for (const [address, account] of declared.accounts) {
    const index = liveIndex.get(address);
    const found = index === undefined ? undefined : actual.accounts[index];
    if (index !== undefined) taken[index] = 1;
    if (found && isTransitional(found)) {
      sink.waiting.push(waitingFor(desired, address, found));
      continue;
    }
    if (found?.state === "suspended") {
      inputs.warnings.add(
        `${key} ${address} is suspended: exrec changes only what the manifest declares for it; ` +
          `the guide does not say how a suspended account is billed or reactivated`,
      );
    }
    if (account.state === "present") {
      if (found) planExisting(scope, found, account, sink);
      else missing.push(account);
    } else if (found) {
      planRemoval(scope, found, "declared absent", removal, sink);
    }
  }

  // Creations: Private adds (P2); Hosted reuses blanks, then orders (H1).
  const creatable = checkCreatable(scope, missing, sink);
  if (desired.offer === "private") {
    for (const account of creatable) sink.drafts.push(addDraft(scope, account));
  } else {
    planHostedCreations(scope, actual, taken, creatable, inputs, sink, desired.storageQuota);
  }

  // Live accounts the manifest does not declare (and no declared account reuses), in the API's order.
  for (const [i, account] of actual.accounts.entries()) {
    if (taken[i]) continue;
    const address = account.email;
    if (!desired.prune) {
      sink.unmanaged.push({ platform: refOf(desired), address, configured: account.configured });
    } else if (isTransitional(account)) {
      sink.waiting.push(waitingFor(desired, address, account));
    } else {
      const cause: RemovalCause =
        desired.offer === "hosted" && isBlank(account)
          ? "blank, reused by no declared account, and the platform prunes"
          : "not declared, and the platform prunes";
      planRemoval(scope, account, cause, removal, sink);
    }
  }

  // A protected account is never terminated, reset or deleted, whatever else the manifest says.
  const drafts = sink.drafts.slice(firstDraft);
  for (const { change } of drafts) {
    if (change.action !== "order" && REMOVALS.has(change.action) && declared.protected.has(change.address)) {
      sink.problems.push({
        platform: key,
        address: change.address,
        rule: change.rule,
        message: `${change.address} is protected (protect: true) but the plan would ${change.action} it; remove the conflicting declaration or the protection`,
      });
    }
  }
  if (actual.apiOffer === "provider") refuseDestructiveOnProvider(scope, sink, drafts);
  return true;
}

/**
 * A `provider` platform follows the Hosted rules, except that on the old Exchange 2010 ones
 * OVHcloud's control panel removes accounts like Private (`removeAccountInsteadOfReset`): there
 * the DELETE exrec sends for a reset may destroy the account rather than empty it. Nothing in the
 * API says which kind a platform is, so no destructive change is planned on any of them.
 */
function refuseDestructiveOnProvider(scope: Scope, sink: PlanSink, drafts: readonly Draft[]): void {
  for (const { change } of drafts) {
    if (change.action === "order" || !isDestructive(change)) continue;
    sink.problems.push({
      platform: scope.key,
      address: change.address,
      rule: change.rule,
      message:
        `the plan would ${change.action} ${change.address}, but ${scope.key} is a \`provider\` platform, where the same DELETE ` +
        `empties the account on some platforms and removes it on others (Exchange 2010), and exrec cannot tell which: ` +
        `use \`removal: expire\` on this platform, or reset the account in OVHcloud's control panel`,
    });
  }
}

function refOf(desired: DesiredPlatform): { organization: string; service: string } {
  return { organization: desired.organization, service: desired.service };
}

function waitingFor(desired: DesiredPlatform, address: Address, account: ActualAccount): Waiting {
  return {
    platform: refOf(desired),
    address,
    state: account.state,
    taskPendingId: account.taskPendingId,
    reason: waitingReason(account),
  };
}

/**
 * The declared accounts by lower-cased address. An address declared twice is a problem; the later
 * declaration is planned so that the rest of the plan can still be checked (and a protected
 * account declared absent elsewhere is caught as such).
 */
function indexDeclared(
  desired: DesiredPlatform,
  key: string,
  sink: PlanSink,
): { accounts: Map<Address, DesiredAccount>; protected: Set<string> } {
  const accounts = new Map<Address, DesiredAccount>();
  const protectedAddresses = new Set<string>();
  for (const account of desired.accounts) {
    const address = account.email;
    const size = accounts.size;
    accounts.set(address, account);
    if (accounts.size === size) {
      // Rare (an error), so the earlier declaration is looked for only now.
      const earlier = desired.accounts.find((a) => a !== account && a.email === address);
      sink.problems.push({
        platform: key,
        address,
        rule: null,
        message: `declared more than once (${where(earlier ?? account)} and ${where(account)}); keep one declaration`,
      });
    }
    if (account.state === "present" && account.protect) protectedAddresses.add(address);
  }
  return { accounts, protected: protectedAddresses };
}

function where(account: DesiredAccount): string {
  return `${account.source.file}:${account.source.line}:${account.source.col}`;
}

/** A declared, present, live account: cancel its termination, renew, update; never on Private renew (P1). */
function planExisting(scope: Scope, live: ActualAccount, declared: PresentAccount, sink: PlanSink): void {
  const differences = accountDifferences(declared, live, scope.ref.offer);
  for (const difference of differences) {
    if (difference.field === "deleteAtExpiration") sink.drafts.push(cancelTerminationDraft(scope, live));
    else if (difference.field === "renewal") sink.drafts.push(renewDraft(scope, live, difference.declared));
  }
  const update = updateDraft(scope, live, differences);
  if (update) sink.drafts.push(update);
}

/** Hosted: terminate at expiry (H4), and reset now where the platform asks for it (H5). Private: delete (P3). */
function planRemoval(
  scope: Scope,
  live: ActualAccount,
  cause: RemovalCause,
  removal: RemovalMode,
  sink: PlanSink,
): void {
  if (scope.ref.offer === "private") {
    sink.drafts.push(deleteDraft(scope, live, cause));
    return;
  }
  if (live.deleteAtExpiration !== true) sink.drafts.push(terminateDraft(scope, live, cause));
  if (removal === "reset" && live.configured) sink.drafts.push(resetDraft(scope, live, cause));
}

/**
 * A missing account can be created only when its licence is known (both offers) and, on Hosted,
 * its renewal (the order's duration depends on it). Whether a blank could be reused instead does not
 * matter: a plan that works only while a blank happens to exist would fail later for no visible reason.
 */
function checkCreatable(scope: Scope, missing: PresentAccount[], sink: PlanSink): Creatable[] {
  const creatable: Creatable[] = [];
  const hosted = scope.ref.offer === "hosted";
  for (const account of missing) {
    const { license } = account;
    const lacks: string[] = [];
    if (license === undefined) lacks.push("`license`");
    if (hosted && account.renewal === undefined) lacks.push("`renewal` (monthly or yearly)");
    if (license === undefined || lacks.length > 0) {
      sink.uncreatable.push({ platform: scope.key, account });
      sink.problems.push({
        platform: scope.key,
        address: account.email,
        rule: hosted ? "H1" : "P2",
        message:
          `declared present but missing, and it cannot be ${hosted ? "ordered" : "added"} without ${lacks.join(" and ")}: ` +
          `declare ${lacks.length > 1 ? "them" : "it"} on the account or in the platform's defaults`,
      });
      continue;
    }
    // On Private the renewal is always monthly (P1); the order/add path never reads it there.
    creatable.push({
      ...account,
      license,
      renewal: account.renewal ?? "monthly",
    });
  }
  return creatable;
}

/** H1: reuse paid blank accounts of the same licence, then order the rest, one order per licence and duration. */
function planHostedCreations(
  scope: Scope,
  actual: ActualPlatform,
  taken: Uint8Array,
  creatable: Creatable[],
  inputs: PlatformInputs,
  sink: PlanSink,
  storageQuota: StorageQuota | undefined,
): void {
  const reusable: ActualAccount[] = [];
  const indexOf = new Map<ActualAccount, number>();
  const delivering = new Map<License, number>();
  for (const [i, account] of actual.accounts.entries()) {
    if (taken[i] || !isBlank(account)) continue;
    if (isReusableBlank(account, inputs.now)) {
      reusable.push(account);
      indexOf.set(account, i);
    } else if (isTransitional(account)) {
      delivering.set(account.license, (delivering.get(account.license) ?? 0) + 1);
    }
  }

  const { reused, toOrder } =
    creatable.length === 0 ? { reused: [], toOrder: [] } : assignBlanks(creatable, reusable);
  for (const { wanted, blank } of reused) {
    const index = indexOf.get(blank);
    // Every blank handed out is one of `reusable`, each indexed above.
    if (index === undefined) throw new Error(`the blank ${blank.email} was not among the reusable ones`);
    taken[index] = 2;
    sink.drafts.push(configureDraft(scope, blank, wanted));
  }

  const batches = new Map<string, { license: License; renewal: Renewal; wanted: Creatable[] }>();
  for (const wanted of toOrder) {
    const batchKey = `${wanted.license}/${wanted.renewal}`;
    let batch = batches.get(batchKey);
    if (!batch)
      batches.set(batchKey, (batch = { license: wanted.license, renewal: wanted.renewal, wanted: [] }));
    batch.wanted.push(wanted);
  }
  for (const { license, renewal, wanted } of batches.values()) {
    sink.drafts.push(orderDraft(scope, license, renewal, wanted, storageQuota));
    const inFlight = delivering.get(license) ?? 0;
    if (inFlight > 0) {
      inputs.warnings.add(
        `${scope.key}: ${inFlight} blank ${license} account${inFlight === 1 ? " is" : "s are"} still being delivered or worked on; ` +
          `this plan orders anyway: wait for ${inFlight === 1 ? "it" : "them"} and plan again to reuse ${inFlight === 1 ? "it" : "them"} (H1)`,
      );
    }
  }
}
