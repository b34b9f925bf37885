/**
 * Prices, from the two places OVHcloud gives them:
 *  - the public catalog (`GET /order/catalog/public/exchange`), read into a PriceBook of monthly
 *    run rates per offer, licence and renewal;
 *  - the order quote (`GET /order/email/exchange/{org}/service/{svc}/account/{duration}`), the
 *    verified price of one order, read into an OrderQuote.
 *
 * Nothing here guesses: a price the catalog does not give stays out of the book, and the planner
 * then shows the cost as unknown with the reason.
 */
import { PriceDataError } from "./errors.js";
import {
  durationOf,
  platformKey,
  priceKey,
  quoteKey,
  type AccountFields,
  type Actual,
  type Desired,
  type License,
  type Money,
  type Offer,
  type OrderDuration,
  type OrderQuote,
  type Plan,
  type PlatformRef,
  type PriceBook,
  type Pricing,
  type Renewal,
  type StorageQuota,
} from "./model.js";
import type { ApiCatalog, ApiCatalogPlan, ApiOrder, ApiPrice, ExchangeApi } from "./ports.js";

/** What the planner asks to be quoted: one order of `quantity` accounts of a licence and duration. */
export interface QuoteRequest {
  organization: string;
  service: string;
  license: License;
  duration: OrderDuration;
  quantity: number;
  /** Absent: not sent (OVHcloud's default). */
  storageQuota?: StorageQuota;
}

const CATALOG_CALL = "GET /order/catalog/public/exchange";

/**
 * The quotes that give the recurring prices of a plan's Hosted platforms: for each one, ONE account
 * of each licence it holds or is given, for `01` (monthly) and `12` (yearly) months as its accounts
 * renew. An order quote is a GET that buys nothing; these are read once per run, sorted so that the
 * requests go out in the same order every time. Keys already in `have` are left out. Priced for its
 * `changes` only, a plan needs none for a platform it does not change: a change's cost depends on
 * its own platform's prices alone, so those of a changed platform are the same set either way.
 */
