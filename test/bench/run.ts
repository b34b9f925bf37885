/**
 * `npm run bench`: reads fleets of 1×100, 10×1,000 and 100×1,000 accounts from a sandbox that adds
 * 20 ms to every request, in each read mode (pages, batches, one GET per account) and with a
 * Terraform-like reader as the baseline; times the pure planning of 100,000 accounts; and writes
 * the results at the top of BENCHMARKS.md.
 *
 * The sandbox runs as a separate process (one per fleet) and every measured read in a fresh child
 * process of this program, so that each reader's memory and CPU are its own. Requests are counted
 * by the sandbox (its stats, reset before each read), never estimated.
 *
 * Flags, for trying things out (a run that feeds BENCHMARKS.md uses none of them):
 *   --fleets 1x100,10x1000   only these fleets        --no-write   print the section, leave the file
 *   --latency MS             (default 20)             --concurrency N   (default 32)
 *
 * Internal: `--reader SPEC_JSON` and `--planning FLEET_JSON` run one measurement in a child.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, platform as osPlatform, arch, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import type { PlatformRef } from "../../reconciler/model.js";
import { refresh } from "../../reconciler/refresh.js";
import type { Fleet, Reader } from "./floor.js";
import { benchPlanning, type PlanningResult } from "./planning.js";
import { runReader, type ReaderResult, type ReaderSpec } from "./reader.js";
import {
  fleetName,
  insertSection,
  renderSection,
  type BenchRun,
  type Machine,
  type Measurement,
} from "./report.js";
import { SandboxProcess } from "./sandbox-process.js";

const HERE = fileURLToPath(import.meta.url);
/** The repository root, from dist/test/bench/run.js. */
const REPO = resolve(HERE, "..", "..", "..", "..");
const CLI = join(REPO, "dist", "reconciler", "cli.js");
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

interface Options {
  fleets: Fleet[];
  latencyMs: number;
  concurrency: number;
  write: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { fleets: DEFAULT_FLEETS, latencyMs: 20, concurrency: 32, write: true };
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
    else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Runs this program again in a child with one internal flag, and returns the JSON it prints. */
function child<T>(flag: string, payload: unknown): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [HERE, flag, JSON.stringify(payload)], {
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
): Promise<{ measurements: Measurement[]; sandboxPeakRssMb: number | null }> {
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
    const readers: { reader: Reader; pages: boolean; batch: boolean }[] = [
      ...MODES,
      { reader: "terraform-like", pages: false, batch: false },
    ];
    for (const { reader, pages, batch } of readers) {
      await sandbox.setReadModes({ pages, batch });
      await sandbox.resetStats();
      const cpuBefore = sandbox.cpuMs();
      const spec: ReaderSpec = {
        reader,
        url: sandbox.url,
        targets,
        concurrency: options.concurrency,
        expectedAccounts: fleet.platforms * fleet.accounts,
      };
      const result = await child<ReaderResult>("--reader", spec);
      const cpuAfter = sandbox.cpuMs();
      const stats = await sandbox.stats();
      const measurement: Measurement = {
        fleet,
        reader,
        concurrency: result.concurrency,
        latencyMs: options.latencyMs,
        wallMs: result.wallMs,
        requests: stats.total,
        clockReads: stats.byRoute["GET /auth/time"] ?? 0,
        maxInFlight: stats.maxInFlight,
        readerCpuMs: result.cpuMs,
        sandboxCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
        readerPeakRssMb: result.peakRssMb,
      };
      measurements.push(measurement);
      log(
        `fleet ${fleetName(fleet)}, ${reader}: ${Math.round(result.wallMs)} ms, ${stats.total} requests, ` +
          `${Math.round(result.peakRssMb)} MB, reader CPU ${Math.round(result.cpuMs)} ms, sandbox CPU ${measurement.sandboxCpuMs ?? "?"} ms`,
      );
    }
    return { measurements, sandboxPeakRssMb: sandbox.peakRssMb() };
  } finally {
    await sandbox.stop();
  }
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
  if (argv[0] === "--reader") {
    process.stdout.write(JSON.stringify(await runReader(JSON.parse(argv[1] as string) as ReaderSpec)));
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
  try {
    for (const fleet of options.fleets) {
      const result = await measureFleet(fleet, options, workDir);
      measurements.push(...result.measurements);
      sandboxPeakRssMb[fleetName(fleet)] = result.sandboxPeakRssMb;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  log(`planning ${fleetName(PLANNING_FLEET)} accounts`);
  const planning = await child<PlanningResult>("--planning", PLANNING_FLEET);
  log(
    `planning: median ${Math.round(planning.medianMs)} ms of ${planning.runsMs.map((r) => Math.round(r)).join(", ")}`,
  );

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
  const section = renderSection(run);
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
