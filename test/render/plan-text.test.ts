import { describe, expect, it } from "vitest";
import { renderPlanText } from "../../reconciler/render/plan-text.js";
import { summaryOf as summarise } from "../../reconciler/plan/summary.js";
import { expectGolden } from "../support/golden.js";
import {
  destructiveOnlyPlan,
  emptyPlan,
  eur,
  hostilePlan,
  order,
  renew,
  richPlan,
  summaryExamplePlan,
} from "./fixtures.js";
import type { Change, Plan } from "../../reconciler/model.js";

const ESC = "\u001b";

/** A hand-edited plan with its summary derived again, as the planner would. */
function withSummary(plan: Plan): Plan {
  return { ...plan, summary: summarise(plan.changes, plan.totals, []) };
}

describe("renderPlanText: golden output", () => {
  const cases: [string, Plan][] = [
    ["rich", richPlan],
    ["empty", emptyPlan],
    ["destructive-only", destructiveOnlyPlan],
    ["summary-example", summaryExamplePlan],
    ["hostile", hostilePlan],
  ];
  for (const [name, plan] of cases) {
    it(`renders the ${name} plan without colour`, () => {
      const text = renderPlanText(plan, { color: false });
      expect(text).not.toContain(ESC);
      expectGolden(`render/golden/plan-${name}.txt`, text);
    });
    it(`renders the ${name} plan in colour`, () => {
      expectGolden(`render/golden/plan-${name}.color.txt`, renderPlanText(plan, { color: true }));
    });
  }
});

describe("renderPlanText: summary", () => {
  const summaryOf = (plan: Plan) => {
    const lines = renderPlanText(plan, { color: false }).trimEnd().split("\n");
    return lines.slice(lines.findIndex((line) => line.startsWith("Plan: ")));
  };

  it("counts accounts as Terraform counts resources, then gives a cost table excluding tax", () => {
    expect(summaryOf(summaryExamplePlan)).toEqual([
      "Plan: 2 to create, 1 to change, 1 to remove (1 at expiry, 0 now).",
      "Costs, excluding tax:",
      "  one-time, now               107.88 EUR",
      "  monthly, from 2026-12-31     +3.80 EUR",
    ]);
  });

  it("lists several monthly changes by date, and says how many costs are unknown", () => {
    expect(summaryOf(richPlan)).toEqual([
      "Plan: 4 to create, 3 to change, 3 to remove (1 at expiry, 2 now).",
      "Costs, excluding tax:",
      "  one-time, now               215.76 EUR",
      "  monthly, from now            -9.00 EUR",
      "  monthly, from 2026-12-31     +0.50 EUR",
      "  monthly, from 2027-03-31     -3.80 EUR",
      "  1 change of unknown cost is not included.",
    ]);
  });

  it("uses plurals for counts above one", () => {
    const second = {
      ...renew,
      id: "acme/hosted-acme-1/zoe@acme.example/renew",
      address: "zoe@acme.example",
    } as Change;
    const plan = withSummary({
      ...emptyPlan,
      changes: [renew, second],
      totals: { ...emptyPlan.totals, unknownCosts: 2 },
    });
    expect(summaryOf(plan).at(-1)).toBe("  2 changes of unknown cost are not included.");
  });

  it("leaves the one-time line out when no order has a known price", () => {
    const plan = withSummary({
      ...emptyPlan,
      changes: [{ ...order, cost: { kind: "unknown", reason: "the quote failed" } }],
      totals: { ...emptyPlan.totals, oneTime: null, unknownCosts: 1 },
    });
    expect(summaryOf(plan)).toEqual([
      "Plan: 2 to create, 0 to change, 0 to remove.",
      "Costs, excluding tax:",
      "  no billing change known",
      "  1 change of unknown cost is not included.",
    ]);
  });

  it("says there is nothing to do for an empty plan, and still tells what it leaves alone", () => {
    const text = renderPlanText(emptyPlan, { color: false });
    expect(text.split("\n")[0]).toBe("No changes. The live platforms match the manifest.");
    expect(text).toContain("unmanaged: 1 account, left alone: old-sales@acme.example");
    expect(text).not.toContain("Plan:");
  });

  it("decides emptiness from the changes alone, whatever the totals say", () => {
    const plan: Plan = { ...emptyPlan, totals: { ...emptyPlan.totals, oneTime: eur("1.00") } };
    expect(renderPlanText(plan, { color: false })).toContain("No changes.");
  });
});

