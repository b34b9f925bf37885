/**
 * What a plan amounts to: how many changes of each kind, and what they do to the bill. Shared
 * by the text summary line and the Markdown summary table, so that both always agree.
 */
import { destructiveChanges, isEmpty, type Action, type Plan, type RunRateStep } from "../model.js";
import { formatMoney } from "../format.js";
import { describeFrom, describeStart } from "./plan-describe.js";

/** One line of the summary: a kind of change and how many the plan has. */
export interface KindCount {
  action: Action;
  count: number;
  /** The kind in plain words, with the count: `1 to order (2 accounts)`, `3 renewal changes at expiry`. */
  text: string;
  /** The kind in plain words, without the count: `to order`, `renewal changes at expiry`. */
  label: string;
}

/** The order kinds are listed in: what is bought or added first, removals last. */
const SUMMARY_ORDER: readonly Action[] = [
  "order",
  "configure",
  "renew",
  "cancel-termination",
  "terminate",
  "reset",
  "add",
  "delete",
  "update",
];

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}

function kindLabel(action: Action, count: number): string {
  switch (action) {
    case "order":
      return "to order";
    case "configure":
      return "to reuse";
    case "renew":
      return `${plural(count, "renewal change")} at expiry`;
    case "cancel-termination":
      return `${plural(count, "termination")} to cancel`;
    case "terminate":
      return "to terminate at expiry";
    case "reset":
      return "to reset now";
    case "add":
      return "to add";
    case "delete":
      return "to delete now";
    case "update":
      return "to update";
  }
}

/** Accounts bought by the plan's orders. */
export function orderedAccounts(plan: Plan): number {
  return plan.changes.reduce((sum, change) => sum + (change.action === "order" ? change.quantity : 0), 0);
}

/** The kinds of change the plan has (never a zero count), in summary order. */
export function kindCounts(plan: Plan): KindCount[] {
  const counts = new Map<Action, number>();
  for (const change of plan.changes) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
  const result: KindCount[] = [];
  for (const action of SUMMARY_ORDER) {
    const count = counts.get(action) ?? 0;
    if (count === 0) continue;
    const label = kindLabel(action, count);
    let text = `${count} ${label}`;
    if (action === "order") {
      const accounts = orderedAccounts(plan);
      text += ` (${accounts} ${plural(accounts, "account")})`;
    }
    result.push({ action, count, text, label });
  }
  return result;
}

/** `from now +1.00 EUR`-style pieces, one per step: `now +1.00 EUR`, `from 2027-01-31 -3.80 EUR`. */
export function describeStep(step: RunRateStep): string {
  const when = step.from === "now" ? "now" : describeFrom(step.from);
  return `${when} ${formatMoney(step.delta, { signed: true })}`;
}

/** `Monthly from 2026-12-31: +3.80 EUR.` or `Monthly: now +1.00 EUR, from 2027-01-31 -3.80 EUR.`; null without steps. */
export function monthlySentence(steps: readonly RunRateStep[]): string | null {
  if (steps.length === 0) return null;
  if (steps.length === 1) {
    const step = steps[0]!;
    return `Monthly from ${describeStart(step.from)}: ${formatMoney(step.delta, { signed: true })}.`;
  }
  return `Monthly: ${steps.map(describeStep).join(", ")}.`;
}

/** `1 cost unknown.`, `3 costs unknown.`; null when every cost is known. */
export function unknownCostsSentence(plan: Plan): string | null {
  const count = plan.totals.unknownCosts;
  if (count === 0) return null;
  return `${count} ${plural(count, "cost")} unknown.`;
}

/**
 * The one-line summary of a plan (`No changes. …` when it has none):
 * `Plan: 1 to order (1 account), 1 to reuse, 0 destructive. One-time: 107.88 EUR. Monthly from 2026-12-31: +3.80 EUR.`
 * Kinds with no change are left out, except the destructive count, which is always there.
 */
export function planSummaryLine(plan: Plan): string {
  if (isEmpty(plan)) return NO_CHANGES;
  const kinds = kindCounts(plan).map((kind) => kind.text);
  kinds.push(`${destructiveChanges(plan).length} destructive`);
  const sentences = [`Plan: ${kinds.join(", ")}.`];
  const oneTime = plan.totals.oneTime;
  if (oneTime !== null && oneTime.ucents !== 0) sentences.push(`One-time: ${formatMoney(oneTime)}.`);
  const monthly = monthlySentence(plan.totals.monthlySteps);
  if (monthly !== null) sentences.push(monthly);
  const unknown = unknownCostsSentence(plan);
  if (unknown !== null) sentences.push(unknown);
  return sentences.join(" ");
}

/** What an empty plan says instead of a summary. */
export const NO_CHANGES = "No changes. The live platforms match the manifest.";
