/**
 * Words shared by every drift renderer, so that text, Markdown and HTML say the same thing.
 * Values here are raw (unescaped): each renderer escapes for its own medium.
 */
import {
  hasDrift,
  isDrift,
  type CalendarAmount,
  type DriftItem,
  type DriftReport,
  type FieldValue,
  type PendingItem,
} from "../drift/types.js";
import { formatMoney } from "../format.js";

/** Drift first, then pending, then informational (unmanaged on platforms that do not prune). */
export function itemsForDisplay(report: Pick<DriftReport, "items">): DriftItem[] {
  const rank = (item: DriftItem) => (isDrift(item) ? 0 : item.kind === "pending" ? 1 : 2);
  // Array.prototype.sort is stable: within a group the report's order stays.
  return [...report.items].sort((a, b) => rank(a) - rank(b));
}

/** How the item stands for the exit code: `drift`, `pending` or `informational`. */
export function itemStanding(item: DriftItem): "drift" | "pending" | "informational" {
  return isDrift(item) ? "drift" : item.kind === "pending" ? "pending" : "informational";
}

export function formatValue(value: FieldValue): string {
  if (value === null) return "(none)";
  return typeof value === "boolean" ? String(value) : value;
}

const PENDING_LABELS: Record<PendingItem["cause"], string> = {
  renewal: "renewal change",
  termination: "termination",
  operation: "operation in flight",
  task: "task in flight",
};

export interface ItemWords {
  /** `changed`, `missing`, `unmanaged`, `pending`. */
  kind: string;
  /** The field, or a short phrase for the kind. */
  what: string;
  declared: string;
  live: string;
  rule: string;
  /** The date the item is about, or empty. */
  when: string;
  note: string;
}

export function describeItem(item: DriftItem): ItemWords {
  switch (item.kind) {
    case "changed":
      return {
        kind: "changed",
        what: item.field,
        declared: formatValue(item.declared),
        live: formatValue(item.live),
        rule: item.rule ?? "",
        when: item.effective ?? "",
        note: item.note ?? "",
      };
    case "missing":
      return {
        kind: "missing",
        what: "account",
        declared: item.license ? `present (${item.license})` : "present",
        live: "not on the platform",
        rule: item.rule,
        when: "",
        note:
          item.rule === "H1"
            ? "exrec would order it, or configure a blank account (H1)"
            : "exrec would add it (P2)",
      };
    case "unmanaged": {
      const what = item.blank ? "blank account" : "account";
      const terminating = item.deleteAtExpiration
        ? `, terminating${item.expires ? ` on ${item.expires}` : ""}`
        : "";
      return {
        kind: "unmanaged",
        what,
        declared: "not declared",
        live: `${item.license}${item.renewal ? `, ${item.renewal}` : ""}${terminating}`,
        rule: item.rule ?? "",
        when: item.deleteAtExpiration ? "" : (item.expires ?? ""),
        note: item.prune
          ? `prune is on: exrec would remove it${item.rule ? ` (${item.rule})` : ""}`
          : "informational: prune is off, not counted as drift",
      };
    }
    case "pending":
      return {
        kind: "pending",
        what: PENDING_LABELS[item.cause],
        declared: "",
        live: "",
        rule: item.rule ?? "",
        when: item.effective ?? "",
        note: item.detail,
      };
  }
}

export function amountText(amount: CalendarAmount): string {
  switch (amount.kind) {
    case "none":
      return "-";
    case "known":
      return formatMoney(amount.amount);
    case "unknown":
      return "unknown";
  }
}

/** `No drift.` or `Drift: 2 changed, 1 missing.` (the counts of what is drift only). */
export function verdict(report: Pick<DriftReport, "items">): string {
  if (!hasDrift(report)) return "No drift.";
  const counts = new Map<string, number>();
  for (const item of report.items) if (isDrift(item)) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  return `Drift: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(", ")}.`;
}

/** Other facts for the footer: ignored items, undated accounts. */
export function footnotes(report: DriftReport): string[] {
  const notes: string[] = [];
  if (report.ignored > 0)
    notes.push(`${report.ignored} item${report.ignored === 1 ? "" : "s"} silenced by ignore rules.`);
  if (report.calendar_undated > 0) {
    notes.push(
      `${report.calendar_undated} account${report.calendar_undated === 1 ? " has" : "s have"} no future expiry date and ${report.calendar_undated === 1 ? "is" : "are"} not in the calendar.`,
    );
  }
  return notes;
}

/** The reasons behind the calendar's unknown amounts, once each. */
export function unknownAmountReasons(report: DriftReport): string[] {
  const reasons = new Set<string>();
  for (const month of report.calendar) if (month.amount.kind === "unknown") reasons.add(month.amount.reason);
  return [...reasons];
}
