/**
 * The sentence that explains each change to its reader, with the rule it follows: the planner's
 * last pass, after dating (a reason names the date a change takes effect). For the reader only:
 * apply never branches on it.
 */
import type { Draft } from "./changes.js";
import { NO_EXPIRY, type Dated, type Timing } from "./dates.js";

/** The explaining pass: each dated draft with its reason, in the same order. */
export function explained<T extends Dated>(items: readonly T[]): (T & { reason: string })[] {
  return items.map((item) => ({ ...item, reason: reasonOf(item.draft, item.timing) }));
}

function reasonOf(draft: Draft, { expiry, renewalEffective }: Timing): string {
  switch (draft.action) {
    case "renew": {
      const { before, after } = draft.change;
      const change = `renewal ${before.renewal ?? "not set"} → ${after.renewal}`;
      return expiry === null
        ? `${change}, applied at the account's expiry; ${NO_EXPIRY}, so that date is unknown (H2, H3)`
        : `${change}, applied at the account's expiry on ${expiry}, not now (H2, H3)`;
    }
    case "cancel-termination":
      return `declared present but set to expire at term${expiry ? ` on ${expiry}` : ""}: the termination is cancelled (H4)`;
    case "terminate":
      return (
        `${draft.cause}: terminated at its expiry` +
        (expiry === null ? ` (${NO_EXPIRY})` : ` on ${expiry}`) +
        `, when it is suspended; it is not renewed (H4)`
      );
    case "reset": {
      const until = expiry ? `its expiry on ${expiry}` : `its expiry (${NO_EXPIRY})`;
      return `${draft.cause}, and the platform removes with a reset: the address and its mailbox data are destroyed now; the account stays blank until ${until} (H5)`;
    }
    case "add":
      return `declared present but missing: added now, billed for the current month (P2)`;
    case "delete":
      return `${draft.cause}: deleted now; the account and its mailbox data are gone at once (P3)`;
    case "update": {
      const { before, after } = draft.change;
      const touched: string[] = [];
      if (after.license !== undefined) touched.push(`licence ${before.license} → ${after.license}`);
      if (after.displayName !== undefined)
        touched.push(`display name "${before.displayName ?? ""}" → "${after.displayName}"`);
      return `declared ${touched.join(", ")}`;
    }
    case "configure": {
      const { live: blank } = draft;
      const renewal = draft.change.after.renewal;
      const reuse = `declared present but missing: the blank account ${blank.email} (${blank.license}, already paid for) is given this address instead of ordering one (H1)`;
      return renewal === undefined
        ? reuse
        : `${reuse}; its renewal ${blank.renewal ?? "not set"} → ${renewal} applies at its expiry on ${renewalEffective} (H3)`;
    }
    case "order": {
      const { quantity, license, duration, renewal, storageQuota } = draft.change;
      return (
        `${quantity} declared ${license} account${quantity === 1 ? "" : "s"} missing, with no blank account of that licence to reuse: ` +
        `ordered in one order for ${Number(duration)} month${duration === "01" ? "" : "s"} (duration ${duration}), renewed ${renewal}` +
        `${storageQuota === undefined ? "" : `, ${storageQuota} GB each`} (H1)`
      );
    }
  }
}
