// Runs the package's own npm scripts (package.json "scripts") from the repository's scripts, the
// way `npm run NAME` does (a shell, with node_modules/.bin first on PATH) but without starting npm
// itself for each: npm's launcher costs a Node.js start-up and a read of its configuration.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCRIPTS = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;

/** The checks `npm test` and `npm run check` run: formatting, lint, layering. */
export const CHECKS = ["format:check", "lint", "check:deps"];

/** The environment of a script: this one's, with the packages' executables first on PATH. */
function scriptEnv() {
  const key = Object.keys(process.env).find((name) => name.toUpperCase() === "PATH") ?? "PATH";
  return { ...process.env, [key]: [join(ROOT, "node_modules", ".bin"), process.env[key]].join(delimiter) };
}

/** The command line of the npm script `name`; throws, naming it, when package.json has none. */
export function scriptCommand(name) {
  const command = SCRIPTS[name];
  if (typeof command !== "string") throw new Error(`package.json has no script "${name}"`);
  return command;
}

/**
 * Starts the npm script `name`, with `args` after its command. `output`:
 * "inherit" streams into this process's stdout and stderr; "capture" keeps both, in the order they
 * came, for printing whole later. Resolves with the exit code (1 for a signal) and what was kept.
 */
export function startScript(name, { args = [], output = "capture" } = {}) {
  const command = scriptCommand(name);
  const stdio = output === "inherit" ? ["inherit", "inherit", "inherit"] : ["ignore", "pipe", "pipe"];
  // A plain command line (words, no quotes or operators) runs directly: a signal sent to the child
  // then reaches the tool itself, not a shell that would leave it running. Anything else, and any
  // command on Windows (where the tools are .cmd launchers), goes through a shell, as npm runs it.
  const child =
    process.platform !== "win32" && PLAIN_COMMAND.test(command)
      ? spawn(command.trim().split(/\s+/)[0], [...command.trim().split(/\s+/).slice(1), ...args], {
          cwd: ROOT,
          env: scriptEnv(),
          stdio,
        })
      : spawn([command, ...args.map(quoteForShell)].join(" "), {
          cwd: ROOT,
          env: scriptEnv(),
          shell: true,
          stdio,
        });
  const chunks = [];
  child.stdout?.on("data", (d) => chunks.push(d));
  child.stderr?.on("data", (d) => chunks.push(d));
  const done = new Promise((resolve) => {
    child.on("error", (error) => resolve({ name, code: 1, signal: null, output: `${String(error)}\n` }));
    child.on("close", (code, signal) =>
      resolve({ name, code: code ?? 1, signal, output: Buffer.concat(chunks).toString() }),
    );
  });
  return { name, child, done };
}

/** Words only: nothing a shell would interpret. */
const PLAIN_COMMAND = /^[\w@%+=:,./ -]+$/;

function quoteForShell(arg) {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return process.platform === "win32" ? `"${arg.replace(/"/g, '""')}"` : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "passed", or how it failed. */
export function verdict(result) {
  return result.code === 0 && !result.signal
    ? "passed"
    : `FAILED (${result.signal ?? `exit ${result.code}`})`;
}

/**
 * Passes Ctrl-C and SIGTERM on to the children and lets them end, so that none outlives this
 * process; returns the function that stops passing them on.
 */
export function forwardStopSignals(children) {
  const forward = (signal) => {
    for (const child of children())
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    process.exitCode = signal === "SIGINT" ? 130 : 143;
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return () => {
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
  };
}
