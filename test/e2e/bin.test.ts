/**
 * The `exrec` executable itself, as a child process: every command once through the real bin, so
 * that its wiring of the process (arguments, environment, working folder, stdout and stderr, exit
 * codes, signals) stays tested while the other end-to-end tests run exrec in-process.
 */
import { spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { CLI, REPO, bareEnv, runCli, sandboxEnv, tempDir, type CliResult } from "../support/cli.js";
import { FIXED_NOW, testSandbox, writesMatching } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");

function shown(result: CliResult): string {
  return `exit ${result.code} ${result.signal ?? ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

describe("the exrec executable", () => {
  let sandbox: Sandbox;
  let home: string;
  let env: Record<string, string>;
  /** The bin, run from `home`. */
  const bin = (args: string[], input?: string) =>
    runCli(args, { cwd: home, env, process: true, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    sandbox = await testSandbox();
    home = await tempDir("exrec-bin-");
    env = { ...sandboxEnv(sandbox.url, home), EXREC_NOW: FIXED_NOW };
    await writeFile(join(home, "demo.yaml"), await readFile(DEMO, "utf8"));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("--help on stdout and --version exit 0; an unknown command is a usage error on stderr, exit 1", async () => {
    const help = await bin(["--help"]);
    expect(help.code, shown(help)).toBe(0);
    expect(help.stdout).toMatch(/Usage: exrec/);
    const version = await bin(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe("0.1.0");
    const unknown = await bin(["frobnicate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("validate reads a path relative to its working folder: exit 0; a broken file is file:line:col on stderr, exit 1", async () => {
    const valid = await bin(["validate", "demo.yaml"]);
    expect(valid.code, shown(valid)).toBe(0);
    expect(valid.stdout).toMatch(/1 file\(s\) valid/);
    await writeFile(join(home, "broken.yaml"), "version: 1\nplatforms: [\n");
    const broken = await bin(["validate", "broken.yaml"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^broken\.yaml:\d+:\d+: /m);
  });

  it("plan --detailed-exitcode exits 2 with the plan on stdout; --out writes the plan relative to the working folder, and show renders it", async () => {
    sandbox.resetStats();
    const plan = await bin(["plan", "demo.yaml", "--detailed-exitcode", "--out", "demo.plan"]);
    expect(plan.code, shown(plan)).toBe(2);
    expect(plan.stdout).toMatch(/Plan:/);
    expect(plan.stderr).toMatch(/Plan saved to demo\.plan/);
    expect((await stat(join(home, "demo.plan"))).mode & 0o777).toBe(0o600);
    expect(sandbox.stats.writes).toEqual([]);
    const show = await bin(["show", "demo.plan", "--format", "markdown"]);
    expect(show.code, shown(show)).toBe(0);
    expect(show.stdout).toMatch(/^#/m);
  });

  it("apply without --auto-approve and without a terminal refuses, exit 1, writing nothing", async () => {
    sandbox.resetStats();
    const refused = await bin(["apply", "demo.yaml", "--allow-destroy"], "yes\n");
    expect(refused.code, shown(refused)).toBe(1);
    expect(refused.stderr).toMatch(/no terminal to ask on/);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("apply exits 0, then drift --detailed-exitcode exits 0 and history lists what apply did", async () => {
    const applied = await bin(["apply", "demo.yaml", "--auto-approve", "--allow-destroy"]);
    expect(applied.code, shown(applied)).toBe(0);
    expect(applied.stderr).toMatch(/Apply complete/);
    expect(writesMatching(sandbox, "POST", "/order/")).toBeGreaterThan(0);
    const drift = await bin(["drift", "demo.yaml", "--detailed-exitcode"]);
    expect(drift.code, shown(drift)).toBe(0);
    const history = await bin(["history", "--format", "json"]);
    expect(history.code, shown(history)).toBe(0);
    expect((JSON.parse(history.stdout) as unknown[]).length).toBeGreaterThan(0);
  });

  it("import --out writes a manifest relative to the working folder, whose plan is empty", async () => {
    const imported = await bin(["import", "--out", "imported.yaml"]);
    expect(imported.code, shown(imported)).toBe(0);
    expect(imported.stderr).toMatch(/into imported\.yaml/);
    const plan = await bin(["plan", "imported.yaml", "--detailed-exitcode"]);
    expect(plan.code, shown(plan)).toBe(0);
  });

  it("terraform install --dir installs relative to the working folder", async () => {
    const installed = await bin(["terraform", "install", "--dir", "mirror"]);
    expect(installed.code, shown(installed)).toBe(0);
    expect(installed.stdout).toContain(join(home, "mirror"));
    expect((await stat(join(home, "mirror", "exrec.tfrc"))).isFile()).toBe(true);
  });

  it("sandbox serves until SIGTERM, then stops, exit 0", async () => {
    const folder = await tempDir("exrec-bin-sandbox-");
    const child = spawn(process.execPath, [CLI, "sandbox", "--port", "0", "--state", "state.json"], {
      cwd: folder,
      env: bareEnv(folder),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const found = /listening on (http:\/\/\S+)/.exec(stdout);
        if (found) resolve(found[1]!);
      });
      child.on("close", () => reject(new Error(`the sandbox ended before listening:\n${stdout}${stderr}`)));
    });
    const answer = await fetch(`${url}/auth/time`);
    expect(answer.status).toBe(200);
    const ended = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await ended).toBe(0);
    expect(stderr).toMatch(/sandbox stopped/);
    expect((await stat(join(folder, "state.json"))).isFile()).toBe(true);
  });
});
