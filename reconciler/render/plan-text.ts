/**
 * The plan for a terminal: `exrec plan` and the confirmation screen of `exrec apply`.
 * Platform by platform, one line per change (marker, action, subject, fields before → after,
 * when, cost, rule), then what the plan waits for or leaves alone, warnings, and one summary line.
 */
import pc from "picocolors";
import { isEmpty, type Change, type Plan } from "../model.js";
import { printable } from "../printable.js";
import {
  LEGEND_OF_TONE,
  MARKER_OF_TONE,
  TONES,
  describeCost,
  describeEffective,
  describeFields,
  describeRule,
  describeSubject,
  describeUnmanaged,
  describeWaiting,
  toneOf,
  type Tone,
} from "./plan-describe.js";
import { groupByPlatform, platformTitle, type PlatformGroup } from "./plan-groups.js";
import { planSummaryLine } from "./plan-summary.js";

export interface TextOptions {
  /** ANSI colours; the CLI decides (a terminal, and no NO_COLOR). */
  color: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Cells longer than this overflow their column instead of widening it for every line. */
const MAX_ALIGNED_WIDTH = 40;
/** Unmanaged accounts listed by name before the rest are only counted. */
const MAX_UNMANAGED_LISTED = 20;
/** Width the unmanaged list wraps at. */
const WRAP_WIDTH = 100;
const INDENT = "  ";

export function renderPlanText(plan: Plan, options: TextOptions): string {
  const colors = pc.createColors(options.color);
  const groups = groupByPlatform(plan);
  const empty = isEmpty(plan);
  const blocks: string[][] = [];

  if (empty) {
    blocks.push([planSummaryLine(plan)]);
  } else {
    blocks.push([legend(plan.changes, colors)]);
  }
  const rows = new Map(plan.changes.map((change) => [change, cellsOf(change)]));
  const widths = columnWidths([...rows.values()].map((row) => row.cells));
  for (const group of groups) {
    // An empty plan shows only the platforms that have something to tell.
    if (empty && group.waiting.length === 0 && group.unmanaged.length === 0) continue;
    blocks.push(platformBlock(group, rows, widths, colors));
  }
  if (plan.warnings.length > 0) {
    blocks.push(plan.warnings.map((warning) => colors.yellow(`Warning: ${printable(warning)}`)));
  }
  if (!empty) blocks.push([summary(plan, colors)]);
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** `Symbols: + adds, ~ changes, ...`: only the markers this plan uses. */
function legend(changes: readonly Change[], colors: Colors): string {
  const used = new Set(changes.map(toneOf));
  const entries = TONES.filter((tone) => used.has(tone)).map(
    (tone) => `${paint(tone, MARKER_OF_TONE[tone], colors)} ${LEGEND_OF_TONE[tone]}`,
  );
  return `Symbols: ${entries.join(", ")}`;
}

interface Row {
  change: Change;
  tone: Tone;
  /** marker, action, subject, fields, effective, cost, rule: plain text, already printable. */
  cells: string[];
}

function cellsOf(change: Change): Row {
  const tone = toneOf(change);
  const fields = describeFields(change);
  return {
    change,
    tone,
    cells: [
      MARKER_OF_TONE[tone],
      change.action,
      printable(describeSubject(change)),
      fields.length === 0 ? "–" : printable(fields.join(", ")),
      describeEffective(change.effective),
      printable(describeCost(change.cost)),
      describeRule(change),
    ],
  };
}

/** The width of each column: its widest cell, not counting cells too long to align. */
function columnWidths(rows: readonly string[][]): number[] {
  const widths: number[] = [];
  for (const cells of rows) {
    cells.forEach((cell, column) => {
      const width = [...cell].length;
      if (width <= MAX_ALIGNED_WIDTH) widths[column] = Math.max(widths[column] ?? 0, width);
    });
  }
  return widths;
}

function platformBlock(
  group: PlatformGroup,
  rows: ReadonlyMap<Change, Row>,
  widths: readonly number[],
  colors: Colors,
): string[] {
  const lines = [colors.bold(printable(platformTitle(group)))];
  if (group.changes.length === 0 && group.waiting.length === 0 && group.unmanaged.length === 0) {
    lines.push(`${INDENT}no changes`);
  }
  for (const change of group.changes) lines.push(`${INDENT}${formatRow(rows.get(change)!, widths, colors)}`);
  for (const waiting of group.waiting) {
    lines.push(
      `${INDENT}${colors.dim("waiting:")} ${printable(waiting.address)} ${printable(describeWaiting(waiting))}`,
    );
  }
  if (group.unmanaged.length > 0) lines.push(...unmanagedLines(group, colors));
  return lines;
}

function formatRow(row: Row, widths: readonly number[], colors: Colors): string {
  const last = row.cells.length - 1;
  const padded = row.cells.map((cell, column) =>
    column === last ? cell : cell + " ".repeat(Math.max(0, (widths[column] ?? 0) - [...cell].length)),
  );
  const [marker, action, subject, fields, effective, cost, rule] = padded as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const costPainted = row.change.cost.kind === "unknown" ? colors.yellow(cost) : cost;
  return [
    paint(row.tone, marker, colors),
    paint(row.tone, action, colors),
    row.tone === "destructive" ? paint(row.tone, subject, colors) : subject,
    fields,
    effective,
    costPainted,
    colors.dim(rule),
  ]
    .join("  ")
    .trimEnd();
}

/** `unmanaged: 3 accounts, left alone: a@x, b@x, 1a2b@configureme.me (blank)`, wrapped, the rest counted. */
function unmanagedLines(group: PlatformGroup, colors: Colors): string[] {
  const count = group.unmanaged.length;
  const listed = group.unmanaged.slice(0, MAX_UNMANAGED_LISTED).map((u) => printable(describeUnmanaged(u)));
  const rest = count - listed.length;
  const items = rest > 0 ? [...listed, `and ${rest} more`] : listed;
  const head = `${INDENT}${colors.dim("unmanaged:")} ${count} account${count === 1 ? "" : "s"}, left alone: `;
  return wrap(items, head, `${INDENT}${INDENT}`);
}

/** Comma-separated items on lines of at most WRAP_WIDTH characters (an item longer than that gets its own line). */
function wrap(items: readonly string[], firstPrefix: string, nextPrefix: string): string[] {
  const lines: string[] = [];
  let line = firstPrefix;
  let lineHasItem = false;
  items.forEach((item, index) => {
    const text = index < items.length - 1 ? `${item},` : item;
    const separator = lineHasItem ? " " : "";
    if (lineHasItem && visibleLength(line) + separator.length + text.length > WRAP_WIDTH) {
      lines.push(line);
      line = nextPrefix + text;
    } else {
      line += separator + text;
    }
    lineHasItem = true;
  });
  lines.push(line);
  return lines;
}

/** Length without ANSI colour codes. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

function summary(plan: Plan, colors: Colors): string {
  const line = planSummaryLine(plan);
  // The destructive count is the part nobody may miss.
  return line.replace(/\b([1-9]\d*) destructive\b/, (match) => colors.bold(colors.red(match)));
}

function paint(tone: Tone, text: string, colors: Colors): string {
  switch (tone) {
    case "addition":
      return colors.green(text);
    case "change":
      return colors.yellow(text);
    case "removal":
      return colors.red(text);
    case "destructive":
      return colors.bold(colors.red(text));
  }
}