export function recurringQuoteRequests(
  plan: Plan,
  actual: Actual,
  have: ReadonlySet<string> = new Set(),
  pricing: Pricing = "estate",
): QuoteRequest[] {
  const live = new Map(actual.platforms.map((p) => [platformKey(p), p]));
  const changed =
    pricing === "changes" ? new Set(plan.changes.map((change) => platformKey(change.platform))) : null;
  const requests = new Map<string, QuoteRequest>();
  for (const ref of plan.platforms) {
    if (ref.offer !== "hosted") continue;
    const key = platformKey(ref);
    if (changed !== null && !changed.has(key)) continue;
    const licenses = new Set<License>();
    const renewals = new Set<Renewal>();
    for (const account of live.get(key)?.accounts ?? []) {
      licenses.add(account.license);
      if (account.renewal !== null) renewals.add(account.renewal);
    }
    for (const change of plan.changes) {
      if (platformKey(change.platform) !== key) continue;
      if (change.action === "order") {
        licenses.add(change.license);
        renewals.add(change.renewal);
      }
      // Every field a change leads to, whichever its action.
      const after: AccountFields = change.after;
      if (after.license) licenses.add(after.license);
      if (after.renewal) renewals.add(after.renewal);
    }
    addOneAccountQuotes(requests, ref, licenses, renewals, have);
  }
  return [...requests.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/**
 * The recurring-price quotes the manifest alone calls for, known before anything is read: for each
 * declared Hosted platform, ONE account of each licence its declared accounts name, for each renewal
 * they name. Every one of them is among `recurringQuoteRequests` of the plan (a declared licence or
 * renewal is either the live one or the one a change gives), so reading them while the platforms are
 * refreshed asks for nothing the plan would not ask for; what the live accounts add (a licence no
 * declared account names) is read after the plan, as before.
 */
export function declaredRecurringQuoteRequests(desired: Desired): QuoteRequest[] {
  const requests = new Map<string, QuoteRequest>();
  for (const platform of desired.platforms) {
    if (platform.offer !== "hosted") continue;
    const licenses = new Set<License>();
    const renewals = new Set<Renewal>();
    for (const account of platform.accounts) {
      if (account.state !== "present") continue;
      if (account.license) licenses.add(account.license);
      if (account.renewal) renewals.add(account.renewal);
    }
    addOneAccountQuotes(requests, platform, licenses, renewals);
  }
  return [...requests.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** Adds to `requests` the quote of ONE account of each licence for each renewal, unless its key is in `have`. */
function addOneAccountQuotes(
  requests: Map<string, QuoteRequest>,
  platform: PlatformRef,
  licenses: ReadonlySet<License>,
  renewals: ReadonlySet<Renewal>,
  have: ReadonlySet<string> = new Set(),
): void {
  for (const license of licenses) {
    for (const renewal of renewals) {
      const request: QuoteRequest = {
        organization: platform.organization,
        service: platform.service,
        license,
        duration: durationOf(renewal),
        quantity: 1,
      };
      const key = quoteKey(request);
      if (!have.has(key)) requests.set(key, request);
    }
  }
}

/** Quotes read, by `quoteKey`, and the ones that could not be read, with why. */
export interface QuoteReads {
  quotes: Map<string, OrderQuote>;
  failures: Map<string, Error>;
}

/** Quote reads a call keeps started at once: the HTTP client caps what is really in flight. */
const QUOTES_STARTED_AT_ONCE = 32;

/**
 * Reads order quotes, several at once. Never rejects: a quote that cannot be read, or whose answer
 * holds no exact price, is put in `failures`, and the caller decides what that means (an order's
 * price is required, a recurring one is not). Once `signal` is aborted no further quote is asked
 * for (those not asked are in neither map): a caller that gave up waits only for those in flight.
 */
export async function readQuotes(
  api: ExchangeApi,
  requests: readonly QuoteRequest[],
  options: { signal?: AbortSignal } = {},
): Promise<QuoteReads> {
  const reads: QuoteReads = { quotes: new Map(), failures: new Map() };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!options.signal?.aborted) {
      const request = requests[next++];
      if (request === undefined) break;
      const key = quoteKey(request);
      try {
        reads.quotes.set(key, await readQuote(api, request));
      } catch (error) {
        reads.failures.set(key, error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUOTES_STARTED_AT_ONCE, requests.length) }, worker));
  return reads;
}

/**
 * The plan codes exrec reads, `exchange-{hosted|private}-{licence}`. UNVERIFIED: OVHcloud does not
 * document the plan codes of Exchange accounts. Any other code is ignored, so if the real codes
 * differ every price is simply unknown (and the plan says so) rather than wrong.
 */
const PLAN_CODE = /^exchange-(hosted|private)-(basic|standard|enterprise)$/;

/** Months in the pricing interval → the renewal period it prices. */
const RENEWAL_OF_INTERVAL: ReadonlyMap<number, { renewal: Renewal; months: number }> = new Map([
  [1, { renewal: "monthly", months: 1 }],
  [12, { renewal: "yearly", months: 12 }],
]);

/** The plan codes exrec recognises, for documentation and messages. */
export function planCodeOf(offer: Offer, license: License): string {
  return `exchange-${offer}-${license}`;
}

/**
 * Reads the public catalog into monthly-equivalent prices per account.
 *
 * A pricing counts when its `intervalUnit` is `month`, its `interval` is 1 (monthly renewal) or 12
 * (yearly renewal), its `price` is a non-negative integer of micro-cents, and, when it lists
 * capacities, one of them is `renew` (an installation fee is not a run rate). A yearly price is
 * turned into its monthly equivalent: price / 12, rounded to the nearest micro-cent (halves up),
 * so that every sum stays an exact integer. The error of that rounding is below one micro-cent a
 * month.
 *
 * When two counting pricings of one plan disagree (different modes or commitments the catalog
 * does not explain), the price is ambiguous and left out: exrec shows it as unknown rather than
 * pick one.
 *
 * Throws a PriceDataError when the answer is not a catalog at all (no `locale.currencyCode`, no
 * `plans` list); the caller then uses unknownPriceBook.
 */
export function priceBookFromCatalog(catalog: ApiCatalog): PriceBook {
  const shape = catalog as unknown as {
    locale?: { currencyCode?: unknown };
    plans?: unknown;
    addons?: unknown;
  };
  if (typeof shape !== "object" || shape === null)
    throw new PriceDataError(CATALOG_CALL, "the answer is not an object");
  const currency = shape.locale?.currencyCode;
  if (typeof currency !== "string" || currency.length === 0) {
    throw new PriceDataError(CATALOG_CALL, "locale.currencyCode is missing");
  }
  if (!Array.isArray(shape.plans)) throw new PriceDataError(CATALOG_CALL, "plans is not a list");
  const addons = Array.isArray(shape.addons) ? (shape.addons as ApiCatalogPlan[]) : [];

  // Exchange accounts may be listed as plans or as add-ons of a platform plan (unverified): read both.
  const candidates = new Map<string, Set<number>>();
  for (const plan of [...(shape.plans as ApiCatalogPlan[]), ...addons]) {
    const match = typeof plan?.planCode === "string" ? PLAN_CODE.exec(plan.planCode) : null;
    if (!match || !Array.isArray(plan.pricings)) continue;
    const offer = match[1] as Offer;
    const license = match[2] as License;
    for (const pricing of plan.pricings) {
      const counted = monthlyEquivalent(pricing);
      if (!counted) continue;
      const key = priceKey(offer, license, counted.renewal);
      let prices = candidates.get(key);
      if (!prices) candidates.set(key, (prices = new Set()));
      prices.add(counted.ucents);
    }
  }

  const monthly: Record<string, number> = {};
  for (const [key, prices] of [...candidates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [only, ...others] = prices;
    if (only !== undefined && others.length === 0) monthly[key] = only;
  }
  return { currency, monthly };
}

function monthlyEquivalent(pricing: unknown): { renewal: Renewal; ucents: number } | null {
  if (typeof pricing !== "object" || pricing === null) return null;
  const p = pricing as { intervalUnit?: unknown; interval?: unknown; price?: unknown; capacities?: unknown };
  if (p.intervalUnit !== "month" || typeof p.interval !== "number") return null;
  const period = RENEWAL_OF_INTERVAL.get(p.interval);
  if (!period) return null;
  if (typeof p.price !== "number" || !Number.isSafeInteger(p.price) || p.price < 0) return null;
  if (Array.isArray(p.capacities) && p.capacities.length > 0 && !p.capacities.includes("renew")) return null;
  return { renewal: period.renewal, ucents: Math.round(p.price / period.months) };
}

/** A PriceBook in which every price is unknown, for when the catalog could not be read. */
export function unknownPriceBook(reason: string): PriceBook {
  return { currency: null, monthly: {}, unavailableReason: reason };
}

/** The order quote of one request (a GET that buys nothing), storage quota included. */
export async function readQuote(api: ExchangeApi, request: QuoteRequest): Promise<OrderQuote> {
  const order = await api.quoteOrder(
    request.organization,
    request.service,
    request.duration,
    request.license,
    request.quantity,
    request.storageQuota,
  );
  return quoteFromApiOrder(request, order);
}

/**
 * Reads an order quote (`order.Order`, nothing bought) into the verified price of that order.
 * Throws a PriceDataError naming the call when the answer has no exact price: an order is never
 * shown with a price exrec could not read.
 */
export function quoteFromApiOrder(request: QuoteRequest, apiOrder: ApiOrder): OrderQuote {
  const call =
    `GET /order/email/exchange/${request.organization}/service/${request.service}/account/${request.duration}` +
    `?licence=${request.license}&number=${request.quantity}` +
    (request.storageQuota === undefined ? "" : `&storageQuota=${request.storageQuota}`);
  const prices = (apiOrder as unknown as { prices?: Record<string, unknown> } | null)?.prices;
  if (typeof prices !== "object" || prices === null)
    throw new PriceDataError(call, "the quote has no prices");
  return {
    platform: { organization: request.organization, service: request.service },
    license: request.license,
    duration: request.duration,
    quantity: request.quantity,
    ...(request.storageQuota === undefined ? {} : { storageQuota: request.storageQuota }),
    withoutTax: moneyOf(call, "withoutTax", prices.withoutTax),
    withTax: moneyOf(call, "withTax", prices.withTax),
  };
}

function moneyOf(call: string, field: string, price: unknown): Money {
  if (typeof price !== "object" || price === null)
    throw new PriceDataError(call, `prices.${field} is missing`);
  const { currencyCode } = price as { currencyCode?: unknown };
  if (typeof currencyCode !== "string" || currencyCode.length === 0) {
    throw new PriceDataError(call, `prices.${field}.currencyCode is missing`);
  }
  const money = moneyOfPrice(price as ApiPrice);
  if (money === null) {
    throw new PriceDataError(
      call,
      `prices.${field} has neither an integer priceInUcents nor a numeric value`,
    );
  }
  return money;
}

/** Micro-cents in one currency unit (`priceInUcents` = `value` × 10⁸). */
const UCENTS_PER_UNIT = 100_000_000;

/**
 * The amount of an `order.Price`: its `priceInUcents` when it is an integer, otherwise its `value`
 * (currency units; the schema lets `priceInUcents` be null) turned into micro-cents, rounded to
 * the nearest one. null when the price gives neither: the amount is unknown.
 */
export function moneyOfPrice(price: ApiPrice | null | undefined): Money | null {
  if (!price || typeof price.currencyCode !== "string" || price.currencyCode === "") return null;
  const { priceInUcents, value } = price;
  if (typeof priceInUcents === "number" && Number.isSafeInteger(priceInUcents)) {
    return { ucents: priceInUcents, currency: price.currencyCode };
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    const ucents = Math.round(value * UCENTS_PER_UNIT);
    if (Number.isSafeInteger(ucents)) return { ucents, currency: price.currencyCode };
  }
  return null;
}
