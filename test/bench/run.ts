/**
 * `npm run bench`: reads fleets of 1×100, 10×1,000 and 100×1,000 accounts from a sandbox that adds
 * 20 ms to every request, in each read mode (pages, batches, one GET per account) and with a
 * Terraform-like reader as the baseline; times the pure planning of 100,000 accounts (and the CPU of
 * seeding the sandbox with as many); and writes
 * the results at the top of BENCHMARKS.md.
 *
 * The sandbox runs as a separate process (one per fleet) and every measured read in a fresh child
 * process (read-child.ts) that loads only the reader it measures, so that each reader's memory and
 * CPU are its own. Against the floor, each fleet and mode reads a pair (exrec, plain) left out, then
 * several pairs in turns, each figure the median of its runs. Requests are counted by the sandbox
 * (its stats, reset before each read), never estimated.
 *
 * Flags, for trying things out (a run that feeds BENCHMARKS.md uses none of them):
 *   --fleets 1x100,10x1000   only these fleets        --no-write   print the section, leave the file
 *   --latency MS             (default 20)             --concurrency N   (default 32)
 *   --only PART,PART         only these parts: startup, whole-process, fleets, planning (implies --no-write)
 *   --modes pages,batch,single   only these read modes, in the fleets and the whole processes
 *
 * It also measures whole processes (whole.ts): start-up against bare `node`, the end-to-end plan of
 * the 100,000-account fleet's imported manifest, whole `exrec plan` processes against the plain
 * reader's on a 20×200 fleet (both warmed up, then run in turns), and, in every fleet and mode, the plain undici reader as the floor of
 * the reader's CPU. One GET per account and the Terraform-like baseline are measured up to 10,000
 * accounts only: at 100,000 they take minutes of a machine shared with others, and their figures
 * per request do not change with the fleet.
 *
 * Internal: `--e2e SPEC_JSON` and `--planning FLEET_JSON` run one measurement in a child; a read
 * runs in read-child.ts, which loads only the reader it measures.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, platform as osPlatform, arch, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS, type SandboxStats } from "../../provider/sandbox/types.js";
import type { PlatformRef } from "../../reconciler/model.js";
import { refresh } from "../../reconciler/refresh.js";
import { median, type Fleet, type Reader } from "./floor.js";
import { benchPlanning, type PlanningResult } from "./planning.js";
import type { ReaderResult, ReaderSpec } from "./reader.js";
import {
  fleetName,
  insertSection,
  renderPlanning,
  renderSection,
  type BenchRun,
  type Machine,
  type Measurement,
} from "./report.js";
import { SandboxProcess } from "./sandbox-process.js";
import { runEndToEndSteps, type EndToEndSpec, type EndToEndSteps } from "./end-to-end.js";
import type { PlainMode, PlainReaderResult, PlainReaderSpec } from "./plain-reader.js";
import {
  measureInterleaved,
  measureMedian,
  measureProcess,
  renderEndToEnd,
  renderFloorReads,
  renderStartup,
  renderWholeProcess,
  type EndToEndResult,
  type FloorReadRow,
  type StartupResult,
  type WholeProcessResult,
} from "./whole.js";

const HERE = fileURLToPath(import.meta.url);
/** The repository root, from dist/test/bench/run.js. */
const REPO = resolve(HERE, "..", "..", "..", "..");
const CLI = join(REPO, "dist", "cli", "exrec.js");
const PLAIN_READER = join(REPO, "dist", "test", "bench", "plain-reader.js");
/** One GET per account and the Terraform-like baseline are measured on fleets up to this size. */
const SINGLE_MODE_MAX_ACCOUNTS = 10_000;
const STARTUP_RUNS = 5;
const WHOLE_FLEET: Fleet = { platforms: 20, accounts: 200 };
const WHOLE_CONCURRENCY = 64;
const WHOLE_RUNS = 7;
const WHOLE_WARMUPS = 2;
const BENCHMARKS = join(REPO, "BENCHMARKS.md");

