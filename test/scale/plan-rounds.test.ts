/**
 * What `exrec plan` and `exrec drift` wait for, counted at the sandbox (never timed): the price catalog and the
 * recurring-price quotes a manifest's Hosted platforms call for are read while the platforms are
 * refreshed, all in flight together, and no request is added for it; the plan made with quotes read
 * early is the plan made with the same quotes read after it.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { planWithQuotes, readLive, readPrices } from "../../reconciler/commands/pipeline.js";
import { renderImportedManifest } from "../../reconciler/import.js";
import { loadDesired } from "../../reconciler/load/index.js";
import { platformKey, quoteKey, type Actual, type OrderQuote } from "../../reconciler/model.js";
import {
  declaredRecurringQuoteRequests,
  readQuotes,
  recurringQuoteRequests,
} from "../../reconciler/prices.js";
import { plan } from "../../reconciler/plan.js";
import { refresh } from "../../reconciler/refresh.js";
import { runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { FIXED_NOW } from "../support/sandbox.js";
import { localFileSystem } from "../../provider/system/files.js";

/** Odd platforms of a fleet are Hosted, even ones Private. */
const PLATFORMS = 4;
const ACCOUNTS = 30;
/** Long enough that requests sent together are all in flight together, even on a busy machine. */
const LATENCY_MS = 400;
const NOW = new Date(FIXED_NOW);

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;
let home: string;
let manifest: string;
let live: Actual;

beforeAll(async () => {
  sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "fleet", platforms: PLATFORMS, accounts: ACCOUNTS },
    readModes: { pages: true, batch: true },
    latencyMs: LATENCY_MS,
    now: () => NOW,
  });
  ({ api, http } = createExchangeApi(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, {
      concurrency: 64,
      ratePerSecond: 0,
      timeoutMs: 60_000,
    }),
  ));
  const targets = [];
  for (const organization of await api.listOrganizations())
    for (const service of await api.listServices(organization)) targets.push({ organization, service });
  ({ actual: live } = await refresh(api, targets));
  home = await tempDir("exrec-rounds-");
  manifest = join(home, "fleet.yaml");
  await writeFile(manifest, renderImportedManifest(live, { now: NOW, source: "the fleet sandbox" }));
}, 120_000);

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

