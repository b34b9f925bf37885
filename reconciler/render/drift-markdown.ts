/**
 * The drift report as Markdown for a pull-request or issue comment. GitHub refuses comments over
 * 65,536 characters: beyond `maxChars`, whole item rows are cut and a last line says how many
 * and where the full report is. Every value read from the API or the manifest is escaped, so that
 * it can neither break the table nor mention anyone nor turn into a link.
 */
import type { DriftReport } from "../drift/types.js";
import {
  amountText,
  describeItem,
  footnotes,
  itemStanding,
  itemsForDisplay,
  unknownAmountReasons,
  verdict,
} from "./drift-common.js";

export const GITHUB_COMMENT_LIMIT = 65_536;

export interface DriftMarkdownOptions {
  /** Default 65,536 (GitHub's comment limit). */
  maxChars?: number;
  /** Where the full report is (a file, a CI artifact), named in the truncation line. */
  fullReportHint?: string;
}

/**
 * Escape a value for a GFM table cell: no HTML, no emphasis, no links or autolinks, no mentions,
 * no new cell or row. Cells never start a line, so line-start syntax (`#`, `-`, `1.`) is inert.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]~:]/g, "\\$&")
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}\\.`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "&#64;")
    .replace(/\|/g, "&#124;")
    .replace(/\r?\n|\r/g, " ");
}

export function renderDriftMarkdown(report: DriftReport, options: DriftMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = ["### exrec drift report", "", `**${verdict(report)}**`, ""];
  head.push(
    "| Platform | Offer | Prune | Changed | Missing | Unmanaged | Pending |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
  );
  for (const p of report.platforms) {
    head.push(
      `| ${escapeMarkdown(`${p.organization}/${p.service}`)} | ${p.offer} | ${p.prune ? "yes" : "no"} | ${p.counts.changed} | ${p.counts.missing} | ${p.counts.unmanaged} | ${p.counts.pending} |`,
    );
  }
  head.push("");

  const items = itemsForDisplay(report);
  const rows = items.map((item) => {
    const w = describeItem(item);
    const cells = [
      itemStanding(item),
      w.kind,
      escapeMarkdown(item.platform),
      escapeMarkdown(item.address),
      escapeMarkdown(w.what),
      escapeMarkdown(w.declared),
      escapeMarkdown(w.live),
      w.when,
      w.rule,
      escapeMarkdown(w.note),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  if (items.length === 0) {
    head.push("Nothing changed, missing, unmanaged or pending.");
  } else {
    head.push(
      "| Standing | Kind | Platform | Address | Field | Declared | Live | Date | Rule | Note |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
  }

  const tail: string[] = ["", `#### Renewal calendar (next ${report.calendar.length} months)`, ""];
  tail.push(
    "| Month | Renewals | Expiries and terminations | Renewal cost |",
    "| --- | ---: | ---: | ---: |",
  );
  for (const month of report.calendar) {
    tail.push(`| ${month.month} | ${month.renewals} | ${month.expiries} | ${amountText(month.amount)} |`);
  }
  const notes = [
    ...unknownAmountReasons(report).map((r) => `Unknown amounts: ${escapeMarkdown(r)}.`),
    ...footnotes(report).map(escapeMarkdown),
    ...report.warnings.map((w) => `**Warning:** ${escapeMarkdown(w)}`),
    `<sub>Created ${escapeMarkdown(report.created_at)}, manifest ${escapeMarkdown(report.manifest_digest)}.</sub>`,
  ];
  tail.push("", ...notes.flatMap((n) => [n, ""]));

  const join = (lines: string[]) => `${lines.join("\n").replace(/\n+$/, "")}\n`;
  const full = join([...head, ...rows, ...tail]);
  if (full.length <= maxChars) return full;

  // Cut whole rows from the end until the comment fits with the line that says so. Lengths are
  // summed rather than re-rendered, so a report of thousands of rows is cut in one pass.
  const hint = options.fullReportHint ? ` (${escapeMarkdown(options.fullReportHint)})` : "";
  const cutLine = (hidden: number) =>
    `… ${hidden} more item${hidden === 1 ? "" : "s"} not shown; see the full report${hint}`;
  const fixed = join([...head, "", cutLine(rows.length), ...tail]).length;
  let shown = 0;
  let used = fixed;
  for (const row of rows) {
    if (used + row.length + 1 > maxChars) break;
    used += row.length + 1;
    shown += 1;
  }
  return join([...head, ...rows.slice(0, shown), "", cutLine(rows.length - shown), ...tail]);
}
