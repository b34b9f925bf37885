/**
 * What happens to a Hosted account on its expiration date, by the business clock, applied lazily
 * when its service is read: an account set to expire (deleteAtExpiration) is gone (H4); any other
 * is renewed for one more period of its renewPeriod (H2, H3), as many times as the clock passed.
 */
import { addMonths, calendarDateOf, parisMidnight } from "./dates.js";
import { removeAccount } from "./accounts.js";
import type { AccountRecord, ServiceRecord } from "./state.js";
import type { World } from "./world.js";

export function settleExpiries(world: World, service: ServiceRecord): void {
  const nowMs = world.now().getTime();
  // Most requests come long before the next expiry: skip the sweep until then.
  if (service.nextExpiryMs !== undefined && nowMs < service.nextExpiryMs) return;
  let next = Number.POSITIVE_INFINITY;
  for (const account of service.accounts.values()) {
    if (account.expirationDate === null) continue;
    let expiresMs = Date.parse(account.expirationDate);
    if (expiresMs <= nowMs) {
      if (account.deleteAtExpiration === true) {
        removeAccount(service, account);
        world.changed(service);
        continue;
      }
      expiresMs = renew(account, nowMs);
      world.changed(service);
    }
    next = Math.min(next, expiresMs);
  }
  service.nextExpiryMs = next;
}

/** Moves the expiry on by whole periods until it is in the future; returns the new expiry. */
function renew(account: AccountRecord, nowMs: number): number {
  // A Hosted account without a period (not seen in practice) renews monthly, the shortest term.
  const months = account.renewPeriod === "yearly" ? 12 : 1;
  // Counted from the old expiry each time, so that 31 January renews to 28 February, then 31 March.
  const from = calendarDateOf(account.expirationDate as string);
  let periods = 0;
  let text: string;
  do {
    periods += 1;
    text = parisMidnight(addMonths(from, periods * months));
  } while (Date.parse(text) <= nowMs);
  account.expirationDate = text;
  return Date.parse(text);
}
