/**
 * The CLI as a child process the test can signal or kill while it runs (runCli only waits for it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI, type CliResult } from "../support/cli.js";

export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult>;
}

export function startCli(args: string[], cwd: string, env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // As runCli: only a real exception of exrec may call itself a bug, and no test here expects one.
      if (/This is a bug in exrec/.test(stdout + stderr)) {
        reject(new Error(`exrec ${args.join(" ")} reported a bug:\n${stderr}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, output: () => ({ stdout, stderr }), done };
}
