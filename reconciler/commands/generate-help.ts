/**
 * Build step: runs every help request of the command line (`exrec --help`, `exrec <cmd> --help`,
 * `exrec help <cmd>`, `exrec --version`…) through the real program (commander, as `exrec` runs
 * it) and writes what each printed into reconciler/commands/gen/help.ts. The bin answers those
 * exact requests from that table without loading commander, which costs more than a whole bare
 * Node.js start. Run by `npm run build`; the output is git-ignored, like the other generated code.
 *
 * Commander wraps help to the width of the stream it writes to: 80 columns when it is not a
 * terminal, the terminal's width when it is. The texts are captured at 80 columns; the bin uses
 * them only when the stream's width is 80 (any pipe or file, an 80-column terminal), and leaves
 * every other width to commander.
 *
 * The generated file's first lines hold the digest of what it was made from; when that has not
 * changed the file is left as it is and commander is not even loaded.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import { DIGEST_PREFIX, inputsDigest, recordedDigest, writeGenerated } from "../load/generated-file.js";
import type { CliIo, CliOutput } from "./io.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, whether this runs from source (reconciler/commands) or from dist/. */
const ROOT = existsSync(join(here, "..", "..", "package.json"))
  ? resolve(here, "..", "..")
  : resolve(here, "..", "..", "..");

export const DEFAULT_HELP_FILE = join(ROOT, "reconciler", "commands", "gen", "help.ts");
/** Commander's width for a stream that is not a terminal. */
export const HELP_WIDTH = 80;

/** What one help request printed: on which stream, which text, and the exit code. */
export interface HelpAnswer {
  args: string[];
  stream: "stdout" | "stderr";
  text: string;
  code: number;
  /** The same bytes on an 80-column terminal, colours allowed, as through a pipe. */
  sameOnTerminal: boolean;
}

/**
 * The digest of everything the help texts are made from: the program (reconciler/exrec.ts) and
 * every module of the commands beside this one, whichever of them a command's options come from,
 * and the lock file, which pins commander and so its layout.
 */
export function helpInputsDigest(): string {
  const ext = extname(fileURLToPath(import.meta.url));
  const commands = readdirSync(here)
    .filter((name) => name.endsWith(ext) && !name.endsWith(`.d${ext}`))
    .sort()
    .map((name) => [name, join(here, name)] as const);
  return inputsDigest([
    ["program", join(here, "..", `exrec${ext}`)],
    ...commands,
    ["lock", join(ROOT, "package-lock.json")],
  ]);
}

/** A stream that keeps what is written to it. */
function capture(terminal: boolean): CliOutput & { text: string } {
  const output = {
    text: "",
    isTTY: terminal,
    columns: terminal ? HELP_WIDTH : undefined,
    write(chunk: string) {
      output.text += chunk;
      return true;
    },
  };
  return output;
}

/** An io for one help request: a terminal (colours allowed) or not; nothing of this process. */
function helpIo(args: string[], terminal: boolean) {
  const stdout = capture(terminal);
  const stderr = capture(terminal);
  const io: CliIo = {
    env: {},
    cwd: ROOT,
    home: ROOT,
    args,
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    stdout,
    stderr,
    onStopSignal: () => () => undefined,
    exitNow: (code) => {
      throw new Error(`exrec ${args.join(" ")} asked to exit at once (code ${code}) while printing help`);
    },
  };
  return { io, stdout, stderr };
}

/** The path of every command of the program, e.g. ["plan"], ["terraform", "install"]. */
export function commandPaths(program: Command): string[][] {
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      const subPath = [...path, sub.name()];
      paths.push(subPath);
      walk(sub, subPath);
    }
  };
  walk(program, []);
  return paths;
}

