/**
 * What the planner needs to know about one live account: whether OVHcloud is still working on it,
 * whether it is a blank Hosted account, and whether such a blank can be reused instead of ordering.
 */
import { PLACEHOLDER_DOMAIN, type AccountState, type ActualAccount } from "../model.js";
import { expiryInstant } from "./dates.js";

/** The states in which a task is still running on the account: the plan waits for them. */
const TRANSITIONAL: ReadonlySet<AccountState> = new Set<AccountState>([
  "creating",
  "deleting",
  "internalMigration",
  "reopening",
  "suspending",
]);

/** OVHcloud is working on the account (a transitional state, or a task pending): leave it alone. */
export function isTransitional(account: ActualAccount): boolean {
  return TRANSITIONAL.has(account.state) || account.taskPendingId !== null;
}

/** Why the plan leaves a transitional account alone, in plain words. */
export function waitingReason(account: ActualAccount): string {
  const task = account.taskPendingId !== null ? `task ${account.taskPendingId} is pending on it` : null;
  const state = TRANSITIONAL.has(account.state) ? `it is ${account.state}` : null;
  return `${[state, task].filter((s) => s !== null).join(" and ")}; a later plan will deal with it once OVHcloud is done`;
}

/** A Hosted account delivered by an order and not yet given an address. */
export function isBlank(account: ActualAccount): boolean {
  return !account.configured && account.domain.toLowerCase() === PLACEHOLDER_DOMAIN;
}

/**
 * A blank that can be given a declared address instead of ordering a new account: in state `ok`,
 * no task pending, not terminating, and paid. OVHcloud gives no payment field on accounts; an
 * account whose expiry date is after now is in a paid term, so "paid" is read as that. A blank
 * without an expiry date, or whose term has run out, is not reused.
 */
export function isReusableBlank(account: ActualAccount, now: Date): boolean {
  if (!isBlank(account) || account.state !== "ok" || account.taskPendingId !== null) return false;
  if (account.deleteAtExpiration === true) return false;
  const expiry = expiryInstant(account);
  return expiry !== null && expiry > now.getTime();
}
