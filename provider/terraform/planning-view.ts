/**
 * The part of a live platform one Terraform resource's plan needs. Terraform plans every account
 * resource on its own, and the planner walks every live account of the platform it is given (to
 * list the undeclared ones, to find blanks, to total the run rate), so planning each of N resources
 * against the whole platform costs N × N: about 5 s of CPU for 1,000 accounts, and a hundred times
 * that for 10,000.
 *
 * A resource declares its own account and the platform does not prune (the provider never does:
 * the accounts of other resources and the undeclared ones are left alone), so the plan's changes,
 * waiting accounts, problems and the platforms it would empty depend only on:
 * - the live accounts at the addresses it declares;
 * - the blank accounts, which a new Hosted account reuses or waits for (H1);
 * - whether any other account stays: one undeclared account that is not terminating keeps the
 *   platform from being emptied by this resource's removal, as the whole platform would.
 * The view holds those, in the API's order. What the plan counts over the whole platform (the run
 * rate, the unmanaged accounts) covers the view only; the provider reads neither.
 */
import { isBlank } from "../../reconciler/account-state.js";
import type { ActualAccount, ActualPlatform, Address, DesiredPlatform } from "../../reconciler/model.js";

/** Where the accounts a view may need sit in a platform's account list. */
interface PlatformIndex {
  byAddress: Map<Address, number>;
  blanks: number[];
  /** The first few undeclarable witnesses: configured accounts that are not terminating. */
  staying: number[];
}

/** Enough witnesses that one is undeclared whenever a resource declares fewer accounts than this. */
const WITNESSES = 4;

/** Built once per reading of a platform: a sync or a re-read makes a new platform object. */
const indexes = new WeakMap<ActualPlatform, PlatformIndex>();

function indexOf(live: ActualPlatform): PlatformIndex {
  let index = indexes.get(live);
  if (index) return index;
  index = { byAddress: new Map(), blanks: [], staying: [] };
  for (const [i, account] of live.accounts.entries()) {
    index.byAddress.set(account.email, i);
    if (isBlank(account)) index.blanks.push(i);
    else if (account.deleteAtExpiration !== true && index.staying.length < WITNESSES) index.staying.push(i);
  }
  indexes.set(live, index);
  return index;
}

/**
 * The live platform as `declared`'s plan needs it. `visible` leaves out accounts this resource may
 * not see: the blanks another resource of this run already reuses. A pruning declaration (which
 * the provider never makes) gets the whole platform, so that nothing it would remove is hidden.
 */
export function planningView(
  live: ActualPlatform,
  declared: DesiredPlatform,
  visible: (account: ActualAccount) => boolean,
): ActualPlatform {
  if (declared.prune || declared.accounts.length >= WITNESSES) {
    return { ...live, accounts: live.accounts.filter(visible) };
  }
  const index = indexOf(live);
  const addresses = new Set<Address>(declared.accounts.map((account) => account.email));
  const seen = (i: number): boolean => {
    const account = live.accounts[i];
    return account !== undefined && visible(account);
  };
  const picked: number[] = [];
  for (const address of addresses) {
    const at = index.byAddress.get(address);
    if (at !== undefined && seen(at)) picked.push(at);
  }
  const undeclared = (i: number) => {
    const account = live.accounts[i];
    return account !== undefined && !addresses.has(account.email) && seen(i);
  };
  const witness = index.staying.find(undeclared);
  if (witness !== undefined) picked.push(witness);
  for (const i of index.blanks) if (undeclared(i)) picked.push(i);
  const accounts: ActualAccount[] = [];
  for (const i of picked.sort((a, b) => a - b)) {
    const account = live.accounts[i];
    if (account !== undefined) accounts.push(account);
  }
  return { ...live, accounts };
}
