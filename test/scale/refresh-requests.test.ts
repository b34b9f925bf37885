/**
 * Refresh at fleet scale, counted at the sandbox and on the wire (never timed): which requests a
 * refresh of 3 platforms × 120 accounts makes in each read mode the API may offer, that no account
 * is read twice, that the offer is probed once per platform at most, and that a refusal falls back
 * to a correct live state. The sandbox is real and reached over real HTTP through the real client.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type ReadModes, type Sandbox } from "../../provider/sandbox/types.js";
import { platformKey, type Actual, type PlatformRef } from "../../reconciler/model.js";
import { readsStartedFor, refresh, type ReadMode, type RefreshOptions } from "../../reconciler/refresh.js";
import {
  accountsAskedBy,
  platformOf,
  startWireRecorder,
  type WireRecorder,
  type WireRequest,
} from "./wire-recorder.js";

const PLATFORMS = 3;
const ACCOUNTS = 120;
const CONCURRENCY = 16;
/** refresh's defaults, restated: a change to them should be a conscious one. */
const DEFAULT_PAGE_SIZE = 500;
const BATCH_SIZE = 50;

const ROUTE = {
  clock: "GET /auth/time",
  service: "GET /email/exchange/{org}/service/{svc}",
  domains: "GET /email/exchange/{org}/service/{svc}/domain",
  accountList: "GET /email/exchange/{org}/service/{svc}/account",
  account: "GET /email/exchange/{org}/service/{svc}/account/{email}",
} as const;

interface Fleet {
  sandbox: Sandbox;
  wire: WireRecorder;
  api: OvhExchangeApi;
  http: OvhHttpClient;
  targets: PlatformRef[];
  /** Every live address, per platform key, as the API lists them. */
  live: Map<string, string[]>;
}

let fleet: Fleet | undefined;

afterEach(async () => {
  if (!fleet) return;
  await fleet.http.close();
  await fleet.wire.close();
  await fleet.sandbox.close();
  fleet = undefined;
});

/**
 * A fleet sandbox behind a wire recorder, and a client on it. The platforms and their live
 * addresses are discovered first; the counters start from zero after that.
 */
async function openFleet(readModes: ReadModes, options: { latencyMs?: number } = {}): Promise<Fleet> {
  const sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "fleet", platforms: PLATFORMS, accounts: ACCOUNTS },
    readModes,
    latencyMs: options.latencyMs ?? 0,
  });
  const wire = await startWireRecorder(sandbox.url);
  const { api, http } = createExchangeApi(
    sandboxConnection(wire.url, SANDBOX_CREDENTIALS, {
      concurrency: CONCURRENCY,
      ratePerSecond: 0,
      timeoutMs: 10_000,
    }),
  );
  fleet = { sandbox, wire, api, http, targets: [], live: new Map() };
  for (const organization of await api.listOrganizations()) {
    for (const service of await api.listServices(organization)) {
      const ref = { organization, service };
      fleet.targets.push(ref);
      fleet.live.set(
        platformKey(ref),
        (await api.listAccounts(organization, service)).map((a) => a.toLowerCase()),
      );
    }
  }
  expect(fleet.targets).toHaveLength(PLATFORMS);
  sandbox.resetStats();
  wire.clear();
  return fleet;
}

/** Requests the sandbox counted, by route; routes never asked for read 0. */
function counted(sandbox: Sandbox): (route: string) => number {
  const byRoute = { ...sandbox.stats.byRoute };
  return (route) => byRoute[route] ?? 0;
}

/** The wire's account GETs (single or batch) below one platform. */
function accountGets(wire: WireRecorder, key: string): WireRequest[] {
  return wire.requests.filter((r) => platformOf(r) === key && accountsAskedBy(r) !== null);
}

/** How many times each address came back in a 200 answer (a single GET or a batch that held it). */
function readsPerAddress(wire: WireRecorder): Map<string, number> {
  const reads = new Map<string, number>();
  for (const request of wire.requests) {
    const asked = accountsAskedBy(request);
    if (asked === null || request.status !== 200) continue;
    const key = platformOf(request) as string;
    for (const address of asked) reads.set(`${key}/${address}`, (reads.get(`${key}/${address}`) ?? 0) + 1);
  }
  return reads;
}

