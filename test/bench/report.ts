/**
 * The benchmark's results as a Markdown section of BENCHMARKS.md (newest first, below the title),
 * with every target of the issue marked PASS or MISS, and the reason of each MISS that follows from
 * arithmetic said in words. Pure apart from `insertSection`'s file I/O.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import {
  atMost,
  dependentChain,
  dependentRounds,
  floorMs,
  neededRequests,
  requestsVerdict,
  speedUpVerdict,
  TARGETS,
  wallVerdict,
  type Fleet,
  type Reader,
  type Verdict,
} from "./floor.js";
import type { PlanningResult } from "./planning.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  loadAtStart: number[];
  loadAtEnd: number[];
}

export interface Measurement {
  fleet: Fleet;
  reader: Reader;
  concurrency: number;
  latencyMs: number;
  wallMs: number;
  /** Everything the sandbox counted during the read. */
  requests: number;
  /** `GET /auth/time` among them (once per run, to correct the signature's clock). */
  clockReads: number;
  maxInFlight: number;
  readerCpuMs: number;
  sandboxCpuMs: number | null;
  readerPeakRssMb: number;
}

export interface BenchRun {
  startedAt: Date;
  command: string;
  machine: Machine;
  latencyMs: number;
  concurrency: number;
  measurements: Measurement[];
  planning: PlanningResult | null;
  planningFleet: Fleet;
  durationS: number;
  sandboxPeakRssMb: Record<string, number | null>;
}

const READER_NAMES: Record<Reader, string> = {
  pages: "exrec, pages offered",
  batch: "exrec, batches offered (no pages)",
  single: "exrec, neither (one GET per account)",
  "terraform-like": "Terraform-like baseline",
};

export function fleetName(fleet: Fleet): string {
  return `${fleet.platforms}×${fleet.accounts.toLocaleString("en-US")}`;
}

const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
const mb = (value: number | null) => (value === null ? "n/a" : `${Math.round(value)} MB`);
const times = (value: number) => `${value.toFixed(2)}×`;
const mark = (verdict: Verdict) => (verdict === "PASS" ? "PASS" : "**MISS**");

/** The figures of one measurement that the tables and the summary share. */
export interface Derived {
  needed: number;
  floor: number;
  criticalPath: number;
  wallRatio: number;
  requestsVerdict: Verdict;
  wallVerdict: Verdict;
}

export function derive(m: Measurement): Derived {
  const needed = neededRequests(m.reader, m.fleet);
  const floor = floorMs(needed, m.concurrency, m.latencyMs);
  return {
    needed,
    floor,
    criticalPath: dependentRounds(m.reader, m.fleet) * m.latencyMs,
    wallRatio: m.wallMs / floor,
    requestsVerdict: requestsVerdict(m.requests, m.clockReads, needed, m.fleet.platforms),
    wallVerdict: wallVerdict(m.wallMs, floor),
  };
}

function baselineOf(run: BenchRun, fleet: Fleet): Measurement | undefined {
  return run.measurements.find((m) => m.reader === "terraform-like" && m.fleet === fleet);
}

function fleetTable(run: BenchRun, fleet: Fleet): string[] {
  const rows = run.measurements.filter((m) => m.fleet === fleet);
  const baseline = baselineOf(run, fleet);
  const lines = [
    `### ${fleetName(fleet)} accounts (${fleet.platforms} platform${fleet.platforms > 1 ? "s" : ""} of ${fleet.accounts.toLocaleString("en-US")})`,
    "",
    "| reader | in flight | wall | floor | wall ÷ floor (≤ 1.25) | requests made | needed | requests (≤ +5%, +1 probe/platform) | speed-up vs baseline (≥ 5×) | reader peak RSS | reader CPU | sandbox CPU | most in flight |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const m of rows) {
    const d = derive(m);
    const speedUp =
      m.reader === "terraform-like" || !baseline
        ? "—"
        : `${times(baseline.wallMs / m.wallMs)} ${mark(speedUpVerdict(baseline.wallMs, m.wallMs))}`;
    lines.push(
      `| ${READER_NAMES[m.reader]} | ${m.concurrency} | ${ms(m.wallMs)} | ${ms(d.floor)} | ${times(d.wallRatio)} ${m.reader === "terraform-like" ? "" : mark(d.wallVerdict)} | ` +
        `${m.requests.toLocaleString("en-US")}${m.clockReads > 0 ? ` (${m.clockReads} clock)` : ""} | ${d.needed.toLocaleString("en-US")} | ${m.reader === "terraform-like" ? "—" : mark(d.requestsVerdict)} | ` +
        `${speedUp} | ${mb(m.readerPeakRssMb)} | ${ms(m.readerCpuMs)} | ${m.sandboxCpuMs === null ? "n/a" : ms(m.sandboxCpuMs)} | ${m.maxInFlight} |`,
    );
  }
  lines.push("");
  return lines;
}

