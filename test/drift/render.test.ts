import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { hasDrift, type DriftItem, type DriftReport } from "../../reconciler/drift.js";
import { renderDriftHtml } from "../../reconciler/render/drift-html.js";
import { renderDriftJson } from "../../reconciler/render/drift-json.js";
import { escapeMarkdown, renderDriftMarkdown } from "../../reconciler/render/drift-markdown.js";
import { renderDriftText } from "../../reconciler/render/drift-text.js";
import { expectGolden } from "../support/golden.js";
import { HOSTILE_NAME, emptyReport, richReport } from "./fixtures.js";

describe("golden output", () => {
  it("text, without colour", () =>
    expectGolden("drift/golden/rich.txt", renderDriftText(richReport(), { color: false })));
  it("text, no drift", () =>
    expectGolden("drift/golden/empty.txt", renderDriftText(emptyReport(), { color: false })));
  it("markdown", () =>
    expectGolden(
      "drift/golden/rich.md",
      renderDriftMarkdown(richReport(), { fullReportHint: "drift.html" }),
    ));
  it("markdown, no drift", () => expectGolden("drift/golden/empty.md", renderDriftMarkdown(emptyReport())));
  it("json", () => expectGolden("drift/golden/rich.json", renderDriftJson(richReport())));
  it("html", () => expectGolden("drift/golden/rich.html", renderDriftHtml(richReport())));
  it("html, no drift", () => expectGolden("drift/golden/empty.html", renderDriftHtml(emptyReport())));
});

