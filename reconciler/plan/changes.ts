/**
 * One constructor per kind of change: ids, before/after, when it takes effect, what it costs, the
 * rule it follows and the reason shown to the reader. The decisions (which change, for which
 * account) are made in platform.ts; these only describe them.
 */
import {
  durationOf,
  UNKNOWN_DATE,
  type ActualAccount,
  type AtExpiry,
  type CalendarDate,
  type AddChange,
  type CancelTerminationChange,
  type ConfigureChange,
  type DeleteChange,
  type License,
  type Offer,
  type OrderChange,
  type OrderQuote,
  type PlatformRef,
  type PresentAccount,
  type RenewChange,
  type Renewal,
  type ResetChange,
  type TerminateChange,
  type StorageQuota,
  type UpdateChange,
} from "../model.js";
import { formatMoney } from "../format.js";
import { monthlyDifference, negate, noCost, perMonth, recurring, unknownCost } from "./costs.js";
import { expiryDate } from "./dates.js";
import type { FieldDifference } from "./differences.js";
import type { PlatformPrices } from "./price-reader.js";
import type { Warnings } from "./warnings.js";

/** The platform a change is on, and what every constructor needs to describe it. */
export interface Scope {
  ref: PlatformRef & { offer: Offer };
  /** `organization/service`. */
  key: string;
  /** This platform's prices: its quotes first, then the catalog. */
  prices: PlatformPrices;
  warnings: Warnings;
}

/** A present account that can be created: its licence and renewal are known. */
export type Creatable = PresentAccount & { license: License; renewal: Renewal };

const NO_EXPIRY = "the API gives no expiry date for this account";

function id(scope: Scope, address: string, action: string): string {
  return `${scope.key}/${address}/${action}`;
}

/** The expiry date a change takes effect on, or UNKNOWN_DATE with a warning naming the account. */
function atExpiry(
  scope: Scope,
  live: ActualAccount,
  what: string,
): { effective: AtExpiry; date: CalendarDate | null } {
  const date = expiryDate(live);
  if (date === null) {
    scope.warnings.add(
      `${scope.key} ${live.email}: ${NO_EXPIRY}, so the date its ${what} takes effect is unknown`,
    );
    return { effective: UNKNOWN_DATE, date: null };
  }
  return { effective: date, date };
}

/** H2, H3: a Hosted account's renewal period changes on its expiry date, not now. */
export function renewChange(scope: Scope, live: ActualAccount, renewal: Renewal): RenewChange {
  const when = atExpiry(scope, live, "renewal change");
  const difference = monthlyDifference(
    scope.prices.monthly("hosted", live.license, live.renewal),
    scope.prices.monthly("hosted", live.license, renewal),
  );
  const cost =
    when.date === null
      ? unknownCost(`${NO_EXPIRY}, so when the new period is billed is unknown`)
      : difference.known
        ? recurring(difference.delta, when.date, difference.source)
        : unknownCost(difference.reason);
  return {
    id: id(scope, live.email, "renew"),
    action: "renew",
    platform: scope.ref,
    address: live.email,
    before: { renewal: live.renewal },
    after: { renewal },
    effective: when.effective,
    cost,
    rule: "H3",
    reason:
      when.date === null
        ? `renewal ${live.renewal ?? "not set"} → ${renewal}, applied at the account's expiry; ${NO_EXPIRY}, so that date is unknown (H2, H3)`
        : `renewal ${live.renewal ?? "not set"} → ${renewal}, applied at the account's expiry on ${when.date}, not now (H2, H3)`,
  };
}

/** An account declared present that is set to expire at term: keep it. Billing goes on (H4). */
export function cancelTerminationChange(scope: Scope, live: ActualAccount): CancelTerminationChange {
  const date = expiryDate(live);
  const price = scope.prices.monthly("hosted", live.license, live.renewal);
  return {
    id: id(scope, live.email, "cancel-termination"),
    action: "cancel-termination",
    platform: scope.ref,
    address: live.email,
    before: { deleteAtExpiration: true },
    after: { deleteAtExpiration: false },
    effective: "now",
    cost: noCost(`billing continues past the expiry${date ? ` on ${date}` : ""} at ${perMonth(price)}`),
    rule: "H4",
    reason: `declared present but set to expire at term${date ? ` on ${date}` : ""}: the termination is cancelled (H4)`,
  };
}

/** Why an account is being removed, for the reason text. */
export type RemovalCause =
  | "declared absent"
  | "not declared, and the platform prunes"
  | "blank, reused by no declared account, and the platform prunes";

