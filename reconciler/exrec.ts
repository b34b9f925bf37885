/**
 * exrec's command line: argument parsing, exit codes, and the one place that catches errors.
 * Exit codes: 0 success (nothing to do), 1 error, 2 changes or drift (with --detailed-exitcode).
 * The process itself is wired in by the bin entry (cli.ts); this module only sees a CliIo.
 */
import { Command, CommanderError, Option } from "commander";
import { ExrecError, InterruptedError } from "./errors.js";
import { useColor, type CliIo } from "./commands/io.js";
import { collect } from "./commands/select.js";
import { registerTerraformCommand } from "./commands/terraform.js";

export type { CliIo, CliOutput, StopSignal } from "./commands/io.js";

/*
 * Each command's module (and with it the manifest loader, undici, pg or the sandbox) is loaded only
 * when that command runs. A bare help request never gets here: the bin answers it from the table
 * commands/generate-help.ts writes at build time from this program, without loading commander.
 */
const validateCommand = async (
  ...args: Parameters<typeof import("./commands/validate.js").validateCommand>
) => (await import("./commands/validate.js")).validateCommand(...args);
const planCommand = async (...args: Parameters<typeof import("./commands/plan.js").planCommand>) =>
  (await import("./commands/plan.js")).planCommand(...args);
const applyCommand = async (...args: Parameters<typeof import("./commands/apply.js").applyCommand>) =>
  (await import("./commands/apply.js")).applyCommand(...args);
const showCommand = async (...args: Parameters<typeof import("./commands/show.js").showCommand>) =>
  (await import("./commands/show.js")).showCommand(...args);
const driftCommand = async (...args: Parameters<typeof import("./commands/drift.js").driftCommand>) =>
  (await import("./commands/drift.js")).driftCommand(...args);
const importCommand = async (...args: Parameters<typeof import("./commands/import.js").importCommand>) =>
  (await import("./commands/import.js")).importCommand(...args);
const historyCommand = async (...args: Parameters<typeof import("./commands/history.js").historyCommand>) =>
  (await import("./commands/history.js")).historyCommand(...args);
const sandboxCommand = async (...args: Parameters<typeof import("./commands/sandbox.js").sandboxCommand>) =>
  (await import("./commands/sandbox.js")).sandboxCommand(...args);

function withConnection(command: Command): Command {
  return command
    .option("--concurrency <n>", "requests in flight at most (env EXREC_CONCURRENCY)")
    .option("--rate-limit <n>", "requests per second at most, 0 = none (env EXREC_RATE_LIMIT)")
    .option("--timeout <seconds>", "timeout of one request (env EXREC_TIMEOUT)")
    .option("--progress", "show progress on stderr even when it is not a terminal")
    .option("--debug", "log every API request on stderr (never credentials)");
}

function withSelection(command: Command): Command {
  return command
    .option("--platform <org/svc>", "only this platform (repeatable, globs allowed)", collect, [])
    .option("--exclude <org/svc>", "not this platform (repeatable, globs allowed)", collect, []);
}