const DEFAULT_FLEETS: Fleet[] = [
  { platforms: 1, accounts: 100 },
  { platforms: 10, accounts: 1000 },
  { platforms: 100, accounts: 1000 },
];
const PLANNING_FLEET: Fleet = { platforms: 100, accounts: 1000 };
const PLANNING_RUNS = 5;
const MODES: { reader: Reader; pages: boolean; batch: boolean }[] = [
  { reader: "pages", pages: true, batch: true },
  { reader: "batch", pages: false, batch: true },
  { reader: "single", pages: false, batch: false },
];
/** A child that has not finished by then is stuck, not slow (the slowest read takes a few minutes). */
const CHILD_TIMEOUT_MS = 20 * 60_000;

const PARTS = ["startup", "whole-process", "fleets", "planning"] as const;
type Part = (typeof PARTS)[number];

interface Options {
  fleets: Fleet[];
  latencyMs: number;
  concurrency: number;
  write: boolean;
  parts: ReadonlySet<Part>;
  modes: ReadonlySet<Reader>;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    fleets: DEFAULT_FLEETS,
    latencyMs: 20,
    concurrency: 32,
    write: true,
    parts: new Set(PARTS),
    modes: new Set(MODES.map((m) => m.reader)),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--fleets") {
      options.fleets = value()
        .split(",")
        .map((text) => {
          const match = /^(\d+)x(\d+)$/.exec(text.trim());
          if (!match) throw new Error(`--fleets takes PxA,PxA…, not ${text}`);
          return { platforms: Number(match[1]), accounts: Number(match[2]) };
        });
    } else if (flag === "--latency") options.latencyMs = Number(value());
    else if (flag === "--concurrency") options.concurrency = Number(value());
    else if (flag === "--no-write") options.write = false;
    else if (flag === "--only") {
      const parts = value().split(",");
      for (const part of parts)
        if (!(PARTS as readonly string[]).includes(part))
          throw new Error(`--only takes ${PARTS.join(", ")}, not ${part}`);
      options.parts = new Set(parts as Part[]);
      // A partial run is for trying things out: BENCHMARKS.md holds whole runs only.
      options.write = false;
    } else if (flag === "--modes") {
      const modes = value().split(",");
      for (const mode of modes)
        if (!MODES.some((m) => m.reader === mode))
          throw new Error(`--modes takes ${MODES.map((m) => m.reader).join(", ")}, not ${mode}`);
      options.modes = new Set(modes as Reader[]);
      options.write = false;
    } else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** The process of one measured read, which loads only the reader it runs (read-child.ts). */
const READ_CHILD = join(dirname(HERE), "read-child.js");

/**
 * Runs this program again in a child with one internal flag (a read: read-child.js instead), and
 * returns the JSON it prints.
 */
