/**
 * Which blank Hosted account each missing declared account reuses (H1: a blank is already paid
 * for, so it is reused before anything is ordered). Each blank is reused once, and only by an
 * account of the same licence (a blank's licence is what was paid for).
 *
 * The choice is deterministic: first every account that can get a blank whose renewal already
 * matches gets one (no renewal change needed), then the others take what is left; among the
 * candidates, the blank with the latest expiry (the most paid time left) comes first, then the
 * lowest address.
 */
import type { ActualAccount, License } from "../model.js";
import type { Creatable } from "./changes.js";
import { expiryInstant } from "./dates.js";

export interface BlankAssignment {
  reused: { wanted: Creatable; blank: ActualAccount }[];
  /** In the order they were declared. */
  toOrder: Creatable[];
}

/** Latest expiry first, then the lowest address (expiries read once, not in the comparison). */
function inPreferenceOrder(blanks: ActualAccount[]): ActualAccount[] {
  return blanks
    .map((blank) => ({ blank, expiry: expiryInstant(blank) ?? -Infinity }))
    .sort((a, b) => {
      if (a.expiry !== b.expiry) return b.expiry > a.expiry ? 1 : -1;
      return a.blank.email < b.blank.email ? -1 : a.blank.email > b.blank.email ? 1 : 0;
    })
    .map((entry) => entry.blank);
}

/** A licence's blanks in preference order, handed out once each. */
class BlankQueue {
  private readonly used = new Set<ActualAccount>();
  private readonly byRenewal = new Map<string, ActualAccount[]>();
  private readonly renewalCursor = new Map<string, number>();
  private anyCursor = 0;

  constructor(private readonly sorted: ActualAccount[]) {
    for (const blank of sorted) {
      const key = String(blank.renewal);
      let list = this.byRenewal.get(key);
      if (!list) this.byRenewal.set(key, (list = []));
      list.push(blank);
    }
  }

  /** The preferred unused blank renewed like `renewal`, or null. */
  takeMatching(renewal: string): ActualAccount | null {
    const list = this.byRenewal.get(renewal);
    if (!list) return null;
    let cursor = this.renewalCursor.get(renewal) ?? 0;
    let blank = list[cursor];
    while (blank !== undefined && this.used.has(blank)) blank = list[++cursor];
    this.renewalCursor.set(renewal, cursor + 1);
    return blank === undefined ? null : this.claim(blank);
  }

  /** The preferred unused blank whatever its renewal, or null. */
  takeAny(): ActualAccount | null {
    let blank = this.sorted[this.anyCursor];
    while (blank !== undefined && this.used.has(blank)) blank = this.sorted[++this.anyCursor];
    if (blank === undefined) return null;
    this.anyCursor++;
    return this.claim(blank);
  }

  private claim(blank: ActualAccount): ActualAccount {
    this.used.add(blank);
    return blank;
  }
}

export function assignBlanks(wanted: Creatable[], reusable: ActualAccount[]): BlankAssignment {
  const byLicense = new Map<License, ActualAccount[]>();
  for (const blank of reusable) {
    let list = byLicense.get(blank.license);
    if (!list) byLicense.set(blank.license, (list = []));
    list.push(blank);
  }
  const queues = new Map<License, BlankQueue>();
  for (const [license, list] of byLicense) queues.set(license, new BlankQueue(inPreferenceOrder(list)));

  const chosen = new Map<Creatable, ActualAccount>();
  for (const w of wanted) {
    const blank = queues.get(w.license)?.takeMatching(w.renewal) ?? null;
    if (blank) chosen.set(w, blank);
  }
  for (const w of wanted) {
    if (chosen.has(w)) continue;
    const blank = queues.get(w.license)?.takeAny() ?? null;
    if (blank) chosen.set(w, blank);
  }

  const reused: BlankAssignment["reused"] = [];
  const toOrder: Creatable[] = [];
  for (const w of wanted) {
    const blank = chosen.get(w);
    if (blank) reused.push({ wanted: w, blank });
    else toOrder.push(w);
  }
  return { reused, toOrder };
}
