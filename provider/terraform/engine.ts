/**
 * The engine as one provider process uses it: one API session, the catalog read once, each
 * platform read once (in bulk, by the same refresh as `exrec plan`) and shared by every
 * ReadResource and PlanResourceChange of its accounts, order quotes read once per licence and
 * duration, and the backend's lock taken around every write, as `exrec apply` takes it.
 */
import { hostname } from "node:os";
import { PlanRefusedError } from "../../reconciler/errors.js";
import {
  quoteKey,
  platformKey,
  toAddress,
  type Actual,
  type ActualAccount,
  type ActualPlatform,
  type Address,
  type Desired,
  type OrderQuote,
  type Plan,
  type PlatformRef,
  type PriceBook,
} from "../../reconciler/model.js";
import { plan as makePlan, quotesNeeded } from "../../reconciler/plan.js";
import { isNotFound, type Backend, type ExchangeApi, type HeldLock } from "../../reconciler/ports.js";
import { readQuote } from "../../reconciler/prices.js";
import { refresh, toActualAccount } from "../../reconciler/refresh.js";
import { readPrices } from "../../reconciler/commands/pipeline.js";
import {
  openBackendFor,
  openSession,
  planningClock,
  resolveConfig,
  type Session,
} from "../../reconciler/commands/session.js";
import type { CliIo } from "../../reconciler/commands/io.js";
import { processIo } from "../../reconciler/commands/process-io.js";
import { subsidiaryOf } from "../../reconciler/commands/plan.js";
import { isBlank } from "../../reconciler/account-state.js";
import { planningView } from "./planning-view.js";

export interface ProviderConfig {
  allowDestroy: boolean;
  secretsOut: string | null;
  backend: string | null;
}

export class Engine {
  private session: Promise<Session> | null = null;
  private backendPromise: Promise<Backend> | null = null;
  private prices: Promise<PriceBook> | null = null;
  private readonly platforms = new Map<string, Promise<ActualPlatform>>();
  private readonly quotes = new Map<string, OrderQuote>();
  /** Per platform, the tail of the chain of writes, so that one process never races itself. */
  private readonly writeChains = new Map<string, Promise<unknown>>();
  /** Per platform, blank accounts a planned account reuses: placeholder → the address it gets. */
  private readonly claims = new Map<string, Map<string, string>>();
  /** Set by StopProvider: no new write starts (one in flight finishes; the journal covers a kill). */
  stopping = false;

  /** The provider owns its process: its environment, working folder and stderr are the run's. */
  readonly io: CliIo = processIo();

  constructor(readonly config: ProviderConfig) {}

  async api(): Promise<ExchangeApi> {
    // Configuration is resolved on first use, so that a plan with no resources needs no credentials.
    this.session ??= openSession(this.io, resolveConfig(this.io, {}), {});
    return (await this.session).api;
  }

  backend(): Promise<Backend> {
    this.backendPromise ??= openBackendFor(
      this.io,
      this.config.backend ? { backend: this.config.backend } : {},
    );
    return this.backendPromise;
  }

  now(): Date {
    return planningClock(this.io);
  }

  /** The live platform, read once per process (and again after a write to it); null when it does not exist. */
  async platform(ref: PlatformRef): Promise<ActualPlatform> {
    const key = platformKey(ref);
    let pending = this.platforms.get(key);
    if (!pending) {
      pending = this.api().then(async (api) => onlyPlatform((await refresh(api, [ref])).actual, key));
      this.platforms.set(key, pending);
      // A failed read is not kept: the next call tries again.
      pending.catch(() => this.platforms.delete(key));
    }
    return pending;
  }

  /** Forgets the platform's live state, so that the next step reads it again in full. */
  forget(ref: PlatformRef): void {
    this.platforms.delete(platformKey(ref));
  }

  /**
   * Brings the platform read earlier up to date before a write, without reading it all again
   * (on an API without bulk reads that is one GET per account, for every resource applied): the
   * account list once, then every account that appeared since (a delivered order, a blank given
   * an address) and `address` itself, which the write is about. Accounts gone from the list are
   * dropped. Other accounts keep their earlier reading: apply's steps read each one again before
   * they write to it.
   */
  async sync(ref: PlatformRef, address: Address): Promise<ActualPlatform> {
    const key = platformKey(ref);
    const pending = this.platforms.get(key);
    if (!pending) return this.platform(ref);
    const earlier = await pending.catch(() => null);
    if (!earlier) return this.platform(ref);
    const api = await this.api();
    // The API's ids as the model keeps addresses.
    const ids = new Set((await api.listAccounts(ref.organization, ref.service)).map(toAddress));
    const known = new Map(earlier.accounts.map((a) => [a.email, a]));
    const toRead = [...ids].filter((id) => !known.has(id) || id === address);
    const read = await Promise.all(
      toRead.map(async (id) => {
        try {
          return toActualAccount(await api.getAccount(ref.organization, ref.service, id));
        } catch (thrown) {
          if (isNotFound(thrown)) return null;
          throw thrown;
        }
      }),
    );
    for (const account of read) if (account) known.set(account.email, account);
    const accounts = [...known.values()]
      .filter((a) => ids.has(a.email) && (a.email !== address || read.some((r) => r?.email === address)))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const platform: ActualPlatform = { ...earlier, accounts };
    this.platforms.set(key, Promise.resolve(platform));
    return platform;
  }

