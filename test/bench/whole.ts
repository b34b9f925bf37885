/**
 * The benchmark's measurements of whole processes, and their part of the report: start-up of the
 * CLI against bare `node`, the end-to-end `exrec plan` of a 100,000-account manifest, whole `exrec
 * plan` processes against the plain reader's, and exrec's reader CPU against the plain reader's.
 *
 * A process is measured by /usr/bin/time (wall, user + system CPU, peak RSS of that process), so
 * that every figure is the process's own and nothing is estimated.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./floor.js";
import type { PlainMode } from "./plain-reader.js";
import type { Fleet } from "./floor.js";

export interface ProcessFigures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ARGS` under /usr/bin/time and returns its figures. */
export async function measureProcess(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ProcessFigures> {
  const dir = await mkdtemp(join(tmpdir(), "exrec-time-"));
  const out = join(dir, "time");
  try {
    const started = performance.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolvePromise, reject) => {
        const child = spawn("/usr/bin/time", ["-f", "%U %S %M", "-o", out, process.execPath, ...args], {
          cwd: options.cwd,
          env: options.env ?? { PATH: process.env.PATH ?? "" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
      },
    );
    const wallMs = performance.now() - started;
    const [user, system, rssKb] = (await readFile(out, "utf8")).trim().split(/\s+/).slice(-3).map(Number);
    return {
      wallMs,
      cpuMs: ((user ?? 0) + (system ?? 0)) * 1000,
      peakRssMb: (rssKb ?? 0) / 1024,
      ...result,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The median figures of `runs` runs (each figure's own median). */
export async function measureMedian(
  runs: number,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ProcessFigures & { runs: number }> {
  const all: ProcessFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const figures = await measureProcess(args, options);
    if (figures.code !== 0) {
      throw new Error(`node ${args.join(" ")} exited ${figures.code}: ${figures.stderr.slice(0, 800)}`);
    }
    all.push(figures);
  }
  return medianFigures(all, runs);
}

export interface ProcessCommand {
  args: string[];
  options?: { env?: Record<string, string>; cwd?: string };
}

/**
 * Two commands measured side by side: `warmups` runs of each first (discarded: they warm the
 * sandbox's JIT and the file cache for both alike), then `runs` runs of each taken in turn (a, b,
 * a, b…), so that a drift of the machine's load or of the server's warmth falls on both; each
 * figure is the median of its command's runs.
 */
export async function measureInterleaved(
  runs: number,
  warmups: number,
  a: ProcessCommand,
  b: ProcessCommand,
): Promise<[ProcessFigures & { runs: number }, ProcessFigures & { runs: number }]> {
  const all: [ProcessFigures[], ProcessFigures[]] = [[], []];
  const commands = [a, b] as const;
  for (let i = 0; i < warmups + runs; i++) {
    for (const [k, command] of commands.entries()) {
      const figures = await measureProcess(command.args, command.options);
      if (figures.code !== 0) {
        throw new Error(
          `node ${command.args.join(" ")} exited ${figures.code}: ${figures.stderr.slice(0, 800)}`,
        );
      }
      if (i >= warmups) all[k]!.push(figures);
    }
  }
  return [medianFigures(all[0], runs), medianFigures(all[1], runs)];
}

function medianFigures(all: ProcessFigures[], runs: number): ProcessFigures & { runs: number } {
  return {
    wallMs: median(all.map((f) => f.wallMs)),
    cpuMs: median(all.map((f) => f.cpuMs)),
    peakRssMb: median(all.map((f) => f.peakRssMb)),
    code: 0,
    stdout: all[0]!.stdout,
    stderr: all[0]!.stderr,
    runs,
  };
}

export interface StartupResult {
  runs: number;
  bare: ProcessFigures;
  help: ProcessFigures;
  validate: ProcessFigures;
  planDemo: ProcessFigures;
}

export interface EndToEndResult {
  fleet: Fleet;
  latencyMs: number;
  concurrency: number;
  manifestBytes: number;
  /** The whole `exrec plan` process. */
  process: ProcessFigures;
  /** The same steps timed inside one fresh process: what share of the time each takes. */
  steps: { loadMs: number; refreshMs: number; planMs: number; renderMs: number };
  changes: number;
  requests: number;
}

export interface WholeProcessRow {
  mode: PlainMode;
  exrec: ProcessFigures;
  plain: ProcessFigures;
}

export interface WholeProcessResult {
  fleet: Fleet;
  latencyMs: number;
  concurrency: number;
  runs: number;
  /** Runs of each command before the measured ones, discarded. */
  warmups: number;
  rows: WholeProcessRow[];
}

export interface FloorReadRow {
  fleet: Fleet;
  mode: PlainMode;
  /** Pairs of reads (exrec, then plain) measured; each figure is the median of its runs. */
  runs: number;
  requests: number;
  exrec: { wallMs: number; cpuMs: number; requests: number };
  plain: { wallMs: number; cpuMs: number; requests: number };
}

const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
const mb = (value: number) => `${Math.round(value)} MB`;
const times = (value: number) => `${value.toFixed(2)}×`;
const verdict = (pass: boolean) => (pass ? "PASS" : "**MISS**");
const fleetName = (fleet: Fleet) => `${fleet.platforms}×${fleet.accounts.toLocaleString("en-US")}`;
const MODE_NAMES: Record<PlainMode, string> = {
  pages: "pages",
  batch: "batches",
  single: "one GET per account",
};

/** The CPU targets: 1.3× the plain reader in pages and batch modes, 1.5× per request in single mode. */
export function cpuTarget(mode: PlainMode): number {
  return mode === "single" ? 1.5 : 1.3;
}

export const TARGETS_WHOLE = {
  helpOverBare: 2,
  validateMs: 150,
  wholeProcessOverPlain: 1.25,
  peakRssMb: 400,
} as const;

export function renderFloorReads(rows: FloorReadRow[]): string[] {
  if (rows.length === 0) return [];
  const lines = [
    "### Reader CPU against the plain undici reader (the floor)",
    "",
    "The plain reader (`test/bench/plain-reader.ts`) makes the same requests on one undici `Pool`, signed, as many in flight, with `body.json()` and nothing else; it knows the mode in advance, so it makes no request exrec may waste finding the mode out (a refused batch per platform where the API answers none); in batch mode, as any reader must that learns from an answer whether the API answers a platform's batches, it sends a platform's other batches once its first one is answered. Each read is a fresh process (`test/bench/read-child.ts`) that loads only the reader it measures, whose start-up garbage is collected before the read, so that neither pays for it by chance. In each fleet and mode measured more than once, a pair of reads (exrec, plain) comes first and is left out; then the pairs counted in *runs* take turns, exrec then plain, and each figure is the median of its runs. CPU is counted from the first request to the last answer. Per request: CPU ÷ requests made.",
    "",
    "| fleet | mode | runs | exrec CPU | plain CPU (floor) | exrec ÷ plain | per request: exrec | per request: plain | per request ÷ | target | exrec wall | plain wall |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
  ];
  for (const row of rows) {
    const ratio = row.exrec.cpuMs / row.plain.cpuMs;
    const perExrec = (row.exrec.cpuMs * 1000) / row.exrec.requests;
    const perPlain = (row.plain.cpuMs * 1000) / row.plain.requests;
    const perRatio = perExrec / perPlain;
    const judged = row.mode === "single" ? perRatio : ratio;
    lines.push(
      `| ${fleetName(row.fleet)} | ${MODE_NAMES[row.mode]} | ${row.runs} | ${ms(row.exrec.cpuMs)} | ${ms(row.plain.cpuMs)} | ${times(ratio)} | ${Math.round(perExrec)} µs | ${Math.round(perPlain)} µs | ${times(perRatio)} | ≤ ${cpuTarget(row.mode)}× ${row.mode === "single" ? "per request" : "in all"}: ${verdict(judged <= cpuTarget(row.mode))} | ${ms(row.exrec.wallMs)} | ${ms(row.plain.wallMs)} |`,
    );
  }
  lines.push("");
  return lines;
}

export function renderStartup(result: StartupResult | null): string[] {
  if (result === null) return [];
  const help = result.help.wallMs / result.bare.wallMs;
  return [
    `### Start-up (median of ${result.runs} runs of each, whole processes)`,
    "",
    "| command | wall | CPU | peak RSS | against bare `node` | target |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    `| bare \`node -e 0\` (the floor) | ${ms(result.bare.wallMs)} | ${ms(result.bare.cpuMs)} | ${mb(result.bare.peakRssMb)} | 1.00× | — |`,
    `| \`exrec --help\` | ${ms(result.help.wallMs)} | ${ms(result.help.cpuMs)} | ${mb(result.help.peakRssMb)} | ${times(help)} | ≤ ${TARGETS_WHOLE.helpOverBare}× bare: ${verdict(help <= TARGETS_WHOLE.helpOverBare)} |`,
    `| \`exrec validate examples/demo.yaml\` | ${ms(result.validate.wallMs)} | ${ms(result.validate.cpuMs)} | ${mb(result.validate.peakRssMb)} | ${times(result.validate.wallMs / result.bare.wallMs)} | < ${TARGETS_WHOLE.validateMs} ms: ${verdict(result.validate.wallMs < TARGETS_WHOLE.validateMs)} |`,
    `| \`exrec plan examples/demo.yaml\` (embedded sandbox) | ${ms(result.planDemo.wallMs)} | ${ms(result.planDemo.cpuMs)} | ${mb(result.planDemo.peakRssMb)} | ${times(result.planDemo.wallMs / result.bare.wallMs)} | — |`,
    "",
  ];
}

export function renderEndToEnd(result: EndToEndResult | null): string[] {
  if (result === null) return [];
  const { steps } = result;
  const total = steps.loadMs + steps.refreshMs + steps.planMs + steps.renderMs;
  const share = (value: number) => `${Math.round((value / total) * 100)}%`;
  return [
    `### End to end: \`exrec plan\` of a ${(result.fleet.platforms * result.fleet.accounts).toLocaleString("en-US")}-account manifest`,
    "",
    `The manifest is \`exrec import\`'s output for a ${fleetName(result.fleet)} fleet (one file, ${(result.manifestBytes / 1024 / 1024).toFixed(1)} MiB), planned against the sandbox at ${result.latencyMs} ms a request, pages offered, ${result.concurrency} in flight; ${result.changes} changes, ${result.requests.toLocaleString("en-US")} requests.`,
    "",
    "| whole `exrec plan` process | wall | CPU | peak RSS (< 400 MB) |",
    "| --- | ---: | ---: | ---: |",
    `| ${fleetName(result.fleet)} | ${ms(result.process.wallMs)} | ${ms(result.process.cpuMs)} | ${mb(result.process.peakRssMb)} ${verdict(result.process.peakRssMb < TARGETS_WHOLE.peakRssMb)} |`,
    "",
    "The same steps timed inside one fresh process (wall time of each):",
    "",
    "| load the manifest | refresh | plan (prices, quotes, planner) | render | load < refresh |",
    "| ---: | ---: | ---: | ---: | --- |",
    `| ${ms(steps.loadMs)} (${share(steps.loadMs)}) | ${ms(steps.refreshMs)} (${share(steps.refreshMs)}) | ${ms(steps.planMs)} (${share(steps.planMs)}) | ${ms(steps.renderMs)} (${share(steps.renderMs)}) | ${verdict(steps.loadMs < steps.refreshMs)} |`,
    "",
  ];
}

export function renderWholeProcess(result: WholeProcessResult | null): string[] {
  if (result === null) return [];
  const lines = [
    `### Whole processes: \`exrec plan\` against the plain reader, ${fleetName(result.fleet)} at ${result.latencyMs} ms a request, ${result.concurrency} in flight (median of ${result.runs})`,
    "",
    "The plain reader runs as its own `node` process (start-up included) and reads the same fleet in the same mode; `exrec plan` loads the imported manifest, refreshes, reads prices and plans.",
    `In each mode, ${result.warmups} runs of each come first and are left out (they warm the sandbox for both alike); then the ${result.runs} measured runs of each take turns, exrec then plain, so that a change of the machine's load falls on both. CPU is user + system of the whole process.`,
    "",
    "| mode | exrec plan wall | plain reader wall (floor) | ÷ (≤ 1.25) | exrec CPU | plain CPU | CPU ÷ | exrec peak RSS | plain peak RSS |",
    "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of result.rows) {
    const ratio = row.exrec.wallMs / row.plain.wallMs;
    lines.push(
      `| ${MODE_NAMES[row.mode]} | ${ms(row.exrec.wallMs)} | ${ms(row.plain.wallMs)} | ${times(ratio)} ${verdict(ratio <= TARGETS_WHOLE.wholeProcessOverPlain)} | ${ms(row.exrec.cpuMs)} | ${ms(row.plain.cpuMs)} | ${times(row.exrec.cpuMs / row.plain.cpuMs)} | ${mb(row.exrec.peakRssMb)} | ${mb(row.plain.peakRssMb)} |`,
    );
  }
  lines.push("");
  return lines;
}
