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
import { first, itemAt } from "../support/items.js";

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

  it("puts the removals first, destroyed-now ones before terminations (H5 reset, P3 delete, H4 termination)", () => {
    const afterTitle = itemAt(markdown.split("\n\n"), 1, "block");
    expect(afterTitle.startsWith("> [!CAUTION]")).toBe(true);
    expect(afterTitle).toContain("**3 accounts removed.** 2 are destroyed now with their mailbox data");
    expect(afterTitle).toContain("1 is terminated at its expiry");
    const reset = afterTitle.indexOf(
      "**reset** <code>ivan@acme.example</code> on acme/hosted-acme-1, now (H5)",
    );
    const remove = afterTitle.indexOf(
      "**delete** <code>leo@acme.example</code> on acme/private-acme-1, now (P3)",
    );
    const terminate = afterTitle.indexOf(
      "**terminate** <code>henri@acme.example</code> on acme/hosted-acme-1, on 2027-03-31 (H4)",
    );
    expect(reset).toBeGreaterThan(0);
    expect(remove).toBeGreaterThan(reset);
    expect(terminate).toBeGreaterThan(remove);
  });

  it("counts a plan that only terminates as removals in its caution block (H4)", () => {
    const markdown = renderPlanMarkdown(summaryExamplePlan);
    expect(markdown).toContain("> [!CAUTION]\n> **1 account removed.** 1 is terminated at its expiry");
    expect(renderPlanMarkdown(emptyPlan)).not.toContain("[!CAUTION]");
  });

  it("summarises accounts created, changed and removed, as the text plan does", () => {
    expect(markdown).toContain("| to create | 4 |");
    expect(markdown).toContain("| to change | 3 |");
    expect(markdown).toContain("| **to remove** | **3** (1 at expiry, 2 now) |");
  });

  it("gives the cost table of the text plan: one-time, then each monthly change, excluding tax", () => {
    expect(markdown).toContain(
      [
        "| Costs, excluding tax | Amount |",
        "| --- | ---: |",
        "| one-time, now | 215.76 EUR |",
        "| monthly, from now | -9.00 EUR |",
        "| monthly, from 2026-12-31 | +0.50 EUR |",
        "| monthly, from 2027-03-31 | -3.80 EUR |",
        "",
        "1 change of unknown cost is not included.",
      ].join("\n"),
    );
  });

  it("has one collapsible block per platform, with one seven-cell row per change", () => {
    expect(markdown.match(/<details( open)?><summary><strong>/g)).toHaveLength(2);
    const rows = changeRows(markdown);
    expect(rows).toHaveLength(richPlan.changes.length);
    for (const row of rows) expect(cells(row)).toHaveLength(7);
  });

  it("shows the expiry date of a renewal change (H3) in the effective column", () => {
    const row = changeRows(markdown).find((line) => line.includes("bob@acme.example"))!;
    expect(itemAt(cells(row), 4).trim()).toBe("on 2026-12-31");
    expect(itemAt(cells(row), 6).trim()).toBe("H3");
  });

  it("says so for an empty plan", () => {
    expect(renderPlanMarkdown(emptyPlan)).toContain("No changes. The live platforms match the manifest.");
    expect(renderPlanMarkdown(emptyPlan)).not.toContain("| Plan | Accounts |");
  });
});

describe("renderPlanMarkdown: hostile values", () => {
  const markdown = renderPlanMarkdown(hostilePlan);

  it("keeps a display name with pipes from breaking the table", () => {
    const rows = changeRows(markdown);
    expect(rows).toHaveLength(1);
    expect(cells(first(rows, "row"))).toHaveLength(7);
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
    const nextRow = first(
      changeRows(renderPlanMarkdown(plan)).filter((row) => !changeRows(cut).includes(row)),
      "row left out",
    );
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
