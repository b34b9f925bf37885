/**
 * Runs one exrec invocation read from a CI file, as the CI's shell would: variables expanded, globs
 * matched in the working folder, `npx exrec` replaced by exrec run through runCli, and stdout/stderr sent to
 * the files its redirections name.
 */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runCli, type CliResult } from "../support/cli.js";
import { expandWord } from "./shell.js";
import { exrecArgs, type ExrecInvocation } from "./workflows.js";

export interface StepRun extends CliResult {
  /** The argv given to exrec, after expansion. */
  argv: string[];
  /** Whether the CI step goes on after this exit code (see ExrecInvocation.passingCodes). */
  passes: boolean;
}

export async function runInvocation(
  invocation: ExrecInvocation,
  cwd: string,
  env: Record<string, string>,
): Promise<StepRun> {
  const context = { variables: env, cwd };
  const argv = exrecArgs(invocation.command).flatMap((word) => expandWord(word, context));
  const assigned = Object.fromEntries(
    invocation.command.assignments.map((word) => {
      const [text] = expandWord(word, context);
      const at = text!.indexOf("=");
      return [text!.slice(0, at), text!.slice(at + 1)];
    }),
  );

  let input: string | undefined;
  const outputs: { fd: number; file: string; append: boolean }[] = [];
  let stderrToStdout = false;
  for (const redirect of invocation.command.redirects) {
    const [target] = expandWord(redirect.target, context);
    if (redirect.op === "<" && redirect.fd === 0) input = await readFile(resolve(cwd, target!), "utf8");
    else if ((redirect.op === ">" || redirect.op === ">>") && (redirect.fd === 1 || redirect.fd === 2)) {
      outputs.push({ fd: redirect.fd, file: resolve(cwd, target!), append: redirect.op === ">>" });
    } else if (redirect.op === ">&" && redirect.fd === 2 && target === "1") stderrToStdout = true;
    else
      throw new Error(
        `${invocation.block.file}: unsupported redirection ${redirect.fd}${redirect.op}${redirect.target.raw} on an exrec step`,
      );
  }

  const result = await runCli(argv, {
    cwd,
    env: { ...env, ...assigned },
    ...(input !== undefined ? { input } : {}),
  });
  const streams = {
    1: stderrToStdout ? result.stdout + result.stderr : result.stdout,
    2: stderrToStdout ? "" : result.stderr,
  };
  for (const output of outputs) {
    const text = streams[output.fd as 1 | 2];
    if (output.append) await appendFile(output.file, text);
    else await writeFile(output.file, text);
  }
  return { ...result, argv, passes: result.code !== null && invocation.passingCodes.has(result.code) };
}
