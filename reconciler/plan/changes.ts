/**
 * The changes as the comparison finds them, before anything is derived from them: what is done
 * (the action), to which account (id, address), and the fields before and after. When each takes
 * effect (dates.ts), what it costs (costs.ts) and the sentence that explains it (reasons.ts) are
 * added later, each in a pass of its own; a draft carries the live account those passes read.
 * The decisions (which change, for which account) are made in platform.ts; these only state them.
 */
import {
  durationOf,
  type ActualAccount,
  type AddChange,
  type CancelTerminationChange,
  type Change,
  type ConfigureChange,
  type DeleteChange,
  type License,
  type Offer,
  type OrderChange,
  type PlatformRef,
  type PresentAccount,
  type RenewChange,
  type Renewal,
  type ResetChange,
  type StorageQuota,
  type TerminateChange,
  type UpdateChange,
} from "../model.js";
import type { FieldDifference } from "./differences.js";

/** The platform a change is on. */
export interface Scope {
  ref: PlatformRef & { offer: Offer };
  /** `organization/service`. */
  key: string;
}

/** A present account that can be created: its licence and renewal are known. */
export type Creatable = PresentAccount & { license: License; renewal: Renewal };

/** Why an account is being removed, for the reason text. */
export type RemovalCause =
  | "declared absent"
  | "not declared, and the platform prunes"
  | "blank, reused by no declared account, and the platform prunes";

/** What the later passes add to a change. */
type Derived = "effective" | "cost" | "reason" | "renewalEffective";

/** A change without what is derived from it, and the facts the passes read to derive it. */
type DraftOf<C extends Change, Facts> = {
  action: C["action"];
  change: Omit<C, Derived>;
  key: string;
} & Facts;

/** One change as the comparison found it, with the live account it is about (a blank, for a reuse). */
export type Draft =
  | DraftOf<OrderChange, object>
  | DraftOf<ConfigureChange, { live: ActualAccount }>
  | DraftOf<RenewChange, { live: ActualAccount }>
  | DraftOf<CancelTerminationChange, { live: ActualAccount }>
  | DraftOf<TerminateChange, { live: ActualAccount; cause: RemovalCause }>
  | DraftOf<ResetChange, { live: ActualAccount; cause: RemovalCause }>
  | DraftOf<AddChange, object>
  | DraftOf<DeleteChange, { live: ActualAccount; cause: RemovalCause }>
  | DraftOf<UpdateChange, { live: ActualAccount }>;

/** A change as the comparison states it: what drift reads (it needs no date, price or reason). */
export type FoundChange = Draft["change"];

function id(scope: Scope, address: string, action: string): string {
  return `${scope.key}/${address}/${action}`;
}

/** H2, H3: a Hosted account's renewal period changes (on its expiry date, dates.ts says). */
export function renewDraft(scope: Scope, live: ActualAccount, renewal: Renewal): Draft {
  return {
    action: "renew",
    key: scope.key,
    live,
    change: {
      id: id(scope, live.email, "renew"),
      action: "renew",
      platform: scope.ref,
      address: live.email,
      before: { renewal: live.renewal },
      after: { renewal },
      rule: "H3",
    },
  };
}

/** H4: an account declared present that is set to expire at term is kept. */
export function cancelTerminationDraft(scope: Scope, live: ActualAccount): Draft {
  return {
    action: "cancel-termination",
    key: scope.key,
    live,
    change: {
      id: id(scope, live.email, "cancel-termination"),
      action: "cancel-termination",
      platform: scope.ref,
      address: live.email,
      before: { deleteAtExpiration: true },
      after: { deleteAtExpiration: false },
      rule: "H4",
    },
  };
}

/** H4: a Hosted account is removed by not renewing it. */
export function terminateDraft(scope: Scope, live: ActualAccount, cause: RemovalCause): Draft {
  return {
    action: "terminate",
    key: scope.key,
    live,
    cause,
    change: {
      id: id(scope, live.email, "terminate"),
      action: "terminate",
      platform: scope.ref,
      address: live.email,
      before: { deleteAtExpiration: live.deleteAtExpiration },
      after: { deleteAtExpiration: true },
      rule: "H4",
    },
  };
}