/** H4: a Hosted account is removed by not renewing it; it is suspended on its expiry date. */
export function terminateChange(scope: Scope, live: ActualAccount, cause: RemovalCause): TerminateChange {
  const when = atExpiry(scope, live, "termination");
  const price = scope.prices.monthly("hosted", live.license, live.renewal);
  const cost =
    when.date === null
      ? unknownCost(`${NO_EXPIRY}, so when its billing stops is unknown`)
      : price.known
        ? recurring(negate(price.price), when.date, price.source, "billed until its expiry, then no more")
        : unknownCost(price.reason);
  return {
    id: id(scope, live.email, "terminate"),
    action: "terminate",
    platform: scope.ref,
    address: live.email,
    before: { deleteAtExpiration: live.deleteAtExpiration },
    after: { deleteAtExpiration: true },
    effective: when.effective,
    cost,
    rule: "H4",
    reason:
      `${cause}: terminated at its expiry` +
      (when.date === null ? ` (${NO_EXPIRY})` : ` on ${when.date}`) +
      `, when it is suspended; it is not renewed (H4)`,
  };
}

/** H5: the mailbox is wiped now; the account stays blank, and billed, until its expiry. */
export function resetChange(scope: Scope, live: ActualAccount, cause: RemovalCause): ResetChange {
  const date = expiryDate(live);
  const until = date ? `its expiry on ${date}` : `its expiry (${NO_EXPIRY})`;
  return {
    id: id(scope, live.email, "reset"),
    action: "reset",
    platform: scope.ref,
    address: live.email,
    before: { email: live.email, configured: true },
    after: { configured: false },
    effective: "now",
    cost: noCost(`the mailbox is wiped today; billing runs to ${until} (H5)`),
    rule: "H5",
    reason: `${cause}, and the platform removes with a reset: the address and its mailbox data are destroyed now; the account stays blank until ${until} (H5)`,
  };
}

/** P2: an account added to a Private platform is billed for the current month. */
export function addChange(scope: Scope, declared: PresentAccount & { license: License }): AddChange {
  const price = scope.prices.monthly("private", declared.license, "monthly");
  const after: AddChange["after"] = { exists: true, email: declared.email, license: declared.license };
  if (declared.displayName !== undefined) after.displayName = declared.displayName;
  return {
    id: id(scope, declared.email, "add"),
    action: "add",
    platform: scope.ref,
    address: declared.email,
    license: declared.license,
    before: { exists: false },
    after,
    effective: "now",
    cost: price.known
      ? recurring(price.price, "now", price.source, "billed for the current month (P2)")
      : unknownCost(price.reason),
    rule: "P2",
    reason: `declared present but missing: added now, billed for the current month (P2)`,
  };
}

/** P3: a Private account is deleted at once, mailbox and all. */
export function deleteChange(scope: Scope, live: ActualAccount, cause: RemovalCause): DeleteChange {
  const price = scope.prices.monthly("private", live.license, "monthly");
  return {
    id: id(scope, live.email, "delete"),
    action: "delete",
    platform: scope.ref,
    address: live.email,
    before: { exists: true, email: live.email, license: live.license },
    after: { exists: false },
    effective: "now",
    cost: price.known
      ? recurring(
          negate(price.price),
          "now",
          price.source,
          "the guide does not say whether the current month is refunded",
        )
      : unknownCost(price.reason),
    rule: "P3",
    reason: `${cause}: deleted now; the account and its mailbox data are gone at once (P3)`,
  };
}

/**
 * Licence and display name, where declared and different. A licence change's cost is unknown: the
 * guide does not say when it is billed; the catalog's monthly difference is given for the reader.
 */
export function updateChange(
  scope: Scope,
  live: ActualAccount,
  differences: readonly FieldDifference[],
): UpdateChange | null {
  const before: UpdateChange["before"] = {};
  const after: UpdateChange["after"] = {};
  const touched: string[] = [];
  for (const difference of differences) {
    if (difference.field === "license") {
      before.license = difference.live;
      after.license = difference.declared;
      touched.push(`licence ${difference.live} → ${difference.declared}`);
    } else if (difference.field === "displayName") {
      before.displayName = difference.live;
      after.displayName = difference.declared;
      touched.push(`display name "${difference.live ?? ""}" → "${difference.declared}"`);
    }
  }
  if (touched.length === 0) return null;

  let cost = noCost("a display name has no billing effect");
  if (after.license !== undefined) {
    const offer = scope.ref.offer;
    const difference = monthlyDifference(
      scope.prices.monthly(offer, live.license, live.renewal),
      scope.prices.monthly(offer, after.license, live.renewal),
    );
    const known = difference.known
      ? `; the ${difference.source === "quote" ? "quoted" : "catalog's"} monthly difference is ${formatMoney(difference.delta, { signed: true })} per account`
      : "";
    cost = unknownCost(`the guide does not say when a licence change is billed${known}`);
  }
  return {
    id: id(scope, live.email, "update"),
    action: "update",
    platform: scope.ref,
    address: live.email,
    before,
    after,
    effective: "now",
    cost,
    rule: null,
    reason: `declared ${touched.join(", ")}`,
  };
}

