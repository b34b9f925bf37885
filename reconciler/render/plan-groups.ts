/**
 * A plan seen platform by platform, the way people read it: each platform with its changes
 * (still in apply order), the accounts it waits for, and the accounts it leaves alone.
 */
import {
  platformKey,
  type Change,
  type Offer,
  type Plan,
  type PlatformRef,
  type Unmanaged,
  type Waiting,
} from "../model.js";

export interface PlatformGroup {
  platform: PlatformRef & { offer: Offer | null };
  /** `org/svc`. */
  key: string;
  changes: Change[];
  waiting: Waiting[];
  unmanaged: Unmanaged[];
}

/**
 * One group per platform: the plan's platforms in their order, then (defensively) any platform a
 * change, a waiting or an unmanaged account names that the list lacks, so that nothing is lost.
 */
export function groupByPlatform(plan: Plan): PlatformGroup[] {
  const groups = new Map<string, PlatformGroup>();
  const groupOf = (ref: PlatformRef, offer: Offer | null): PlatformGroup => {
    const key = platformKey(ref);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        platform: { organization: ref.organization, service: ref.service, offer },
        key,
        changes: [],
        waiting: [],
        unmanaged: [],
      };
      groups.set(key, group);
    }
    return group;
  };
  for (const platform of plan.platforms) groupOf(platform, platform.offer);
  for (const change of plan.changes) groupOf(change.platform, change.platform.offer).changes.push(change);
  for (const waiting of plan.waiting) groupOf(waiting.platform, null).waiting.push(waiting);
  for (const unmanaged of plan.unmanaged) groupOf(unmanaged.platform, null).unmanaged.push(unmanaged);
  return [...groups.values()];
}

/** `org/svc (hosted)`, or `org/svc` when the offer is not known. */
export function platformTitle(group: PlatformGroup): string {
  return group.platform.offer === null ? group.key : `${group.key} (${group.platform.offer})`;
}
