/**
 * The plan for a terminal: `exrec plan`, `exrec show` and the confirmation screen of `exrec apply`.
 * Terraform's layout: platform by platform, then account by account, a header line per account
 * with its symbol and what happens to it, then one indented line per field `before → after`, then
 * when it takes effect and what it costs. Every line fits 100 columns (long values wrap under their
 * own indent). A one-line legend explains the symbols, the rule ids and `–`; the summary ends it.
 */
import pc from "picocolors";
import { isEmpty, platformKey, type Change, type Plan } from "../model.js";
import { printable } from "../printable.js";
import {
  LEGEND_OF_TONE,
  MARKER_OF_TONE,
  TONES,
  describeCost,
  describeEffective,
  describeFields,
  describeUnmanaged,
  describeWaiting,
  formatDuration,
  toneOf,
  type Tone,
} from "./plan-describe.js";
import { groupByPlatform, platformTitle, type PlatformGroup } from "./plan-groups.js";
import { summaryLines } from "./plan-summary.js";

export interface TextOptions {
  /** ANSI colours; the CLI decides (a terminal, and no NO_COLOR). */
  color: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Every line fits in this many columns. */
export const TEXT_WIDTH = 100;
/** Unmanaged accounts listed by name before the rest are only counted. */
const MAX_UNMANAGED_LISTED = 20;
const INDENT = "  ";
/** Where an account's field, when and cost lines start. */
const DETAIL = "      ";

export function renderPlanText(plan: Plan, options: TextOptions): string {
  const colors = pc.createColors(options.color);
  const groups = groupByPlatform(plan);
  const empty = isEmpty(plan);
  const blocks: string[][] = [];

  if (empty) blocks.push([summaryLines(plan)[0]]);
  else blocks.push(wrap(legend(plan.changes, colors), "", "  "));
  for (const group of groups) {
    // An empty plan shows only the platforms that have something to tell.
    if (empty && group.waiting.length === 0 && group.unmanaged.length === 0) continue;
    blocks.push(platformBlock(group, colors));
  }
  if (plan.warnings.length > 0) {
    blocks.push(
      plan.warnings.flatMap((warning) =>
        wrap(`Warning: ${printable(warning)}`, "", "  ").map((line) => colors.yellow(line)),
      ),
    );
  }
  if (!empty) blocks.push(summary(plan, colors));
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** `Legend: + create  ~ change ...  (H1) rule: docs/RULES.md  – none`: the symbols this plan uses. */
function legend(changes: readonly Change[], colors: Colors): string {
  const used = new Set(changes.map(toneOf));
  const entries = TONES.filter((tone) => used.has(tone)).map(
    (tone) => `${paint(tone, MARKER_OF_TONE[tone], colors)} ${LEGEND_OF_TONE[tone]}`,
  );
  return `Legend: ${entries.join("  ")}  (H1) rule: docs/RULES.md  – none`;
}

/** One account's changes (an order is its own subject: the accounts it buys). */
interface Subject {
  header: string;
  changes: Change[];
}

/** The platform's changes by account, in the order of their first change (apply order). */
function subjectsOf(changes: readonly Change[]): Subject[] {
  const byKey = new Map<string, Subject>();
  for (const change of changes) {
    const key = change.action === "order" ? change.id : `${platformKey(change.platform)}/${change.address}`;
    const known = byKey.get(key);
    if (known) known.changes.push(change);
    else byKey.set(key, { header: headerOf(change), changes: [change] });
  }
  return [...byKey.values()];
}

function headerOf(change: Change): string {
  if (change.action === "order") return change.addresses.join(", ");
  if (change.action === "configure") return `${change.address} (reuses ${change.placeholder})`;
  return change.address;
}

/** `renew`; for an order, what it buys: `order 2 × standard, 12 months`. */
function actionOf(change: Change): string {
  if (change.action !== "order") return change.action;
  return `order ${change.quantity} × ${change.license}, ${formatDuration(change.duration)}`;
}

/** The most serious tone of an account's changes gives its symbol. */
function toneOfSubject(subject: Subject): Tone {
  return subject.changes.map(toneOf).reduce((a, b) => (TONES.indexOf(b) > TONES.indexOf(a) ? b : a));
}

function platformBlock(group: PlatformGroup, colors: Colors): string[] {
  const lines = [colors.bold(printable(platformTitle(group)))];
  if (group.changes.length === 0 && group.waiting.length === 0 && group.unmanaged.length === 0) {
    lines.push(`${INDENT}no changes`);
  }
  for (const subject of subjectsOf(group.changes)) lines.push(...subjectLines(subject, colors));
  for (const waiting of group.waiting) {
    const text = `waiting: ${printable(waiting.address)} ${printable(describeWaiting(waiting))}`;
    lines.push(
      ...wrap(text, INDENT, DETAIL).map((line, i) => (i === 0 ? dimHead(line, "waiting:", colors) : line)),
    );
  }
  if (group.unmanaged.length > 0) lines.push(...unmanagedLines(group, colors));
  return lines;
}

/**
 * `  ! dave@acme.example: terminate (H4), reset (H5)`, then each change's fields, when and cost.
 * An account with several changes names the change before each of its when/cost lines.
 */
function subjectLines(subject: Subject, colors: Colors): string[] {
  const tone = toneOfSubject(subject);
  const actions = subject.changes.map((c) => `${actionOf(c)}${c.rule === null ? "" : ` (${c.rule})`}`);
  const head = `${MARKER_OF_TONE[tone]} ${printable(subject.header)}: ${actions.join(", ")}`;
  const lines = wrap(head, INDENT, `${INDENT}    `).map((line, i) =>
    i === 0 ? `${INDENT}${paint(tone, line.slice(INDENT.length), colors)}` : line,
  );
  const several = subject.changes.length > 1;
  for (const change of subject.changes) {
    for (const field of describeFields(change)) lines.push(...wrap(printable(field), DETAIL, `${DETAIL}  `));
    const prefix = several ? `${change.action} ` : "";
    lines.push(...wrap(`${prefix}when: ${describeEffective(change.effective)}`, DETAIL, `${DETAIL}  `));
    const cost = printable(describeCost(change.cost, { notes: true }));
    const costLines = wrap(`${prefix}cost: ${cost}`, DETAIL, `${DETAIL}  `);
    lines.push(...(change.cost.kind === "unknown" ? costLines.map((l) => colors.yellow(l)) : costLines));
  }
  return lines;
}

/** `unmanaged: 3 accounts, left alone: a@x, b@x, 1a2b@configureme.me (blank)`, wrapped, the rest counted. */
function unmanagedLines(group: PlatformGroup, colors: Colors): string[] {
  const count = group.unmanaged.length;
  const listed = group.unmanaged.slice(0, MAX_UNMANAGED_LISTED).map((u) => printable(describeUnmanaged(u)));
  const rest = count - listed.length;
  const items = rest > 0 ? [...listed, `and ${rest} more`] : listed;
  const text = `unmanaged: ${count} account${count === 1 ? "" : "s"}, left alone: ${items.join(", ")}`;
  return wrap(text, INDENT, `${INDENT}${INDENT}`).map((line, i) =>
    i === 0 ? dimHead(line, "unmanaged:", colors) : line,
  );
}

function dimHead(line: string, head: string, colors: Colors): string {
  return line.replace(head, colors.dim(head));
}

/**
 * `text` on lines of at most TEXT_WIDTH characters, broken at spaces: the first line after
 * `first`, the others after `next`. A word longer than a line is cut.
 */
export function wrap(text: string, first: string, next: string): string[] {
  const lines: string[] = [];
  let prefix = first;
  let rest = text;
  for (;;) {
    const room = TEXT_WIDTH - [...prefix].length;
    const chars = [...rest];
    if (chars.length <= room) {
      lines.push(prefix + rest);
      return lines;
    }
    // The last space that leaves the line within its room (none: cut the word).
    let cut = -1;
    for (let i = Math.min(room, chars.length - 1); i > 0; i--) {
      if (chars[i] === " ") {
        cut = i;
        break;
      }
    }
    const head = cut > 0 ? chars.slice(0, cut).join("") : chars.slice(0, room).join("");
    const tail = cut > 0 ? chars.slice(cut + 1).join("") : chars.slice(room).join("");
    lines.push(prefix + head);
    prefix = next;
    rest = tail;
  }
}

function summary(plan: Plan, colors: Colors): string[] {
  const lines = summaryLines(plan);
  // The removals are the part nobody may miss.
  lines[0] = lines[0].replace(/\b([1-9]\d*) to remove\b/, (match) => colors.bold(colors.red(match)));
  return lines;
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
