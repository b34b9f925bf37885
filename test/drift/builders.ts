/**
 * In-memory builders for drift tests: a desired and an actual side, prices, history and journal,
 * each with defaults that agree with each other, so that a test states only what it is about.
 */
import type { DriftContext } from "../../reconciler/drift.js";
import {
  toAddress,
  offerOf,
  type AbsentAccount,
  type Actual,
  type ActualAccount,
  type ActualPlatform,
  type ApiOffer,
  type Desired,
  type DesiredPlatform,
  type PresentAccount,
  type PriceBook,
  type RemovalMode,
} from "../../reconciler/model.js";
import type {
  HistoryEntry,
  JournalEntry,
  JournalEntryOf,
  OrderJournalDetail,
} from "../../reconciler/ports.js";

export const NOW = new Date("2026-05-10T12:00:00.000Z");
export const ORG = "hosted-ab12345-1";
export const SVC = "hosted-ab12345-1";
export const PLATFORM = `${ORG}/${SVC}`;

const source = { file: "exchange.yaml", line: 1, col: 1 };

/** A live account that matches `present(email)` with no fields declared: ok, configured, not terminating. */
export function live(email: string, fields: Partial<ActualAccount> = {}): ActualAccount {
  return {
    email: toAddress(email),
    domain: email.split("@")[1] ?? "acme.example",
    license: "standard",
    renewal: "yearly",
    deleteAtExpiration: false,
    expirationDate: "2026-09-30T00:00:00+02:00",
    displayName: null,
    configured: true,
    state: "ok",
    taskPendingId: null,
    ...fields,
  };
}

export function blank(id: number, fields: Partial<ActualAccount> = {}): ActualAccount {
  return live(`blank${id}@configureme.me`, { domain: "configureme.me", configured: false, ...fields });
}

export function present(
  email: string,
  fields: Partial<Omit<PresentAccount, "email" | "state">> = {},
): PresentAccount {
  return { email: toAddress(email), state: "present", protect: false, source, ...fields };
}

export function absent(email: string): AbsentAccount {
  return { email: toAddress(email), state: "absent", source };
}

export function hosted(
  accounts: DesiredPlatform["accounts"],
  options: { prune?: boolean; removal?: RemovalMode; organization?: string; service?: string } = {},
): DesiredPlatform {
  return {
    organization: options.organization ?? ORG,
    service: options.service ?? SVC,
    source,
    prune: options.prune ?? false,
    accounts,
    offer: "hosted",
    removal: options.removal ?? "expire",
  };
}

export function privatePlatform(
  accounts: DesiredPlatform["accounts"],
  options: { prune?: boolean; organization?: string; service?: string } = {},
): DesiredPlatform {
  return {
    organization: options.organization ?? ORG,
    service: options.service ?? SVC,
    source,
    prune: options.prune ?? false,
    accounts,
    offer: "private",
  };
}

export function livePlatform(
  accounts: ActualAccount[],
  options: { apiOffer?: ApiOffer; organization?: string; service?: string } = {},
): ActualPlatform {
  const apiOffer = options.apiOffer ?? "hosted";
  return {
    organization: options.organization ?? ORG,
    service: options.service ?? SVC,
    apiOffer,
    offer: offerOf(apiOffer),
    state: "ok",
    domains: ["acme.example"],
    accounts,
  };
}

export function desired(...platforms: DesiredPlatform[]): Desired {
  return { platforms, digest: "sha256:0f3c9a", files: ["exchange.yaml"] };
}

export function actual(...platforms: ActualPlatform[]): Actual {
  return { platforms, fingerprint: {} };
}

/** Catalog prices, monthly-equivalent per account, in ucents (1 EUR = 100,000,000). */
export const PRICES: PriceBook = {
  currency: "EUR",
  monthly: {
    "hosted/basic/monthly": 100_000_000,
    "hosted/standard/monthly": 400_000_000,
    "hosted/standard/yearly": 350_000_000,
    "private/standard/monthly": 300_000_000,
  },
};

export function context(overrides: Partial<DriftContext> = {}): DriftContext {
  return { now: NOW, prices: PRICES, history: [], journal: [], ignore: [], ...overrides };
}

export function renewed(address: string, fields: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    at: "2026-04-02T08:00:00.000Z",
    who: "ci",
    commit: "4e1d2c0",
    platform: PLATFORM,
    changeId: `${PLATFORM}/${address}/renew`,
    action: "renew",
    addresses: [toAddress(address)],
    result: "done",
    message: null,
    orderId: null,
    amount: null,
    effective: "2026-09-30",
    renewal: "yearly",
    ...fields,
  };
}

/** An open order of the journal, placed (its id known) for new@acme.example. */
export function journalEntry(
  fields: Partial<Omit<JournalEntryOf<"order">, "detail">> & { detail?: Partial<OrderJournalDetail> } = {},
): JournalEntry {
  const { detail, ...rest } = fields;
  return {
    id: "j-1",
    platform: PLATFORM,
    changeId: `${PLATFORM}/order/standard/12`,
    action: "order",
    startedAt: "2026-05-10T11:50:00.000Z",
    status: "open",
    updatedAt: "2026-05-10T11:50:00.000Z",
    ...rest,
    detail: {
      license: "standard",
      duration: "12",
      quantity: 1,
      addresses: [toAddress("new@acme.example")],
      amount: null,
      orderId: 4242,
      ...detail,
    },
  };
}

/** An open journal entry about one account: a blank given this address, its password not set yet. */
export function accountOperation(address: string): JournalEntry {
  return {
    id: `j-${address}`,
    platform: PLATFORM,
    changeId: `${PLATFORM}/${address}/configure`,
    action: "set-password",
    detail: { address: toAddress(address), placeholder: toAddress("blank-1@configureme.me") },
    startedAt: "2026-05-10T11:50:00.000Z",
    status: "open",
    updatedAt: "2026-05-10T11:50:00.000Z",
  };
}
