/**
 * What the planner needs to know about one live account beyond its state (reconciler/account-state.ts):
 * why it is left alone, and whether a blank can be reused instead of ordering.
 */
import { hasTaskPending, isBlank, TRANSITIONAL_STATES } from "../account-state.js";
import type { ActualAccount } from "../model.js";
import { expiryInstant } from "./dates.js";

/** Why the plan leaves a transitional account alone, in plain words. */
export function waitingReason(account: ActualAccount): string {
  const task = hasTaskPending(account) ? `task ${account.taskPendingId} is pending on it` : null;
  const state = TRANSITIONAL_STATES.has(account.state) ? `it is ${account.state}` : null;
  return `${[state, task].filter((s) => s !== null).join(" and ")}; a later plan will deal with it once OVHcloud is done`;
}

/**
 * A blank that can be given a declared address instead of ordering a new account: in state `ok`,
 * no task pending, not terminating, and paid. OVHcloud gives no payment field on accounts; an
 * account whose expiry date is after now is in a paid term, so "paid" is read as that. A blank
 * without an expiry date, or whose term has run out, is not reused.
 */
export function isReusableBlank(account: ActualAccount, now: Date): boolean {
  if (!isBlank(account) || account.state !== "ok" || hasTaskPending(account)) return false;
  if (account.deleteAtExpiration === true) return false;
  const expiry = expiryInstant(account);
  return expiry !== null && expiry > now.getTime();
}