/** H5: the mailbox of a configured Hosted account is wiped; the account stays blank. */
export function resetDraft(scope: Scope, live: ActualAccount, cause: RemovalCause): Draft {
  return {
    action: "reset",
    key: scope.key,
    live,
    cause,
    change: {
      id: id(scope, live.email, "reset"),
      action: "reset",
      platform: scope.ref,
      address: live.email,
      before: { email: live.email, configured: true },
      after: { configured: false },
      rule: "H5",
    },
  };
}

/** P2: an account added to a Private platform. */
export function addDraft(scope: Scope, declared: PresentAccount & { license: License }): Draft {
  const after: AddChange["after"] = { exists: true, email: declared.email, license: declared.license };
  if (declared.displayName !== undefined) after.displayName = declared.displayName;
  return {
    action: "add",
    key: scope.key,
    change: {
      id: id(scope, declared.email, "add"),
      action: "add",
      platform: scope.ref,
      address: declared.email,
      license: declared.license,
      before: { exists: false },
      after,
      rule: "P2",
    },
  };
}

/** P3: a Private account is deleted, mailbox and all. */
export function deleteDraft(scope: Scope, live: ActualAccount, cause: RemovalCause): Draft {
  return {
    action: "delete",
    key: scope.key,
    live,
    cause,
    change: {
      id: id(scope, live.email, "delete"),
      action: "delete",
      platform: scope.ref,
      address: live.email,
      before: { exists: true, email: live.email, license: live.license },
      after: { exists: false },
      rule: "P3",
    },
  };
}

/** Licence and display name, where declared and different; null when neither differs. */
export function updateDraft(
  scope: Scope,
  live: ActualAccount,
  differences: readonly FieldDifference[],
): Draft | null {
  const before: UpdateChange["before"] = {};
  const after: UpdateChange["after"] = {};
  let touched = false;
  for (const difference of differences) {
    if (difference.field === "license") {
      before.license = difference.live;
      after.license = difference.declared;
      touched = true;
    } else if (difference.field === "displayName") {
      before.displayName = difference.live;
      after.displayName = difference.declared;
      touched = true;
    }
  }
  if (!touched) return null;
  return {
    action: "update",
    key: scope.key,
    live,
    change: {
      id: id(scope, live.email, "update"),
      action: "update",
      platform: scope.ref,
      address: live.email,
      before,
      after,
      rule: null,
    },
  };
}

/**
 * H1, reuse: a blank account of the same licence, already paid for, is given the declared address
 * instead of ordering one; its renewal is set to the declared one where it differs (H3).
 */
export function configureDraft(scope: Scope, blank: ActualAccount, declared: Creatable): Draft {
  const before: ConfigureChange["before"] = { email: blank.email, configured: false };
  const after: ConfigureChange["after"] = { email: declared.email, configured: true };
  // A display name left undeclared is not managed: the blank keeps whatever it has.
  if (declared.displayName !== undefined) {
    before.displayName = blank.displayName;
    after.displayName = declared.displayName;
  }
  if (blank.renewal !== declared.renewal) {
    before.renewal = blank.renewal;
    after.renewal = declared.renewal;
  }
  return {
    action: "configure",
    key: scope.key,
    live: blank,
    change: {
      id: id(scope, declared.email, "configure"),
      action: "configure",
      platform: scope.ref,
      address: declared.email,
      placeholder: blank.email,
      before,
      after,
      rule: "H1",
    },
  };
}

/** H1: the accounts still missing after reuse, of one licence and renewal, in ONE order. */
export function orderDraft(
  scope: Scope,
  license: License,
  renewal: Renewal,
  wanted: readonly Creatable[],
  storageQuota?: StorageQuota,
): Draft {
  const duration = durationOf(renewal);
  const accounts = wanted
    .map((w) => ({ email: w.email, displayName: w.displayName ?? null }))
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  return {
    action: "order",
    key: scope.key,
    change: {
      id: `${scope.key}/order/${license}/${duration}`,
      action: "order",
      platform: scope.ref,
      addresses: accounts.map((a) => a.email),
      license,
      renewal,
      duration,
      quantity: accounts.length,
      ...(storageQuota === undefined ? {} : { storageQuota }),
      accounts,
      before: null,
      after: { exists: true, license, renewal },
      rule: "H1",
    },
  };
}