/** Why a target was missed, where arithmetic says why; null where it does not. */
function explainWallMiss(m: Measurement, d: Derived): string | null {
  if (d.criticalPath > d.floor * TARGETS.wallOverFloor) {
    return (
      `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: the floor (${ms(d.floor)}) is below the ${dependentRounds(m.reader, m.fleet)} requests that must follow one another ` +
      `(${dependentChain(m.reader, m.fleet)}) × ${m.latencyMs} ms = ${ms(d.criticalPath)}; ` +
      `no reader can meet it. Against max(floor, that path) the ratio is ${times(m.wallMs / Math.max(d.floor, d.criticalPath))}.`
    );
  }
  if (m.readerCpuMs > d.floor * TARGETS.wallOverFloor) {
    return (
      `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: the reader's own CPU time (${ms(m.readerCpuMs)}: receiving, parsing, checking and ` +
      `fingerprinting ${(m.fleet.platforms * m.fleet.accounts).toLocaleString("en-US")} accounts) is above 1.25× the floor (${ms(d.floor)}), ` +
      `which counts latency only; wall ÷ reader CPU is ${times(m.wallMs / m.readerCpuMs)}.`
    );
  }
  return null;
}

function explainSpeedUpMiss(m: Measurement, baseline: Measurement): string | null {
  if (m.reader !== "single") return null;
  const bound =
    neededRequests("terraform-like", m.fleet) /
    baseline.concurrency /
    (neededRequests("single", m.fleet) / m.concurrency);
  return (
    `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: without pages or batches exrec makes one GET per account, as the baseline does; ` +
    `its only edge is ${m.concurrency} requests in flight against ${baseline.concurrency}, which bounds the speed-up near ${times(bound)}. ` +
    "The 5× target can only be met where the API offers pages or batches."
  );
}