/** The requests the sandbox counted on the routes `pattern` matches. */
function requestsTo(byRoute: Record<string, number>, pattern: RegExp): number {
  return Object.entries(byRoute)
    .filter(([route]) => pattern.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The recurring-price quotes of the live fleet: each Hosted platform's licences × renewals. */
function recurringQuotesOfTheFleet(): number {
  let count = 0;
  for (const platform of live.platforms) {
    if (platform.offer !== "hosted") continue;
    const licenses = new Set(platform.accounts.map((a) => a.license));
    const renewals = new Set(platform.accounts.map((a) => a.renewal).filter((r) => r !== null));
    count += licenses.size * renewals.size;
  }
  return count;
}

describe("exrec plan reads prices while it refreshes", () => {
  it("sends the catalog and quote reads with the refresh, all in flight together, and no more of them", async () => {
    const quotes = recurringQuotesOfTheFleet();
    expect(quotes).toBeGreaterThan(2);
    sandbox.resetStats();
    const result = await runCli(["plan", manifest, "--format", "json"], {
      cwd: home,
      env: { ...sandboxEnv(sandbox.url, home), EXREC_CONCURRENCY: "64", EXREC_NOW: FIXED_NOW },
    });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { changes: unknown[] }).changes).toEqual([]);

    const { byRoute, total, maxInFlight } = sandbox.stats;
    const count = (pattern: RegExp) => requestsTo(byRoute, pattern);
    // Pages mode: each platform's service, domains and its one page of accounts.
    const refreshed = 3 * PLATFORMS;
    expect(count(/^GET \/auth\/time$/)).toBe(1);
    expect(count(/^GET \/order\/catalog\//)).toBe(1);
    expect(count(/^GET \/order\/email\//)).toBe(quotes);
    expect(total).toBe(1 + refreshed + 1 + quotes);
    // Read one after the other, at most max(refresh, quotes) would be in flight at once.
    expect(maxInFlight).toBe(refreshed + 1 + quotes);
  }, 120_000);
});

describe("exrec drift reads the catalog while it refreshes", () => {
  it("sends the catalog read with the refresh, in flight together, and no more of it", async () => {
    sandbox.resetStats();
    const result = await runCli(["drift", manifest], {
      cwd: home,
      env: { ...sandboxEnv(sandbox.url, home), EXREC_CONCURRENCY: "64", EXREC_NOW: FIXED_NOW },
    });
    expect(result.code, result.stderr).toBe(0);
    const { byRoute, total, maxInFlight } = sandbox.stats;
    const count = (pattern: RegExp) => requestsTo(byRoute, pattern);
    const refreshed = 3 * PLATFORMS;
    expect(count(/^GET \/order\/catalog\//)).toBe(1);
    // Drift reads no quote: its renewal calendar is priced from the catalog.
    expect(count(/^GET \/order\/email\//)).toBe(0);
    expect(total).toBe(1 + refreshed + 1);
    // Read after the refresh, at most `refreshed` would be in flight at once.
    expect(maxInFlight).toBe(refreshed + 1);
  }, 120_000);
});

describe("planWithQuotes with quotes read early", () => {
  const planOf = async (early?: Parameters<typeof planWithQuotes>[6]) => {
    const desired = await loadDesired([manifest], { files: localFileSystem });
    const state = await readLive(api, desired, { progress: false });
    const notes: string[] = [];
    const made = await planWithQuotes(
      api,
      state,
      NOW,
      await readPrices(api),
      (l) => notes.push(l),
      [],
      early,
    );
    return { plan: made, notes, desired };
  };

  it("plans what it plans without them, asking the API only for what is still missing", async () => {
    const late = await planOf();
    const desired = late.desired;
    const declared = declaredRecurringQuoteRequests(desired);
    expect(declared.length).toBe(recurringQuotesOfTheFleet());

    // All of them early: no quote is read after the plan.
    const all = await readQuotes(api, declared);
    sandbox.resetStats();
    const withAll = await planOf(all);
    expect(withAll.plan).toEqual(late.plan);
    expect(withAll.notes).toEqual(late.notes);
    expect(Object.keys(sandbox.stats.byRoute).filter((r) => r.startsWith("GET /order/email/"))).toEqual([]);

    // Half of them early, and one the plan has no use for: the rest is read late, the extra one
    // is not used.
    const half = await readQuotes(api, declared.slice(0, Math.floor(declared.length / 2)));
    const hosted = live.platforms.find((p) => p.offer === "hosted")!;
    const unused = { ...hosted, license: "basic" as const, duration: "12" as const, quantity: 7 };
    const extra: OrderQuote = {
      platform: { organization: hosted.organization, service: hosted.service },
      license: "basic",
      duration: "12",
      quantity: 7,
      withoutTax: { ucents: 1, currency: "XXX" },
      withTax: { ucents: 1, currency: "XXX" },
    };
    half.quotes.set(quoteKey(unused), extra);
    sandbox.resetStats();
    const withHalf = await planOf(half);
    expect(withHalf.plan).toEqual(late.plan);
    const lateQuotes = requestsTo(sandbox.stats.byRoute, /^GET \/order\/email\//);
    expect(lateQuotes).toBe(declared.length - Math.floor(declared.length / 2));
  }, 120_000);

  it("notes a recurring quote that failed early, as one that failed late, and reads it no more", async () => {
    const desired = await loadDesired([manifest], { files: localFileSystem });
    const state = await readLive(api, desired, { progress: false });
    const prices = await readPrices(api);
    const first = plan(desired, state.actual, { now: NOW, prices, quotes: new Map() });
    const needed = recurringQuoteRequests(first, state.actual);
    const failed = needed[0]!;
    const early = await readQuotes(api, needed.slice(1));
    early.failures.set(quoteKey(failed), new Error("the quote answered 503"));
    sandbox.resetStats();
    const notes: string[] = [];
    const made = await planWithQuotes(api, state, NOW, prices, (l) => notes.push(l), [], early);
    expect(notes).toEqual([
      `note: the order quote of 1 ${failed.license} account for ${failed.duration} month(s) on ` +
        `${platformKey(failed)} could not be read (the quote answered 503); its recurring price comes from the catalog`,
    ]);
    expect(sandbox.stats.total).toBe(0);
    expect(made.changes).toEqual([]);
  }, 120_000);
});

describe("exrec plan whose refresh fails", () => {
  /** More Hosted platforms than quote reads are started at once (32). */
  const MANY = 24;
  let wide: Sandbox;
  let wideHome: string;

  beforeAll(async () => {
    wide = await startSandbox({
      stateFile: null,
      seed: { kind: "fleet", platforms: MANY, accounts: ACCOUNTS },
      readModes: { pages: true, batch: true },
      now: () => NOW,
    });
    const client = createExchangeApi(
      sandboxConnection(wide.url, SANDBOX_CREDENTIALS, {
        concurrency: 16,
        ratePerSecond: 0,
        timeoutMs: 60_000,
      }),
    );
    try {
      const targets = [];
      for (const organization of await client.api.listOrganizations())
        for (const service of await client.api.listServices(organization))
          targets.push({ organization, service });
      const { actual } = await refresh(client.api, targets);
      wideHome = await tempDir("exrec-rounds-wide-");
      // One account on a domain no platform holds: the check against the live state fails.
      const text = renderImportedManifest(actual, { now: NOW, source: "the fleet sandbox" });
      const broken = text.replace(/(- email: [^@\s]+)@[^\s#]+/, "$1@nowhere.example");
      expect(broken).not.toBe(text);
      await writeFile(join(wideHome, "fleet.yaml"), broken);
    } finally {
      await client.http.close();
    }
  }, 120_000);

  afterAll(async () => {
    await wide?.close();
  });

  it("asks for no more quotes once it has failed: only those already started", async () => {
    const declared = declaredRecurringQuoteRequests(
      await loadDesired([join(wideHome, "fleet.yaml")], { files: localFileSystem }),
    );
    expect(declared.length).toBeGreaterThan(2 * 32);
    wide.resetStats();
    // One request at a time: the refresh's requests go first, then the catalog, then the quotes.
    const result = await runCli(["plan", "fleet.yaml"], {
      cwd: wideHome,
      env: { ...sandboxEnv(wide.url, wideHome), EXREC_CONCURRENCY: "1" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nowhere\.example/);
    const quotes = requestsTo(wide.stats.byRoute, /^GET \/order\/email\//);
    expect(quotes).toBeLessThanOrEqual(32);
  }, 120_000);
});
