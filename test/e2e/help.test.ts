/**
 * The help the bin prints without commander (from the table generated at build time) is
 * commander's, byte for byte, for every command and every spelling of a help request: the table
 * is checked against the program as it is now, so the two cannot drift apart.
 */
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { precomputedHelp } from "../../reconciler/commands/fast-help.js";
import { HELP_ANSWERS } from "../../reconciler/commands/gen/help.js";
import { buildProgram, runExrec, type CliIo, type CliOutput } from "../../reconciler/exrec.js";
import { CLI, REPO, runCli, tempDir } from "../support/cli.js";
import { loadedModules } from "../support/loaded-modules.js";

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
}

/** What commander prints for `exrec ARGS` on streams of this kind (a pipe, or a terminal this wide). */
async function commanderHelp(args: string[], terminal?: { columns: number }): Promise<Printed> {
  const stream = (): CliOutput & { text: string } => {
    const output = {
      text: "",
      isTTY: terminal !== undefined,
      columns: terminal?.columns,
      write(chunk: string) {
        output.text += chunk;
        return true;
      },
    };
    return output;
  };
  const stdout = stream();
  const stderr = stream();
  const io: CliIo = {
    env: {},
    cwd: process.cwd(),
    home: process.cwd(),
    args,
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    stdout,
    stderr,
    onStopSignal: () => () => undefined,
    exitNow: (code) => {
      throw new Error(`asked to exit at once (code ${code})`);
    },
  };
  const code = await runExrec(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** What the table answers for ARGS through a pipe, in the same shape. */
function tableHelp(args: string[]): Printed | null {
  const answer = precomputedHelp(args, { stdout: { isTTY: false }, stderr: { isTTY: false } });
  if (!answer) return null;
  return {
    code: answer.code,
    stdout: answer.stream === "stdout" ? answer.text : "",
    stderr: answer.stream === "stderr" ? answer.text : "",
  };
}

/** Every command of the program, walked here rather than taken from the generator. */
function everyCommand(): string[][] {
  const program = buildProgram({} as CliIo, () => undefined);
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return paths;
}

const TABLE_REQUESTS = Object.keys(HELP_ANSWERS).map((key) => JSON.parse(key) as string[]);

describe("help without commander", () => {
  it("answers the help of every command in each spelling, and the top level's and the version", () => {
    const commands = everyCommand();
    expect(commands.map((path) => path.join(" "))).toEqual(
      expect.arrayContaining(["validate", "plan", "apply", "sandbox", "terraform", "terraform install"]),
    );
    const spellings = [[], ["--help"], ["-h"], ["help"], ["--version"], ["-V"]];
    for (const path of commands) {
      spellings.push([...path, "--help"], [...path, "-h"], [...path.slice(0, -1), "help", path.at(-1)!]);
    }
    for (const args of spellings) expect(tableHelp(args), `exrec ${args.join(" ")}`).not.toBeNull();
  });

  it("prints exactly what commander prints, through a pipe, for every request it answers", async () => {
    expect(TABLE_REQUESTS.length).toBeGreaterThanOrEqual(6 + 3 * everyCommand().length);
    for (const args of TABLE_REQUESTS) {
      expect(tableHelp(args), `exrec ${args.join(" ")} (a stale table: npm run build)`).toEqual(
        await commanderHelp(args),
      );
    }
  });

  it("the same on an 80-column terminal; any other width, and anything but a bare help request, is commander's", async () => {
    const terminal = (columns: number) => ({ isTTY: true, columns });
    for (const args of TABLE_REQUESTS) {
      const answer = precomputedHelp(args, { stdout: terminal(80), stderr: terminal(80) });
      const printed = await commanderHelp(args, { columns: 80 });
      expect(answer && (answer.stream === "stdout" ? printed.stdout : printed.stderr)).toBe(answer?.text);
      expect(precomputedHelp(args, { stdout: terminal(120), stderr: terminal(120) })).toBeNull();
    }
    // Why: commander lays the same help out differently at another width.
    expect((await commanderHelp(["--help"], { columns: 120 })).stdout).not.toBe(
      (await commanderHelp(["--help"])).stdout,
    );
    for (const args of [
      ["plan", "--help", "fleet.yaml"],
      ["--help", "--debug"],
      ["plan"],
      ["help", "nope"],
    ]) {
      expect(tableHelp(args), `exrec ${args.join(" ")}`).toBeNull();
    }
  });

  it("the bin prints the same bytes and exit code as commander for every request", async () => {
    for (const args of TABLE_REQUESTS) {
      const bin = await runCli(args, { process: true });
      const expected = await commanderHelp(args);
      expect({ code: bin.code, stdout: bin.stdout, stderr: bin.stderr }, `exrec ${args.join(" ")}`).toEqual(
        expected,
      );
    }
  }, 120_000);

  it("the bin leaves what is not in the table to commander", async () => {
    const args = ["plan", "--help", "fleet.yaml"];
    const bin = await runCli(args, { process: true });
    expect(bin.code).toBe(0);
    expect(bin.stdout).toBe((await commanderHelp(args)).stdout);
    expect(bin.stdout).toContain("Usage: exrec plan [options] <files...>");
  });

  /** script(1) runs a command on a pseudo-terminal of its own; without it there is no terminal to test. */
  const hasScript = spawnSync("script", ["--version"]).status === 0;

  it.skipIf(!hasScript)(
    "on a real terminal: 80 columns, the table's bytes without commander; 120 columns, commander's own layout",
    async () => {
      const dir = await tempDir("exrec-tty-");
      const onTerminal = async (columns: number) => {
        const log = join(dir, `${columns}.modules`);
        const hook = join(REPO, "dist", "test", "support", "module-log.js");
        const command = `stty cols ${columns}; node --import ${hook} ${CLI} --help`;
        const ran = spawnSync("script", ["-qec", command, "/dev/null"], {
          env: { PATH: process.env.PATH ?? "", EXREC_MODULE_LOG: log },
          encoding: "utf8",
        });
        expect(ran.status, ran.stderr).toBe(0);
        // The terminal turns each line feed into a carriage return and a line feed.
        return {
          text: ran.stdout.replace(/\r\n/g, "\n"),
          commander: (await loadedModules(log)).packages.includes("commander"),
        };
      };
      try {
        const at80 = await onTerminal(80);
        expect(at80).toEqual({
          text: (await commanderHelp(["--help"], { columns: 80 })).stdout,
          commander: false,
        });
        const at120 = await onTerminal(120);
        expect(at120).toEqual({
          text: (await commanderHelp(["--help"], { columns: 120 })).stdout,
          commander: true,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
