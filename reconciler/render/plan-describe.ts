/**
 * How one change reads, in plain words, for every human-facing plan renderer (text, Markdown):
 * its marker, its subject, the fields it touches, when it takes effect and what it costs.
 * Values that come from outside are returned raw; each renderer escapes them for its medium.
 */
import {
  isDestructive,
  type AccountFields,
  type Change,
  type Cost,
  type Effective,
  type OrderDuration,
  type Unmanaged,
  type Waiting,
} from "../model.js";
import { formatEffective, formatMoney, formatStart } from "../format.js";

/** `+` adds, `~` changes, `-` removes at expiry, `!` destroys data now. */
export type Marker = "+" | "~" | "-" | "!";

/** What kind of consequence a change has, for colour and for the legend. */
export type Tone = "addition" | "change" | "removal" | "destructive";

export const MARKER_OF_TONE: Readonly<Record<Tone, Marker>> = {
  addition: "+",
  change: "~",
  removal: "-",
  destructive: "!",
};

export const LEGEND_OF_TONE: Readonly<Record<Tone, string>> = {
  addition: "create",
  change: "change",
  removal: "remove at expiry",
  destructive: "destroy data now",
};

/** The legend's order, from the mildest to the most serious. */
export const TONES: readonly Tone[] = ["addition", "change", "removal", "destructive"];

export function toneOf(change: Change): Tone {
  if (isDestructive(change)) return "destructive";
  switch (change.action) {
    case "order":
    case "add":
    case "configure":
      return "addition";
    case "renew":
    case "update":
    case "cancel-termination":
      return "change";
    case "terminate":
      return "removal";
    case "reset":
    case "delete":
      return "destructive";
  }
}

export function markerOf(change: Change): Marker {
  return MARKER_OF_TONE[toneOf(change)];
}

/** `12 months`, `1 month`. */
export function formatDuration(duration: OrderDuration): string {
  const months = Number(duration);
  return `${months} month${months === 1 ? "" : "s"}`;
}

/** For an order, `2 × standard 12 months`; for every other change, its address. */
export function subjectHead(change: Change): string {
  if (change.action === "order")
    return `${change.quantity} × ${change.license} ${formatDuration(change.duration)}`;
  return change.address;
}

/** What follows the head, if anything: the addresses of an order, the blank account a configure reuses. */
export function subjectTail(change: Change): string | null {
  if (change.action === "order") return change.addresses.join(", ");
  if (change.action === "configure") return `reuses ${change.placeholder}`;
  return null;
}

/** The subject as one line: `2 × standard 12 months: a@x, b@x`, `erin@x (reuses 1a2b@configureme.me)`. */
export function describeSubject(change: Change): string {
  const head = subjectHead(change);
  const tail = subjectTail(change);
  if (tail === null) return head;
  return change.action === "order" ? `${head}: ${tail}` : `${head} (${tail})`;
}

/** The fields in the order they are shown, the address first. */
const FIELD_ORDER: readonly (keyof AccountFields)[] = [
  "exists",
  "email",
  "configured",
  "license",
  "renewal",
  "displayName",
  "deleteAtExpiration",
];

/** A field's value: free text quoted (so that spaces and emptiness show), `none` for null. */
export function formatFieldValue(
  field: keyof AccountFields,
  value: AccountFields[keyof AccountFields],
): string {
  if (value === null) return "none";
  if (field === "displayName") return JSON.stringify(value);
  return String(value);
}

/**
 * `field: before → after` for every field the change touches (present on either side and not
 * equal). A field absent before reads `field: after`; absent after, `field: before → –`.
 */
export function describeFields(change: Change): string[] {
  // An order names its licence and renewal in its subject; that the accounts will exist is the news.
  if (change.action === "order") return ["exists: false → true"];
  const before: AccountFields = change.before;
  const after: AccountFields = change.after;
  const lines: string[] = [];
  for (const field of FIELD_ORDER) {
    const inBefore = Object.hasOwn(before, field) && before[field] !== undefined;
    const inAfter = Object.hasOwn(after, field) && after[field] !== undefined;
    if (!inBefore && !inAfter) continue;
    // A configure names its new address in its subject.
    if (change.action === "configure" && field === "email") continue;
    if (inBefore && inAfter && before[field] === after[field]) continue;
    // An account that ceases to exist takes its fields with it: `exists: true → false` says it all.
    if (!inAfter && after.exists === false) continue;
    let text: string;
    if (!inBefore) text = `${field}: ${formatFieldValue(field, after[field])}`;
    else if (!inAfter) text = `${field}: ${formatFieldValue(field, before[field])} → –`;
    else
      text = `${field}: ${formatFieldValue(field, before[field])} → ${formatFieldValue(field, after[field])}`;
    if (change.action === "configure" && field === "renewal" && change.renewalEffective !== null) {
      // H3: a renewal change applies at expiry, even when the rest of the change is immediate.
      text += ` ${describeEffective(change.renewalEffective)}`;
    }
    lines.push(text);
  }
  return lines;
}

/** `now`, `on 2027-03-31`, `on an unknown date`. */
export function describeEffective(effective: Effective): string {
  return formatEffective(effective);
}

/** `now`, `2026-12-31`, `an unknown date`: the start of a run-rate change. */
export function describeStart(from: Effective): string {
  return formatStart(from);
}

/** `from now`, `from 2026-12-31`, `from an unknown date`. */
export function describeFrom(from: Effective): string {
  return `from ${describeStart(from)}`;
}

/**
 * `107.88 EUR once, excl. tax`, `+3.80 EUR/month excl. tax, from 2026-12-31`, `unknown: <reason>`,
 * `–` for none: every amount says that it excludes tax. With `notes`, a cost's note follows in
 * parentheses.
 */
export function describeCost(cost: Cost, options: { notes?: boolean } = {}): string {
  const withNote = (text: string, note: string | undefined): string =>
    options.notes === true && note !== undefined ? `${text} (${statingTax(note)})` : text;
  switch (cost.kind) {
    case "none":
      return withNote("–", cost.note);
    case "one-time":
      return `${formatMoney(cost.amount)} once, excl. tax`;
    case "recurring":
      return withNote(
        `${formatMoney(cost.delta, { signed: true })}/month excl. tax, ${describeFrom(cost.from)}`,
        cost.note,
      );
    case "unknown":
      return `unknown: ${statingTax(cost.reason)}`;
  }
}

/**
 * Amounts in the planner's notes and reasons (`3.23 EUR/month`) come from the same tax-free prices
 * as the rest of the plan: say so after each, as every amount of a plan does.
 */
function statingTax(text: string): string {
  return text.replace(/([-+]?\d+\.\d{2} [A-Z]{3}(?:\/month)?)(?! excl\. tax)/g, "$1 excl. tax");
}

/** The rule id, or `–` when the change follows none. */
export function describeRule(change: Change): string {
  return change.rule ?? "–";
}

/** `waits for task 4242 (state: creating): <reason>`. */
export function describeWaiting(waiting: Waiting): string {
  const what = waiting.taskPendingId === null ? "its state to settle" : `task ${waiting.taskPendingId}`;
  return `waits for ${what} (state: ${waiting.state}): ${waiting.reason}`;
}

/** `old@acme.example`, or `1a2b@configureme.me (blank)` for an account without an address of its own. */
export function describeUnmanaged(unmanaged: Unmanaged): string {
  return unmanaged.configured ? unmanaged.address : `${unmanaged.address} (blank)`;
}
