/**
 * Reads the CI examples (GitHub Actions workflows and GitLab CI files) as data: every shell block
 * a job runs, with the environment the CI gives it, and every exrec invocation in those blocks,
 * with the exit codes its step lets through.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { parseScript, type SimpleCommand, type Word } from "./shell.js";

export type CiSystem = "github" | "gitlab";

export interface CiFile {
  /** Relative to the examples/ci folder. */
  name: string;
  system: CiSystem;
  text: string;
  document: Record<string, unknown>;
}

/** One `run:` of a GitHub step, or one entry of a GitLab job's `before_script`/`script`/`after_script`. */
export interface ShellBlock {
  file: string;
  job: string;
  /** The step's name or index (GitHub), or the script key and index (GitLab). */
  where: string;
  script: string;
  /** Environment entries the CI sets for it, as written (`${{ secrets.X }}`, `$VAR` or a literal). */
  env: Record<string, string>;
}

export interface ExrecInvocation {
  block: ShellBlock;
  command: SimpleCommand;
  /** The exrec subcommand, e.g. `plan`. */
  subcommand: string;
  /**
   * The exit codes after which the step goes on (the shell runs with -e on both CIs):
   * 0, plus N where the command is followed by `|| [ $? -eq N ]`.
   */
  passingCodes: ReadonlySet<number>;
}

/** Every .yml/.yaml file under `dir`, recursively, read and classified. */
export function readCiFiles(dir: string): CiFile[] {
  const files: CiFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) {
        const text = readFileSync(path, "utf8");
        const document = parse(text) as Record<string, unknown>;
        const system: CiSystem = "jobs" in document && "on" in document ? "github" : "gitlab";
        files.push({ name: relative(dir, path), system, text, document });
      }
    }
  };
  walk(dir);
  return files;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const stringMap = (value: unknown): Record<string, string> =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};

/** GitLab keywords at the top level that are not jobs. */
const GITLAB_GLOBAL_KEYS = new Set([
  "stages",
  "variables",
  "workflow",
  "default",
  "include",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);

export function shellBlocks(file: CiFile): ShellBlock[] {
  return file.system === "github" ? githubBlocks(file) : gitlabBlocks(file);
}

function githubBlocks(file: CiFile): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const workflowEnv = stringMap(file.document.env);
  for (const [job, definition] of Object.entries(file.document.jobs as Record<string, unknown>)) {
    if (!isRecord(definition)) continue;
    const jobEnv = { ...workflowEnv, ...stringMap(definition.env) };
    const steps = Array.isArray(definition.steps) ? definition.steps : [];
    steps.forEach((step: unknown, index: number) => {
      if (!isRecord(step) || typeof step.run !== "string") return;
      blocks.push({
        file: file.name,
        job,
        where: typeof step.name === "string" ? step.name : `step ${index + 1}`,
        script: step.run,
        env: { ...jobEnv, ...stringMap(step.env) },
      });
    });
  }
  return blocks;
}

function gitlabBlocks(file: CiFile): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const doc = file.document;
  const globalEnv = stringMap(doc.variables);
  const defaults = isRecord(doc.default) ? doc.default : {};
  for (const [job, definition] of Object.entries(doc)) {
    if (GITLAB_GLOBAL_KEYS.has(job) || !isRecord(definition)) continue;
    const env = { ...globalEnv, ...stringMap(definition.variables) };
    for (const key of ["before_script", "script", "after_script"]) {
      // A job without its own before_script/after_script inherits the default one.
      const entries = definition[key] ?? (key === "script" ? undefined : (defaults[key] ?? doc[key]));
      const lines = (
        Array.isArray(entries) ? entries.flat(Infinity) : entries === undefined ? [] : [entries]
      ) as unknown[];
      lines.forEach((line, index) => {
        if (typeof line === "string")
          blocks.push({ file: file.name, job, where: `${key}[${index}]`, script: line, env });
      });
    }
  }
  return blocks;
}

function isExrecCommand(command: SimpleCommand): boolean {
  const words = command.words.map((w) => w.raw);
  return words[0] === "exrec" || (words[0] === "npx" && words[1] === "exrec");
}

/** The argv after `exrec` (or `npx exrec`), unexpanded. */
export function exrecArgs(command: SimpleCommand): Word[] {
  return command.words.slice(command.words[0]!.raw === "npx" ? 2 : 1);
}

/** `[ $? -eq N ]` or `test $? -eq N`: N, else null. */
function exitCodeTest(command: SimpleCommand): number | null {
  const words = command.words.map((w) => w.raw);
  const test = words[0] === "[" ? words.slice(1, -1) : words[0] === "test" ? words.slice(1) : null;
  if (words[0] === "[" && words[words.length - 1] !== "]") return null;
  if (
    !test ||
    test.length !== 3 ||
    !/^"?\$\?"?$/.test(test[0]!) ||
    test[1] !== "-eq" ||
    !/^\d+$/.test(test[2]!)
  )
    return null;
  return Number(test[2]);
}

export function exrecInvocations(block: ShellBlock): ExrecInvocation[] {
  const found: ExrecInvocation[] = [];
  for (const list of parseScript(block.script)) {
    list.forEach((item, index) => {
      if (!isExrecCommand(item.command)) return;
      const passingCodes = new Set([0]);
      const next = list[index + 1];
      if (next?.joiner === "||") {
        const code = exitCodeTest(next.command);
        if (code === null)
          throw new Error(
            `${block.file} ${block.job} ${block.where}: exrec followed by an || the test cannot read`,
          );
        passingCodes.add(code);
      }
      const args = exrecArgs(item.command);
      found.push({ block, command: item.command, subcommand: args[0]?.raw ?? "", passingCodes });
    });
  }
  return found;
}

/**
 * Lines that name an exrec command in a shell block. Every such mention must be a parsed
 * invocation; otherwise the test would silently skip a step it cannot read.
 */
export function exrecMentions(block: ShellBlock): number {
  return [
    ...block.script.matchAll(
      /(^|[\s;&|(])(npx\s+)?exrec\s+(validate|plan|apply|drift|import|history|sandbox)\b/gm,
    ),
  ].length;
}