export function renderSection(run: BenchRun): string {
  const { machine } = run;
  const fleets = [...new Set(run.measurements.map((m) => m.fleet))];
  const exrec = run.measurements.filter((m) => m.reader !== "terraform-like");
  const derived = new Map(run.measurements.map((m) => [m, derive(m)]));
  const requestMisses = exrec.filter((m) => derived.get(m)?.requestsVerdict === "MISS");
  const wallMisses = exrec.filter((m) => derived.get(m)?.wallVerdict === "MISS");
  const speedMisses = exrec.filter((m) => {
    const baseline = baselineOf(run, m.fleet);
    return baseline !== undefined && speedUpVerdict(baseline.wallMs, m.wallMs) === "MISS";
  });
  const largest = fleets.reduce((a, b) => (a.platforms * a.accounts >= b.platforms * b.accounts ? a : b));
  const largestRss = Math.max(...exrec.filter((m) => m.fleet === largest).map((m) => m.readerPeakRssMb));
  const count = (misses: Measurement[], of: number) =>
    misses.length === 0 ? `PASS (${of} of ${of})` : `**MISS** (${of - misses.length} of ${of} pass)`;

  const lines: string[] = [
    `## ${run.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `- Command: \`${run.command}\` (${Math.round(run.durationS)} s in all)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb.toFixed(1)} GB, ${machine.os}, Node.js ${machine.node}; ` +
      `load average ${machine.loadAtStart.map((l) => l.toFixed(1)).join(" / ")} at the start, ${machine.loadAtEnd.map((l) => l.toFixed(1)).join(" / ")} at the end (1 / 5 / 15 min)`,
    `- Sandbox: a separate \`exrec sandbox\` process per fleet, ${run.latencyMs} ms added to every request, read modes switched through its control API; ` +
      `peak RSS ${fleets.map((f) => `${fleetName(f)} ${mb(run.sandboxPeakRssMb[fleetName(f)] ?? null)}`).join(", ")}`,
    `- Reader: a fresh process per scenario, exrec's \`refresh()\` with \`EXREC_CONCURRENCY=${run.concurrency}\` and no rate limit; ` +
      "the Terraform-like baseline lists the ids, then GETs each account, 10 in flight (Terraform's default parallelism), through the same HTTP client",
    `- Floor = requests needed ÷ requests in flight × ${run.latencyMs} ms. Needed per platform: pages 2 + ⌈A/500⌉, batches 3 + ⌈A/50⌉, single 3 + A, ` +
      "baseline 2 + A. The server clock read (once per run) is counted in *requests made* and shown apart; a refused probe is allowed on top (one per platform)",
    "",
    "| target | result |",
    "| --- | --- |",
    `| requests within 5% of the needed ones in every mode (+ at most one probe per platform) | ${count(requestMisses, exrec.length)} |`,
    `| wall time ≤ 1.25 × floor at ${run.concurrency} in flight | ${count(wallMisses, exrec.length)} |`,
    `| ≥ 5× faster than the Terraform-like baseline at ${run.latencyMs} ms latency | ${count(speedMisses, exrec.length)} |`,
    run.planning
      ? `| planning ${run.planning.liveAccounts.toLocaleString("en-US")} accounts < 1 s | ${mark(atMost(run.planning.medianMs, TARGETS.planningMs))} (median ${ms(run.planning.medianMs)}) |`
      : "| planning < 1 s | not measured |",
    `| peak RSS < 400 MB at ${(largest.platforms * largest.accounts).toLocaleString("en-US")} accounts (reader) | ${mark(atMost(largestRss, TARGETS.peakRssMb))} (${mb(largestRss)}) |`,
    "",
  ];
  for (const fleet of fleets) lines.push(...fleetTable(run, fleet));

  lines.push(...renderPlanning(run.planning, run.planningFleet));

  const notes: string[] = [];
  for (const m of wallMisses) {
    const why = explainWallMiss(m, derived.get(m) as Derived);
    notes.push(
      why ??
        `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: wall ${times((derived.get(m) as Derived).wallRatio)} the floor, more than the arithmetic above explains.`,
    );
  }
  for (const m of speedMisses) {
    const baseline = baselineOf(run, m.fleet) as Measurement;
    notes.push(
      explainSpeedUpMiss(m, baseline) ??
        `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: speed-up ${times(baseline.wallMs / m.wallMs)}, less than the arithmetic above explains.`,
    );
  }
  for (const m of requestMisses) {
    const d = derived.get(m) as Derived;
    notes.push(
      `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: ${m.requests - m.clockReads} requests for ${d.needed} needed.`,
    );
  }
  for (const m of exrec.filter(
    (x) => x.fleet === largest && atMost(x.readerPeakRssMb, TARGETS.peakRssMb) === "MISS",
  )) {
    notes.push(
      `${fleetName(m.fleet)}, ${READER_NAMES[m.reader]}: peak RSS of the reader ${mb(m.readerPeakRssMb)}.`,
    );
  }
  if (notes.length > 0) lines.push("Misses:", "", ...notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

const TITLE = "# Benchmarks";
const INTRO = [
  "",
  "`npm run bench` reads fleets of Exchange accounts from the sandbox with a fixed latency per request, in each read mode the",
  "API may offer, next to a Terraform-like reader and a plain undici reader (the floor of a reader's CPU), times the pure",
  "planning of 100,000 accounts, the end-to-end `exrec plan` of a 100,000-account manifest, whole `exrec plan` processes",
  "against the plain reader's, and the CLI's start-up against bare `node`. Each run adds a section below, newest first.",
  "Timings depend on the machine and on what else it was doing: the load average is given with each run. On a shared",
  "machine, read the CPU times and the request counts first (they are the process's own), and wall times as an upper bound.",
  "",
].join("\n");

/** Puts `section` at the top of the runs in `file` (below the title and its introduction). */
export function insertSection(file: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : `${TITLE}\n${INTRO}`;
  const firstRun = existing.search(/^## /m);
  const head = firstRun < 0 ? existing.replace(/\n*$/, "\n\n") : existing.slice(0, firstRun);
  const rest = firstRun < 0 ? "" : existing.slice(firstRun);
  writeFileSync(file, `${head}${section.replace(/\n*$/, "\n")}${rest === "" ? "" : `\n${rest}`}`);
}

/** The planning part: `plan()` alone, and the sandbox's seeding of a fleet of the same size. */
export function renderPlanning(p: PlanningResult | null, fleet: Fleet): string[] {
  if (p === null) return [];
  return [
    `### Planning ${fleetName(fleet)} accounts, alone`,
    "",
    `\`plan()\` on Desired and Actual built in memory (${p.liveAccounts.toLocaleString("en-US")} live accounts, odd platforms Hosted and even ones Private, ` +
      `about 4% of them changing: renewals, display-name and licence updates, terminations, cancelled terminations, blanks reused, orders, additions, deletions; ${p.changes.toLocaleString("en-US")} changes planned). ` +
      `Runs: ${p.runsMs.map((r) => ms(r)).join(", ")}; median **${ms(p.medianMs)}** ${mark(atMost(p.medianMs, TARGETS.planningMs))}; ` +
      `peak RSS of that process ${mb(p.peakRssMb)}.`,
    "",
    `Seeding the sandbox with \`fleet:${fleet.platforms}x${fleet.accounts}\` (${p.seeding.accounts.toLocaleString("en-US")} accounts, in memory): ` +
      `CPU ${p.seeding.runsCpuMs.map((r) => ms(r)).join(", ")}; median **${ms(p.seeding.medianCpuMs)}** ` +
      `${mark(atMost(p.seeding.medianCpuMs, TARGETS.seedingCpuMs))} (target < ${ms(TARGETS.seedingCpuMs)} of CPU).`,
    "",
  ];
}
