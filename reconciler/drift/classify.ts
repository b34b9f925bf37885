/**
 * Classification of one platform's accounts: changed, missing, unmanaged or pending.
 * Pure; the rules are in docs/DRIFT.md, the billing rules they cite in docs/RULES.md.
 *
 * Quiet by construction: only declared fields are compared (undefined means unmanaged), an
 * account with a task in flight or an operation exrec started is pending rather than drifted,
 * and anything whose effect is only waiting for a date is pending.
 */
import {
  PLACEHOLDER_DOMAIN,
  platformKey,
  type AbsentAccount,
  type AccountState,
  type ActualAccount,
  type ActualPlatform,
  type DesiredPlatform,
  type Offer,
  type PresentAccount,
  type RemovalMode,
  type RuleId,
} from "../model.js";
import type { HistoryEntry, JournalEntry } from "../ports.js";
import { calendarDateOrNull, offsetOf } from "./dates.js";
import { latestRenewal, openOperationFor, pendingRenewal } from "./in-flight.js";
import type { ChangedItem, DriftField, DriftItem, PendingItem, UnmanagedItem } from "./types.js";

export interface ClassifyContext {
  now: Date;
  history: HistoryEntry[];
  journal: JournalEntry[];
}

/** The account states in which OVHcloud is still working on the account. */
const TRANSITIONAL: ReadonlySet<AccountState> = new Set([
  "creating",
  "deleting",
  "internalMigration",
  "reopening",
  "suspending",
]);

interface PlatformFacts {
  key: string;
  /** The live offer decides the rules: the API's behaviour follows it, whatever the manifest says. */
  offer: Offer;
  removal: RemovalMode;
  prune: boolean;
}

