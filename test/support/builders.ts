/**
 * In-memory builders for the engine's types (Desired, Actual, prices, quotes), for tests of the
 * planner, the renderers and anything else that needs a plan without the API.
 *
 * Every builder gives a complete, valid value with plain defaults; a test states only what matters
 * to it. Prices here are TEST VALUES, round numbers chosen to make sums easy to check: they are not
 * OVHcloud's prices.
 */
import {
  toAddress,
  platformKey,
  priceKey,
  quoteKey,
  PLACEHOLDER_DOMAIN,
  type AbsentAccount,
  type Actual,
  type ActualAccount,
  type ActualPlatform,
  type ApiOffer,
  type Desired,
  type DesiredAccount,
  type DesiredPlatform,
  type License,
  type OrderDuration,
  type OrderQuote,
  type PlatformRef,
  type PresentAccount,
  type PriceBook,
  type RemovalMode,
  type Renewal,
} from "../../reconciler/model.js";

/** The clock tests plan with. */
export const NOW = new Date("2026-11-15T10:00:00Z");

/** An expiry in the future of NOW, in a non-UTC offset (its calendar date is 2027-03-31). */
export const EXPIRY = "2027-03-31T00:00:00+02:00";

export const HOSTED_REF: PlatformRef = { organization: "hosted-acme-1", service: "hosted-acme-1" };
export const PRIVATE_REF: PlatformRef = { organization: "private-acme-1", service: "exchange.acme.example" };

/** One currency unit in micro-cents. */
export const UNIT = 100_000_000;

// ---------------------------------------------------------------------------------------------
// Desired
// ---------------------------------------------------------------------------------------------

let line = 0;
function nextSource(): { file: string; line: number; col: number } {
  line += 1;
  return { file: "exrec.yaml", line, col: 7 };
}

/** A declared present account. Fields left out are not managed (undefined), protect is false. */
export function present(
  email: string,
  fields: { license?: License; renewal?: Renewal; displayName?: string; protect?: boolean } = {},
): PresentAccount {
  const account: PresentAccount = {
    email: toAddress(email),
    state: "present",
    protect: fields.protect ?? false,
    source: nextSource(),
  };
  if (fields.license !== undefined) account.license = fields.license;
  if (fields.renewal !== undefined) account.renewal = fields.renewal;
  if (fields.displayName !== undefined) account.displayName = fields.displayName;
  return account;
}

/** A declared absent account. */
export function absent(email: string): AbsentAccount {
  return { email: toAddress(email), state: "absent", source: nextSource() };
}

/** A declared Hosted platform (defaults: HOSTED_REF, no prune, removal `expire`, no accounts). */
export function hostedPlatform(
  options: Partial<PlatformRef> & {
    prune?: boolean;
    removal?: RemovalMode;
    accounts?: DesiredAccount[];
  } = {},
): DesiredPlatform {
  return {
    organization: options.organization ?? HOSTED_REF.organization,
    service: options.service ?? HOSTED_REF.service,
    offer: "hosted",
    removal: options.removal ?? "expire",
    prune: options.prune ?? false,
    accounts: options.accounts ?? [],
    source: nextSource(),
  };
}

/** A declared Private platform (defaults: PRIVATE_REF, no prune, no accounts). */
export function privatePlatform(
  options: Partial<PlatformRef> & { prune?: boolean; accounts?: DesiredAccount[] } = {},
): DesiredPlatform {
  return {
    organization: options.organization ?? PRIVATE_REF.organization,
    service: options.service ?? PRIVATE_REF.service,
    offer: "private",
    prune: options.prune ?? false,
    accounts: options.accounts ?? [],
    source: nextSource(),
  };
}

export function desiredOf(...platforms: DesiredPlatform[]): Desired {
  return { platforms, digest: "sha256:test-manifest", files: ["exrec.yaml"] };
}

// ---------------------------------------------------------------------------------------------
// Actual
// ---------------------------------------------------------------------------------------------

/**
 * A live, configured account in state `ok` (defaults: standard, yearly, not terminating, expiring
 * on EXPIRY, no display name, no task). Its domain is taken from its address.
 */
export function liveAccount(
  email: string,
  fields: Partial<Omit<ActualAccount, "email">> = {},
): ActualAccount {
  const address = toAddress(email);
  return {
    email: address,
    domain: address.slice(address.lastIndexOf("@") + 1),
    license: "standard",
    renewal: "yearly",
    deleteAtExpiration: false,
    expirationDate: EXPIRY,
    displayName: null,
    configured: true,
    state: "ok",
    taskPendingId: null,
    ...fields,
  };
}

/** A live account on a Private platform: the API gives no renewal period or termination there. */
export function livePrivateAccount(
  email: string,
  fields: Partial<Omit<ActualAccount, "email">> = {},
): ActualAccount {
  return liveAccount(email, { renewal: null, deleteAtExpiration: null, ...fields });
}

