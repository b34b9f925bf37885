/** Sorting changes into the order apply carries them out in. */
import { APPLY_ORDER, platformKey, type Action, type Change } from "../model.js";

const RANK: ReadonlyMap<Action, number> = new Map(APPLY_ORDER.map((action, index) => [action, index]));

/**
 * By APPLY_ORDER (non-destructive first, destructive last), then platform, then the address the
 * change is about (an order: its first address), then id. Keys are computed once per change, not
 * per comparison, so that large plans sort fast.
 */
export function inApplyOrder(changes: Change[]): Change[] {
  // Changes of one platform share their platform object: its key is built once.
  const keys = new Map<object, string>();
  const keyOf = (platform: Change["platform"]): string => {
    let key = keys.get(platform);
    if (key === undefined) keys.set(platform, (key = platformKey(platform)));
    return key;
  };
  return changes
    .map((change) => ({
      change,
      rank: RANK.get(change.action) ?? APPLY_ORDER.length,
      platform: keyOf(change.platform),
      subject: change.action === "order" ? (change.addresses[0] ?? "") : change.address,
    }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        compareText(a.platform, b.platform) ||
        compareText(a.subject, b.subject) ||
        compareText(a.change.id, b.change.id),
    )
    .map((entry) => entry.change);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
