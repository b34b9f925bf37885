/**
 * Classification of one platform's accounts: changed, missing, unmanaged or pending.
 * Pure; the rules are in docs/DRIFT.md, the billing rules they cite in docs/RULES.md.
 *
 * Drift never compares fields itself: it asks the planner what it would change (the one comparison
 * of desired and actual, reconciler/plan/platform.ts) and classifies those changes, plus what is
 * pending (tasks in flight, operations exrec started, effects waiting for a date) and unmanaged.
 * So a drift report and the next plan always agree on what differs.
 */
import { hasTaskPending, isBlank } from "../account-state.js";
import {
  platformKey,
  type ActualAccount,
  type Address,
  type ActualPlatform,
  type DesiredAccount,
  type DesiredPlatform,
  type Offer,
  type PriceBook,
  type RuleId,
} from "../model.js";
import type { FoundChange } from "../plan/changes.js";
import { planPlatform, type PlanSink } from "../plan/platform.js";
import { Warnings } from "../plan/warnings.js";
import type { HistoryEntry, JournalEntry } from "../ports.js";
import { calendarDateOrNull, offsetOf } from "./dates.js";
import { latestRenewal, openOperationFor, pendingRenewal } from "./in-flight.js";
import type { ChangedItem, DriftField, DriftItem, PendingItem, UnmanagedItem } from "./types.js";

export interface ClassifyContext {
  now: Date;
  prices: PriceBook;
  history: HistoryEntry[];
  journal: JournalEntry[];
}

/** What classification reads about one platform: the planner's comparison, indexed by address. */
interface Platform {
  key: string;
  /** The live offer: its rules decide, as the API's behaviour follows it. */
  offer: Offer;
  desired: DesiredPlatform;
  live: Map<Address, ActualAccount>;
  /** The planner's changes that touch each address (an order touches every address it buys). */
  changes: Map<Address, FoundChange[]>;
  ctx: ClassifyContext;
}

export function classifyPlatform(
  desired: DesiredPlatform,
  actual: ActualPlatform,
  ctx: ClassifyContext,
): DriftItem[] {
  const key = platformKey(desired);
  const compared = compare(byLiveRules(desired, actual), actual, ctx);
  const platform: Platform = {
    key,
    offer: actual.offer,
    desired,
    live: new Map(actual.accounts.map((a) => [a.email, a])),
    changes: changesByAddress(compared.drafts.map((draft) => draft.change)),
    ctx,
  };
  const items: DriftItem[] = [];
  // Accounts the planner leaves alone, or treats as outside the manifest, whatever they hold.
  const settled = new Set<string>();
  for (const waiting of compared.waiting) {
    settled.add(waiting.address);
    items.push(taskPending(key, waiting.address, liveAccount(platform, waiting.address)));
  }
  for (const unmanaged of compared.unmanaged) {
    settled.add(unmanaged.address);
    items.push(unmanagedItem(platform, unmanaged.address, liveAccount(platform, unmanaged.address), null));
  }
  // A blank the planner gives a declared address is accounted for by that address's item.
  for (const { change } of compared.drafts)
    if (change.action === "configure") settled.add(change.placeholder);
  const uncreatable = new Set(compared.uncreatable.map((u) => u.account.email));

  const declared = new Set<string>();
  for (const account of desired.accounts) {
    const address = account.email;
    declared.add(address);
    if (settled.has(address)) continue;
    items.push(...classifyDeclared(platform, address, account, uncreatable.has(address)));
  }
  for (const [address, live] of platform.live) {
    if (declared.has(address) || settled.has(address)) continue;
    items.push(...classifyUndeclared(platform, address, live));
  }
  return items;
}

/**
 * Drift compares by the live offer's rules, since the API's behaviour follows it whatever the
 * manifest says (the mismatch itself is a warning of the report; the planner refuses it).
 */
function byLiveRules(desired: DesiredPlatform, actual: ActualPlatform): DesiredPlatform {
  if (desired.offer === actual.offer) return desired;
  const { organization, service, source, prune, accounts } = desired;
  const common = { organization, service, source, prune, accounts };
  return actual.offer === "hosted"
    ? { ...common, offer: "hosted", removal: "expire" }
    : { ...common, offer: "private" };
}

/**
 * The planner's comparison of one platform (its first stage only: drift needs no date, price or
 * reason); its warnings and refusals are the plan's business.
 */
function compare(desired: DesiredPlatform, actual: ActualPlatform, ctx: ClassifyContext): PlanSink {
  const sink: PlanSink = { drafts: [], waiting: [], unmanaged: [], problems: [], uncreatable: [] };
  planPlatform(desired, actual, { now: ctx.now, warnings: new Warnings() }, sink);
  return sink;
}

function changesByAddress(changes: readonly FoundChange[]): Map<Address, FoundChange[]> {
  const byAddress = new Map<Address, FoundChange[]>();
  const add = (address: Address, change: FoundChange) => {
    const list = byAddress.get(address);
    if (list) list.push(change);
    else byAddress.set(address, [change]);
  };
  for (const change of changes) {
    if (change.action === "order") for (const address of change.addresses) add(address, change);
    else add(change.address, change);
  }
  return byAddress;
}

// ---------------------------------------------------------------------------------------------
// Declared accounts
// ---------------------------------------------------------------------------------------------