export function classifyPlatform(
  desired: DesiredPlatform,
  actual: ActualPlatform,
  ctx: ClassifyContext,
): DriftItem[] {
  const facts: PlatformFacts = {
    key: platformKey(desired),
    offer: actual.offer,
    removal: desired.offer === "hosted" ? desired.removal : "expire",
    prune: desired.prune,
  };
  const live = new Map(actual.accounts.map((a) => [a.email.toLowerCase(), a]));
  const declared = new Set(desired.accounts.map((d) => d.email.toLowerCase()));
  const items: DriftItem[] = [];

  for (const account of desired.accounts) {
    const address = account.email.toLowerCase();
    const found = live.get(address);
    if (account.state === "present") {
      items.push(
        ...(found
          ? classifyPresent(account, found, facts, ctx)
          : classifyMissing(address, account, facts, ctx)),
      );
    } else if (found) {
      items.push(...classifyDeclaredAbsent(account, found, facts, ctx));
    }
  }
  for (const [address, account] of live) {
    if (!declared.has(address)) items.push(...classifyUndeclared(address, account, facts, ctx));
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Declared present
// ---------------------------------------------------------------------------------------------

function classifyMissing(
  address: string,
  account: PresentAccount,
  facts: PlatformFacts,
  ctx: ClassifyContext,
): DriftItem[] {
  const operation = openOperationFor(ctx.journal, facts.key, address);
  if (operation) return [operationPending(facts.key, address, operation, null)];
  return [
    {
      kind: "missing",
      platform: facts.key,
      address,
      license: account.license ?? null,
      rule: facts.offer === "hosted" ? "H1" : "P2",
    },
  ];
}

function classifyPresent(
  declared: PresentAccount,
  live: ActualAccount,
  facts: PlatformFacts,
  ctx: ClassifyContext,
): DriftItem[] {
  const address = declared.email.toLowerCase();
  if (inTransit(live)) return [taskPending(facts.key, address, live)];
  const expires = calendarDateOrNull(live.expirationDate);
  const changed: ChangedItem[] = [];
  const pending: PendingItem[] = [];
  const change = (
    field: DriftField,
    declaredValue: string | boolean,
    liveValue: string | boolean | null,
    extra: Partial<ChangedItem> = {},
  ) =>
    changed.push({
      kind: "changed",
      platform: facts.key,
      address,
      field,
      declared: declaredValue,
      live: liveValue,
      rule: null,
      effective: null,
      note: null,
      ...extra,
    });

  if (declared.license !== undefined && declared.license !== live.license) {
    change("license", declared.license, live.license);
  }
  // Private accounts renew monthly, with nothing to configure (P1): renewal is compared on Hosted only.
  if (declared.renewal !== undefined && facts.offer === "hosted") {
    if (declared.renewal !== live.renewal) {
      const recorded = latestRenewal(ctx.history, facts.key, address);
      const switchedBack =
        recorded?.renewal === declared.renewal
          ? ` exrec switched it to ${declared.renewal} on ${recorded.at.slice(0, 10)}; it was switched back outside exrec.`
          : "";
      change("renewal", declared.renewal, live.renewal, {
        rule: "H3",
        effective: expires,
        note: `The bill follows the live period from the expiry${expires ? ` on ${expires}` : " (date unknown)"} (H3), but the live period already differs from the manifest.${switchedBack}`,
      });
    } else {
      const recorded = pendingRenewal(
        ctx.history,
        facts.key,
        address,
        live.renewal,
        ctx.now,
        offsetOf(live.expirationDate ?? ""),
      );
      if (recorded) {
        pending.push({
          kind: "pending",
          platform: facts.key,
          address,
          cause: "renewal",
          field: "renewal",
          effective: recorded.effective,
          since: recorded.at,
          rule: "H3",
          detail: `renewal switched to ${live.renewal} on ${recorded.at.slice(0, 10)}; billed from the expiry on ${recorded.effective}${recorded.renewal === null ? " (history did not record the period)" : ""}`,
        });
      }
    }
  }
  if (declared.displayName !== undefined && declared.displayName !== (live.displayName ?? "")) {
    change("displayName", declared.displayName, live.displayName);
  }
  if (live.deleteAtExpiration === true) {
    change("deleteAtExpiration", false, true, {
      rule: "H4",
      effective: expires,
      note: `Terminated outside exrec: the account is suspended at its expiry${expires ? ` on ${expires}` : " (date unknown)"} unless the termination is cancelled.`,
    });
  }

  const operation = changed.length > 0 ? openOperationFor(ctx.journal, facts.key, address) : null;
  if (operation)
    return [
      operationPending(facts.key, address, operation, changed.length === 1 ? changed[0]!.field : null),
      ...pending,
    ];
  return [...changed, ...pending];
}

// ---------------------------------------------------------------------------------------------
// To be removed: declared absent, or undeclared on a prune platform
// ---------------------------------------------------------------------------------------------

/** What removing a live account still needs, by the offer's rules; empty when its termination is under way. */
function removalGaps(
  live: ActualAccount,
  facts: PlatformFacts,
): { field: DriftField; rule: RuleId; declared: boolean; live: boolean | null }[] {
  // P3: a Private account is deleted at once; its being there at all is the difference.
  if (facts.offer === "private") return [{ field: "exists", rule: "P3", declared: false, live: true }];
  const gaps: { field: DriftField; rule: RuleId; declared: boolean; live: boolean | null }[] = [];
  // H4: a Hosted account is removed by terminating it at its expiry.
  if (live.deleteAtExpiration !== true)
    gaps.push({ field: "deleteAtExpiration", rule: "H4", declared: true, live: live.deleteAtExpiration });
  // H5: with `removal: reset` the address must also be gone now. A blank account has none.
  if (facts.removal === "reset" && !isBlank(live))
    gaps.push({ field: "exists", rule: "H5", declared: false, live: true });
  return gaps;
}

function classifyDeclaredAbsent(
  declared: AbsentAccount,
  live: ActualAccount,
  facts: PlatformFacts,
  ctx: ClassifyContext,
): DriftItem[] {
  const address = declared.email.toLowerCase();
  if (inTransit(live)) return [taskPending(facts.key, address, live)];
  const gaps = removalGaps(live, facts);
  if (gaps.length === 0) return [terminationPending(facts.key, address, live)];
  const operation = openOperationFor(ctx.journal, facts.key, address);
  if (operation)
    return [operationPending(facts.key, address, operation, gaps.length === 1 ? gaps[0]!.field : null)];
  const expires = calendarDateOrNull(live.expirationDate);
  return gaps.map((gap): ChangedItem => ({
    kind: "changed",
    platform: facts.key,
    address,
    field: gap.field,
    declared: gap.declared,
    live: gap.live,
    rule: gap.rule,
    effective: gap.rule === "H4" ? expires : null,
    note:
      gap.rule === "H4"
        ? `Declared absent but not terminating: it renews${expires ? ` on ${expires}` : ""} unless terminated (H4).`
        : gap.rule === "H5"
          ? "Declared absent with removal: reset, but the address is still hosted (H5)."
          : "Declared absent but still on the platform (P3).",
  }));
}

function classifyUndeclared(
  address: string,
  live: ActualAccount,
  facts: PlatformFacts,
  ctx: ClassifyContext,
): DriftItem[] {
  if (facts.prune) {
    if (inTransit(live)) return [taskPending(facts.key, address, live)];
    const gaps = removalGaps(live, facts);
    if (gaps.length === 0) return [terminationPending(facts.key, address, live)];
    const operation = openOperationFor(ctx.journal, facts.key, address);
    if (operation) return [operationPending(facts.key, address, operation, null)];
    return [unmanaged(address, live, facts, gaps.some((g) => g.rule === "H5") ? "H5" : gaps[0]!.rule)];
  }
  return [unmanaged(address, live, facts, null)];
}

function unmanaged(
  address: string,
  live: ActualAccount,
  facts: PlatformFacts,
  rule: RuleId | null,
): UnmanagedItem {
  return {
    kind: "unmanaged",
    platform: facts.key,
    address,
    blank: isBlank(live),
    prune: facts.prune,
    license: live.license,
    renewal: live.renewal,
    deleteAtExpiration: live.deleteAtExpiration === true,
    expires: calendarDateOrNull(live.expirationDate),
    rule,
  };
}

// ---------------------------------------------------------------------------------------------
// Pending items
// ---------------------------------------------------------------------------------------------

function inTransit(live: ActualAccount): boolean {
  return live.taskPendingId !== null || TRANSITIONAL.has(live.state);
}

/** A delivered Hosted account nobody has configured: it has no address of its own yet. */
function isBlank(live: ActualAccount): boolean {
  return !live.configured || live.domain.toLowerCase() === PLACEHOLDER_DOMAIN;
}

function taskPending(platform: string, address: string, live: ActualAccount): PendingItem {
  const task = live.taskPendingId !== null ? `, task ${live.taskPendingId} in flight` : "";
  return {
    kind: "pending",
    platform,
    address,
    cause: "task",
    field: null,
    effective: null,
    since: null,
    rule: null,
    detail: `state ${live.state}${task}: compared once OVHcloud has finished`,
  };
}

function terminationPending(platform: string, address: string, live: ActualAccount): PendingItem {
  const expires = calendarDateOrNull(live.expirationDate);
  return {
    kind: "pending",
    platform,
    address,
    cause: "termination",
    field: "deleteAtExpiration",
    effective: expires,
    since: null,
    rule: "H4",
    detail: `terminated: suspended at its expiry${expires ? ` on ${expires}` : " (the API gives no expiry date)"}`,
  };
}

function operationPending(
  platform: string,
  address: string,
  entry: JournalEntry,
  field: DriftField | null,
): PendingItem {
  const what = entry.action === "order" ? "order in delivery" : `${entry.action} in progress`;
  const rule: RuleId | null = entry.action === "order" ? "H1" : entry.action === "add" ? "P2" : null;
  return {
    kind: "pending",
    platform,
    address,
    cause: "operation",
    field,
    effective: null,
    since: entry.startedAt,
    rule,
    detail: `${what} since ${entry.startedAt} (journal ${entry.id}); not confirmed yet`,
  };
}