function withBackend(command: Command): Command {
  return command.option(
    "--backend <url>",
    "where the lock, journal and history live: a postgres:// URL (env EXREC_BACKEND); default the .exrec folder",
  );
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("exrec")
    .description(
      "Declarative reconciler for OVHcloud Exchange platforms and the billing of their accounts.\n" +
        "Without OVHcloud credentials every command runs against a local sandbox (.exrec/sandbox.json).",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride()
    // Set before any subcommand is added: each one copies it. Help and usage errors go to the
    // run's streams, not the process's.
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) ?? 80,
      getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined) ?? 80,
      getOutHasColors: () => useColor(io, io.stdout),
      getErrHasColors: () => useColor(io, io.stderr),
    });

  program
    .command("validate")
    .description("check manifests without calling the API; every problem as file:line:col")
    .argument("<files...>", "YAML manifests, cdk.tf.json files or cdktf.out folders")
    .action(async (files: string[]) => setExit(await validateCommand(io, files)));

  withBackend(
    withSelection(
      withConnection(
        program
          .command("plan")
          .description("show what apply would change, when each change takes effect, and what it costs")
          .argument("<files...>", "YAML manifests, cdk.tf.json files or cdktf.out folders")
          .addOption(
            new Option("--format <format>", "output format")
              .choices(["text", "markdown", "json"])
              .default("text"),
          )
          .option("--detailed-exitcode", "exit 2 when there are changes, 0 when none, 1 on error")
          .option("--out <file>", "save the plan, for apply to carry out exactly (mode 0600)")
          .option(
            "--fingerprints",
            "with --format json: also list the fingerprint of every live object read (plan files always hold them)",
          ),
      ),
    ),
  ).action(async (files: string[], options: Parameters<typeof planCommand>[2]) =>
    setExit(await planCommand(io, files, options)),
  );

  withBackend(
    withSelection(
      withConnection(
        program
          .command("apply")
          .description("carry out the plan of the manifests, or a plan saved with plan --out")
          .argument("<files...>", "manifests, or one saved plan file")
          .option("--auto-approve", "do not ask for confirmation (needed without a terminal)")
          .option("--allow-destroy", "allow destructive changes (Hosted reset, Private delete)")
          .option(
            "--max-destroy <n>",
            "refuse more account removals than this in one apply (terminations at expiry count)",
            "5",
          )
          .option("--allow-remove-all", "allow a plan that removes every account of a platform")
          .option("--no-pay", "place orders but do not pay them: print their URL and stop")
          .option("--secrets-out <file>", "where generated initial passwords are written (mode 0600)")
          .option("--delivery-timeout <seconds>", "how long to wait for an order's delivery", "1800")
          .option("--lock-timeout <seconds>", "how long to wait for another apply's lock", "0"),
      ),
    ),
  ).action(async (files: string[], options: Parameters<typeof applyCommand>[2]) =>
    setExit(await applyCommand(io, files, options)),
  );

  program
    .command("show")
    .description("render a plan saved with plan --out, as plan showed it (reads no API)")
    .argument("<plan>", "a plan file written by exrec plan --out")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "markdown", "json"]).default("text"),
    )
    .option(
      "--fingerprints",
      "with --format json: also list the fingerprint of every live object read (the plan file holds them)",
    )
    .action(async (file: string, options: Parameters<typeof showCommand>[2]) =>
      setExit(await showCommand(io, file, options)),
    );

  withBackend(
    withSelection(
      withConnection(
        program
          .command("drift")
          .description("report, read-only, where the live platforms moved away from the manifests")
          .argument("<files...>", "YAML manifests, cdk.tf.json files or cdktf.out folders")
          .addOption(
            new Option("--format <format>", "output format")
              .choices(["text", "markdown", "json", "html"])
              .default("text"),
          )
          .option("--detailed-exitcode", "exit 2 when there is drift, 0 when none, 1 on error")
          .option("--out <file>", "write the report to this file")
          .option("--ignore-file <file>", "ignore rules", ".exrecignore")
          .option("--write-ignore", "add rules to the ignore file that silence today's drift"),
      ),
    ),
  ).action(async (files: string[], options: Parameters<typeof driftCommand>[2]) =>
    setExit(await driftCommand(io, files, options)),
  );

  withSelection(
    withConnection(
      program
        .command("import")
        .description("write a manifest of the live platforms, whose plan is empty")
        .option("--out <file>", "write to this file instead of stdout"),
    ),
  ).action(async (options: Parameters<typeof importCommand>[1]) => setExit(await importCommand(io, options)));

  withBackend(
    program
      .command("history")
      .description("what each apply did: changes, results, orders and amounts, who and which commit")
      .option("--since <date>", "only entries from this date on")
      .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text")),
  ).action(async (options: Parameters<typeof historyCommand>[1]) =>
    setExit(await historyCommand(io, options)),
  );

  program
    .command("sandbox")
    .description("run the local OVHcloud-compatible API in the foreground")
    .option("--port <n>", "port (0: any free port)", "8080")
    .option("--host <address>", "address to bind (loopback unless you ask otherwise)", "127.0.0.1")
    .option("--state <file>", "state file, created with the seed when absent", ".exrec/sandbox.json")
    .option("--seed <seed>", "demo | empty | fleet:PxA", "demo")
    .option("--latency <ms>", "latency added to every request", "0")
    .option("--pages", "answer bulk pages of whole accounts (X-Pagination-Mode)")
    .option("--batch", "answer batch reads (X-Ovh-Batch)")
    .option("--tls", "serve HTTPS with a self-signed certificate (written next to the state file)")
    .option(
      "--public-url <url>",
      "the base URL clients were given and sign, e.g. https://eu.api.ovh.com/1.0 (default: the URL reached)",
    )
    .action(async (options: Parameters<typeof sandboxCommand>[1]) =>
      setExit(await sandboxCommand(io, options)),
    );

  registerTerraformCommand(program, io, setExit);
  return program;
}

/**
 * The sandbox's errors (a damaged state file, a bad seed) are its own classes, since it imports
 * nothing from the engine; they carry a stable `EXREC_SANDBOX_…` code and a hint like ours.
 */
function isSandboxError(error: unknown): error is Error & { code: string; hint: string | undefined } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === "string" &&
    (error as unknown as { code: string }).code.startsWith("EXREC_SANDBOX_")
  );
}

/**
 * Runs exrec with these arguments (what follows `exrec` on the command line) against `io`, and
 * returns the exit code. The only catch of the program; it never exits the process, changes its
 * working folder or reads its environment, so several runs may share one process.
 */
export async function runExrec(args: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  const debug = args.includes("--debug");
  try {
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 1;
    }
    if (error instanceof ExrecError || isSandboxError(error)) {
      io.stderr.write(`Error: ${error.message}\n`);
      if (error.hint) io.stderr.write(`  ${error.hint}\n`);
      if (debug) io.stderr.write(`  (${error.code})\n`);
      // 128 + SIGINT, as shells report a command stopped by Ctrl-C.
      return error instanceof InterruptedError ? 130 : 1;
    }
    io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (isSystemError(error)) {
      // The machine said no (a full disk, a permission, a port): not a bug, nothing to report.
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return 1;
    }
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write("  This is a bug in exrec; run again with --debug for details and report it.\n");
    return 1;
  }
}

/** An error of the operating system (`EACCES`, `ENOSPC`, `EADDRINUSE`…), as Node.js reports them. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) && typeof syscall === "string";
}
