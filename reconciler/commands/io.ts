/**
 * Everything a command reads from or writes to its process, handed to it explicitly: the bin entry
 * (reconciler/cli.ts) wires the real process into one, a test or a host program builds its own, so
 * that several runs can share one Node.js process without sharing a working folder, a variable or
 * an output stream. Commands never reach `process` themselves.
 */
import { resolve } from "node:path";

/** Where a command writes: stdout or stderr, a terminal or not. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on a terminal (colour, prompts, progress rewritten in place). */
  readonly isTTY?: boolean;
  /** Width of the terminal, when it is one. */
  readonly columns?: number;
}

/** Ctrl-C, and SIGTERM (how CI systems cancel a job). */
export type StopSignal = "SIGINT" | "SIGTERM";

export interface CliIo {
  /** The environment variables of the run (never written to). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working folder: every relative path of the run is resolved against it. */
  readonly cwd: string;
  /** The home folder (`~/.ovh.conf`, Terraform's plugin folder). */
  readonly home: string;
  /** The command line as typed after `exrec` (for messages that say how to run it again). */
  readonly args: readonly string[];
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Calls `handler` on each Ctrl-C or SIGTERM until the returned function is called. */
  onStopSignal(handler: (signal: StopSignal) => void): () => void;
  /** Ends the run at once with this exit code, skipping every cleanup (a second Ctrl-C). */
  exitNow(code: number): void;
  /**
   * True when the process ends as soon as the run returns (the `exrec` bin): idle keep-alive
   * connections to the API are then left for the exit to drop, not closed one by one first. A
   * host program that runs several commands leaves it unset, and every connection is closed.
   */
  readonly processEndsWithRun?: boolean;
}

/** The absolute form of a path the user gave, relative ones taken from the run's working folder. */
export function pathIn(io: Pick<CliIo, "cwd">, path: string): string {
  return resolve(io.cwd, path);
}

/** Writes a line to stdout (the command's result). */
export function print(io: Pick<CliIo, "stdout">, text: string): void {
  io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Writes a line to stderr (what the user should know, not the result). */
export function note(io: Pick<CliIo, "stderr">, text: string): void {
  io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Colour on a terminal only, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function useColor(io: Pick<CliIo, "env">, stream: CliOutput): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in io.env && io.env.NO_COLOR !== "") && io.env.TERM !== "dumb";
}

/** A CI run, as CI systems announce themselves (GitHub Actions, GitLab CI and most others set CI). */
export function isCi(io: Pick<CliIo, "env">): boolean {
  const ci = io.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
