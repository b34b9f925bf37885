/**
 * The steps `plan`, `apply` and `drift` share: read the live state of the declared platforms,
 * check it against the manifest, read prices, and plan.
 */
import { checkAgainstLive } from "../load/live-checks.js";
import { formatProblem } from "../load/index.js";
import {
  orderQuoteKey,
  quoteKey,
  type Actual,
  type Desired,
  type OrderQuote,
  type Plan,
  type PriceBook,
  type Pricing,
} from "../model.js";
import type { JournalledOrder } from "../plan.js";
import type { Backend, ExchangeApi } from "../ports.js";
import {
  priceBookFromCatalog,
  readQuotes,
  recurringQuoteRequests,
  unknownPriceBook,
  type QuoteReads,
  type QuoteRequest,
} from "../prices.js";
import { refresh, type ReadMode } from "../refresh.js";
import { ExrecError } from "../errors.js";
import { defineLazy } from "../lazy.js";
import type { CliOutput } from "./io.js";
import { Progress } from "./progress.js";
import { selects, type Selection } from "./select.js";

export class LiveCheckError extends ExrecError {
  readonly code = "EXREC_LIVE_CHECK";
}

export interface LiveState {
  desired: Desired;
  actual: Actual;
  readModes: Record<string, ReadMode>;
}

/** The declared platforms that the selection keeps (an empty result is a usage error). */
export function selectedDesired(desired: Desired, selection: Selection): Desired {
  const platforms = desired.platforms.filter((p) => selects(selection, p));
  // The digest stays the whole manifest's, and is computed only if something reads it.
  const selected = { platforms, files: desired.files } as unknown as Desired;
  return defineLazy(selected, "digest", () => desired.digest);
}

