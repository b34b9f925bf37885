/**
 * Reads the live state of the selected platforms through the API port, as cheaply as the API
 * allows: each platform's service, domains and account list once, then the accounts by the best
 * read mode the API answers (pages of whole objects, else batches of ids, else one GET each).
 * What the API offers is found out once per platform, by the first request of each mode: a page
 * request that comes back as bare ids *is* the id list, so the probe costs nothing extra, and one
 * batch request is the only probe that may be wasted.
 *
 * A platform that cannot be read fails the whole refresh: a failed read must never look like a
 * platform without accounts (the planner would order, add or remove from a partial list).
 */
import { createHash } from "node:crypto";
import { ExrecError } from "./errors.js";
import { defineLazy } from "./lazy.js";
import {
  offerOf,
  platformKey,
  toAddress,
  type Actual,
  type ActualAccount,
  type ActualPlatform,
  type PlatformRef,
} from "./model.js";
import type { ApiAccount, ApiService, ExchangeApi } from "./ports.js";

/** How accounts were read on a platform, for tests and benchmarks. */
export type ReadMode = "pages" | "batch" | "single";

export interface RefreshOptions {
  /** Accounts per page in pages mode (OVHcloud's page size limit is not documented; 500 is safe). */
  pageSize?: number;
  /** Ids per batch GET (OVHcloud's control panel uses 50). */
  batchSize?: number;
  /** Called as accounts are read, for the progress display. */
  onProgress?: (event: { platform: string; done: number; total: number }) => void;
  /**
   * Account reads (pages after the first, batches, single GETs) started and not answered at once,
   * across all platforms (default: readsStartedFor the client's requests in flight). More than the
   * API client lets be in flight only wait; fewer leave its connections idle.
   */
  readsStarted?: number;
}

export interface RefreshResult {
  actual: Actual;
  readModes: Record<string, ReadMode>;
}

