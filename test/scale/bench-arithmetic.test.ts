/**
 * The benchmark's arithmetic (test/bench/floor.ts) and its report (test/bench/report.ts): the
 * requests each read mode needs, the floor, the verdicts against the targets, and where a
 * run's section lands in BENCHMARKS.md. The benchmark itself is measured, not tested.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  dependentRounds,
  floorMs,
  median,
  neededRequests,
  requestsVerdict,
  speedUpVerdict,
  wallVerdict,
  type Fleet,
  type Reader,
} from "../bench/floor.js";
import { insertSection, renderSection, type BenchRun, type Measurement } from "../bench/report.js";
import { tempDir } from "../support/cli.js";

const ONE_BY_100: Fleet = { platforms: 1, accounts: 100 };
const TEN_BY_1000: Fleet = { platforms: 10, accounts: 1000 };
const HUNDRED_BY_1000: Fleet = { platforms: 100, accounts: 1000 };

describe("requests a refresh needs at least", () => {
  const rows: [string, Reader, Fleet, number][] = [
    ["pages of 500: service, domains and one page for 100 accounts", "pages", ONE_BY_100, 3],
    ["pages of 500: service, domains and two pages per platform of 1,000", "pages", TEN_BY_1000, 40],
    [
      "batches of 50: service, domains, id list and 20 batches per platform of 1,000",
      "batch",
      HUNDRED_BY_1000,
      2300,
    ],
    ["batches of 50: two batches for 100 accounts", "batch", ONE_BY_100, 5],
    ["one GET per account: service, domains, id list and A GETs", "single", TEN_BY_1000, 10_030],
    [
      "the Terraform-like baseline: service, id list and A GETs (no domains)",
      "terraform-like",
      HUNDRED_BY_1000,
      100_200,
    ],
  ];
  it.each(rows)("%s", (_name, reader, fleet, needed) => {
    expect(neededRequests(reader, fleet)).toBe(needed);
  });

  it("an empty platform still needs its service, domains and one (empty) page", () => {
    expect(neededRequests("pages", { platforms: 2, accounts: 0 })).toBe(6);
  });
});

describe("requests that must follow one another", () => {
  const rows: [string, Reader, Fleet, number][] = [
    ["pages, one page: the clock, then page 1", "pages", ONE_BY_100, 2],
    ["pages, two pages: the clock, page 1, then page 2", "pages", TEN_BY_1000, 3],
    ["batches: the clock, the list, the probe batch, then the others", "batch", TEN_BY_1000, 4],
    ["one batch only: nothing waits for the probe", "batch", { platforms: 1, accounts: 50 }, 3],
    ["single: the clock, the list, the refused probe, then the GETs", "single", ONE_BY_100, 4],
  ];
  it.each(rows)("%s", (_name, reader, fleet, rounds) => {
    expect(dependentRounds(reader, fleet)).toBe(rounds);
  });
});

describe("verdicts against the issue's targets", () => {
  it("the floor is requests needed ÷ concurrency × latency", () => {
    expect(floorMs(100_300, 32, 20)).toBeCloseTo(62_687.5, 6);
  });

  const requestRows: [string, number, number, number, number, "PASS" | "MISS"][] = [
    ["exactly the needed requests plus the clock read pass", 1001, 1, 1000, 10, "PASS"],
    ["5% over plus one probe per platform still passes", 1061, 1, 1000, 10, "PASS"],
    ["one request beyond 5% and a probe per platform misses", 1062, 1, 1000, 10, "MISS"],
    ["two probes per platform on a small fleet miss", 30 + 20 + 1, 1, 30, 10, "MISS"],
  ];
  it.each(requestRows)("%s", (_name, made, clock, needed, platforms, verdict) => {
    expect(requestsVerdict(made, clock, needed, platforms)).toBe(verdict);
  });

  it("wall time passes up to 1.25× the floor and misses beyond", () => {
    expect(wallVerdict(125, 100)).toBe("PASS");
    expect(wallVerdict(125.1, 100)).toBe("MISS");
  });

  it("the speed-up passes from 5× the baseline", () => {
    expect(speedUpVerdict(500, 100)).toBe("PASS");
    expect(speedUpVerdict(499, 100)).toBe("MISS");
  });

  it("the median of an odd count is the middle value; of an even count, the mean of the middle two", () => {
    expect(median([5, 1, 9, 3, 7])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

function measurement(reader: Reader, fleet: Fleet, fields: Partial<Measurement> = {}): Measurement {
  const needed = neededRequests(reader, fleet);
  const concurrency = reader === "terraform-like" ? 10 : 32;
  return {
    fleet,
    reader,
    concurrency,
    latencyMs: 20,
    wallMs: floorMs(needed, concurrency, 20),
    requests: needed + 1,
    clockReads: 1,
    maxInFlight: concurrency,
    readerCpuMs: 1,
    sandboxCpuMs: 1,
    readerPeakRssMb: 100,
    ...fields,
  };
}

function run(measurements: Measurement[]): BenchRun {
  return {
    startedAt: new Date("2026-11-26T10:00:00Z"),
    command: "npm run bench",
    machine: {
      cpu: "Test CPU",
      cores: 2,
      memoryGb: 4,
      node: "v20.20.2",
      os: "linux x64",
      loadAtStart: [0, 0, 0],
      loadAtEnd: [0, 0, 0],
    },
    latencyMs: 20,
    concurrency: 32,
    measurements,
    planning: null,
    planningFleet: HUNDRED_BY_1000,
    durationS: 1,
    sandboxPeakRssMb: {},
  };
}

describe("the report", () => {
  const dirs: string[] = [];
  const benchmarksFile = async () => {
    const dir = await tempDir("exrec-bench-report-");
    dirs.push(dir);
    return join(dir, "BENCHMARKS.md");
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("marks a mode that made more requests than allowed as a MISS, and says so among the misses", () => {
    const fleet = TEN_BY_1000;
    const section = renderSection(
      run([
        measurement("pages", fleet, { requests: 80 }),
        measurement("batch", fleet),
        measurement("single", fleet),
        measurement("terraform-like", fleet),
      ]),
    );
    expect(section).toMatch(/requests within 5% .*\| \*\*MISS\*\* \(2 of 3 pass\)/);
    expect(section).toMatch(/10×1,000, exrec, pages offered: 79 requests for 40 needed/);
  });

  it("marks every target PASS when each measurement sits on its floor and far below the baseline", () => {
    const fleet = TEN_BY_1000;
    const section = renderSection(
      run([
        measurement("pages", fleet, { wallMs: 60 }),
        measurement("batch", fleet, { wallMs: 160 }),
        measurement("single", fleet, { wallMs: 6300 }),
        measurement("terraform-like", fleet, { wallMs: 40_000 }),
      ]),
    );
    expect(section).toMatch(/requests within 5% .*\| PASS \(3 of 3\)/);
    expect(section).toMatch(/≥ 5× faster .*\| PASS \(3 of 3\)/);
    expect(section).toContain("| 6.35× PASS |");
  });

  it("puts a new run first, below the title and its introduction, keeping the older runs", async () => {
    const file = await benchmarksFile();
    await writeFile(file, "# Benchmarks\n\nWhat this is.\n\n## 2026-01-01 00:00 UTC\n\nold run\n");
    insertSection(file, "## 2026-11-26 10:00 UTC\n\nnew run\n");
    const text = await readFile(file, "utf8");
    expect(text).toBe(
      "# Benchmarks\n\nWhat this is.\n\n## 2026-11-26 10:00 UTC\n\nnew run\n\n## 2026-01-01 00:00 UTC\n\nold run\n",
    );
  });

  it("creates the file with its title when there is none", async () => {
    const file = await benchmarksFile();
    insertSection(file, "## 2026-11-26 10:00 UTC\n\nfirst run\n");
    const text = await readFile(file, "utf8");
    expect(text.startsWith("# Benchmarks\n")).toBe(true);
    expect(text.endsWith("## 2026-11-26 10:00 UTC\n\nfirst run\n")).toBe(true);
  });
});