/**
 * H1, reuse: a blank account of the same licence, already paid for, is given the declared address
 * instead of ordering one. When its renewal differs, the new period applies at its expiry (H3).
 */
export function configureChange(scope: Scope, blank: ActualAccount, declared: Creatable): ConfigureChange {
  const date = expiryDate(blank);
  const renewalDiffers = blank.renewal !== declared.renewal;
  const before: ConfigureChange["before"] = { email: blank.email, configured: false };
  const after: ConfigureChange["after"] = { email: declared.email, configured: true };
  // A display name left undeclared is not managed: the blank keeps whatever it has.
  if (declared.displayName !== undefined) {
    before.displayName = blank.displayName;
    after.displayName = declared.displayName;
  }
  let cost = noCost(`reuses a blank account already paid for until ${date ?? "its expiry"} (H1)`);
  let reason = `declared present but missing: the blank account ${blank.email} (${blank.license}, already paid for) is given this address instead of ordering one (H1)`;
  let renewalEffective: AtExpiry | null = null;
  if (renewalDiffers) {
    before.renewal = blank.renewal;
    after.renewal = declared.renewal;
    renewalEffective = date ?? UNKNOWN_DATE;
    reason += `; its renewal ${blank.renewal ?? "not set"} → ${declared.renewal} applies at its expiry on ${renewalEffective} (H3)`;
    const difference = monthlyDifference(
      scope.prices.monthly("hosted", blank.license, blank.renewal),
      scope.prices.monthly("hosted", blank.license, declared.renewal),
    );
    cost =
      date === null
        ? unknownCost(`${NO_EXPIRY}, so when the new period is billed is unknown`)
        : difference.known
          ? recurring(
              difference.delta,
              date,
              difference.source,
              "reuses a blank account already paid for; the new renewal period applies at its expiry (H3)",
            )
          : unknownCost(difference.reason);
  }
  return {
    id: id(scope, declared.email, "configure"),
    action: "configure",
    platform: scope.ref,
    address: declared.email,
    placeholder: blank.email,
    before,
    after,
    renewalEffective,
    effective: "now",
    cost,
    rule: "H1",
    reason,
  };
}

/**
 * H1: the accounts still missing after reuse, of one licence and renewal, in ONE order. Its cost is
 * the order quote; without one it is unknown. The caller asks for quotes with quotesNeeded().
 */
export function orderChange(
  scope: Scope,
  license: License,
  renewal: Renewal,
  wanted: Creatable[],
  quote: OrderQuote | undefined,
  storageQuota?: StorageQuota,
): OrderChange {
  const duration = durationOf(renewal);
  const accounts = wanted
    .map((w) => ({ email: w.email, displayName: w.displayName ?? null }))
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  const quantity = accounts.length;
  return {
    id: `${scope.key}/order/${license}/${duration}`,
    action: "order",
    platform: scope.ref,
    addresses: accounts.map((a) => a.email),
    license,
    renewal,
    duration,
    quantity,
    ...(storageQuota === undefined ? {} : { storageQuota }),
    accounts,
    before: null,
    after: { exists: true, license, renewal },
    effective: "now",
    cost: quote
      ? { kind: "one-time", amount: quote.withoutTax, taxIncluded: quote.withTax, source: "quote" }
      : unknownCost("no order quote was read"),
    rule: "H1",
    reason:
      `${quantity} declared ${license} account${quantity === 1 ? "" : "s"} missing, with no blank account of that licence to reuse: ` +
      `ordered in one order for ${Number(duration)} month${duration === "01" ? "" : "s"} (duration ${duration}), renewed ${renewal}` +
      `${storageQuota === undefined ? "" : `, ${storageQuota} GB each`} (H1)`,
  };
}