describe("every renderer says the verdict of hasDrift", () => {
  const renderers: [string, (r: DriftReport) => string][] = [
    ["text", (r) => renderDriftText(r, { color: false })],
    ["markdown", (r) => renderDriftMarkdown(r)],
    ["html", renderDriftHtml],
  ];
  it.each(renderers)("%s says No drift. for a report without drift, and not otherwise", (_name, render) => {
    const clean = emptyReport();
    expect(hasDrift(clean)).toBe(false);
    expect(render(clean)).toContain("No drift.");
    const drifted = richReport();
    expect(hasDrift(drifted)).toBe(true);
    expect(render(drifted)).not.toContain("No drift.");
    expect(render(drifted)).toContain("Drift: 4 changed, 1 unmanaged.");
  });

  it("text colours only when asked", () => {
    const ansi = /\u001b\[/;
    expect(renderDriftText(richReport(), { color: false })).not.toMatch(ansi);
    expect(renderDriftText(richReport(), { color: true })).toMatch(ansi);
  });

  it("text escapes control characters read from the API instead of sending them to the terminal", () => {
    const report = richReport();
    const bob = report.items.find((i) => i.address === "bob@acme.example") as Extract<
      DriftItem,
      { kind: "changed" }
    >;
    bob.live = "Bob\u001b[2J\u0007";
    const text = renderDriftText(report, { color: false });
    expect(text).not.toMatch(/[\u0007\u001b]/);
    expect(text).toContain("Bob\\u001b[2J\\u0007");
  });
});

describe("markdown", () => {
  it("escapes user values: one cell each, no HTML, no mention, no link, no emphasis", () => {
    const md = renderDriftMarkdown(richReport());
    const bobRow = md.split("\n").find((l) => l.includes("bob&#64;acme.example"))!;
    const headerRow = md.split("\n").find((l) => l.startsWith("| Standing"))!;
    const cells = (row: string) => row.split("|").length;
    expect(cells(bobRow)).toBe(cells(headerRow));
    expect(md).not.toContain("<img");
    expect(md).not.toMatch(/@acme\/admins/);
    expect(md).not.toMatch(/(?<!\\)\]\(/);
    expect(md).not.toMatch(/(?<!\\)\*bold/);
    expect(bobRow).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it.each([
    ["a|b", "a&#124;b"],
    ["line\nbreak", "line break"],
    ["see www.example.com", "see www\\.example.com"],
    ["https://x", "https\\://x"],
    ["a_b*c`d~e[f]", "a\\_b\\*c\\`d\\~e\\[f\\]"],
    ["1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"],
  ])("escapeMarkdown(%j) is %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it("fits GitHub's comment limit by cutting whole rows and saying how many and where the rest is", () => {
    const report = manyItems(2000);
    const full = renderDriftMarkdown(report, { maxChars: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(65_536);
    const md = renderDriftMarkdown(report, { fullReportHint: "drift-report.html" });
    expect(md.length).toBeLessThanOrEqual(65_536);
    const rows = md.split("\n").filter((l) => /^\| (drift|pending|informational) \|/.test(l));
    const match = /^… (\d+) more items not shown; see the full report \(drift-report\\?\.html\)$/m.exec(md);
    expect(match).not.toBeNull();
    expect(rows.length + Number(match![1])).toBe(2000);
    // Every row kept is whole, and the calendar still follows.
    for (const row of rows) expect(full).toContain(`${row}\n`);
    expect(md).toContain("#### Renewal calendar");
  });

  it("honours a smaller maxChars, and cuts nothing when everything fits", () => {
    const report = manyItems(50);
    const md = renderDriftMarkdown(report, { maxChars: 4000 });
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(md).toMatch(/^… \d+ more items not shown; see the full report$/m);
    expect(renderDriftMarkdown(report)).not.toContain("more items not shown");
  });
});

describe("json", () => {
  const schema = JSON.parse(
    readFileSync(new URL("../../schemas/drift.schema.json", import.meta.url), "utf8"),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it.each([
    ["a report with every kind of item", richReport],
    ["a report without drift", emptyReport],
    ["a large report", () => manyItems(300)],
  ])("%s validates against schemas/drift.schema.json", (_name, build) => {
    const parsed = JSON.parse(renderDriftJson(build()));
    const ok = validate(parsed);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema rejects what the report must never hold", () => {
    const bad = JSON.parse(renderDriftJson(richReport()));
    bad.items[0].kind = "drifted";
    expect(validate(bad)).toBe(false);
    const guessed = JSON.parse(renderDriftJson(richReport()));
    guessed.calendar[4].amount = { kind: "unknown", reason: "x", amount: { ucents: 1, currency: "EUR" } };
    expect(validate(guessed)).toBe(false);
    const short = JSON.parse(renderDriftJson(richReport()));
    short.calendar.pop();
    expect(validate(short)).toBe(false);
  });

  it("round-trips: the JSON is the report", () => {
    const report = richReport();
    expect(JSON.parse(renderDriftJson(report))).toEqual(report);
  });
});

describe("html", () => {
  it("is self-contained: no URL, no script, no external resource of any kind", () => {
    for (const html of [renderDriftHtml(richReport()), renderDriftHtml(emptyReport())]) {
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/(src|href|xlink:href|action)\s*=\s*["']?\/\//i);
      // No tag carries a src or href at all (user text holding "src=" is escaped, so inside no tag).
      expect(html).not.toMatch(/<[^>]*\b(src|href)\s*=/i);
      expect(html).not.toMatch(/url\(|@import|<script|<link|<iframe|<object|<embed/i);
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    }
  });

  it("escapes every user value", () => {
    const html = renderDriftHtml(richReport());
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&amp; &quot;quoted&quot;");
    expect(HOSTILE_NAME).toContain("<img");
  });

  it("escapes values in the summary, the warnings and the chart too", () => {
    const report = emptyReport();
    report.platforms[0]!.organization = "<b>org</b>";
    report.warnings.push("<script>alert(1)</script>");
    report.calendar[0] = {
      month: report.calendar[0]!.month,
      renewals: 1,
      expiries: 0,
      amount: { kind: "unknown", reason: "<i>why</i>" },
    };
    const html = renderDriftHtml(report);
    expect(html).not.toMatch(/<b>org|<script>|<i>why/);
    expect(html).toContain("&lt;b&gt;org&lt;/b&gt;");
    expect(html).toContain("unknown: &lt;i&gt;why&lt;/i&gt;");
  });

  it("draws the 12 months of the calendar as an inline SVG with two bars each and every amount labelled", () => {
    const report = richReport();
    const html = renderDriftHtml(report);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
    expect(svg).not.toContain("xmlns");
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(24);
    for (const month of report.calendar) expect(svg).toContain(`>${month.month}</text>`);
    expect(svg).toContain(">7.00 EUR</text>");
    expect(svg.match(/class="amount unknown">unknown<title>/g)).toHaveLength(2);
    expect(svg).toContain(">53.00 EUR</text>");
  });
});

/** A report of n drift items on one platform (built directly: the renderers do not care how). */
function manyItems(n: number): DriftReport {
  const base = emptyReport();
  const items: DriftItem[] = Array.from({ length: n }, (_, i) => ({
    kind: "changed",
    platform: "hosted-ab12345-1/hosted-ab12345-1",
    address: `user${String(i).padStart(5, "0")}@acme.example`,
    field: "displayName",
    declared: `User number ${i}`,
    live: `Someone else ${i}`,
    rule: null,
    effective: null,
    note: null,
  }));
  return {
    ...base,
    items,
    platforms: [{ ...base.platforms[0]!, counts: { changed: n, missing: 0, unmanaged: 0, pending: 0 } }],
  };
}
