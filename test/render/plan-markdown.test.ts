import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../reconciler/render/plan-markdown.js";
import { expectGolden } from "../support/golden.js";
import {
  destructiveOnlyPlan,
  emptyPlan,
  hostilePlan,
  manyChangesPlan,
  richPlan,
  summaryExamplePlan,
} from "./fixtures.js";
import type { Plan } from "../../reconciler/model.js";

/** The cells of a Markdown table row, split the way GitHub splits them: on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/);
}

function changeRows(markdown: string): string[] {
  return markdown.split("\n").filter((line) => /^\| [+~!-] \|/.test(line));
}

describe("renderPlanMarkdown: golden output", () => {
  const cases: [string, Plan][] = [
    ["rich", richPlan],
    ["empty", emptyPlan],
    ["destructive-only", destructiveOnlyPlan],
    ["summary-example", summaryExamplePlan],
    ["hostile", hostilePlan],
  ];
  for (const [name, plan] of cases) {
    it(`renders the ${name} plan`, () => {
      expectGolden(`render/golden/plan-${name}.md`, renderPlanMarkdown(plan));
    });
  }
});

describe("renderPlanMarkdown: structure", () => {
  const markdown = renderPlanMarkdown(richPlan);

  it("puts the destructive warning first, listing each destructive change (H5 reset, P3 delete)", () => {
    const afterTitle = markdown.split("\n\n")[1]!;
    expect(afterTitle.startsWith("> [!CAUTION]")).toBe(true);
    expect(afterTitle).toContain("**2 destructive changes.**");
    expect(afterTitle).toContain("**reset** <code>ivan@acme.example</code> on acme/hosted-acme-1, now (H5)");
    expect(afterTitle).toContain("**delete** <code>leo@acme.example</code> on acme/private-acme-1, now (P3)");
  });

  it("has no warning block when nothing is destructive", () => {
    expect(renderPlanMarkdown(summaryExamplePlan)).not.toContain("[!CAUTION]");
  });

  it("summarises counts by kind, with the destructive count always there", () => {
    expect(markdown).toContain("| to order | 1 (2 accounts) |");
    expect(markdown).toContain("| **destructive** | **2** |");
    expect(renderPlanMarkdown(summaryExamplePlan)).toContain("| destructive | 0 |");
  });

  it("shows the monthly run rate before → after with its steps, and the unknown costs", () => {
    expect(markdown).toContain(
      "- Monthly: 120.00 EUR → 107.70 EUR (now -9.00 EUR, from 2026-12-31 +0.50 EUR, from 2027-03-31 -3.80 EUR)",
    );
    expect(markdown).toContain("- One-time: 215.76 EUR");
    expect(markdown).toContain("- 1 cost unknown. The totals do not include it.");
  });

  it("has one collapsible block per platform, with one seven-cell row per change", () => {
    expect(markdown.match(/<details( open)?><summary><strong>/g)).toHaveLength(2);
    const rows = changeRows(markdown);
    expect(rows).toHaveLength(richPlan.changes.length);
    for (const row of rows) expect(cells(row)).toHaveLength(7);
  });

  it("shows the expiry date of a renewal change (H3) in the effective column", () => {
    const row = changeRows(markdown).find((line) => line.includes("bob@acme.example"))!;
    expect(cells(row)[4]!.trim()).toBe("on 2026-12-31");
    expect(cells(row)[6]!.trim()).toBe("H3");
  });

  it("says so for an empty plan", () => {
    expect(renderPlanMarkdown(emptyPlan)).toContain("No changes. The live platforms match the manifest.");
    expect(renderPlanMarkdown(emptyPlan)).not.toContain("| Change | Count |");
  });
});

describe("renderPlanMarkdown: hostile values", () => {
  const markdown = renderPlanMarkdown(hostilePlan);

  it("keeps a display name with pipes from breaking the table", () => {
    const rows = changeRows(markdown);
    expect(rows).toHaveLength(1);
    expect(cells(rows[0]!)).toHaveLength(7);
  });

  it("never lets a value open an HTML tag, a link, code or math", () => {
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toContain("<img");
    expect(markdown).not.toContain("[link]");
    expect(markdown).not.toContain("https://evil.example");
    expect(markdown).not.toContain("$x$");
    expect(markdown).not.toContain("`x`");
    expect(markdown).toContain("&#60;script&#62;");
  });

  it("keeps each value on its line, and control characters visible", () => {
    expect(markdown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe("renderPlanMarkdown: size limit", () => {
  const plan = manyChangesPlan(60);

  it("fits in the default limit when small", () => {
    expect(renderPlanMarkdown(plan)).not.toContain("not shown");
  });

  it("cuts whole rows beyond maxChars and says how many are not shown", () => {
    const full = renderPlanMarkdown(plan);
    const maxChars = Math.floor(full.length / 2);
    const cut = renderPlanMarkdown(plan, { maxChars, fullReportHint: "the plan job's artifacts" });
    expect(cut.length).toBeLessThanOrEqual(maxChars);
    const shown = changeRows(cut);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(60);
    // Every row kept is a whole row of the full rendering.
    const fullRows = new Set(changeRows(full));
    for (const row of shown) expect(fullRows.has(row)).toBe(true);
    expect(
      cut
        .trimEnd()
        .endsWith(
          `… ${60 - shown.length} more changes not shown; see the full report (the plan job's artifacts)`,
        ),
    ).toBe(true);
  });

  it("keeps as many rows as fit: one more row would not", () => {
    const maxChars = 6000;
    const cut = renderPlanMarkdown(plan, { maxChars });
    const shown = changeRows(cut).length;
    expect(cut.length).toBeLessThanOrEqual(maxChars);
    expect(cut).toMatch(new RegExp(`… ${60 - shown} more changes not shown; see the full report\\n$`));
    // The room left is less than the next row (and its line break) would take.
    const nextRow = changeRows(renderPlanMarkdown(plan)).filter((row) => !changeRows(cut).includes(row))[0]!;
    expect(maxChars - cut.length).toBeLessThan(nextRow.length + 1);
  });

  it("links the full report when the hint is a URL", () => {
    const cut = renderPlanMarkdown(plan, {
      maxChars: 3000,
      fullReportHint: "https://ci.example/runs/42?tab=artifacts",
    });
    expect(cut).toContain("see the full report (<https://ci.example/runs/42?tab=artifacts>)");
  });

  it("never exceeds a limit even smaller than the skeleton", () => {
    for (const maxChars of [10, 200, 800]) {
      expect(renderPlanMarkdown(richPlan, { maxChars }).length).toBeLessThanOrEqual(maxChars);
    }
  });

  it("cuts the destructive list last, and says how many it left out", () => {
    const fullLength = renderPlanMarkdown(destructiveOnlyPlan).length;
    const cut = renderPlanMarkdown(destructiveOnlyPlan, { maxChars: fullLength - 1 });
    expect(cut.length).toBeLessThan(fullLength);
    expect(cut).toContain("**reset** <code>ivan@acme.example</code>");
    expect(cut).toContain("**delete** <code>leo@acme.example</code>");
    expect(cut).toMatch(/1 more change not shown/);
  });
});
