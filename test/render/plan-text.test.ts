import { describe, expect, it } from "vitest";
import { renderPlanText } from "../../reconciler/render/plan-text.js";
import { planSummaryLine } from "../../reconciler/render/plan-summary.js";
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

describe("renderPlanText: summary line", () => {
  it("matches the specified example exactly", () => {
    const text = renderPlanText(summaryExamplePlan, { color: false });
    const lastLine = text.trimEnd().split("\n").at(-1);
    expect(lastLine).toBe(
      "Plan: 1 to order (1 account), 1 to reuse, 1 renewal change at expiry, 1 to terminate at expiry, 0 destructive. One-time: 107.88 EUR. Monthly from 2026-12-31: +3.80 EUR.",
    );
  });

  it("lists several monthly steps in order and counts unknown costs", () => {
    expect(planSummaryLine(richPlan)).toBe(
      "Plan: 1 to order (2 accounts), 1 to reuse, 1 renewal change at expiry, 1 termination to cancel, 1 to terminate at expiry, 1 to reset now, 1 to add, 1 to delete now, 1 to update, 2 destructive. One-time: 215.76 EUR. Monthly: now -9.00 EUR, from 2026-12-31 +0.50 EUR, from 2027-03-31 -3.80 EUR. 1 cost unknown.",
    );
  });

  it("uses plurals for counts above one", () => {
    const second = {
      ...renew,
      id: "acme/hosted-acme-1/zoe@acme.example/renew",
      address: "zoe@acme.example",
    } as Change;
    const plan: Plan = {
      ...emptyPlan,
      changes: [renew, second],
      totals: { ...emptyPlan.totals, unknownCosts: 2 },
    };
    expect(planSummaryLine(plan)).toBe("Plan: 2 renewal changes at expiry, 0 destructive. 2 costs unknown.");
  });

  it("leaves the one-time sentence out when no order has a known price", () => {
    const plan: Plan = {
      ...emptyPlan,
      changes: [{ ...order, cost: { kind: "unknown", reason: "the quote failed" } } as Change],
      totals: { ...emptyPlan.totals, oneTime: null, unknownCosts: 1 },
    };
    expect(planSummaryLine(plan)).toBe("Plan: 1 to order (2 accounts), 0 destructive. 1 cost unknown.");
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

describe("renderPlanText: lines", () => {
  const text = renderPlanText(richPlan, { color: false });
  const lineOf = (needle: string) => text.split("\n").find((line) => line.includes(needle)) ?? "";

  it("marks each kind of change (H1 order +, H3 renewal ~, H4 termination -, H5 reset !, P3 delete !)", () => {
    expect(lineOf(" order ").trimStart().startsWith("+")).toBe(true);
    expect(lineOf(" renew ").trimStart().startsWith("~")).toBe(true);
    expect(lineOf(" terminate ").trimStart().startsWith("-")).toBe(true);
    expect(lineOf(" reset ").trimStart().startsWith("!")).toBe(true);
    expect(lineOf(" delete ").trimStart().startsWith("!")).toBe(true);
  });

  it("shows the expiry date of a renewal change (H3) and of a termination (H4)", () => {
    expect(lineOf("bob@acme.example")).toMatch(
      /renewal: yearly → monthly\s+on 2026-12-31\s+\+0\.50 EUR\/month from 2026-12-31\s+H3$/,
    );
    expect(lineOf("henri@acme.example")).toMatch(/on 2027-03-31\s+-3\.80 EUR\/month from 2027-03-31\s+H4$/);
  });

  it("shows an order as N × licence duration with its addresses and its one-time cost (H1)", () => {
    expect(lineOf(" order ")).toMatch(
      /2 × standard 12 months: frank@acme\.example, gina@acme\.example .* 215\.76 EUR once\s+H1$/,
    );
  });

  it("shows an unknown cost with its reason, never an amount (P2)", () => {
    expect(lineOf("kim@acme.example")).toContain(
      "unknown: the public catalog gives no price for private/enterprise/monthly",
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
    const plan: Plan = {
      ...emptyPlan,
      changes: [atUnknownExpiry],
      totals: { ...emptyPlan.totals, unknownCosts: 1 },
    };
    const line = renderPlanText(plan, { color: false })
      .split("\n")
      .find((l) => l.includes("bob@acme.example"))!;
    expect(line).toMatch(/on an unknown date\s+unknown: the API gives no expiry date for this account\s+H3$/);
    expect(line).not.toContain("on unknown");
  });

  it("never lets a value write control characters to the terminal", () => {
    const hostile = renderPlanText(hostilePlan, { color: false });
    expect(hostile).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(hostile).toContain("\\u001b[31mred");
    expect(hostile).toContain("\\u202eevil");
  });
});