function child<T>(flag: string, payload: unknown): Promise<T> {
  const read = flag === "--reader" ? "exrec" : flag === "--plain" ? "plain" : null;
  const args = read ? [READ_CHILD, read] : [HERE, flag];
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", ...args, JSON.stringify(payload)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${flag} failed (exit ${code}): ${stderr.trim()}`));
      try {
        resolvePromise(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${flag} printed no JSON: ${stdout.slice(0, 200)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}

/** The platforms of the sandbox, listed before any measurement (these requests are not counted). */
async function discover(url: string): Promise<PlatformRef[]> {
  const { api, http } = createExchangeApi(
    sandboxConnection(url, SANDBOX_CREDENTIALS, { concurrency: 8, ratePerSecond: 0, timeoutMs: 60_000 }),
  );
  try {
    const targets: PlatformRef[] = [];
    for (const organization of (await api.listOrganizations()).sort()) {
      for (const service of (await api.listServices(organization)).sort())
        targets.push({ organization, service });
    }
    // An unmeasured read of one platform, so that the sandbox process is warm (its JIT, its caches).
    if (targets[0]) await refresh(api, [targets[0]]);
    return targets;
  } finally {
    await http.close();
  }
}

async function measureFleet(
  fleet: Fleet,
  options: Options,
  workDir: string,
): Promise<{
  measurements: Measurement[];
  sandboxPeakRssMb: number | null;
  floorReads: FloorReadRow[];
  endToEnd: EndToEndResult | null;
}> {
  log(`fleet ${fleetName(fleet)}: seeding the sandbox`);
  const sandbox = await SandboxProcess.start({
    cli: CLI,
    seed: `fleet:${fleet.platforms}x${fleet.accounts}`,
    latencyMs: options.latencyMs,
    stateFile: join(workDir, `fleet-${fleet.platforms}x${fleet.accounts}.json`),
    readModes: { pages: false, batch: false },
  });
  try {
    const targets = await discover(sandbox.url);
    if (targets.length !== fleet.platforms)
      throw new Error(`the sandbox holds ${targets.length} platforms, expected ${fleet.platforms}`);
    const measurements: Measurement[] = [];
    const floorReads: FloorReadRow[] = [];
    const accounts = fleet.platforms * fleet.accounts;
    const all: { reader: Reader; pages: boolean; batch: boolean }[] = [
      ...MODES,
      { reader: "terraform-like", pages: false, batch: false },
    ];
    const readers = all.filter(
      (r) =>
        (accounts <= SINGLE_MODE_MAX_ACCOUNTS || r.reader === "pages" || r.reader === "batch") &&
        (r.reader === "terraform-like" ? options.modes.has("single") : options.modes.has(r.reader)),
    );
    for (const { reader, pages, batch } of readers) {
      await sandbox.setReadModes({ pages, batch });
      const spec: ReaderSpec = {
        reader,
        url: sandbox.url,
        targets,
        concurrency: options.concurrency,
        expectedAccounts: fleet.platforms * fleet.accounts,
      };
      // One exrec read: its own figures and what the sandbox saw of it.
      const readOnce = async () => {
        await sandbox.resetStats();
        const cpuBefore = sandbox.cpuMs();
        const result = await child<ReaderResult>("--reader", spec);
        const cpuAfter = sandbox.cpuMs();
        const sandboxCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
        return { result, stats: await sandbox.stats(), sandboxCpuMs };
      };
      if (reader === "terraform-like") {
        const { result, stats, sandboxCpuMs } = await readOnce();
        measurements.push(measurementOf(fleet, reader, options, result, stats, sandboxCpuMs));
        log(
          `fleet ${fleetName(fleet)}, ${reader}: ${Math.round(result.wallMs)} ms, ${stats.total} requests, reader CPU ${Math.round(result.cpuMs)} ms`,
        );
        continue;
      }
      // Against the floor, the plain reader in the same sandbox and mode: a pair of reads left out
      // (both warm the sandbox alike), then PAIRS pairs in turns, exrec then plain, each figure the
      // median of its runs, so that neither reader is measured on a colder sandbox or a busier
      // moment of the machine than the other.
      const plainSpec: PlainReaderSpec = {
        mode: reader,
        url: sandbox.url,
        targets,
        concurrency: options.concurrency,
        expectedAccounts: accounts,
      };
      const readPlain = async () => {
        await sandbox.resetStats();
        const result = await child<PlainReaderResult>("--plain", plainSpec);
        return { result, stats: await sandbox.stats() };
      };
      const pairs = floorPairs(reader, accounts);
      if (pairs > 1) {
        await readOnce();
        await readPlain();
      }
      const exrecRuns: Awaited<ReturnType<typeof readOnce>>[] = [];
      const plainRuns: Awaited<ReturnType<typeof readPlain>>[] = [];
      for (let i = 0; i < pairs; i++) {
        exrecRuns.push(await readOnce());
        plainRuns.push(await readPlain());
      }
      // Every run makes the same requests; the most any run made is the one reported.
      const busiest = exrecRuns.reduce((a, b) => (b.stats.total > a.stats.total ? b : a));
      const exrecWall = median(exrecRuns.map((r) => r.result.wallMs));
      const exrecCpu = median(exrecRuns.map((r) => r.result.cpuMs));
      const sandboxCpu = exrecRuns.map((r) => r.sandboxCpuMs);
      const measurement = measurementOf(
        fleet,
        reader,
        options,
        {
          ...busiest.result,
          wallMs: exrecWall,
          cpuMs: exrecCpu,
          peakRssMb: Math.max(...exrecRuns.map((r) => r.result.peakRssMb)),
        },
        busiest.stats,
        sandboxCpu.some((c) => c === null) ? null : median(sandboxCpu as number[]),
      );
      measurements.push(measurement);
      const plainRequests = Math.max(...plainRuns.map((r) => r.stats.total));
      const plainWall = median(plainRuns.map((r) => r.result.wallMs));
      const plainCpu = median(plainRuns.map((r) => r.result.cpuMs));
      floorReads.push({
        fleet,
        mode: reader,
        runs: pairs,
        requests: plainRequests,
        exrec: { wallMs: exrecWall, cpuMs: exrecCpu, requests: busiest.stats.total },
        plain: { wallMs: plainWall, cpuMs: plainCpu, requests: plainRequests },
      });
      log(
        `fleet ${fleetName(fleet)}, ${reader}: ${Math.round(exrecWall)} ms, ${busiest.stats.total} requests, ` +
          `${Math.round(measurement.readerPeakRssMb)} MB, reader CPU ${Math.round(exrecCpu)} ms, sandbox CPU ${measurement.sandboxCpuMs ?? "?"} ms; ` +
          `plain ${Math.round(plainWall)} ms, CPU ${Math.round(plainCpu)} ms (median of ${pairs})`,
      );
    }
    const endToEnd = accounts === 100_000 ? await measureEndToEnd(fleet, sandbox, workDir, options) : null;
    return { measurements, sandboxPeakRssMb: sandbox.peakRssMb(), floorReads, endToEnd };
  } finally {
    await sandbox.stop();
  }
}

/**
 * How many exrec/plain pairs of reads are measured against the floor: 5, but 3 at 100,000 accounts
 * (a second or two each) and 1 for one GET per account beyond 1,000 accounts (seconds each, and the
 * per-request figure has room to spare).
 */
function floorPairs(reader: Reader, accounts: number): number {
  if (reader === "single" && accounts > 1_000) return 1;
  return accounts >= 100_000 ? 3 : 5;
}

function measurementOf(
  fleet: Fleet,
  reader: Reader,
  options: Options,
  result: ReaderResult,
  stats: SandboxStats,
  sandboxCpuMs: number | null,
): Measurement {
  return {
    fleet,
    reader,
    concurrency: result.concurrency,
    latencyMs: options.latencyMs,
    wallMs: result.wallMs,
    requests: stats.total,
    clockReads: stats.byRoute["GET /auth/time"] ?? 0,
    maxInFlight: stats.maxInFlight,
    readerCpuMs: result.cpuMs,
    sandboxCpuMs,
    readerPeakRssMb: result.peakRssMb,
  };
}

/** The environment of a CLI run against a sandbox process: its keys, no rate limit, N in flight. */
function cliEnv(url: string, home: string, concurrency: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NO_COLOR: "1",
    CI: "true",
    OVH_ENDPOINT: url,
    OVH_APPLICATION_KEY: SANDBOX_CREDENTIALS.applicationKey,
    OVH_APPLICATION_SECRET: SANDBOX_CREDENTIALS.applicationSecret,
    OVH_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
    EXREC_RATE_LIMIT: "0",
    EXREC_CONCURRENCY: String(concurrency),
  };
}

/** `exrec import --out FILE` of the whole fleet; returns the file's size. */
async function importManifest(url: string, file: string, home: string): Promise<number> {
  const imported = await measureProcess([CLI, "import", "--out", file], {
    env: cliEnv(url, home, 32),
    cwd: home,
  });
  if (imported.code !== 0) throw new Error(`exrec import failed: ${imported.stderr.slice(0, 800)}`);
  const { size } = await import("node:fs/promises").then((fs) => fs.stat(file));
  return size;
}

async function measureStartup(workDir: string): Promise<StartupResult> {
  const home = await mkdtemp(join(workDir, "startup-"));
  const env = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", CI: "true" };
  const demo = join(REPO, "examples", "demo.yaml");
  // No credentials: `plan` of the demo runs against the embedded sandbox, asked for by name.
  const sandboxEnv = { ...env, EXREC_USE_SANDBOX: "1" };
  await measureProcess([CLI, "plan", demo], { env: sandboxEnv, cwd: home });
  return {
    runs: STARTUP_RUNS,
    bare: await measureMedian(STARTUP_RUNS, ["-e", "0"], { env, cwd: home }),
    help: await measureMedian(STARTUP_RUNS, [CLI, "--help"], { env, cwd: home }),
    validate: await measureMedian(STARTUP_RUNS, [CLI, "validate", demo], { env, cwd: home }),
    planDemo: await measureMedian(STARTUP_RUNS, [CLI, "plan", demo], { env: sandboxEnv, cwd: home }),
  };
}

async function measureWholeProcesses(options: Options, workDir: string): Promise<WholeProcessResult> {
  const fleet = WHOLE_FLEET;
  const sandbox = await SandboxProcess.start({
    cli: CLI,
    seed: `fleet:${fleet.platforms}x${fleet.accounts}`,
    latencyMs: options.latencyMs,
    stateFile: join(workDir, `whole-${fleet.platforms}x${fleet.accounts}.json`),
    readModes: { pages: true, batch: true },
  });
  try {
    const home = await mkdtemp(join(workDir, "whole-"));
    const manifest = join(home, "fleet.yaml");
    await importManifest(sandbox.url, manifest, home);
    const targets = await discover(sandbox.url);
    const rows: WholeProcessResult["rows"] = [];
    for (const { reader, pages, batch } of MODES.filter((m) => options.modes.has(m.reader))) {
      await sandbox.setReadModes({ pages, batch });
      const spec: PlainReaderSpec = {
        mode: reader as PlainMode,
        url: sandbox.url,
        targets,
        concurrency: WHOLE_CONCURRENCY,
        expectedAccounts: fleet.platforms * fleet.accounts,
      };
      const [exrec, plain] = await measureInterleaved(
        WHOLE_RUNS,
        WHOLE_WARMUPS,
        {
          args: [CLI, "plan", manifest],
          options: { env: cliEnv(sandbox.url, home, WHOLE_CONCURRENCY), cwd: home },
        },
        {
          args: [PLAIN_READER, JSON.stringify(spec)],
          options: { env: { PATH: process.env.PATH ?? "" }, cwd: home },
        },
      );
      rows.push({ mode: reader as PlainMode, exrec, plain });
      log(
        `whole ${reader}: exrec ${Math.round(exrec.wallMs)} ms (CPU ${Math.round(exrec.cpuMs)} ms), ` +
          `plain ${Math.round(plain.wallMs)} ms (CPU ${Math.round(plain.cpuMs)} ms)`,
      );
    }
    return {
      fleet,
      latencyMs: options.latencyMs,
      concurrency: WHOLE_CONCURRENCY,
      runs: WHOLE_RUNS,
      warmups: WHOLE_WARMUPS,
      rows,
    };
  } finally {
    await sandbox.stop();
  }
}

async function measureEndToEnd(
  fleet: Fleet,
  sandbox: SandboxProcess,
  workDir: string,
  options: Options,
): Promise<EndToEndResult> {
  log(`end to end: importing the ${fleetName(fleet)} fleet`);
  await sandbox.setReadModes({ pages: true, batch: true });
  const home = await mkdtemp(join(workDir, "e2e-"));
  const manifest = join(home, "fleet.yaml");
  const manifestBytes = await importManifest(sandbox.url, manifest, home);
  const env = cliEnv(sandbox.url, home, options.concurrency);
  await sandbox.resetStats();
  const whole = await measureProcess([CLI, "plan", manifest], { env, cwd: home });
  if (whole.code !== 0) throw new Error(`exrec plan failed: ${whole.stderr.slice(0, 800)}`);
  const requests = (await sandbox.stats()).total;
  const steps = await new Promise<EndToEndSteps>((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [HERE, "--e2e", JSON.stringify({ manifest })], {
      env,
      cwd: home,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", reject);
    proc.on("close", (code) =>
      code === 0
        ? resolvePromise(JSON.parse(stdout) as EndToEndSteps)
        : reject(new Error(`--e2e failed: ${stderr.slice(0, 800)}`)),
    );
  });
  log(
    `end to end: ${Math.round(whole.wallMs)} ms wall, ${Math.round(whole.cpuMs)} ms CPU, ${Math.round(whole.peakRssMb)} MB; ` +
      `load ${Math.round(steps.loadMs)} ms, refresh ${Math.round(steps.refreshMs)} ms, plan ${Math.round(steps.planMs)} ms`,
  );
  return {
    fleet,
    latencyMs: options.latencyMs,
    concurrency: options.concurrency,
    manifestBytes,
    process: whole,
    steps: {
      loadMs: steps.loadMs,
      refreshMs: steps.refreshMs,
      planMs: steps.planMs,
      renderMs: steps.renderMs,
    },
    changes: steps.changes,
    requests,
  };
}

function machine(loadAtStart: number[]): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown CPU",
    cores: cores.length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${osPlatform()} ${arch()}`,
    loadAtStart,
    loadAtEnd: loadavg(),
  };
}

function commandLine(argv: string[]): string {
  const extra = argv.length > 0 ? ` -- ${argv.join(" ")}` : "";
  return process.env.npm_lifecycle_event === "bench"
    ? `npm run bench${extra}`
    : `node dist/test/bench/run.js${argv.length > 0 ? ` ${argv.join(" ")}` : ""}`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--e2e") {
    process.stdout.write(
      JSON.stringify(await runEndToEndSteps(JSON.parse(argv[1] as string) as EndToEndSpec)),
    );
    return;
  }
  if (argv[0] === "--planning") {
    process.stdout.write(
      JSON.stringify(benchPlanning(JSON.parse(argv[1] as string) as Fleet, PLANNING_RUNS)),
    );
    return;
  }

  const options = parseOptions(argv);
  const loadAtStart = loadavg();
  const startedAt = new Date();
  const workDir = await mkdtemp(join(tmpdir(), "exrec-bench-"));
  const measurements: Measurement[] = [];
  const sandboxPeakRssMb: Record<string, number | null> = {};
  const floorReads: FloorReadRow[] = [];
  let endToEnd: EndToEndResult | null = null;
  let startup: StartupResult | null = null;
  let whole: WholeProcessResult | null = null;
  try {
    if (options.parts.has("startup")) {
      log("start-up");
      startup = await measureStartup(workDir);
      log(
        `start-up: bare ${Math.round(startup.bare.wallMs)} ms, --help ${Math.round(startup.help.wallMs)} ms, ` +
          `validate ${Math.round(startup.validate.wallMs)} ms (CPU ${Math.round(startup.validate.cpuMs)} ms)`,
      );
    }
    if (options.parts.has("whole-process")) {
      log(`whole processes on ${fleetName(WHOLE_FLEET)}`);
      whole = await measureWholeProcesses(options, workDir);
    }
    for (const fleet of options.parts.has("fleets") ? options.fleets : []) {
      const result = await measureFleet(fleet, options, workDir);
      measurements.push(...result.measurements);
      floorReads.push(...result.floorReads);
      endToEnd ??= result.endToEnd;
      sandboxPeakRssMb[fleetName(fleet)] = result.sandboxPeakRssMb;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  let planning: PlanningResult | null = null;
  if (options.parts.has("planning")) {
    log(`planning ${fleetName(PLANNING_FLEET)} accounts`);
    planning = await child<PlanningResult>("--planning", PLANNING_FLEET);
    log(
      `planning: median ${Math.round(planning.medianMs)} ms of ${planning.runsMs.map((r) => Math.round(r)).join(", ")}; ` +
        `seeding: median ${Math.round(planning.seeding.medianCpuMs)} ms of CPU`,
    );
  }

  const run: BenchRun = {
    startedAt,
    command: commandLine(argv),
    machine: machine(loadAtStart),
    latencyMs: options.latencyMs,
    concurrency: options.concurrency,
    measurements,
    planning,
    planningFleet: PLANNING_FLEET,
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    sandboxPeakRssMb,
  };
  const extras = [
    ...renderStartup(startup),
    ...renderEndToEnd(endToEnd),
    ...renderWholeProcess(whole),
    ...renderFloorReads(floorReads),
    // A whole run shows planning in its section; a partial one has no section to hold it.
    ...(measurements.length > 0 ? [] : renderPlanning(planning, PLANNING_FLEET)),
  ];
  // A partial run (--only without the fleets) has no reads to sum up: only its own parts are shown.
  const head =
    measurements.length > 0
      ? renderSection(run).replace(/\n*$/, "\n")
      : `## Partial run: ${[...options.parts].join(", ")} (${Math.round(run.durationS)} s, load average ${loadAtStart.map((l) => l.toFixed(1)).join(" / ")})\n`;
  const section = `${head}\n${extras.join("\n")}`;
  if (options.write) {
    insertSection(BENCHMARKS, section);
    log(`results written to ${BENCHMARKS}`);
  } else {
    process.stdout.write(`${section}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