function classifyDeclared(
  platform: Platform,
  address: Address,
  account: DesiredAccount,
  uncreatable: boolean,
): DriftItem[] {
  const live = platform.live.get(address);
  const changes = platform.changes.get(address) ?? [];
  if (!live) {
    // Declared absent and gone: nothing to say. Declared present and gone: missing, unless in flight.
    if (account.state === "absent" || (changes.length === 0 && !uncreatable)) return [];
    const operation = openOperationFor(platform.ctx.journal, platform.key, address);
    if (operation) return [operationPending(platform.key, address, operation, null)];
    const creation = changes[0];
    return [
      {
        kind: "missing",
        platform: platform.key,
        address,
        license: account.state === "present" ? (account.license ?? null) : null,
        rule: creation?.rule ?? (platform.offer === "hosted" ? "H1" : "P2"),
      },
    ];
  }

  const changed = changes.flatMap((change) => changedItems(platform, address, live, change));
  const pending: PendingItem[] = [];
  if (account.state === "present") {
    const renewal = account.renewal;
    if (renewal !== undefined && !changes.some((c) => c.action === "renew")) {
      const recorded = pendingRenewal(
        platform.ctx.history,
        platform.key,
        address,
        live.renewal,
        platform.ctx.now,
        offsetOf(live.expirationDate ?? ""),
      );
      if (recorded && platform.offer === "hosted") {
        pending.push({
          kind: "pending",
          platform: platform.key,
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
  } else if (changed.length === 0) {
    return [terminationPending(platform.key, address, live)];
  }

  const operation = changed.length > 0 ? openOperationFor(platform.ctx.journal, platform.key, address) : null;
  if (operation)
    return [
      operationPending(
        platform.key,
        address,
        operation,
        changed.length === 1 ? (changed[0]?.field ?? null) : null,
      ),
      ...pending,
    ];
  return [...changed, ...pending];
}

/** The drift items one planned change on a live, declared account stands for: one per field it touches. */
function changedItems(
  platform: Platform,
  address: Address,
  live: ActualAccount,
  change: FoundChange,
): ChangedItem[] {
  const expires = calendarDateOrNull(live.expirationDate);
  const item = (
    field: DriftField,
    declared: ChangedItem["declared"],
    liveValue: ChangedItem["live"],
    extra: Pick<ChangedItem, "rule" | "effective" | "note"> = { rule: null, effective: null, note: null },
  ): ChangedItem => ({
    kind: "changed",
    platform: platform.key,
    address,
    field,
    declared,
    live: liveValue,
    ...extra,
  });
  switch (change.action) {
    case "update": {
      const items: ChangedItem[] = [];
      if (change.after.license !== undefined)
        items.push(item("license", change.after.license, change.before.license ?? null));
      if (change.after.displayName !== undefined)
        items.push(item("displayName", change.after.displayName, change.before.displayName ?? null));
      return items;
    }
    case "renew": {
      const declared = change.after.renewal ?? null;
      const recorded = latestRenewal(platform.ctx.history, platform.key, address);
      const switchedBack =
        declared !== null && recorded?.renewal === declared
          ? ` exrec switched it to ${declared} on ${recorded.at.slice(0, 10)}; it was switched back outside exrec.`
          : "";
      return [
        item("renewal", declared, live.renewal, {
          rule: "H3",
          effective: expires,
          note: `The bill follows the live period from the expiry${expires ? ` on ${expires}` : " (date unknown)"} (H3), but the live period already differs from the manifest.${switchedBack}`,
        }),
      ];
    }
    case "cancel-termination":
      return [
        item("deleteAtExpiration", false, true, {
          rule: "H4",
          effective: expires,
          note: `Terminated outside exrec: the account is suspended at its expiry${expires ? ` on ${expires}` : " (date unknown)"} unless the termination is cancelled.`,
        }),
      ];
    case "terminate":
      return [
        item("deleteAtExpiration", true, live.deleteAtExpiration, {
          rule: "H4",
          effective: expires,
          note: `Declared absent but not terminating: it renews${expires ? ` on ${expires}` : ""} unless terminated (H4).`,
        }),
      ];
    case "reset":
      return [
        item("exists", false, true, {
          rule: "H5",
          effective: null,
          note: "Declared absent with removal: reset, but the address is still hosted (H5).",
        }),
      ];
    case "delete":
      return [
        item("exists", false, true, {
          rule: "P3",
          effective: null,
          note: "Declared absent but still on the platform (P3).",
        }),
      ];
    case "order":
    case "configure":
    case "add":
      // Creations are about missing accounts, never about a live one.
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Undeclared accounts on a prune platform
// ---------------------------------------------------------------------------------------------

function classifyUndeclared(platform: Platform, address: Address, live: ActualAccount): DriftItem[] {
  const changes = platform.changes.get(address) ?? [];
  if (changes.length === 0) return [terminationPending(platform.key, address, live)];
  const operation = openOperationFor(platform.ctx.journal, platform.key, address);
  if (operation) return [operationPending(platform.key, address, operation, null)];
  const rule = changes.some((c) => c.rule === "H5") ? "H5" : (changes[0]?.rule ?? null);
  return [unmanagedItem(platform, address, live, rule)];
}

/**
 * The live account the planner named as waiting or unmanaged: the planner names only accounts it
 * read from this platform's live state, so a miss is a bug, said as one rather than a crash later.
 */
function liveAccount(platform: Platform, address: Address): ActualAccount {
  const live = platform.live.get(address);
  if (live === undefined) throw new Error(`drift: ${platform.key} ${address} is not among the accounts read`);
  return live;
}

function unmanagedItem(
  platform: Platform,
  address: Address,
  live: ActualAccount,
  rule: RuleId | null,
): UnmanagedItem {
  return {
    kind: "unmanaged",
    platform: platform.key,
    address,
    blank: isBlank(live),
    prune: platform.desired.prune,
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

function taskPending(platform: string, address: Address, live: ActualAccount): PendingItem {
  const task = hasTaskPending(live) ? `, task ${live.taskPendingId} in flight` : "";
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

function terminationPending(platform: string, address: Address, live: ActualAccount): PendingItem {
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
  address: Address,
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