export async function readLive(
  api: ExchangeApi,
  desired: Desired,
  options: { progress: boolean; stream?: CliOutput },
): Promise<LiveState> {
  const progress = new Progress(options.progress ? options.stream : undefined, "refresh");
  const { actual, readModes } = await refresh(api, desired.platforms, {
    onProgress: (e) => progress.update(e.platform, e.done, e.total),
  });
  progress.done();
  const problems = checkAgainstLive(desired, actual);
  if (problems.length > 0) {
    throw new LiveCheckError(
      `the manifest does not match the live platforms; nothing was planned:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }
  return { desired, actual, readModes };
}

/**
 * The catalog's prices of an OVHcloud subsidiary (FR, GB…); when it cannot be read, every price is
 * unknown (and the plan says why).
 */
export async function readPrices(api: ExchangeApi, subsidiary = "FR"): Promise<PriceBook> {
  try {
    return priceBookFromCatalog(await api.catalog(subsidiary));
  } catch (error) {
    return unknownPriceBook(
      `the price catalog could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The planner's modules, loaded on first use: a command that starts this as soon as its reads are
 * out has them loaded while it waits for the answers, not after.
 */
export function loadPlanner(): Promise<typeof import("../plan.js")> {
  return import("../plan.js");
}

/**
 * Plans with the order quotes the plan needs: its orders' prices, and the quotes of one account that
 * give each Hosted platform's recurring prices.
 *
 * `early`: quotes already read (or failed) while the platforms were refreshed, from what the
 * manifest alone calls for (`declaredRecurringQuoteRequests`). The plan is made with them; only
 * the quotes it still needs are read, and it is made again only then. The quotes the plan is
 * finally made with are exactly those it needs, whether read early or late, so the plan is the same
 * as without `early`, in fewer dependent rounds of requests.
 *
 * An order's quote that cannot be read fails the plan (an order is never shown with a price exrec
 * could not read). A recurring-price quote that cannot be read leaves that price to the catalog,
 * and `note` says so; the JSON plan names the source of every recurring cost.
 *
 * `pricing`: `changes` leaves the run rate out and reads no quote for a platform without a change
 * (see Pricing): an empty plan reads none.
 */
export async function planWithQuotes(
  api: ExchangeApi,
  live: LiveState,
  now: Date,
  prices: PriceBook,
  note: (line: string) => void = () => {},
  placedOrders: readonly JournalledOrder[] = [],
  early: QuoteReads = { quotes: new Map(), failures: new Map() },
  pricing: Pricing = "estate",
): Promise<Plan> {
  const { plan: makePlan, quotesNeeded } = await loadPlanner();
  const planWith = (quotes: ReadonlyMap<string, OrderQuote>) =>
    makePlan(live.desired, live.actual, { now, prices, quotes, placedOrders, pricing });
  const first = planWith(early.quotes);
  const orderKeys = new Set(orderQuoteKeys(first));
  const recurring = recurringQuoteRequests(first, live.actual, orderKeys, pricing);
  // Orders without a quote yet (an early quote of one account may already be an order's), and the
  // recurring quotes neither read nor tried early.
  const orders = quotesNeeded(first);
  const known = (request: QuoteRequest) =>
    early.quotes.has(quoteKey(request)) || early.failures.has(quoteKey(request));
  const late = await readQuotes(api, [...orders, ...recurring.filter((r) => !known(r))]);
  for (const request of orders) {
    const failure = late.failures.get(quoteKey(request));
    if (failure !== undefined) throw failure;
  }
  const unread: string[] = [];
  for (const request of recurring) {
    const key = quoteKey(request);
    const failure = late.failures.get(key) ?? early.failures.get(key);
    if (failure === undefined || late.quotes.has(key)) continue;
    unread.push(
      `note: the order quote of 1 ${request.license} account for ${request.duration} month(s) on ` +
        `${request.organization}/${request.service} could not be read (${failure.message}); ` +
        "its recurring price comes from the catalog",
    );
  }
  for (const line of unread.sort()) note(line);

  const needed = new Set([...orderKeys, ...recurring.map((r) => quoteKey(r))]);
  const quotes = new Map<string, OrderQuote>();
  for (const source of [early.quotes, late.quotes])
    for (const [key, quote] of source) if (needed.has(key)) quotes.set(key, quote);
  // Nothing read late, and every early quote used: the first plan is the plan.
  if (late.quotes.size === 0 && quotes.size === early.quotes.size) return first;
  return planWith(quotes);
}

/** The quote keys of the plan's orders that are not placed yet, priced or not (see quotesNeeded). */
function orderQuoteKeys(plan: Plan): string[] {
  const keys: string[] = [];
  for (const change of plan.changes) {
    if (change.action !== "order" || change.placed) continue;
    keys.push(orderQuoteKey(change));
  }
  return keys;
}

/**
 * The orders an earlier apply placed on these platforms and that are not delivered yet: the journal's
 * open order entries that name an order id, with the status OVHcloud gives each now. Read-only: no
 * lock is taken and nothing is written. A cancelled order is left out (apply orders anew), as is a
 * delivered one (its blank accounts are planned as reuses).
 */
export async function readPlacedOrders(
  api: ExchangeApi,
  backend: Backend,
  platforms: readonly string[],
): Promise<JournalledOrder[]> {
  // The backend checked each entry's shape as it read it (an order's quantity is at least 1).
  const entries = (await backend.journalOpenEntries([...platforms])).flatMap((e) =>
    e.action === "order" && e.detail.orderId !== undefined && e.detail.delivered !== true
      ? [{ entry: e, orderId: e.detail.orderId }]
      : [],
  );
  const placed = await Promise.all(
    entries.map(async ({ entry: e, orderId }): Promise<JournalledOrder | null> => {
      // A status that cannot be read does not stop the plan: apply reads it again before acting.
      const status = await api.orderStatus(orderId).catch((): "unknown" => "unknown");
      if (status === "cancelled" || status === "cancelling" || status === "delivered") return null;
      return {
        platform: e.platform,
        changeId: e.changeId,
        orderId,
        quantity: e.detail.quantity,
        status,
      };
    }),
  );
  return placed.filter((p): p is JournalledOrder => p !== null);
}
