/**
 * The pure planning of a large estate, timed alone: Desired and Actual are built in memory
 * (no I/O, no sandbox), then `plan()` runs several times on the same input and the median is kept.
 * Prices and quotes are the test builders' round TEST VALUES: they change what the plan says a
 * change costs, not how much work planning is.
 */
import type {
  ActualAccount,
  ActualPlatform,
  Desired,
  DesiredAccount,
  DesiredPlatform,
  OrderQuote,
  Plan,
} from "../../reconciler/model.js";
import { seedState } from "../../provider/sandbox/seed.js";
import { accountCount } from "../../provider/sandbox/state.js";
import { plan, quotesNeeded } from "../../reconciler/plan.js";
import {
  absent,
  actualOf,
  blankAccount,
  desiredOf,
  hostedPlatform,
  liveAccount,
  liveHosted,
  livePrivate,
  livePrivateAccount,
  NOW,
  present,
  privatePlatform,
  samplePrices,
  sampleQuote,
} from "../support/builders.js";
import { median, type Fleet } from "./floor.js";

/**
 * Per 1,000 live accounts on a Hosted platform: 15 renewal changes (H2, H3), 10 display-name
 * updates, 10 declared absent (H4), 5 terminating but declared present, 5 undeclared and pruned
 * (H4), 5 blanks, 10 declared and missing (5 reuse the blanks, 5 are ordered, H1); the rest as
 * declared. On a Private platform: 10 licence updates, 10 deleted (P3), 10 added (P2), 10 live
 * and undeclared (left alone: no prune); the rest as declared. Scaled for other sizes.
 */
function hostedPair(index: number, size: number): { declared: DesiredPlatform; live: ActualPlatform } {
  const name = `fleet-hosted-${String(index).padStart(3, "0")}`;
  const domain = `fleet${String(index).padStart(3, "0")}.example`;
  const share = (perThousand: number) => Math.max(1, Math.round((size * perThousand) / 1000));
  const live: ActualAccount[] = [];
  const declared: DesiredAccount[] = [];
  let n = 0;
  const next = () => `user${String(++n).padStart(5, "0")}@${domain}`;
  const take = (count: number, make: (email: string) => void) => {
    for (let i = 0; i < count; i++) make(next());
  };
  const blanks = share(5);
  const special = share(15) + share(10) + share(10) + share(5) + share(5) + blanks;
  take(share(15), (e) => {
    live.push(liveAccount(e, { renewal: "monthly" }));
    declared.push(present(e, { license: "standard", renewal: "yearly" }));
  });
  take(share(10), (e) => {
    live.push(liveAccount(e, { displayName: "Old Name" }));
    declared.push(present(e, { license: "standard", renewal: "yearly", displayName: "New Name" }));
  });
  take(share(10), (e) => {
    live.push(liveAccount(e));
    declared.push(absent(e));
  });
  take(share(5), (e) => {
    live.push(liveAccount(e, { deleteAtExpiration: true }));
    declared.push(present(e, { license: "standard", renewal: "yearly" }));
  });
  take(share(5), (e) => live.push(liveAccount(e)));
  for (let i = 0; i < blanks; i++) live.push(blankAccount(`blank${index}x${i}`));
  take(size - special, (e) => {
    live.push(liveAccount(e));
    declared.push(present(e, { license: "standard", renewal: "yearly" }));
  });
  take(share(10), (e) => declared.push(present(e, { license: "standard", renewal: "yearly" })));
  return {
    declared: hostedPlatform({ organization: name, service: name, prune: true, accounts: declared }),
    live: liveHosted(live, { organization: name, service: name }),
  };
}