function addressesOf(actual: Actual, key: string): string[] {
  return (actual.platforms.find((p) => platformKey(p) === key)?.accounts ?? []).map((a) => a.email);
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/** Every platform was read in `mode`, and holds exactly its live accounts. */
function expectComplete(
  f: Fleet,
  result: { actual: Actual; readModes: Record<string, ReadMode> },
  mode: ReadMode,
): void {
  for (const ref of f.targets) {
    const key = platformKey(ref);
    expect(result.readModes[key], key).toBe(mode);
    expect(sorted(addressesOf(result.actual, key)), key).toEqual(sorted(f.live.get(key) ?? []));
  }
}

const ceil = Math.ceil;

describe("the requests of a refresh, per read mode the API offers", () => {
  interface Row {
    name: string;
    modes: ReadModes;
    options: RefreshOptions;
    mode: ReadMode;
    /** Per platform, by route. */
    perPlatform: { accountList: number; account: number };
  }
  const rows: Row[] = [
    {
      name: "pages offered: the service and domains once, then the accounts in ceil(A/500) page of whole objects, and no account GET at all",
      modes: { pages: true, batch: true },
      options: {},
      mode: "pages",
      perPlatform: { accountList: ceil(ACCOUNTS / DEFAULT_PAGE_SIZE), account: 0 },
    },
    {
      name: "pages offered, 50 a page: ceil(A/50) page requests per platform (the first one doubles as the id list), no account GET",
      modes: { pages: true, batch: false },
      options: { pageSize: 50 },
      mode: "pages",
      perPlatform: { accountList: ceil(ACCOUNTS / 50), account: 0 },
    },
    {
      name: "batches offered but not pages: one id list, then ceil(A/50) batch GETs whose first is the probe, and no single GET",
      modes: { pages: false, batch: true },
      options: {},
      mode: "batch",
      perPlatform: { accountList: 1, account: ceil(ACCOUNTS / BATCH_SIZE) },
    },
    {
      name: "neither offered: one id list, one refused batch probe, then exactly one GET per account",
      modes: { pages: false, batch: false },
      options: {},
      mode: "single",
      perPlatform: { accountList: 1, account: 1 + ACCOUNTS },
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const f = await openFleet(row.modes);
      const result = await refresh(f.api, f.targets, row.options);
      expectComplete(f, result, row.mode);

      const count = counted(f.sandbox);
      // The server clock was read during discovery, before the counters were reset.
      expect(count(ROUTE.clock)).toBe(0);
      expect(count(ROUTE.service)).toBe(PLATFORMS);
      expect(count(ROUTE.domains)).toBe(PLATFORMS);
      expect(count(ROUTE.accountList)).toBe(PLATFORMS * row.perPlatform.accountList);
      expect(count(ROUTE.account)).toBe(PLATFORMS * row.perPlatform.account);
      expect(f.sandbox.stats.total, "no request outside these routes").toBe(
        PLATFORMS * (2 + row.perPlatform.accountList + row.perPlatform.account),
      );
      expect(f.sandbox.stats.writes).toEqual([]);

      // The same, platform by platform, as the wire saw it.
      for (const ref of f.targets) {
        const key = platformKey(ref);
        const mine = f.wire.requests.filter((r) => platformOf(r) === key);
        expect(
          mine.filter((r) => r.rawPath.endsWith("/account")),
          key,
        ).toHaveLength(row.perPlatform.accountList);
        expect(accountGets(f.wire, key), key).toHaveLength(row.perPlatform.account);
      }
    });
  }

  it("pages: every page request asks for whole objects, page numbers 1..n once each, per platform", async () => {
    const f = await openFleet({ pages: true, batch: false });
    await refresh(f.api, f.targets, { pageSize: 50 });
    for (const ref of f.targets) {
      const pages = f.wire.requests.filter(
        (r) => platformOf(r) === platformKey(ref) && r.rawPath.endsWith("/account"),
      );
      expect(pages.every((r) => r.paginationMode === "CachedObjectList-Pages")).toBe(true);
      expect(pages.map((r) => r.pageNumber).sort()).toEqual([1, 2, 3]);
    }
  });

  it("batch: the batches of a platform ask for every live address exactly once, at most 50 at a time", async () => {
    const f = await openFleet({ pages: false, batch: true });
    await refresh(f.api, f.targets);
    for (const ref of f.targets) {
      const key = platformKey(ref);
      const batches = accountGets(f.wire, key);
      expect(batches.every((r) => r.batchSeparator === ",")).toBe(true);
      const asked = batches.map((r) => accountsAskedBy(r) as string[]);
      expect(Math.max(...asked.map((ids) => ids.length))).toBeLessThanOrEqual(BATCH_SIZE);
      expect(sorted(asked.flat())).toEqual(sorted(f.live.get(key) ?? []));
    }
  });

  it("single: after the refused probe, each live address has exactly one GET of its own, and no batch is tried again", async () => {
    const f = await openFleet({ pages: false, batch: false });
    await refresh(f.api, f.targets);
    for (const ref of f.targets) {
      const key = platformKey(ref);
      const gets = accountGets(f.wire, key);
      const batches = gets.filter((r) => r.batchSeparator !== null);
      expect(batches, `${key}: one probe`).toHaveLength(1);
      expect(batches[0]?.status, "the probe was refused as an API without batches refuses it").toBe(404);
      const singles = gets.filter((r) => r.batchSeparator === null);
      expect(singles.every((r) => r.status === 200)).toBe(true);
      expect(sorted(singles.map((r) => (accountsAskedBy(r) as string[])[0] as string))).toEqual(
        sorted(f.live.get(key) ?? []),
      );
    }
  });
});

