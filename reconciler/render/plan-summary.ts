/**
 * The summary of a plan in words, from `plan.summary` (computed once by the planner): the same
 * counts and the same cost table in text, Markdown and JSON. The cost table has one line per kind
 * and date (the one-time sum, then each monthly change), never one figure mixing both.
 */
import { isEmpty, type Plan, type SummaryCost } from "../model.js";
import { formatMoney } from "../format.js";
import { describeStart } from "./plan-describe.js";

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}

/** `Plan: 3 to create, 4 to change, 2 to remove (1 at expiry, 1 now).`, Terraform's line, by account. */
export function planCountsLine(plan: Plan): string {
  const { add, change, remove, removeNow } = plan.summary;
  const removal =
    remove === 0 ? "0 to remove" : `${remove} to remove (${remove - removeNow} at expiry, ${removeNow} now)`;
  return `Plan: ${add} to create, ${change} to change, ${removal}.`;
}

/** A cost line's label: `one-time, now`, `monthly, from 2026-12-08`. */
export function costLabel(cost: SummaryCost): string {
  return cost.kind === "one-time" ? "one-time, now" : `monthly, from ${describeStart(cost.from)}`;
}

/** A cost line's amount: `75.48 EUR`, or signed for a monthly change: `-0.17 EUR`. */
export function costAmount(cost: SummaryCost): string {
  return formatMoney(cost.amount, { signed: cost.kind === "monthly" });
}

/** The heading of the cost table: every amount of a plan excludes tax. */
export const COSTS_HEADING = "Costs, excluding tax";

/** `1 change of unknown cost is not included.`; null when every cost is known. */
export function unknownCostsSentence(plan: Plan): string | null {
  const count = plan.summary.unknownCosts;
  if (count === 0) return null;
  return `${count} ${plural(count, "change")} of unknown cost ${count === 1 ? "is" : "are"} not included.`;
}

/** What the cost table says when it has no line. */
export const NO_COSTS = "no billing change known";

/** The summary as plain lines (the text plan's last block): counts, then the cost table. */
export function summaryLines(plan: Plan): [string, ...string[]] {
  if (isEmpty(plan)) return [NO_CHANGES];
  const lines: [string, ...string[]] = [planCountsLine(plan), `${COSTS_HEADING}:`];
  const costs = plan.summary.costs;
  const width = Math.max(0, ...costs.map((c) => costLabel(c).length));
  if (costs.length === 0) lines.push(`  ${NO_COSTS}`);
  for (const cost of costs) {
    const amount = costAmount(cost);
    lines.push(`  ${costLabel(cost).padEnd(width)}  ${amount.padStart(12)}`);
  }
  const unknown = unknownCostsSentence(plan);
  if (unknown !== null) lines.push(`  ${unknown}`);
  return lines;
}

/** What an empty plan says instead of a summary. */
export const NO_CHANGES = "No changes. The live platforms match the manifest.";
