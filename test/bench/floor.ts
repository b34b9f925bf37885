/**
 * The arithmetic of the benchmark, pure: how many requests a refresh needs at least in each read
 * mode, the floor of its wall time, and whether a measurement meets the targets of the issue.
 * Kept apart from the program that measures, so that it can be checked by a table test.
 */

/** How accounts are read: exrec's three modes, and the Terraform-like baseline. */
export type Reader = "pages" | "batch" | "single" | "terraform-like";

export interface Fleet {
  platforms: number;
  accounts: number;
}

/** refresh's defaults (reconciler/refresh.ts): accounts per page, ids per batch GET. */
export const PAGE_SIZE = 500;
export const BATCH_SIZE = 50;

/** The targets of the issue, for the benchmark (never asserted by timed tests). */
export const TARGETS = {
  /** Requests at most this much above the needed ones, plus one probe per platform. */
  requestOverhead: 0.05,
  probesPerPlatform: 1,
  /** Wall time at most this many times the floor. */
  wallOverFloor: 1.25,
  /** At least this many times faster than the Terraform-like baseline. */
  speedUp: 5,
  planningMs: 1000,
  /** The sandbox seeds 100 platforms of 1,000 accounts in well under two seconds of CPU. */
  seedingCpuMs: 1500,
  peakRssMb: 400,
} as const;

/**
 * The fewest requests that read a whole fleet in one mode, per platform:
 * - pages: service + domains + ceil(A/500) pages (page 1 is also the account list);
 * - batch: service + domains + id list + ceil(A/50) batches;
 * - single: service + domains + id list + A GETs;
 * - terraform-like: service + id list + A GETs (it reads no domains).
 * The server clock read (once per run) and a refused probe are not needed requests: they are
 * reported on their own.
 */
export function neededRequests(reader: Reader, fleet: Fleet): number {
  const { platforms: p, accounts: a } = fleet;
  switch (reader) {
    case "pages":
      return p * (2 + Math.max(1, Math.ceil(a / PAGE_SIZE)));
    case "batch":
      return p * (3 + Math.ceil(a / BATCH_SIZE));
    case "single":
      return p * (3 + a);
    case "terraform-like":
      return p * (2 + a);
  }
}

/**
 * Rounds of requests that must follow one another, whatever the concurrency, because each needs
 * the answer of the one before: the server clock (to sign), then the account list (page 1 in pages
 * mode), then, in batch mode, the first batch (the probe) before the others, and in single mode the
 * refused batch probe before the GETs. No reader can finish in fewer than this many latencies.
 */
export function dependentRounds(reader: Reader, fleet: Fleet): number {
  switch (reader) {
    case "pages":
      return Math.ceil(fleet.accounts / PAGE_SIZE) > 1 ? 3 : 2;
    case "batch":
      return Math.ceil(fleet.accounts / BATCH_SIZE) > 1 ? 4 : 3;
    case "single":
      return 4;
    case "terraform-like":
      return 3;
  }
}

/** The chain of `dependentRounds`, in words. */
export function dependentChain(reader: Reader, fleet: Fleet): string {
  switch (reader) {
    case "pages":
      return Math.ceil(fleet.accounts / PAGE_SIZE) > 1
        ? "the server clock, page 1 that is also the list, then the other pages"
        : "the server clock, then page 1 that is also the list";
    case "batch":
      return Math.ceil(fleet.accounts / BATCH_SIZE) > 1
        ? "the server clock, the account list, the first batch that is the probe, then the other batches"
        : "the server clock, the account list, then the one batch";
    case "single":
      return "the server clock, the account list, the refused batch probe, then the accounts";
    case "terraform-like":
      return "the server clock, the account list, then the accounts";
  }
}

/** The floor: requests needed ÷ concurrency × latency, in ms. */
export function floorMs(needed: number, concurrency: number, latencyMs: number): number {
  return (needed / concurrency) * latencyMs;
}

export type Verdict = "PASS" | "MISS";

/** Requests made (as counted by the sandbox) against the needed ones: 5% over, plus one probe a platform. */
export function requestsVerdict(
  made: number,
  clockReads: number,
  needed: number,
  platforms: number,
): Verdict {
  const allowed = needed * (1 + TARGETS.requestOverhead) + TARGETS.probesPerPlatform * platforms;
  return made - clockReads <= allowed ? "PASS" : "MISS";
}

export function wallVerdict(wallMs: number, floor: number): Verdict {
  return wallMs <= floor * TARGETS.wallOverFloor ? "PASS" : "MISS";
}

export function speedUpVerdict(baselineMs: number, wallMs: number): Verdict {
  return baselineMs / wallMs >= TARGETS.speedUp ? "PASS" : "MISS";
}

export function atMost(value: number, limit: number): Verdict {
  return value <= limit ? "PASS" : "MISS";
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("the median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
