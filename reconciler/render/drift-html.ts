/**
 * The drift report as one self-contained HTML file: inline CSS, an inline SVG chart, no script,
 * and no reference to anything outside the file (no link, image, font or stylesheet URL), so it
 * can be opened from a CI artifact or an e-mail without reaching any network.
 */
import { hasDrift, type DriftItem, type DriftReport } from "../drift/types.js";
import { renderCalendarSvg } from "./drift-calendar-svg.js";
import {
  amountText,
  describeItem,
  footnotes,
  itemStanding,
  itemsForDisplay,
  unknownAmountReasons,
  verdict,
} from "./drift-common.js";
import { escapeHtml } from "./drift-html-escape.js";

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430; background: #f5f7fa; margin: 0; padding: 24px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #5a6270; font-size: 13px; margin: 0 0 12px; }
.verdict { display: inline-block; font-size: 18px; font-weight: 600; padding: 8px 14px; border-radius: 6px; }
.verdict.drift { background: #fde2e1; color: #a3211b; }
.verdict.clean { background: #dff3e4; color: #1e6b34; }
table { border-collapse: collapse; background: #ffffff; font-size: 13px; min-width: 50%; }
th, td { border: 1px solid #d8dde6; padding: 5px 9px; text-align: left; vertical-align: top; }
th { background: #e9edf3; }
td.nowrap { white-space: nowrap; }
td.wide { min-width: 14em; }
td { overflow-wrap: break-word; }
.standing { display: block; color: #5a6270; font-size: 11px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.drift td:first-child { border-left: 4px solid #d93a32; }
tr.pending td:first-child { border-left: 4px solid #2f8fbf; }
tr.informational td:first-child { border-left: 4px solid #a0a7b3; }
.badge { font-weight: 600; }
.note { color: #5a6270; }
.unknown { color: #b05a00; font-style: italic; }
svg.calendar { background: #ffffff; border: 1px solid #d8dde6; max-width: 100%; height: auto; }
svg .legend, svg .month { font-size: 12px; fill: #1d2430; }
svg .tick { font-size: 11px; fill: #5a6270; }
svg .count { font-size: 11px; fill: #1d2430; font-weight: 600; }
svg .amount { font-size: 11px; fill: #1d2430; }
svg .amount.unknown { fill: #b05a00; font-style: italic; }
ul.warnings li { color: #a3211b; }
`;

export function renderDriftHtml(report: DriftReport): string {
  const e = escapeHtml;
  const drift = hasDrift(report);
  const body: string[] = [];
  body.push(
    `<h1>exrec drift report</h1>`,
    `<p class="meta">Compared at ${e(report.created_at)}, manifest ${e(report.manifest_digest)}</p>`,
    `<p class="verdict ${drift ? "drift" : "clean"}">${e(verdict(report))}</p>`,
  );

  body.push(`<h2>Platforms</h2>`);
  if (report.platforms.length === 0) {
    body.push(`<p>No declared platform was compared.</p>`);
  } else {
    body.push(
      `<table class="platforms"><thead><tr><th>Platform</th><th>Offer</th><th>Prune</th><th>Changed</th><th>Missing</th><th>Unmanaged</th><th>Pending</th></tr></thead><tbody>`,
      ...report.platforms.map(
        (p) =>
          `<tr><td>${e(`${p.organization}/${p.service}`)}</td><td>${p.offer}</td><td>${p.prune ? "yes" : "no"}</td><td class="num">${p.counts.changed}</td><td class="num">${p.counts.missing}</td><td class="num">${p.counts.unmanaged}</td><td class="num">${p.counts.pending}</td></tr>`,
      ),
      `</tbody></table>`,
    );
  }

  body.push(`<h2>Items</h2>`);
  const items = itemsForDisplay(report);
  if (items.length === 0) {
    body.push(`<p>No drift. Nothing pending, nothing unmanaged.</p>`);
  } else {
    body.push(
      `<table class="items"><thead><tr><th>Kind</th><th>Platform</th><th>Address</th><th>Field</th><th>Declared</th><th>Live</th><th>Date</th><th>Rule</th><th>Note</th></tr></thead><tbody>`,
      ...items.map(itemRow),
      `</tbody></table>`,
    );
  }

  body.push(
    `<h2>Renewal calendar, next ${report.calendar.length} months</h2>`,
    renderCalendarSvg(report.calendar),
  );
  body.push(
    `<table class="calendar-data"><thead><tr><th>Month</th><th>Renewals</th><th>Expiries and terminations</th><th>Renewal cost</th></tr></thead><tbody>`,
    ...report.calendar.map(
      (m) =>
        `<tr><td>${m.month}</td><td class="num">${m.renewals}</td><td class="num">${m.expiries}</td><td class="num${m.amount.kind === "unknown" ? " unknown" : ""}">${e(amountText(m.amount))}</td></tr>`,
    ),
    `</tbody></table>`,
  );
  const notes = [...unknownAmountReasons(report).map((r) => `Unknown amounts: ${r}.`), ...footnotes(report)];
  if (notes.length > 0) body.push(`<ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>`);
  if (report.warnings.length > 0) {
    body.push(
      `<h2>Warnings</h2>`,
      `<ul class="warnings">${report.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`,
    );
  }

  return [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>exrec drift: ${e(verdict(report))}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const STANDING_TEXT = { drift: "drift", pending: "not drift", informational: "not drift: no prune" } as const;

function itemRow(item: DriftItem): string {
  const e = escapeHtml;
  const w = describeItem(item);
  const standing = itemStanding(item);
  const cells = [
    `<span class="badge">${w.kind}</span><span class="standing">${STANDING_TEXT[standing]}</span>`,
    e(item.platform),
    e(item.address),
    e(w.what),
    e(w.declared),
    e(w.live),
    e(w.when),
    e(w.rule),
    `<span class="note">${e(w.note)}</span>`,
  ];
  // A date reads best unbroken; the note gets room to be read as a sentence.
  const classes: Record<number, string> = { 6: "nowrap", 8: "wide" };
  return `<tr class="${standing}">${cells.map((c, i) => (classes[i] ? `<td class="${classes[i]}">${c}</td>` : `<td>${c}</td>`)).join("")}</tr>`;
}
