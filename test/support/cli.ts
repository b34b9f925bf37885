/**
 * Runs the built CLI (`dist/reconciler/cli.js`, built by `npm test`'s pretest) as a child process,
 * the way a user or a CI job does, against a sandbox started by the test over real HTTP.
 */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";

export const REPO = resolve(import.meta.dirname, "..", "..");
export const CLI = join(REPO, "dist", "reconciler", "cli.js");

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
  timeoutMs?: number;
  /** The run is expected to hit a real exception of exrec (its "This is a bug" message). */
  expectBug?: boolean;
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

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
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
      // Only a real exception of exrec may call itself a bug: an expected condition never does.
      if (/This is a bug in exrec/.test(stdout + stderr) && !options.expectBug) {
        reject(new Error(`exrec ${args.join(" ")} reported a bug:\n${stderr}`));
        return;
      }
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
