/**
 * The summary of a plan, computed once by the planner so that text, Markdown and JSON show the
 * same figures: how many accounts are created, changed and removed (a termination at expiry is a
 * removal, as Terraform counts a scheduled destroy), and the cost table, whose every line is the
 * sum of the plan's rows of that kind and date, never a mix of one-time and recurring amounts.
 */
import {
  platformKey,
  removals,
  type ActualPlatform,
  type Change,
  type PlanSummary,
  type SummaryCost,
  type Totals,
} from "../model.js";

const CREATING = new Set(["configure", "add"]);
const CHANGING = new Set(["renew", "update", "cancel-termination"]);

/** A covered platform: what is live, and (when known) the addresses the manifest keeps. */
export interface CoveredPlatform {
  live: ActualPlatform;
  /** Addresses declared present; null: every live account not removed is kept. */
  kept: ReadonlySet<string> | null;
}

export function summaryOf(
  changes: readonly Change[],
  totals: Totals,
  live: readonly CoveredPlatform[],
): PlanSummary {
  let add = 0;
  const changed = new Set<string>();
  for (const change of changes) {
    if (change.action === "order") add += change.quantity;
    else if (CREATING.has(change.action)) add++;
    else if (CHANGING.has(change.action)) changed.add(`${platformKey(change.platform)}/${change.address}`);
  }
  const removed = removals({ changes });
  const costs: SummaryCost[] = [];
  if (totals.oneTime !== null && totals.oneTime.ucents !== 0) {
    costs.push({ kind: "one-time", from: "now", amount: totals.oneTime, tax: "excluded" });
  }
  for (const step of totals.monthlySteps) {
    costs.push({ kind: "monthly", from: step.from, amount: step.delta, tax: "excluded" });
  }
  return {
    add,
    change: changed.size,
    remove: removed.length,
    removeNow: removed.filter((r) => r.now).length,
    emptiedPlatforms: emptied(changes, live),
    costs,
    unknownCosts: totals.unknownCosts,
  };
}

/**
 * Platforms the plan removes accounts from and leaves with none: every live account is removed by
 * the plan, already terminating (and not kept by a cancelled termination), or left for a later
 * plan (a task runs on it) that will remove it, as the manifest does not keep it.
 */
function emptied(changes: readonly Change[], live: readonly CoveredPlatform[]): string[] {
  const removed = new Set(removals({ changes }).map((r) => `${r.platform}/${r.address}`));
  const kept = new Set(
    changes
      .filter((c) => c.action === "cancel-termination")
      .map((c) => `${platformKey(c.platform)}/${c.address}`),
  );
  const result: string[] = [];
  for (const { live: platform, kept: declared } of live) {
    const key = platformKey(platform);
    if (platform.accounts.length === 0) continue;
    if (![...removed].some((r) => r.startsWith(`${key}/`))) continue;
    const gone = platform.accounts.every((a) => {
      const id = `${key}/${a.email}`;
      if (removed.has(id)) return true;
      if (a.deleteAtExpiration === true && !kept.has(id)) return true;
      // Left for a later plan (a task runs on it): removed then, unless the manifest keeps it.
      const touched = changes.some(
        (c) =>
          c.action !== "order" &&
          `${platformKey(c.platform)}/${c.action === "configure" ? c.placeholder : c.address}` === id,
      );
      return declared !== null && !declared.has(a.email) && !touched;
    });
    if (gone) result.push(key);
  }
  return result;
}
