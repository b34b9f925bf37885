/**
 * The demo plan's summary adds up: each figure of its cost table is the sum of the plan's rows of
 * that kind and date, computed here from the JSON plan, and the text and Markdown plans show the
 * same table. The golden files are the real CLI output (test/e2e/demo.test.ts checks them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model.js";
import { formatMoney } from "../../reconciler/format.js";
import { REPO } from "../support/cli.js";

const golden = (name: string) => readFileSync(join(REPO, "test", "e2e", "golden", name), "utf8");
const plan = JSON.parse(golden("demo-plan.json")) as Plan;

/** The cost table as the rows give it: the one-time sum, then the recurring sums by start date. */
function sumsOfRows(): { label: string; ucents: number }[] {
  let oneTime = 0;
  const monthly = new Map<string, number>();
  for (const change of plan.changes) {
    if (change.cost.kind === "one-time") oneTime += change.cost.amount.ucents;
    if (change.cost.kind === "recurring") {
      monthly.set(change.cost.from, (monthly.get(change.cost.from) ?? 0) + change.cost.delta.ucents);
    }
  }
  const dates = [...monthly.keys()].sort((a, b) => (a === "now" ? -1 : b === "now" ? 1 : a < b ? -1 : 1));
  return [
    ...(oneTime !== 0 ? [{ label: "one-time, now", ucents: oneTime }] : []),
    ...dates.map((from) => ({ label: `monthly, from ${from}`, ucents: monthly.get(from)! })),
  ];
}

describe("the demo plan's summary", () => {
  it("has each figure equal to the sum of its rows, one-time and monthly never mixed", () => {
    const rows = sumsOfRows();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(
      plan.summary.costs.map((c) => ({
        label: c.kind === "one-time" ? "one-time, now" : `monthly, from ${c.from}`,
        ucents: c.amount.ucents,
      })),
    ).toEqual(rows);
    expect(plan.summary.costs.every((c) => c.tax === "excluded")).toBe(true);
    expect(plan.summary.unknownCosts).toBe(plan.changes.filter((c) => c.cost.kind === "unknown").length);
  });

  it("shows the same table in text and in Markdown, saying that tax is excluded", () => {
    const text = golden("demo-plan.txt");
    const markdown = golden("demo-plan.md");
    expect(text).toContain("Costs, excluding tax:");
    expect(markdown).toContain("| Costs, excluding tax | Amount |");
    for (const cost of plan.summary.costs) {
      const label = cost.kind === "one-time" ? "one-time, now" : `monthly, from ${cost.from}`;
      const amount = formatMoney(cost.amount, { signed: cost.kind === "monthly" });
      expect(text).toMatch(new RegExp(`^ {2}${label} +${amount.replace(/[.+]/g, "\\$&")}$`, "m"));
      expect(markdown).toContain(`| ${label} | ${amount} |`);
    }
    // Every amount of a row says it excludes tax.
    for (const line of text.split("\n").filter((l) => /cost: .*\d+\.\d\d EUR/.test(l))) {
      expect(line).toMatch(/excl\. tax/);
    }
  });

  it("fits the text plan in 100 columns", () => {
    for (const line of golden("demo-plan.txt").split("\n"))
      expect([...line].length, line).toBeLessThanOrEqual(100);
  });
});