/** Every request the table answers: the help of each command in each spelling, and the version. */
export function helpRequests(program: Command): string[][] {
  const requests: string[][] = [[], ["--help"], ["-h"], ["help"], ["--version"], ["-V"]];
  for (const path of commandPaths(program)) {
    requests.push([...path, "--help"], [...path, "-h"], [...path.slice(0, -1), "help", path.at(-1)!]);
    // A command of commands (`exrec terraform`) prints its help when given no subcommand.
    if (findCommand(program, path).commands.length > 0) requests.push([...path], [...path, "help"]);
  }
  return requests;
}

function findCommand(program: Command, path: string[]): Command {
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command;
}

/** Runs each help request through the real program and keeps what it printed. */
export async function captureHelp(): Promise<HelpAnswer[]> {
  const { buildProgram, runExrec } = await import("../exrec.js");
  const requests = helpRequests(buildProgram(helpIo([], false).io, () => undefined));
  const answers: HelpAnswer[] = [];
  for (const args of requests) {
    const plain = helpIo(args, false);
    const code = await runExrec(args, plain.io);
    const printed = [plain.stdout.text, plain.stderr.text].filter((t) => t !== "");
    if (printed.length !== 1) {
      throw new Error(`exrec ${args.join(" ")} printed on ${printed.length} streams, not one`);
    }
    const stream = plain.stdout.text !== "" ? "stdout" : "stderr";
    const terminal = helpIo(args, true);
    const terminalCode = await runExrec(args, terminal.io);
    answers.push({
      args,
      stream,
      text: plain[stream].text,
      code,
      sameOnTerminal:
        terminalCode === code &&
        terminal[stream].text === plain[stream].text &&
        terminal[stream === "stdout" ? "stderr" : "stdout"].text === "",
    });
  }
  return answers;
}

/** The TypeScript module of the table: texts once each, and each request pointing at its text. */
export function helpModule(answers: HelpAnswer[], digest: string): string {
  const texts: string[] = [];
  const index = new Map<string, number>();
  const entries: string[] = [];
  for (const answer of answers) {
    let at = index.get(answer.text);
    if (at === undefined) {
      at = texts.push(answer.text) - 1;
      index.set(answer.text, at);
    }
    entries.push(
      `  ${JSON.stringify(JSON.stringify(answer.args))}: { stream: ${JSON.stringify(answer.stream)}, text: ${at}, code: ${answer.code}, sameOnTerminal: ${answer.sameOnTerminal} },`,
    );
  }
  return [
    "// Generated by reconciler/commands/generate-help.ts from the program of reconciler/exrec.ts: do not edit.",
    `${DIGEST_PREFIX}${digest}`,
    `/** The width the texts were laid out for. */`,
    `export const HELP_WIDTH = ${HELP_WIDTH};`,
    "/** Each help text, once. */",
    `export const HELP_TEXTS: readonly string[] = ${JSON.stringify(texts, null, 2)};`,
    "/** Keyed by the JSON of the arguments after `exrec`. */",
    'export const HELP_ANSWERS: Readonly<Record<string, { stream: "stdout" | "stderr"; text: number; code: number; sameOnTerminal: boolean }>> = {',
    ...entries,
    "};",
    "",
  ].join("\n");
}

export interface GenerateHelpResult {
  file: string;
  written: boolean;
  answers: number;
}

/** Writes the help table into `file`, unless it is already there and made from the same inputs. */
export async function generateHelp(file: string = DEFAULT_HELP_FILE): Promise<GenerateHelpResult> {
  const digest = helpInputsDigest();
  if ((await recordedDigest(file)) === digest) return { file, written: false, answers: 0 };
  const answers = await captureHelp();
  const text = helpModule(answers, digest);
  await writeGenerated(file, text);
  return { file, written: true, answers: answers.length };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const result = await generateHelp();
  const where = relative(process.cwd(), dirname(result.file)) || ".";
  process.stdout.write(
    result.written
      ? `exrec: wrote the help texts (${result.answers} requests) into ${where}\n`
      : `exrec: the help texts in ${where} are up to date\n`,
  );
}
