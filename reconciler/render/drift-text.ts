/**
 * The drift report for a terminal: a summary per platform, one line per item (its note indented
 * below), the renewal calendar, and the verdict last, where the eye lands.
 */
import { createColors } from "picocolors";
import { hasDrift, type DriftItem, type DriftReport } from "../drift/types.js";
import {
  amountText,
  describeItem,
  footnotes,
  itemStanding,
  itemsForDisplay,
  unknownAmountReasons,
  verdict,
} from "./drift-common.js";

type Colors = ReturnType<typeof createColors>;

/** Control characters in values read from the API would drive the terminal: show them escaped. */
function safe(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const MARKS: Record<string, string> = { drift: "!", pending: "~", informational: "?" };

export function renderDriftText(report: DriftReport, options: { color: boolean }): string {
  const c = createColors(options.color);
  const lines: string[] = [];
  lines.push(c.bold(`exrec drift, ${report.created_at} (manifest ${safe(report.manifest_digest)})`));
  lines.push("");

  const items = itemsForDisplay(report);
  for (const platform of report.platforms) {
    const key = `${platform.organization}/${platform.service}`;
    const { changed, missing, unmanaged, pending } = platform.counts;
    lines.push(
      `${c.bold(safe(key))} (${platform.offer}${platform.prune ? ", prune" : ""}): ${changed} changed, ${missing} missing, ${unmanaged} unmanaged, ${pending} pending`,
    );
    for (const item of items.filter((i) => i.platform === key)) lines.push(...itemLines(item, c));
  }
  if (report.platforms.length === 0) lines.push("No declared platform was compared.");

  lines.push("", c.bold("Renewal calendar (next 12 months)"));
  lines.push(`  ${"month".padEnd(8)} ${"renewals".padStart(8)} ${"expiries".padStart(8)}  renewal cost`);
  for (const month of report.calendar) {
    const amount = amountText(month.amount);
    lines.push(
      `  ${month.month.padEnd(8)} ${String(month.renewals).padStart(8)} ${String(month.expiries).padStart(8)}  ${month.amount.kind === "unknown" ? c.yellow(amount) : amount}`,
    );
  }
  for (const reason of unknownAmountReasons(report)) lines.push(c.yellow(`  unknown: ${safe(reason)}`));

  const notes = [...footnotes(report), ...report.warnings.map((w) => `Warning: ${safe(w)}`)];
  if (notes.length > 0) lines.push("", ...notes);
  lines.push("", hasDrift(report) ? c.red(c.bold(verdict(report))) : c.green(c.bold(verdict(report))));
  return `${lines.join("\n")}\n`;
}

function itemLines(item: DriftItem, c: Colors): string[] {
  const words = describeItem(item);
  const standing = itemStanding(item);
  const paint = standing === "drift" ? c.red : standing === "pending" ? c.cyan : c.dim;
  const rule = words.rule ? ` [${words.rule}]` : "";
  let body: string;
  switch (item.kind) {
    case "changed":
      body = `${words.what}: declared ${safe(quoted(item.field, words.declared))}, live ${safe(quoted(item.field, words.live))}`;
      break;
    case "missing":
      body = `missing: declared ${words.declared}, ${words.live}`;
      break;
    case "unmanaged":
      body = `unmanaged ${words.what} (${safe(words.live)})`;
      break;
    case "pending":
      body = `pending ${words.what}${words.when ? `, effective ${words.when}` : ""}`;
      break;
  }
  const lines = [`  ${paint(MARKS[standing])} ${safe(item.address)}  ${paint(body)}${rule}`];
  if (words.note) lines.push(`      ${c.dim(safe(words.note))}`);
  return lines;
}

/** Display names are free text: quote them so that spaces and empty names read unambiguously. */
function quoted(field: string, value: string): string {
  return field === "displayName" && value !== "(none)" ? JSON.stringify(value) : value;
}
