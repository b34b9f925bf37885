/**
 * Adding, renaming and removing accounts of a service, keeping its index by address right.
 */
import { PLACEHOLDER_DOMAIN, type Licence as License } from "./models.js";
import type { Prng } from "./prng.js";
import {
  nextId,
  primaryAddress,
  type AccountRecord,
  type SandboxState,
  type ServiceRecord,
} from "./state.js";

/** Mailbox size in GB by licence (what OVHcloud advertises for its Hosted offers). */
export function defaultQuota(license: License): number {
  return license === "enterprise" ? 300 : 50;
}

export type NewAccount = Omit<AccountRecord, "id">;

export function insertAccount(
  state: SandboxState,
  service: ServiceRecord,
  fields: NewAccount,
): AccountRecord {
  const account: AccountRecord = { id: nextId(state, "account"), ...fields };
  service.accounts.set(primaryAddress(account), account);
  if (account.expirationDate !== null) service.nextExpiryMs = undefined;
  return account;
}

/** Gives an account a new address; the caller has checked that the address is free. */
export function renameAccount(
  service: ServiceRecord,
  account: AccountRecord,
  login: string,
  domain: string,
): void {
  service.accounts.delete(primaryAddress(account));
  account.login = login.toLowerCase();
  account.domain = domain.toLowerCase();
  service.accounts.set(primaryAddress(account), account);
}

export function removeAccount(service: ServiceRecord, account: AccountRecord): void {
  service.accounts.delete(primaryAddress(account));
}

/** A login on configureme.me not used on this service, as OVHcloud gives delivered accounts. */
export function placeholderLogin(service: ServiceRecord, prng: Prng): string {
  for (;;) {
    const login = prng.login(10);
    if (!service.accounts.has(`${login}@${PLACEHOLDER_DOMAIN}`)) return login;
  }
}
