/**
 * What every layer needs to know about one live account's state, said once: whether OVHcloud is
 * still working on it, and whether it is a blank Hosted account. The planner, drift, import and
 * apply all ask these questions; none answers them with rules of its own.
 */
import { PLACEHOLDER_DOMAIN, type AccountState } from "./model.js";

/** The account states in which OVHcloud is still working on the account: nothing is changed or judged then. */
export const TRANSITIONAL_STATES: ReadonlySet<AccountState> = new Set<AccountState>([
  "creating",
  "deleting",
  "internalMigration",
  "reopening",
  "suspending",
]);

/**
 * A task is pending on the account. The one place that reads `taskPendingId`: the client gives
 * null when the API reports no task.
 */
export function hasTaskPending(account: { taskPendingId: number | null }): boolean {
  return account.taskPendingId !== null;
}

/** OVHcloud is working on the account (a transitional state, or a task pending): leave it alone. */
export function isTransitional(account: { state: AccountState; taskPendingId: number | null }): boolean {
  return TRANSITIONAL_STATES.has(account.state) || hasTaskPending(account);
}

/** The address is on OVHcloud's placeholder domain, where delivered accounts wait to be configured. */
export function onPlaceholderDomain(address: string): boolean {
  return address.toLowerCase().endsWith(`@${PLACEHOLDER_DOMAIN}`);
}

/**
 * A Hosted account delivered by an order and not yet given an address: on the placeholder domain
 * and not configured. A configured account is never blank, wherever it sits: it holds a mailbox
 * (and only a configured account can be reset, H5).
 */
export function isBlank(account: { configured: boolean; domain: string }): boolean {
  return !account.configured && account.domain.toLowerCase() === PLACEHOLDER_DOMAIN;
}
