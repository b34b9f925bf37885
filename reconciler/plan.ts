/**
 * The planner: what to do, when it takes effect and what it costs, so that the live platforms
 * match the manifest. Pure: no I/O, no clock but the one passed in, no randomness; the same
 * inputs give the same plan, byte for byte.
 *
 * The walk, in this order; each stage reads what the ones before it made, never the reverse:
 *  1. compare (plan/platform.ts): each declared platform against its live state, account by
 *     account (plan/differences.ts), giving the changes as drafts (plan/changes.ts): what, on
 *     which account, before → after. No price, no date. Drift reads this stage and no other.
 *  2. refuse: every problem the comparison found (a protected account removed, an offer that
 *     differs…) is thrown at once, before anything is derived.
 *  3. date (plan/dates.ts): when each change takes effect (H1-H5, P1-P3), in one pass.
 *  4. cost (plan/costs.ts, prices from plan/price-reader.ts): what each costs, from its date.
 *  5. explain (plan/reasons.ts): the reason each change gives its reader, with its rule.
 *  6. order (plan/order.ts), then the orders an earlier apply placed (plan/placed.ts), which
 *     apply pays or awaits instead of buying again.
 *  7. sum (plan/totals.ts, plan/summary.ts): the totals and the summary every renderer shows.
 * The rules (docs/RULES.md) and how each maps to a change are in docs/PLANNING.md.
 */
import { PlanRefusedError } from "./errors.js";
import { defineLazy } from "./lazy.js";
import {
  platformKey,
  type Actual,
  type ActualPlatform,
  type Change,
  type Cost,
  type Desired,
  type Offer,
  type OrderQuote,
  type Plan,
  type PlatformRef,
  type PriceBook,
  type Pricing,
} from "./model.js";
import type { Draft } from "./plan/changes.js";
import { priced } from "./plan/costs.js";
import { dated, type Timing } from "./plan/dates.js";
import { inApplyOrder } from "./plan/order.js";
import { markPlacedOrders, type JournalledOrder } from "./plan/placed.js";
import { planPlatform, type PlanSink } from "./plan/platform.js";
import { PriceReader } from "./plan/price-reader.js";
import { explained } from "./plan/reasons.js";
import { summaryOf, type CoveredPlatform } from "./plan/summary.js";
import { totalsOf } from "./plan/totals.js";
import { Warnings } from "./plan/warnings.js";
import type { QuoteRequest } from "./prices.js";

export type { QuoteRequest } from "./prices.js";
export type { JournalledOrder } from "./plan/placed.js";
export { UNKNOWN_DATE } from "./model.js";

export interface PlanContext {
  /** The clock: `created_at`, and whether a blank account's paid term has run out. */
  now: Date;
  prices: PriceBook;
  /**
   * Order quotes by `quoteKey(...)`: an order without one has an unknown cost; the quotes of ONE
   * account for `01` and `12` months give a Hosted platform's recurring prices (else the catalog's).
   */
  quotes: ReadonlyMap<string, OrderQuote>;
  /** Orders an earlier apply placed and that are not delivered yet (from the journal); absent: none. */
  placedOrders?: readonly JournalledOrder[];
  /** What to price (see Pricing); absent: `estate`. */
  pricing?: Pricing;
}

/**
 * Plans every declared platform that `actual` holds (a declared platform absent from `actual` was
 * filtered out by the caller and is not planned).
 *
 * Throws PlanRefusedError listing every problem when the plan would break a promise: an offer that
 * differs from the live one, a protected account that would be removed, an account that cannot be
 * created for lack of a licence or renewal, an address declared twice.
 */
export function plan(desired: Desired, actual: Actual, ctx: PlanContext): Plan {
  const warnings = new Warnings();
  const sink: PlanSink = { drafts: [], waiting: [], unmanaged: [], problems: [], uncreatable: [] };

  const liveByKey = new Map<string, ActualPlatform>();
  for (const platform of actual.platforms) liveByKey.set(platformKey(platform), platform);

  const covered: { live: ActualPlatform; offer: Offer }[] = [];
  const platforms: (PlatformRef & { offer: Offer })[] = [];
  for (const declared of desired.platforms) {
    const live = liveByKey.get(platformKey(declared));
    if (!live) continue;
    if (planPlatform(declared, live, { now: ctx.now, warnings }, sink)) {
      covered.push({ live, offer: declared.offer });
      platforms.push({
        organization: declared.organization,
        service: declared.service,
        offer: declared.offer,
      });
    }
  }

  if (sink.problems.length > 0) {
    throw new PlanRefusedError(sink.problems, {
      hint: "correct the manifest (or the live platform) as each line says, then plan again; nothing was changed",
    });
  }

  const prices = new PriceReader(ctx.prices, warnings, ctx.quotes);
  const settled = explained(priced(dated(sink.drafts, warnings), prices, ctx.quotes)).map(
    ({ draft, timing, cost, reason }) => changeOf(draft, timing, cost, reason),
  );

  const changes = markPlacedOrders(inApplyOrder(settled), ctx.placedOrders ?? []);
  const totals = totalsOf(changes, covered, prices, warnings, ctx.pricing ?? "estate");
  const summary = summaryOf(
    changes,
    totals,
    covered.map(({ live }) => coveredOf(live, desired)),
  );
  const result: Plan = {
    format_version: "1",
    created_at: ctx.now.toISOString(),
    manifest_digest: "",
    fingerprint: {},
    platforms,
    changes,
    waiting: sink.waiting,
    unmanaged: sink.unmanaged,
    warnings: warnings.all(),
    totals,
    summary,
  };
  // Both digests cost a pass over every account; only plan files, apply and JSON output read them.
  defineLazy(result, "manifest_digest", () => desired.digest);
  return defineLazy(result, "fingerprint", () => actual.fingerprint);
}

/** A draft with what the passes derived for it: the change as the plan holds it. */
function changeOf(draft: Draft, timing: Timing, cost: Cost, reason: string): Change {
  const derived = { effective: timing.effective, cost, reason };
  return draft.action === "configure"
    ? { ...draft.change, ...derived, renewalEffective: timing.renewalEffective }
    : { ...draft.change, ...derived };
}

/** The addresses a pruning platform keeps (null when it does not prune: it keeps what it does not name). */
function coveredOf(live: ActualPlatform, desired: Desired): CoveredPlatform {
  const declared = desired.platforms.find((p) => platformKey(p) === platformKey(live));
  if (!declared || !declared.prune) return { live, kept: null };
  return {
    live,
    kept: new Set(declared.accounts.filter((a) => a.state === "present").map((a) => a.email)),
  };
}

/**
 * The order quotes the caller must read before planning again: one per planned order that has no
 * quote yet (its cost is unknown). An order planned with its quote is not asked for again.
 */
export function quotesNeeded(plan: Plan): QuoteRequest[] {
  const requests: QuoteRequest[] = [];
  for (const change of plan.changes) {
    // A placed order is not bought again: its price is not asked for (the remainder's is unknown).
    if (change.action !== "order" || change.cost.kind === "one-time" || change.placed) continue;
    requests.push({
      organization: change.platform.organization,
      service: change.platform.service,
      license: change.license,
      duration: change.duration,
      quantity: change.quantity,
      ...(change.storageQuota === undefined ? {} : { storageQuota: change.storageQuota }),
    });
  }
  return requests;
}