function privatePair(index: number, size: number): { declared: DesiredPlatform; live: ActualPlatform } {
  const name = `fleet-private-${String(index).padStart(3, "0")}`;
  const domain = `fleet${String(index).padStart(3, "0")}.example`;
  const share = (perThousand: number) => Math.max(1, Math.round((size * perThousand) / 1000));
  const live: ActualAccount[] = [];
  const declared: DesiredAccount[] = [];
  let n = 0;
  const next = () => `user${String(++n).padStart(5, "0")}@${domain}`;
  const take = (count: number, make: (email: string) => void) => {
    for (let i = 0; i < count; i++) make(next());
  };
  const special = share(10) * 3;
  take(share(10), (e) => {
    live.push(livePrivateAccount(e, { license: "basic" }));
    declared.push(present(e, { license: "standard" }));
  });
  take(share(10), (e) => {
    live.push(livePrivateAccount(e));
    declared.push(absent(e));
  });
  take(share(10), (e) => live.push(livePrivateAccount(e)));
  take(size - special, (e) => {
    live.push(livePrivateAccount(e));
    declared.push(present(e, { license: "standard" }));
  });
  take(share(10), (e) => declared.push(present(e, { license: "standard" })));
  return {
    declared: privatePlatform({ organization: name, service: name, accounts: declared }),
    live: livePrivate(live, { organization: name, service: name }),
  };
}

export interface PlanningInput {
  desired: Desired;
  actual: ReturnType<typeof actualOf>;
  quotes: Map<string, OrderQuote>;
  liveAccounts: number;
}

/** A fleet like the sandbox's: odd platforms Hosted, even ones Private. */
export function planningInput(fleet: Fleet): PlanningInput {
  const pairs = Array.from({ length: fleet.platforms }, (_, i) =>
    (i + 1) % 2 === 1 ? hostedPair(i + 1, fleet.accounts) : privatePair(i + 1, fleet.accounts),
  );
  const desired = desiredOf(...pairs.map((p) => p.declared));
  const actual = actualOf(...pairs.map((p) => p.live));
  const prices = samplePrices();
  // Quote every order the plan makes, as `exrec plan` does before its final planning pass.
  const quotes = new Map<string, OrderQuote>();
  for (const request of quotesNeeded(plan(desired, actual, { now: NOW, prices, quotes }))) {
    const [key, quote] = sampleQuote({ ...request, unitsWithoutTax: 3 * request.quantity });
    quotes.set(key, quote);
  }
  const liveAccounts = actual.platforms.reduce((n, p) => n + p.accounts.length, 0);
  return { desired, actual, quotes, liveAccounts };
}

export interface PlanningResult {
  liveAccounts: number;
  changes: number;
  runsMs: number[];
  medianMs: number;
  /** Peak resident memory of the process over its life (input building included), in MB. */
  peakRssMb: number;
  /** Seeding the sandbox with a fleet of the same size (`--seed fleet:PxA`). */
  seeding: SeedingResult;
}

export interface SeedingResult {
  accounts: number;
  /** CPU time (user + system) of each run, in ms: the machine is shared, so wall time is noise. */
  runsCpuMs: number[];
  medianCpuMs: number;
}

/** The CPU time of `seedState` for a fleet, `runs` times (the state is dropped after each). */
export function benchSeeding(fleet: Fleet, runs: number): SeedingResult {
  const runsCpuMs: number[] = [];
  let accounts = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.cpuUsage();
    const state = seedState({ kind: "fleet", platforms: fleet.platforms, accounts: fleet.accounts }, NOW);
    const used = process.cpuUsage(started);
    runsCpuMs.push((used.user + used.system) / 1000);
    accounts = accountCount(state);
  }
  return { accounts, runsCpuMs, medianCpuMs: median(runsCpuMs) };
}

/** Builds the input, then times `plan()` alone `runs` times. */
export function benchPlanning(fleet: Fleet, runs: number): PlanningResult {
  const input = planningInput(fleet);
  const prices = samplePrices();
  const runsMs: number[] = [];
  let last: Plan | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = plan(input.desired, input.actual, { now: NOW, prices, quotes: input.quotes });
    runsMs.push(performance.now() - started);
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    liveAccounts: input.liveAccounts,
    changes: last?.changes.length ?? 0,
    runsMs,
    medianMs: median(runsMs),
    peakRssMb,
    seeding: benchSeeding(fleet, runs),
  };
}