describe("renderPlanText: accounts", () => {
  const text = renderPlanText(richPlan, { color: false });
  /** An account's block: its header line, then its indented field, when and cost lines. */
  const blockOf = (needle: string): string[] => {
    const lines = text.split("\n");
    const start = lines.findIndex((line) => /^ {2}[+~!-] /.test(line) && line.includes(needle));
    if (start < 0) return [];
    const end = lines.findIndex((line, i) => i > start && !/^ {4}/.test(line));
    return lines.slice(start, end < 0 ? undefined : end);
  };

  it("gives each account a header with its symbol (H1 order +, H3 renewal ~, H4 termination -, H5 reset !, P3 delete !)", () => {
    expect(blockOf("frank@acme.example")[0]).toMatch(
      /^ {2}\+ frank@acme\.example, gina@acme\.example: order 2/,
    );
    expect(blockOf("bob@acme.example")[0]).toBe("  ~ bob@acme.example: renew (H3)");
    expect(blockOf("henri@acme.example")[0]).toBe("  - henri@acme.example: terminate (H4)");
    expect(blockOf("ivan@acme.example")[0]).toBe("  ! ivan@acme.example: reset (H5)");
    expect(blockOf("leo@acme.example")[0]).toBe("  ! leo@acme.example: delete (P3)");
  });

  it("shows each field before → after on its own line, then when and the cost excluding tax (H3, H4)", () => {
    expect(blockOf("bob@acme.example").slice(1)).toEqual([
      "      renewal: yearly → monthly",
      "      when: on 2026-12-31",
      "      cost: +0.50 EUR/month excl. tax, from 2026-12-31",
    ]);
    expect(blockOf("henri@acme.example")).toContain("      when: on 2027-03-31");
    expect(blockOf("henri@acme.example").join("\n")).toMatch(
      /cost: -3\.80 EUR\/month excl\. tax, from 2027-03-31/,
    );
  });

  it("shows an order as N × licence and duration with its addresses and its one-time cost (H1)", () => {
    const order = blockOf("frank@acme.example");
    expect(order[0]).toBe("  + frank@acme.example, gina@acme.example: order 2 × standard, 12 months (H1)");
    expect(order).toContain("      cost: 215.76 EUR once, excl. tax");
  });

  it("shows an unknown cost with its reason, never an amount (P2)", () => {
    expect(blockOf("kim@acme.example").join(" ")).toContain(
      "unknown: the public catalog gives no price for private/enterprise/monthly",
    );
  });

  it("fits every line in 100 columns and opens with a one-line legend of symbols and rule ids", () => {
    for (const plan of [richPlan, hostilePlan, destructiveOnlyPlan, summaryExamplePlan]) {
      for (const line of renderPlanText(plan, { color: false }).split("\n")) {
        expect([...line].length, line).toBeLessThanOrEqual(100);
      }
    }
    expect(text.split("\n")[0]).toBe(
      "Legend: + create  ~ change  - remove at expiry  ! destroy data now  (H1) rule: docs/RULES.md  – none",
    );
  });

  it("groups changes under their platform", () => {
    const hosted = text.indexOf("acme/hosted-acme-1 (hosted)");
    const priv = text.indexOf("acme/private-acme-1 (private)");
    expect(hosted).toBeGreaterThanOrEqual(0);
    expect(priv).toBeGreaterThan(hosted);
    expect(text.indexOf("kim@acme.example")).toBeGreaterThan(priv);
    expect(text.indexOf("ivan@acme.example")).toBeLessThan(priv);
  });

  it("lists waiting accounts and counts long unmanaged lists compactly", () => {
    expect(text).toContain("julia@acme.example waits for task 4242 (state: creating)");
    expect(text).toContain("unmanaged: 23 accounts, left alone:");
    expect(text).toContain("user20@acme.example, and 3 more");
    expect(text).not.toContain("user21@acme.example");
  });

  it("colours destructive changes red and bold, and only when asked", () => {
    const colored = renderPlanText(destructiveOnlyPlan, { color: true });
    expect(colored).toContain(`${ESC}[1m${ESC}[31m!`);
    expect(renderPlanText(destructiveOnlyPlan, { color: false })).not.toContain(ESC);
  });

  it("says a change at an expiry the API does not give takes effect on an unknown date (H3)", () => {
    const atUnknownExpiry = {
      ...renew,
      effective: "unknown",
      cost: { kind: "unknown", reason: "the API gives no expiry date for this account" },
    } as Change;
    const plan = withSummary({
      ...emptyPlan,
      changes: [atUnknownExpiry],
      totals: { ...emptyPlan.totals, unknownCosts: 1 },
    });
    const rendered = renderPlanText(plan, { color: false });
    expect(rendered).toContain(
      "      when: on an unknown date\n      cost: unknown: the API gives no expiry date for this account\n",
    );
    expect(rendered).not.toContain("on unknown");
  });

  it("never lets a value write control characters to the terminal", () => {
    const hostile = renderPlanText(hostilePlan, { color: false });
    expect(hostile).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(hostile).toContain("\\u001b[31mred");
    expect(hostile).toContain("\\u202eevil");
  });
});
