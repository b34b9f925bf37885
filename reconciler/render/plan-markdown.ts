/**
 * The plan as a pull-request comment (GitHub-flavoured Markdown): destructive changes first and
 * loud, then a summary table, the cost delta, and per platform a collapsible table of changes.
 * Values that come from outside are escaped, and the comment fits GitHub's size limit by leaving
 * out whole rows, saying how many.
 */
import { isDestructive, isEmpty, platformKey, type Change, type Plan } from "../model.js";
import { markdownText } from "./escape.js";
import {
  MARKER_OF_TONE,
  describeCost,
  describeEffective,
  describeFields,
  describeRule,
  describeWaiting,
  subjectHead,
  toneOf,
} from "./plan-describe.js";
import { groupByPlatform, type PlatformGroup } from "./plan-groups.js";
import {
  COSTS_HEADING,
  NO_CHANGES,
  NO_COSTS,
  costAmount,
  costLabel,
  unknownCostsSentence,
} from "./plan-summary.js";

export interface MarkdownOptions {
  /** The longest comment to produce, in characters. Default 65536, GitHub's limit for a comment. */
  maxChars?: number;
  /** Where the full report is, for the note that ends a shortened comment (a job URL, an artifact name). */
  fullReportHint?: string;
}

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Unmanaged accounts listed per platform before the rest are only counted. */
const MAX_UNMANAGED_LISTED = 50;

export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const parts = prepare(plan);
  const rowCount = parts.rowsInOrder.length;
  const destructiveCount = parts.destructive.length;
  const render = (rows: number, destructive: number) => compose(plan, parts, rows, destructive, options);

  const full = render(rowCount, destructiveCount);
  if (full.length <= maxChars) return full;
  // Leave out rows from the end until it fits; the destructive list is the last thing to go.
  const rows = largestFitting(rowCount - 1, (n) => render(n, destructiveCount).length <= maxChars);
  if (rows !== null) return render(rows, destructiveCount);
  const destructive = largestFitting(destructiveCount - 1, (n) => render(0, n).length <= maxChars);
  if (destructive !== null) return render(0, destructive);
  return hardCut(render(0, 0), maxChars, moreNote(rowCount, options));
}