/**
 * A blank Hosted account on configureme.me, as an order delivers it: paid (expiring on EXPIRY),
 * not configured, in state `ok` (defaults: standard, yearly).
 */
export function blankAccount(
  login: string,
  fields: Partial<Omit<ActualAccount, "email" | "domain">> = {},
): ActualAccount {
  return liveAccount(`${login}@${PLACEHOLDER_DOMAIN}`, { configured: false, ...fields });
}

/** The live side of a Hosted platform (defaults: HOSTED_REF, API offer `hosted`, state ok). */
export function liveHosted(
  accounts: ActualAccount[] = [],
  options: Partial<PlatformRef> & { apiOffer?: ApiOffer; state?: ActualPlatform["state"] } = {},
): ActualPlatform {
  return livePlatform(accounts, { ...HOSTED_REF, apiOffer: "hosted", ...options });
}

/** The live side of a Private platform (defaults: PRIVATE_REF, API offer `dedicated`, state ok). */
export function livePrivate(
  accounts: ActualAccount[] = [],
  options: Partial<PlatformRef> & { apiOffer?: ApiOffer; state?: ActualPlatform["state"] } = {},
): ActualPlatform {
  return livePlatform(accounts, { ...PRIVATE_REF, apiOffer: "dedicated", ...options });
}

function livePlatform(
  accounts: ActualAccount[],
  options: PlatformRef & { apiOffer: ApiOffer; state?: ActualPlatform["state"] },
): ActualPlatform {
  const offer = options.apiOffer === "hosted" || options.apiOffer === "provider" ? "hosted" : "private";
  const domains = [...new Set(accounts.map((a) => a.domain).filter((d) => d !== PLACEHOLDER_DOMAIN))].sort();
  return {
    organization: options.organization,
    service: options.service,
    apiOffer: options.apiOffer,
    offer,
    state: options.state ?? "ok",
    domains,
    accounts,
  };
}

/** The live state of these platforms, with a fingerprint entry per platform and per account. */
export function actualOf(...platforms: ActualPlatform[]): Actual {
  const fingerprint: Record<string, string> = {};
  for (const platform of platforms) {
    const key = platformKey(platform);
    fingerprint[key] = `test:${key}`;
    for (const account of platform.accounts) fingerprint[`${key}/${account.email}`] = `test:${account.state}`;
  }
  return { platforms, fingerprint };
}

// ---------------------------------------------------------------------------------------------
// Prices (TEST VALUES, not OVHcloud's)
// ---------------------------------------------------------------------------------------------

/** Monthly-equivalent test prices in whole currency units: offer → licence → renewal → units. */
export const SAMPLE_MONTHLY_UNITS = {
  hosted: {
    basic: { monthly: 2, yearly: 1 },
    standard: { monthly: 4, yearly: 3 },
    enterprise: { monthly: 8, yearly: 6 },
  },
  private: {
    basic: { monthly: 5 },
    standard: { monthly: 7 },
    enterprise: { monthly: 11 },
  },
} as const;

/** A complete PriceBook in EUR with the SAMPLE_MONTHLY_UNITS test prices. */
export function samplePrices(): PriceBook {
  const monthly: Record<string, number> = {};
  for (const [license, byRenewal] of Object.entries(SAMPLE_MONTHLY_UNITS.hosted)) {
    for (const [renewal, units] of Object.entries(byRenewal)) {
      monthly[priceKey("hosted", license as License, renewal as Renewal)] = units * UNIT;
    }
  }
  for (const [license, { monthly: units }] of Object.entries(SAMPLE_MONTHLY_UNITS.private)) {
    monthly[priceKey("private", license as License, "monthly")] = units * UNIT;
  }
  return { currency: "EUR", monthly };
}

/** A test order quote (`withTax` = `withoutTax` × 1.2), keyed as the planner looks it up. */
export function sampleQuote(
  request: {
    license: License;
    duration: OrderDuration;
    quantity: number;
    unitsWithoutTax: number;
  } & Partial<PlatformRef>,
): [string, OrderQuote] {
  const platform = {
    organization: request.organization ?? HOSTED_REF.organization,
    service: request.service ?? HOSTED_REF.service,
  };
  const withoutTax = request.unitsWithoutTax * UNIT;
  const quote: OrderQuote = {
    platform,
    license: request.license,
    duration: request.duration,
    quantity: request.quantity,
    withoutTax: { ucents: withoutTax, currency: "EUR" },
    withTax: { ucents: Math.round(withoutTax * 1.2), currency: "EUR" },
  };
  return [
    quoteKey({
      ...platform,
      license: request.license,
      duration: request.duration,
      quantity: request.quantity,
    }),
    quote,
  ];
}

/** Money in EUR from whole units (negative for a saving). */
export function eur(units: number): { ucents: number; currency: string } {
  return { ucents: Math.round(units * UNIT), currency: "EUR" };
}
