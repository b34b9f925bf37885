/**
 * The shell reader the workflow test relies on: it must read CI steps as bash would, and refuse
 * what it cannot read rather than guess.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/cli.js";
import { expandWord, parseScript, ShellSyntaxError, type CommandList } from "./shell.js";
import { exrecInvocations, exrecMentions, type ShellBlock } from "./workflows.js";

/** Each command as its words (raw), with `joiner` before it and its redirections. */
function shape(lists: CommandList[]): string[][] {
  return lists.map((list) =>
    list.map(({ joiner, command }) =>
      [
        joiner ?? "",
        ...command.assignments.map((w) => w.raw),
        ...command.words.map((w) => w.raw),
        ...command.redirects.map((r) => `${r.fd}${r.op}${r.target.raw}`),
      ]
        .filter((s) => s !== "")
        .join(" "),
    ),
  );
}

const block = (script: string): ShellBlock => ({
  file: "ci.yml",
  job: "job",
  where: "script",
  script,
  env: {},
});

describe("parseScript reads CI steps as bash does", () => {
  it.each([
    [
      "a redirection and an || test",
      "npx exrec plan m/ --detailed-exitcode > plan.md || [ $? -eq 2 ]",
      [["npx exrec plan m/ --detailed-exitcode 1>plan.md", "|| [ $? -eq 2 ]"]],
    ],
    ["lines and ; separate lists", "npm ci\necho a; echo b", [["npm ci"], ["echo a"], ["echo b"]]],
    [
      "a line continuation joins words",
      "npx exrec drift m/ \\\n  --format html",
      [["npx exrec drift m/ --format html"]],
    ],
    ["comments are dropped", "# npx exrec plan x\nnpm ci # install", [["npm ci"]]],
    [
      "a here-document body is not read as commands",
      "node <<'EOF'\nnpx exrec plan x\nEOF\nnpm ci",
      [["node 0<<'EOF'"], ["npm ci"]],
    ],
    [
      "stderr redirections keep their descriptor",
      "exrec plan a.yaml 2>&1 >> out.txt",
      [["exrec plan a.yaml 2>&1 1>>out.txt"]],
    ],
    [
      "assignments before the command",
      "NO_COLOR=1 npx exrec plan a.yaml",
      [["NO_COLOR=1 npx exrec plan a.yaml"]],
    ],
    [
      "&& at the end of a line continues the list",
      "npm ci &&\n  npx exrec validate a.yaml",
      [["npm ci", "&& npx exrec validate a.yaml"]],
    ],
  ])("%s", (_name, script, expected) => {
    expect(shape(parseScript(script))).toEqual(expected);
  });

  it.each([
    ["an unclosed quote", "echo 'oops"],
    ["an unclosed here-document", "cat <<EOF\nno end"],
    ["backquotes", "echo `date`"],
  ])("refuses %s", (_name, script) => {
    expect(() => parseScript(script)).toThrow(ShellSyntaxError);
  });
});

describe("expandWord", () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await tempDir("exrec-shell-");
    await mkdir(join(cwd, "manifests"));
    for (const name of ["b.yaml", "a.yaml", "notes.txt"]) await writeFile(join(cwd, "manifests", name), "");
  });
  const words = (text: string) => parseScript(text)[0]![0]!.command.words;

  it.each([
    ["an unquoted glob matches files, sorted", "manifests/*.yaml", ["manifests/a.yaml", "manifests/b.yaml"]],
    ["a quoted glob is literal", '"manifests/*.yaml"', ["manifests/*.yaml"]],
    ["a glob matching nothing is passed on as written", "none/*.yaml", ["none/*.yaml"]],
    [
      "variables are replaced, in and out of double quotes",
      '"$HOME/x" ${HOME}y',
      ["/home/ci/x", "/home/ciy"],
    ],
    ["single quotes keep $ literal", "'$HOME'", ["$HOME"]],
  ])("%s", (_name, text, expected) => {
    const context = { variables: { HOME: "/home/ci" }, cwd };
    expect(words(text).flatMap((w) => expandWord(w, context))).toEqual(expected);
  });

  it.each([
    ["an unknown variable", "$NOT_SET"],
    ["a command substitution", "$(pwd)"],
    ["a GitHub expression", "${{ secrets.X }}"],
  ])("refuses %s rather than guess", (_name, text) => {
    expect(() => words(text).flatMap((w) => expandWord(w, { variables: {}, cwd }))).toThrow(ShellSyntaxError);
  });
});

describe("exrec invocations in a step", () => {
  it.each([
    [
      "a step that lets exit 2 through",
      "npx exrec plan m/ --detailed-exitcode > plan.md || [ $? -eq 2 ]",
      [[0, 2]],
    ],
    [
      "a step that fails on anything but 0",
      "npx exrec drift m/ --detailed-exitcode --format html --out d.html",
      [[0]],
    ],
    ["two invocations", "exrec validate a.yaml\nexrec plan a.yaml || test $? -eq 2", [[0], [0, 2]]],
    ["a mention that is not a command is not an invocation", 'echo "run npx exrec later"', []],
  ])("%s", (_name, script, expected) => {
    expect(exrecInvocations(block(script)).map((i) => [...i.passingCodes].sort())).toEqual(expected);
  });

  it("counts a mention inside a string, so the test notices a step it did not run", () => {
    const step = block('echo "npx exrec plan m/"');
    expect(exrecMentions(step)).toBe(1);
    expect(exrecInvocations(step)).toHaveLength(0);
  });

  it("refuses an || it cannot read", () => {
    expect(() => exrecInvocations(block("npx exrec plan m/ || echo failed"))).toThrow(/cannot read/);
  });
});