/** The largest n in [0, max] for which `fits(n)` holds, or null; `fits` must be monotone (true, then false). */
function largestFitting(max: number, fits: (n: number) => boolean): number | null {
  if (max < 0 || !fits(0)) return null;
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Last resort when even the skeleton is too long: cut at a line end and keep the note. */
function hardCut(text: string, maxChars: number, note: string): string {
  const ending = `\n\n${note}\n`;
  if (ending.length >= maxChars) return ending.slice(0, maxChars);
  const cut = text.lastIndexOf("\n", maxChars - ending.length);
  return text.slice(0, Math.max(0, cut)) + ending;
}

function moreNote(hidden: number, options: MarkdownOptions): string {
  const where = options.fullReportHint === undefined ? "" : ` (${hintMarkdown(options.fullReportHint)})`;
  if (hidden === 0) return `… the rest is not shown; see the full report${where}`;
  return `… ${hidden} more change${hidden === 1 ? "" : "s"} not shown; see the full report${where}`;
}

/** A URL as an autolink (escaping would break it); anything else as escaped text. */
function hintMarkdown(hint: string): string {
  return /^https?:\/\/[^\s<>]+$/.test(hint) ? `<${hint}>` : markdownText(hint);
}

interface Prepared {
  groups: PlatformGroup[];
  /** Table rows in document order (platform by platform), each already rendered. */
  rowsInOrder: { change: Change; markdown: string }[];
  destructive: { change: Change; markdown: string }[];
}

function prepare(plan: Plan): Prepared {
  const groups = groupByPlatform(plan);
  const rowsInOrder = groups.flatMap((group) =>
    group.changes.map((change) => ({ change, markdown: tableRow(change) })),
  );
  const destructive = removalChanges(plan).map((change) => ({
    change,
    markdown: destructiveItem(change),
  }));
  return { groups, rowsInOrder, destructive };
}

/**
 * One change per account removed: its reset or delete when it has one (the data goes now), else
 * its termination; destroyed-now first.
 */
function removalChanges(plan: Plan): Change[] {
  const byAccount = new Map<string, Change>();
  for (const change of plan.changes) {
    if (change.action !== "terminate" && change.action !== "reset" && change.action !== "delete") continue;
    const key = `${platformKey(change.platform)}/${change.address}`;
    const known = byAccount.get(key);
    if (!known || (!isDestructive(known) && isDestructive(change))) byAccount.set(key, change);
  }
  const all = [...byAccount.values()];
  return [...all.filter(isDestructive), ...all.filter((c) => !isDestructive(c))];
}

function compose(
  plan: Plan,
  parts: Prepared,
  rowsShown: number,
  destructiveShown: number,
  options: MarkdownOptions,
): string {
  const sections: string[] = ["## exrec plan"];
  if (isEmpty(plan)) {
    sections.push(NO_CHANGES);
  } else {
    if (parts.destructive.length > 0) sections.push(destructiveBlock(parts, destructiveShown));
    sections.push(summaryTable(plan));
    sections.push(costSection(plan));
  }
  if (plan.warnings.length > 0) sections.push(warningsBlock(plan.warnings));
  if (!isEmpty(plan)) {
    const shown = new Set(parts.rowsInOrder.slice(0, rowsShown).map((row) => row.change));
    const rowOf = new Map(parts.rowsInOrder.map((row) => [row.change, row.markdown]));
    for (const group of parts.groups) sections.push(platformBlock(group, shown, rowOf));
  }
  if (plan.waiting.length > 0) sections.push(waitingBlock(plan));
  if (plan.unmanaged.length > 0) sections.push(unmanagedBlock(parts.groups, plan.unmanaged.length));
  const hidden = parts.rowsInOrder.length - rowsShown;
  if (hidden > 0) sections.push(moreNote(hidden, options));
  return `${sections.join("\n\n")}\n`;
}

function code(value: string): string {
  return `<code>${markdownText(value)}</code>`;
}

function plural(count: number, singular: string): string {
  return `${count} ${singular}${count === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function destructiveItem(change: Change): string {
  const where = markdownText(`${change.platform.organization}/${change.platform.service}`);
  const rule = change.rule === null ? "" : ` (${change.rule})`;
  return `> - **${change.action}** ${subjectMarkdown(change)} on ${where}, ${describeEffective(change.effective)}${rule}: ${markdownText(change.reason)}`;
}

function destructiveBlock(parts: Prepared, shown: number): string {
  const count = parts.destructive.length;
  const now = parts.destructive.filter((item) => isDestructive(item.change)).length;
  const atExpiry = count - now;
  const said: string[] = [];
  if (now > 0) {
    said.push(
      `${now} ${now === 1 ? "is" : "are"} destroyed now with ${now === 1 ? "its" : "their"} mailbox data, which cannot be undone (\`exrec apply\` refuses ${now === 1 ? "it" : "them"} without \`--allow-destroy\`).`,
    );
  }
  if (atExpiry > 0) {
    said.push(
      `${atExpiry} ${atExpiry === 1 ? "is" : "are"} terminated at ${atExpiry === 1 ? "its" : "their"} expiry, a deletion on that date unless declared again before it.`,
    );
  }
  said.push(
    "`exrec apply` refuses more removals than `--max-destroy` (default 5), and a plan that removes every account of a platform without `--allow-remove-all`.",
  );
  const lines = [
    "> [!CAUTION]",
    `> **${plural(count, "account")} removed.** ${said.join(" ")}`,
    ">",
    ...parts.destructive.slice(0, shown).map((item) => item.markdown),
  ];
  if (shown < count) lines.push(`> - … and ${count - shown} more not listed here`);
  return lines.join("\n");
}

/** The same counts as the text summary: accounts created, changed, removed. */
function summaryTable(plan: Plan): string {
  const { add, change, remove, removeNow } = plan.summary;
  return [
    "| Plan | Accounts |",
    "| --- | ---: |",
    `| to create | ${add} |`,
    `| to change | ${change} |`,
    remove > 0
      ? `| **to remove** | **${remove}** (${remove - removeNow} at expiry, ${removeNow} now) |`
      : "| to remove | 0 |",
  ].join("\n");
}

