/**
 * Runs exrec against a sandbox started by the test, over real HTTP. By default in this process,
 * through runExrec with an io of its own (its environment, working folder and streams: nothing of
 * the test process is shared or changed), which spares a Node.js start-up per run. With
 * `{ process: true }`, the built CLI (`dist/cli/exrec.js`, the bundled bin `npm test`'s pretest builds) as
 * a child process, the way a user or a CI job runs it: for what is about the process (signals,
 * SIGKILL at a failpoint, exit codes and streams of the real bin, two processes at once).
 */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import { runExrec, type CliIo, type CliOutput } from "../../reconciler/exrec.js";

export const REPO = resolve(import.meta.dirname, "..", "..");
export const CLI = join(REPO, "dist", "cli", "exrec.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** In this process: stdin stays open, for the test to write to and end (`StartedCli.stdin`). */
  openStdin?: boolean;
  timeoutMs?: number;
  /** The run is expected to hit a real exception of exrec (its "This is a bug" message). */
  expectBug?: boolean;
  /**
   * Run the built CLI as a child process instead of in this process: needed for failpoints (they
   * SIGKILL the process), signals, and to test the bin itself.
   */
  process?: boolean;
}

/** The environment of a run against the given sandbox URL, isolated from the machine's credentials. */
export function sandboxEnv(url: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NO_COLOR: "1",
    CI: "true",
    OVH_ENDPOINT: url,
    OVH_APPLICATION_KEY: SANDBOX_CREDENTIALS.applicationKey,
    OVH_APPLICATION_SECRET: SANDBOX_CREDENTIALS.applicationSecret,
    OVH_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
    // The sandbox is local: no need for the polite defaults meant for OVHcloud.
    EXREC_RATE_LIMIT: "0",
    EXREC_CONCURRENCY: "16",
    // Configuring a blank account generates its password, which apply writes only to this file.
    EXREC_SECRETS_OUT: join(home, ".exrec", "test-secrets.json"),
  };
}

/** A bare environment with no credentials at all (the CLI then uses its embedded sandbox, on purpose). */
export function bareEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", CI: "true", EXREC_USE_SANDBOX: "1" };
}

export async function tempDir(prefix = "exrec-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * `EXREC_TEST_CLI=process` runs every call as a child process, as all of them once were: the same
 * tests then check that a run in this process and the bin behave alike.
 */
const EVERY_RUN_A_PROCESS = process.env.EXREC_TEST_CLI === "process";

/** Runs `exrec ARGS...`: in this process unless `options.process` (see the top of this file). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return options.process || EVERY_RUN_A_PROCESS
    ? runCliProcess(args, options)
    : runCliInProcess(args, options);
}

/** Only a real exception of exrec may call itself a bug: an expected condition never does. */
function checkNoBug(args: string[], result: CliResult, options: CliOptions): CliResult {
  if (/This is a bug in exrec/.test(result.stdout + result.stderr) && !options.expectBug) {
    throw new Error(`exrec ${args.join(" ")} reported a bug:\n${result.stderr}`);
  }
  return result;
}

/** A stream that keeps what is written to it; not a terminal. */
function capture(): CliOutput & { text: string } {
  const output = {
    text: "",
    isTTY: false,
    write(chunk: string) {
      output.text += chunk;
      return true;
    },
  };
  return output;
}

/** A run of exrec that has started and not necessarily ended: what it printed so far, and its end. */
export interface StartedCli {
  /** With `openStdin`, the run's stdin: a pipe, not a terminal, open until the test ends it. */
  stdin: PassThrough;
  output(): { stdout: string; stderr: string };
  /** Whether the run has ended (its result is then in `done`). */
  ended(): boolean;
  done: Promise<CliResult>;
}

/**
 * Starts `exrec ARGS...` in this process and returns at once, for a test that acts on what the
 * run prints while it runs (releasing a held request once it says it is looking for it, say).
 * Not for failpoints or signals: those need `{ process: true }`.
 */
export function startCliInProcess(args: string[], options: CliOptions = {}): StartedCli {
  const env = options.env ?? bareEnv(tmpdir());
  if (env.EXREC_FAILPOINT) {
    throw new Error(`a failpoint kills the process it runs in: run exrec ${args[0]} with { process: true }`);
  }
  const stdout = capture();
  const stderr = capture();
  // `options.input`, then the end of input; or a pipe the test writes to and ends (`openStdin`).
  const stdin = new PassThrough();
  const io: CliIo = {
    env: { ...env },
    cwd: options.cwd ?? REPO,
    home: env.HOME ?? tmpdir(),
    args,
    stdin: Object.assign(options.openStdin ? stdin : Readable.from([options.input ?? ""]), { isTTY: false }),
    stdout,
    stderr,
    // No signal reaches a run in this process: signal tests run the CLI as a process.
    onStopSignal: () => () => undefined,
    exitNow: (code) => {
      throw new Error(`exrec ${args.join(" ")} asked to exit the process at once (code ${code})`);
    },
  };
  const limitMs = options.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`exrec ${args.join(" ")} did not finish within ${limitMs} ms`)),
      limitMs,
    );
  });
  let ended = false;
  const done = (async () => {
    try {
      const code = await Promise.race([runExrec(args, io), timedOut]);
      return checkNoBug(args, { code, signal: null, stdout: stdout.text, stderr: stderr.text }, options);
    } finally {
      ended = true;
      clearTimeout(timer);
    }
  })();
  return { stdin, output: () => ({ stdout: stdout.text, stderr: stderr.text }), ended: () => ended, done };
}

async function runCliInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  return startCliInProcess(args, options).done;
}

function runCliProcess(args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO,
      env: options.env ?? bareEnv(tmpdir()),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        resolvePromise(checkNoBug(args, { code, signal, stdout, stderr }, options));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.stdin.end(options.input ?? "");
  });
}
