/**
 * The confirmation prompt, answered on a stdin that is not a terminal (as `echo yes | exrec apply`
 * and Terraform's prompt allow): Ctrl-C or SIGTERM while it waits, end of input, or any answer but
 * "yes" refuses with a plain message, exit 1, and not one write; "yes" applies. In CI, with no
 * terminal, apply refuses to ask at all.
 */
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, startCliInProcess, type CliResult } from "../support/cli.js";
import { TWO_ORDERS, orderPosts, payPosts, shown, startRun, waitFor, type Run } from "./harness.js";

const PROMPT = "Apply these changes? Only 'yes' is accepted: ";

/** The CLI with a stdin pipe that stays open until the test writes to or closes it. */
function startAtPrompt(run: Run, env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, "apply", TWO_ORDERS], {
    cwd: run.home,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stderr: () => stderr, done };
}

/** The run's environment outside CI: the prompt is offered on a plain stdin. */
function notCi(run: Run): Record<string, string> {
  const { CI: _ci, ...env } = run.env;
  return env;
}

describe("the confirmation prompt on a stdin that is not a terminal", () => {
  let run: Run;
  beforeEach(async () => {
    run = await startRun();
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s while apply waits at the prompt: cancelled, exit 1, a plain message, nothing written",
    async (signal) => {
      const writesBefore = run.sandbox.stats.writes.length;
      const cli = startAtPrompt(run, notCi(run));
      await waitFor("the prompt", () => cli.stderr().includes(PROMPT));
      cli.child.kill(signal);
      // stdin stays open: the process must end on the signal alone.
      const result = await cli.done;
      expect(result.code, shown(result)).toBe(1);
      expect(result.stderr).toContain("Apply cancelled at the prompt (interrupted); nothing was written.");
      expect(result.stderr).not.toMatch(/This is a bug|letting the request in flight/);
      expect(run.sandbox.stats.writes.length).toBe(writesBefore);
      cli.child.stdin.destroy();
    },
  );

  it.each([
    ["end of input", ""],
    ["an answer other than yes", "y\n"],
  ])("%s at the prompt: cancelled, exit 1, nothing written", async (_name, input) => {
    const writesBefore = run.sandbox.stats.writes.length;
    // In this process, on a pipe of its own: only the signals and the real stdin need a process.
    const cli = startCliInProcess(["apply", TWO_ORDERS], { cwd: run.home, env: notCi(run), openStdin: true });
    await waitFor("the prompt", () => cli.output().stderr.includes(PROMPT) || cli.ended());
    cli.stdin.end(input);
    const result = await cli.done;
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toContain("Apply cancelled; nothing was written.");
    expect(result.stderr).not.toMatch(/This is a bug/);
    expect(run.sandbox.stats.writes.length).toBe(writesBefore);
  });

  it("yes on a piped stdin applies, ordering once and paying once", async () => {
    const cli = startAtPrompt(run, notCi(run));
    await waitFor("the prompt", () => cli.stderr().includes(PROMPT));
    cli.child.stdin.end("yes\n");
    const result = await cli.done;
    expect(result.code, shown(result)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
  });

  it("in CI, with no terminal, apply refuses to ask and writes nothing", async () => {
    const writesBefore = run.sandbox.stats.writes.length;
    const result = await run.cli(["apply", TWO_ORDERS]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toContain("apply needs confirmation and there is no terminal to ask on");
    expect(result.stderr).not.toContain(PROMPT);
    expect(run.sandbox.stats.writes.length).toBe(writesBefore);
  });
});