/** The same cost table as the text summary: the one-time sum, then each monthly change. */
function costSection(plan: Plan): string {
  const lines = [`| ${COSTS_HEADING} | Amount |`, "| --- | ---: |"];
  for (const cost of plan.summary.costs) lines.push(`| ${costLabel(cost)} | ${costAmount(cost)} |`);
  if (plan.summary.costs.length === 0) lines.push(`| ${NO_COSTS} | – |`);
  const unknown = unknownCostsSentence(plan);
  if (unknown !== null) lines.push("", unknown);
  return lines.join("\n");
}

function warningsBlock(warnings: readonly string[]): string {
  return [
    "> [!WARNING]",
    ...warnings.map((warning) => `> - ${markdownText(warning, { listItem: true })}`),
  ].join("\n");
}

/** The subject of a change: addresses as code, an order's count and licence as text. */
function subjectMarkdown(change: Change): string {
  if (change.action === "order")
    return `${markdownText(subjectHead(change))}: ${change.addresses.map(code).join(", ")}`;
  if (change.action === "configure") return `${code(change.address)} (reuses ${code(change.placeholder)})`;
  return code(change.address);
}

function tableRow(change: Change): string {
  const fields = describeFields(change);
  const cells = [
    MARKER_OF_TONE[toneOf(change)],
    isDestructive(change) ? `**${change.action}**` : change.action,
    subjectMarkdown(change),
    fields.length === 0 ? "–" : fields.map((field) => markdownText(field)).join("<br>"),
    describeEffective(change.effective),
    markdownText(describeCost(change.cost, { notes: true })),
    describeRule(change),
  ];
  return `| ${cells.join(" | ")} |`;
}

function platformBlock(
  group: PlatformGroup,
  shown: ReadonlySet<Change>,
  rowOf: ReadonlyMap<Change, string>,
): string {
  const total = group.changes.length;
  const rows = group.changes.flatMap((change) => {
    const row = shown.has(change) ? rowOf.get(change) : undefined;
    return row === undefined ? [] : [row];
  });
  const destructive = group.changes.some(isDestructive);
  let count = total === 0 ? "no changes" : plural(total, "change");
  if (rows.length < total) count += `, ${rows.length} shown`;
  const title = `<strong>${markdownText(group.key)}</strong>${group.platform.offer === null ? "" : ` (${group.platform.offer})`}`;
  // Platforms with destructive changes are open: nobody should have to click to see them.
  const open = destructive && rows.length > 0 ? " open" : "";
  const lines = [`<details${open}><summary>${title}: ${count}</summary>`];
  if (rows.length > 0) {
    lines.push(
      "",
      "| | Action | Address | Before → after | Effective | Cost | Rule |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    );
  }
  lines.push("", "</details>");
  return lines.join("\n");
}

function waitingBlock(plan: Plan): string {
  const lines = [
    `<details><summary>Waiting: ${plural(plan.waiting.length, "account")} in a transitional state, left alone for now</summary>`,
    "",
    "| Platform | Address | Waits for |",
    "| --- | --- | --- |",
  ];
  for (const waiting of plan.waiting) {
    const platform = markdownText(`${waiting.platform.organization}/${waiting.platform.service}`);
    lines.push(
      `| ${platform} | ${code(waiting.address)} | ${markdownText(describeWaiting(waiting).replace(/^waits for /, ""))} |`,
    );
  }
  lines.push("", "</details>");
  return lines.join("\n");
}

function unmanagedBlock(groups: readonly PlatformGroup[], total: number): string {
  const lines = [
    `<details><summary>Unmanaged: ${plural(total, "account")} not in the manifest, left alone</summary>`,
    "",
  ];
  for (const group of groups) {
    if (group.unmanaged.length === 0) continue;
    const listed = group.unmanaged
      .slice(0, MAX_UNMANAGED_LISTED)
      .map((u) => (u.configured ? code(u.address) : `${code(u.address)} (blank)`));
    const rest = group.unmanaged.length - listed.length;
    if (rest > 0) listed.push(`and ${rest} more`);
    lines.push(
      `- ${markdownText(group.key, { listItem: true })} (${group.unmanaged.length}): ${listed.join(", ")}`,
    );
  }
  lines.push("", "</details>");
  return lines.join("\n");
}
