/**
 * `exrec history` as text: one row per recorded change, in the order they were recorded, and the
 * message of a change (why it failed or was skipped) on the line below it. Times are shown as
 * recorded, in their own offset, never re-zoned.
 */
import type { HistoryEntry } from "../ports.js";
import { formatMoney } from "../format.js";

const COLUMNS = [
  "time",
  "who",
  "commit",
  "platform",
  "action",
  "address",
  "result",
  "order",
  "amount",
] as const;
type Column = (typeof COLUMNS)[number];

/** Columns whose values are numbers, aligned on the right. */
const RIGHT_ALIGNED: ReadonlySet<Column> = new Set(["order", "amount"]);

const NONE = "-";
const COMMIT_SHORT = 7;

export function renderHistoryText(entries: HistoryEntry[]): string {
  if (entries.length === 0) return "No history.\n";
  const rows = entries.map(cells);
  const widths = new Map(
    COLUMNS.map((column) => [column, Math.max(column.length, ...rows.map((row) => row[column].length))]),
  );
  const line = (row: Record<Column, string>) =>
    COLUMNS.map((column) => {
      const width = widths.get(column) ?? 0;
      return RIGHT_ALIGNED.has(column) ? row[column].padStart(width) : row[column].padEnd(width);
    })
      .join("  ")
      .trimEnd();
  const header = Object.fromEntries(COLUMNS.map((column) => [column, column])) as Record<Column, string>;
  const out = [line(header)];
  for (const entry of entries) {
    out.push(line(cells(entry)));
    if (entry.message) out.push(`  ${entry.result === "done" ? "note" : entry.result}: ${entry.message}`);
  }
  return out.join("\n") + "\n";
}

function cells(entry: HistoryEntry): Record<Column, string> {
  return {
    time: compactTime(entry.at),
    who: entry.who ?? NONE,
    commit: entry.commit ? entry.commit.slice(0, COMMIT_SHORT) : NONE,
    platform: entry.platform,
    action: entry.action,
    address: entry.addresses.length > 0 ? entry.addresses.join(",") : NONE,
    result: entry.result,
    order: entry.orderId === null ? NONE : String(entry.orderId),
    amount: entry.amount ? formatMoney(entry.amount) : NONE,
  };
}

/** `2026-01-31T09:49:12.345+01:00` → `2026-01-31 09:49:12+01:00`: same instant, same offset, shorter. */
function compactTime(at: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(at);
  return match ? `${match[1]} ${match[2]}${match[3] ?? ""}` : at;
}