export class PlatformReadError extends ExrecError {
  readonly code = "EXREC_PLATFORM_READ";
  constructor(
    readonly platform: string,
    cause: unknown,
  ) {
    super(
      `could not read the live state of platform ${platform}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "Nothing was planned for it: a failed read is never taken for an empty platform.",
      {
        cause,
        // The cause knows best what to do (wait for a rate limit, fix credentials, retry later);
        // only an error without advice of its own gets the generic one.
        hint:
          cause instanceof ExrecError && cause.hint
            ? cause.hint
            : "check the organization/service names and your credentials' rights, then run again",
      },
    );
  }
}

/**
 * The API answered something that cannot be true of the platform (an account answered for another
 * one, an account answered twice). The call is named as the API client names its calls.
 */
export class UnexpectedAnswerError extends ExrecError {
  readonly code = "EXREC_API_UNEXPECTED";
  constructor(
    readonly call: string,
    readonly problem: string,
  ) {
    super(`${call}: unexpected answer: ${problem}`, {
      hint: "the API answered inconsistently; try again, and if it persists report it with this message",
    });
  }
}

function platformRoute(ref: PlatformRef): string {
  return `/email/exchange/${encodeURIComponent(ref.organization)}/service/${encodeURIComponent(ref.service)}`;
}

function accountRoute(ref: PlatformRef, email: string): string {
  return `${platformRoute(ref)}/account/${encodeURIComponent(email)}`;
}

/**
 * Single reads a platform keeps started at once. The API client caps what is really in flight; this
 * only keeps 100,000 reads from all waiting in memory at once (3 KB each) before the first answer.
 */
const READS_IN_FLIGHT_PER_PLATFORM = 64;

/**
 * Account reads a refresh keeps started at once, across its platforms, when the API client does not
 * say how many requests it keeps in flight (see readsStartedFor).
 */
export const READS_STARTED = 128;

/**
 * Account reads started at once for a client that keeps `inFlight` requests in flight: a quarter
 * more, so that a read is waiting the moment one ends and no connection idles, and no more. A read
 * waiting for a place holds its request and the frames that will take its answer, and lives long
 * enough to be copied by the young generation's collector and promoted: started four times over
 * (128 for 32 in flight), the reads of a 100,000-account estate spent about 60% more time in that
 * collector, for no speed.
 */
export function readsStartedFor(inFlight: number | undefined): number {
  if (inFlight === undefined || !Number.isFinite(inFlight) || inFlight < 1) return READS_STARTED;
  return Math.min(READS_STARTED, Math.max(4, Math.ceil(inFlight * 1.25)));
}

/** At most `limit` of the reads given to `run` started and not settled at once; the others wait in order. */
class ReadSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    // The place is handed over by the read that ends.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** `Promise.all(items.map(fn))`, with at most `limit` calls started and not finished at a time. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item as it frees up, and its position
  // at once (values and a counter, not `entries()`, which allocates an [index, item] pair per item).
  const queue = items.values();
  let taken = 0;
  const worker = async () => {
    for (const item of queue) {
      const index = taken++;
      results[index] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function refresh(
  api: ExchangeApi,
  targets: readonly PlatformRef[],
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const readModes: Record<string, ReadMode> = {};
  const reads = new ReadSlots(Math.max(1, options.readsStarted ?? readsStartedFor(api.requestsInFlight)));
  const platforms = await Promise.all(
    targets.map(async (ref) => {
      const key = platformKey(ref);
      try {
        const { platform, mode } = await readPlatform(api, ref, options, reads);
        readModes[key] = mode;
        return platform;
      } catch (error) {
        throw error instanceof PlatformReadError ? error : new PlatformReadError(key, error);
      }
    }),
  );
  // Fingerprints are for saved plans and apply only: computed when one of them reads them.
  const actual = defineLazy({ platforms } as Actual, "fingerprint", () => {
    const fingerprint: Record<string, string> = {};
    for (const platform of platforms) Object.assign(fingerprint, fingerprintOf(platform));
    return fingerprint;
  });
  return { actual, readModes };
}

async function readPlatform(
  api: ExchangeApi,
  ref: PlatformRef,
  options: RefreshOptions,
  reads: ReadSlots,
): Promise<{ platform: ActualPlatform; mode: ReadMode }> {
  const { organization: org, service: svc } = ref;
  const pageSize = options.pageSize ?? 500;
  const [service, domains, firstPage] = await Promise.all([
    api.getService(org, svc),
    api.listDomains(org, svc),
    api.listAccountsPage(org, svc, 1, pageSize),
  ]);
  const progress = (done: number, total: number) =>
    options.onProgress?.({ platform: platformKey(ref), done, total });

  let accounts: ActualAccount[];
  let mode: ReadMode;
  if (firstPage.kind === "objects") {
    mode = "pages";
    accounts = await readRemainingPages(
      api,
      reads,
      ref,
      toActualAccounts(firstPage.accounts),
      firstPage.total,
      pageSize,
      progress,
    );
  } else {
    ({ accounts, mode } = await readByIds(api, reads, ref, firstPage.ids, options.batchSize ?? 50, progress));
  }
  return { platform: toActualPlatform(ref, service, domains, accounts), mode };
}

async function readRemainingPages(
  api: ExchangeApi,
  reads: ReadSlots,
  ref: PlatformRef,
  first: ActualAccount[],
  total: number,
  pageSize: number,
  progress: (done: number, total: number) => void,
): Promise<ActualAccount[]> {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  let done = first.length;
  progress(done, total);
  const rest = await Promise.all(
    Array.from({ length: pageCount - 1 }, async (_, i) => {
      const page = await reads.run(() =>
        api.listAccountsPage(ref.organization, ref.service, i + 2, pageSize),
      );
      if (page.kind !== "objects") {
        throw new Error(`page ${i + 2} of the account list came back as bare ids after page 1 held objects`);
      }
      done += page.accounts.length;
      progress(done, total);
      // Only what the engine uses is kept: a fleet's raw answers would hold twice the memory.
      return toActualAccounts(page.accounts);
    }),
  );
  const accounts = [first, ...rest].flat();
  if (accounts.length !== total) {
    throw new Error(
      `the account list announced ${total} accounts (X-Pagination-Elements) but ${accounts.length} were read`,
    );
  }
  return accounts;
}

async function readByIds(
  api: ExchangeApi,
  reads: ReadSlots,
  ref: PlatformRef,
  ids: string[],
  batchSize: number,
  progress: (done: number, total: number) => void,
): Promise<{ accounts: ActualAccount[]; mode: ReadMode }> {
  const { organization: org, service: svc } = ref;
  const { unique, batches, alone } = planIdReads(ids, batchSize);

  let done = 0;
  const readSingles = async (emails: string[]) =>
    mapLimited(emails, READS_IN_FLIGHT_PER_PLATFORM, async (email) => {
      const account = await reads.run(() => api.getAccount(org, svc, email));
      // An answer about another account would make the asked one look missing (and be ordered
      // again) and the other one doubled: never plan from it.
      if (account.primaryEmailAddress.toLowerCase() !== email.toLowerCase()) {
        throw new UnexpectedAnswerError(
          `GET ${accountRoute(ref, email)}`,
          `asked for the account ${email}, answered the account ${account.primaryEmailAddress}`,
        );
      }
      progress(++done, unique.length);
      return toActualAccount(account);
    });

  const [firstBatch] = batches;
  if (firstBatch === undefined) return { accounts: await readSingles(alone), mode: "single" };

  const probe = await reads.run(() => api.getAccountsBatch(org, svc, firstBatch));
  if (probe.kind === "unsupported") {
    // The API does not answer batches here: one GET per account, the probe's ids included.
    return { accounts: await readSingles(unique), mode: "single" };
  }
  const fromBatch = async (batch: string[], index: number) => {
    const result = index === 0 ? probe : await reads.run(() => api.getAccountsBatch(org, svc, batch));
    if (result.kind === "unsupported") {
      throw new Error(`a batch read was refused after the first one succeeded: ${result.reason}`);
    }
    done += result.accounts.length;
    progress(done, unique.length);
    const { accounts, unanswered } = matchBatch(ref, batch, result.accounts);
    // An id the list named but the batch did not answer is read alone; a 404 then is a real error.
    if (unanswered.length > 0) accounts.push(...(await readSingles(unanswered)));
    return accounts;
  };
  const results = await Promise.all(batches.map(fromBatch));
  const accounts = results.flat();
  if (alone.length > 0) accounts.push(...(await readSingles(alone)));
  return { accounts, mode: "batch" };
}

// The loops over a platform's ids and a batch's answers live in small functions of their own: in
// the async functions that await the reads, they made the optimising compiler take tens of
// milliseconds over each, once per process, for reads that last a few hundred.

/** The distinct ids, in batches, and those that must be read alone. */
function planIdReads(
  ids: readonly string[],
  batchSize: number,
): { unique: string[]; batches: string[][]; alone: string[] } {
  const unique = [...new Set(ids)];
  // An address holding the batch separator cannot travel in a batch: it is always read alone.
  const batchable: string[] = [];
  const alone: string[] = [];
  for (const id of unique) (id.includes(",") ? alone : batchable).push(id);
  const batches: string[][] = [];
  for (let i = 0; i < batchable.length; i += batchSize) batches.push(batchable.slice(i, i + batchSize));
  return { unique, batches, alone };
}

/**
 * The accounts a batch answered, as the engine keeps them, and the asked ids it did not answer.
 * An account it was not asked for fails the read.
 */
function matchBatch(
  ref: PlatformRef,
  batch: readonly string[],
  answered: readonly ApiAccount[],
): { accounts: ActualAccount[]; unanswered: string[] } {
  // The usual answer names every asked id once, in the order asked: nothing stray, nothing left.
  if (answersInOrder(batch, answered)) return { accounts: toActualAccounts(answered), unanswered: [] };
  const asked = new Set(batch.map((id) => id.toLowerCase()));
  const stray = answered.find((a) => !asked.has(a.primaryEmailAddress.toLowerCase()));
  if (stray) {
    throw new UnexpectedAnswerError(
      // The batch's ids travel joined by a bare "," (ports.ts), each encoded like a lone one.
      `GET ${platformRoute(ref)}/account/${batch.map(encodeURIComponent).join(",")}`,
      `a batch read answered the account ${stray.primaryEmailAddress}, which it did not ask for`,
    );
  }
  const names = new Set(answered.map((a) => a.primaryEmailAddress.toLowerCase()));
  return {
    accounts: toActualAccounts(answered),
    unanswered: batch.filter((id) => !names.has(id.toLowerCase())),
  };
}

/** Each asked id answered, exactly as written, at its place: the answer needs no matching up. */
function answersInOrder(asked: readonly string[], accounts: readonly ApiAccount[]): boolean {
  if (accounts.length !== asked.length) return false;
  for (let i = 0; i < asked.length; i++) if (accounts[i]?.primaryEmailAddress !== asked[i]) return false;
  return true;
}

function toActualPlatform(
  ref: PlatformRef,
  service: ApiService,
  domains: string[],
  accounts: ActualAccount[],
): ActualPlatform {
  // Kept in address order; an answer in that order already (the usual one) is sorted in one pass.
  accounts.sort(byEmail);
  // One account answered twice (two pages overlapping, a list naming it twice in two cases) would
  // count twice in the plan: refuse rather than guess which answer is right. Sorted, a second
  // answer sits next to the first.
  let previous: string | null = null;
  for (const { email } of accounts) {
    if (email === previous) {
      throw new UnexpectedAnswerError(
        `GET ${platformRoute(ref)}/account`,
        `the account ${email} was answered twice`,
      );
    }
    previous = email;
  }
  return {
    organization: ref.organization,
    service: ref.service,
    apiOffer: service.offer,
    offer: offerOf(service.offer),
    state: service.state,
    domains: domains.map((d) => d.toLowerCase()).sort(),
    accounts,
  };
}

function byEmail(a: ActualAccount, b: ActualAccount): number {
  return a.email < b.email ? -1 : a.email > b.email ? 1 : 0;
}

/** A page's or a batch's accounts as the engine keeps them (a loop of its own, see planIdReads). */
function toActualAccounts(accounts: readonly ApiAccount[]): ActualAccount[] {
  return accounts.map(toActualAccount);
}

export function toActualAccount(account: ApiAccount): ActualAccount {
  return {
    email: toAddress(account.primaryEmailAddress),
    domain: account.domain.toLowerCase(),
    license: account.accountLicense,
    renewal: account.renewPeriod ?? null,
    deleteAtExpiration: account.deleteAtExpiration ?? null,
    expirationDate: account.expirationDate ?? null,
    displayName: account.displayName ?? null,
    configured: account.configured,
    state: account.state,
    taskPendingId: account.taskPendingId ?? null,
  };
}

/**
 * Digests of everything a plan depends on, by object: the platform (offer, state, domains and the
 * list of its accounts) and each account. A saved plan is refused when any of them changed.
 */
export function fingerprintOf(platform: ActualPlatform): Record<string, string> {
  const key = platformKey(platform);
  const out: Record<string, string> = {};
  out[key] = digest([
    platform.apiOffer,
    platform.state,
    platform.domains,
    platform.accounts.map((a) => a.email),
  ]);
  for (const account of platform.accounts) {
    out[`${key}/${account.email}`] = digest([
      account.license,
      account.renewal,
      account.deleteAtExpiration,
      account.expirationDate,
      account.displayName,
      account.configured,
      account.state,
      account.taskPendingId,
    ]);
  }
  return out;
}

/** Objects fingerprinted by this process, counted for the tests that show plain plans compute none. */
export const fingerprintCount = { objects: 0 };

function digest(value: unknown): string {
  fingerprintCount.objects++;
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

/** The keys whose digest differs between a saved plan and the live state now (added and removed included). */
export function staleObjects(saved: Record<string, string>, now: Record<string, string>): string[] {
  const stale: string[] = [];
  for (const [key, value] of Object.entries(saved)) if (now[key] !== value) stale.push(key);
  for (const key of Object.keys(now)) if (!(key in saved)) stale.push(key);
  return stale.sort();
}