  private async priceBook(): Promise<PriceBook> {
    this.prices ??= this.api().then((api) => readPrices(api, subsidiaryOf(this.io)));
    return this.prices;
  }

  /**
   * Plans `desired` (one platform, the accounts of one resource) against the live platform, with
   * the prices and order quotes `exrec plan` would use. Blank accounts another account of this run
   * already reuses are left out, so that two new accounts are never promised the same blank;
   * `reuseBlanks: false` leaves every blank out (the apply of an account whose plan ordered it).
   */
  async plan(
    desired: Desired,
    live: ActualPlatform,
    owner: string,
    options: { reuseBlanks: boolean } = { reuseBlanks: true },
  ): Promise<Plan> {
    const prices = await this.priceBook();
    const now = this.now();
    const plan = () => this.planClaiming(desired, live, owner, now, prices, options.reuseBlanks);
    let planned = plan();
    // Quotes are read while other accounts are planned: plan again with them (and again if this
    // account's blank went to another one meanwhile, so that its order needs a quote of its own).
    for (let round = 0; round < 3; round++) {
      const missing = quotesNeeded(planned);
      if (missing.length === 0) break;
      const api = await this.api();
      await Promise.all(
        missing.map(async (request) => {
          this.quotes.set(quoteKey(request), await readQuote(api, request));
        }),
      );
      planned = plan();
    }
    return planned;
  }

  /**
   * Plans and records the blank accounts the plan reuses, with no await in between: Terraform plans
   * many accounts at once, and two of them must never both be promised the same blank.
   */
  private planClaiming(
    desired: Desired,
    live: ActualPlatform,
    owner: string,
    now: Date,
    prices: PriceBook,
    reuseBlanks: boolean,
  ): Plan {
    const key = platformKey(live);
    const claimed = this.claims.get(key) ?? new Map<string, string>();
    const [declared] = desired.platforms;
    const visible = (account: ActualAccount): boolean => {
      if (!reuseBlanks && isBlank(account)) return false;
      const holder = claimed.get(account.email);
      return holder === undefined || holder === owner;
    };
    const view: ActualPlatform =
      declared === undefined || desired.platforms.length > 1
        ? { ...live, accounts: live.accounts.filter(visible) }
        : planningView(live, declared, visible);
    const actual: Actual = { platforms: [view], fingerprint: {} };
    const planned = makePlan(desired, actual, { now, prices, quotes: this.quotes });
    for (const [placeholder, holder] of claimed) if (holder === owner) claimed.delete(placeholder);
    for (const change of planned.changes) {
      if (change.action === "configure") claimed.set(change.placeholder, owner);
    }
    this.claims.set(key, claimed);
    return planned;
  }

  /**
   * Runs `write` for one platform under the backend's lock (the same lock as `exrec apply`), one
   * write at a time per platform within this process.
   */
  async withPlatformLock<T>(
    ref: PlatformRef,
    write: (lock: HeldLock, backend: Backend) => Promise<T>,
  ): Promise<T> {
    if (this.stopping) {
      throw new PlanRefusedError([
        {
          platform: platformKey(ref),
          address: null,
          rule: null,
          message: "Terraform asked the provider to stop; nothing more is written",
        },
      ]);
    }
    const key = platformKey(ref);
    const previous = this.writeChains.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const backend = await this.backend();
        const lock = await backend.lock(
          [key],
          { pid: process.pid, host: hostname(), who: whoRuns(), startedAt: new Date().toISOString() },
          LOCK_WAIT_MS,
        );
        try {
          return await write(lock, backend);
        } catch (thrown) {
          // After a failure nothing is assumed of the platform: it is read again in full.
          this.forget(ref);
          throw thrown;
        } finally {
          await lock.release();
        }
      });
    this.writeChains.set(key, run);
    return run;
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.session) closing.push(this.session.then((s) => s.close()).catch(() => undefined));
    if (this.backendPromise) closing.push(this.backendPromise.then((b) => b.close()).catch(() => undefined));
    await Promise.all(closing);
  }
}

/** How long a write waits for another tool's lock (an `exrec apply` running at the same time). */
const LOCK_WAIT_MS = 60_000;

export function whoRuns(): string | null {
  const env = process.env;
  return env.EXREC_ACTOR ?? env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.USER ?? env.USERNAME ?? null;
}

/** The one platform a refresh of one target returns. */
function onlyPlatform(actual: Actual, key: string): ActualPlatform {
  const [platform] = actual.platforms;
  if (platform === undefined) throw new Error(`reading ${key} returned no platform`);
  return platform;
}