describe("no account is read twice in a run", () => {
  const offers: [string, ReadModes][] = [
    ["pages and batches offered", { pages: true, batch: true }],
    ["batches only", { pages: false, batch: true }],
    ["neither", { pages: false, batch: false }],
  ];
  for (const [name, modes] of offers) {
    it(`${name}: each live account comes back in exactly one answer`, async () => {
      const f = await openFleet(modes);
      const result = await refresh(f.api, f.targets, { pageSize: 50 });
      if (modes.pages) {
        // Pages carry whole objects: no account GET at all, and the total of the pages is the fleet.
        for (const ref of f.targets) expect(accountGets(f.wire, platformKey(ref))).toEqual([]);
        expect(result.actual.platforms.reduce((n, p) => n + p.accounts.length, 0)).toBe(PLATFORMS * ACCOUNTS);
        return;
      }
      const reads = readsPerAddress(f.wire);
      const expected = f.targets.flatMap((ref) =>
        (f.live.get(platformKey(ref)) ?? []).map((a) => `${platformKey(ref)}/${a}`),
      );
      expect(sorted(reads.keys())).toEqual(sorted(expected));
      expect([...reads.values()].filter((n) => n !== 1)).toEqual([]);
    });
  }
});

describe("what the API offers is found out once per platform, never per account", () => {
  it("a refused page request is the id list itself: no second list request, and one batch probe per platform", async () => {
    const f = await openFleet({ pages: false, batch: false });
    await refresh(f.api, f.targets);
    for (const ref of f.targets) {
      const key = platformKey(ref);
      const lists = f.wire.requests.filter((r) => platformOf(r) === key && r.rawPath.endsWith("/account"));
      expect(lists).toHaveLength(1);
      expect(lists[0]?.paginationMode).toBe("CachedObjectList-Pages");
      expect(accountGets(f.wire, key).filter((r) => r.batchSeparator !== null)).toHaveLength(1);
    }
  });

  it("reads concurrently: the sandbox sees as many requests in flight as the client allows", async () => {
    // A little latency makes the overlap certain; the count is what is asserted, not a time.
    const f = await openFleet({ pages: false, batch: false }, { latencyMs: 5 });
    await refresh(f.api, f.targets);
    expect(f.sandbox.stats.maxInFlight).toBeGreaterThanOrEqual(CONCURRENCY);
  });
});

describe("a refusal falls back cleanly", () => {
  it("with pages and batches both refused, the live state read one account at a time equals the one read in pages", async () => {
    const f = await openFleet({ pages: true, batch: false });
    const inPages = await refresh(f.api, f.targets, { pageSize: 50 });
    f.sandbox.setReadModes({ pages: false, batch: false });
    const alone = await refresh(f.api, f.targets);
    expectComplete(f, alone, "single");
    expect(alone.actual).toEqual(inPages.actual);
  });

  it("with pages refused and batches offered, the live state read in batches equals the one read in pages", async () => {
    const f = await openFleet({ pages: true, batch: false });
    const inPages = await refresh(f.api, f.targets);
    f.sandbox.setReadModes({ pages: false, batch: true });
    const inBatches = await refresh(f.api, f.targets);
    expectComplete(f, inBatches, "batch");
    expect(inBatches.actual).toEqual(inPages.actual);
  });

  it('an address containing "," never travels in a batch: it is read alone, once, and the rest still in batches', async () => {
    const f = await openFleet({ pages: false, batch: true });
    const [ref] = f.targets as [PlatformRef];
    const key = platformKey(ref);
    const renamed = (f.live.get(key) ?? [])[6] as string;
    const domain = renamed.slice(renamed.indexOf("@") + 1);
    f.sandbox.patchAccount(ref.organization, ref.service, renamed, { login: "odd,name" });
    const odd = `odd,name@${domain}`;
    f.sandbox.resetStats();

    const result = await refresh(f.api, f.targets);
    expect(result.readModes[key]).toBe("batch");
    expect(addressesOf(result.actual, key)).toContain(odd);
    expect(addressesOf(result.actual, key)).not.toContain(renamed);
    expect(addressesOf(result.actual, key)).toHaveLength(ACCOUNTS);

    const gets = accountGets(f.wire, key);
    const batches = gets.filter((r) => r.batchSeparator !== null);
    const singles = gets.filter((r) => r.batchSeparator === null);
    expect(singles.map((r) => accountsAskedBy(r))).toEqual([[odd]]);
    expect(batches.flatMap((r) => accountsAskedBy(r) as string[])).not.toContain(odd);
    expect(batches).toHaveLength(ceil((ACCOUNTS - 1) / BATCH_SIZE));
    expect(counted(f.sandbox)(ROUTE.account)).toBe(
      ceil((ACCOUNTS - 1) / BATCH_SIZE) + (PLATFORMS - 1) * ceil(ACCOUNTS / BATCH_SIZE) + 1,
    );
  });
});

describe("reads started at once", () => {
  it("a quarter more than the client keeps in flight, at least 4 and at most 128; 128 when the client does not say", () => {
    expect(
      [undefined, 0, 1, 8, 32, 64, 100, 200, Number.NaN].map((inFlight) => readsStartedFor(inFlight)),
    ).toEqual([128, 128, 4, 10, 40, 80, 125, 128, 128]);
  });
});
