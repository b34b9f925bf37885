/**
 * The command line as a user meets it: help, the embedded sandbox, and bad configuration refused
 * with one clear message, exit 1, and no request sent.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { bareEnv, REPO, runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { testSandbox } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");

describe("exrec on the command line", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await testSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("prints help listing every command, exit 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["validate", "plan", "apply", "drift", "import", "history", "sandbox"]) {
      expect(result.stdout).toContain(command);
    }
  });

  it("runs against the embedded sandbox when no credentials are set, and says so once on stderr", async () => {
    const home = await tempDir();
    const result = await runCli(["plan", DEMO], { cwd: home, env: bareEnv(home) });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/local sandbox/g)?.length).toBe(1);
    expect(result.stdout).toMatch(/Plan:/);
  });

  it("refuses to fall back to the sandbox in CI when no credentials are set, exit 1", async () => {
    const home = await tempDir();
    const { EXREC_USE_SANDBOX: _onPurpose, ...env } = bareEnv(home);
    const result = await runCli(["plan", DEMO], { cwd: home, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CI run/);
    expect(result.stderr).toMatch(/OVH_ENDPOINT/);
  });

  const badConfigs: [string, Record<string, string>, RegExp][] = [
    [
      "an unknown OVH_ENDPOINT name",
      {
        OVH_ENDPOINT: "ovh-moon",
        OVH_APPLICATION_KEY: "a",
        OVH_APPLICATION_SECRET: "b",
        OVH_CONSUMER_KEY: "c",
      },
      /OVH_ENDPOINT/,
    ],
    [
      "half a set of application-key credentials",
      { OVH_APPLICATION_KEY: "a" },
      /OVH_APPLICATION_SECRET|OVH_CONSUMER_KEY/,
    ],
    [
      "both authentication methods at once",
      {
        OVH_APPLICATION_KEY: "a",
        OVH_APPLICATION_SECRET: "b",
        OVH_CONSUMER_KEY: "c",
        OVH_CLIENT_ID: "d",
        OVH_CLIENT_SECRET: "e",
      },
      /OVH_CLIENT_ID|both|one method/i,
    ],
    ["a bad EXREC_CONCURRENCY", { EXREC_CONCURRENCY: "many" }, /EXREC_CONCURRENCY/],
  ];

  it.each(badConfigs)(
    "refuses %s with a message naming the variable, exit 1, no request",
    async (_name, vars, pattern) => {
      const home = await tempDir();
      sandbox.resetStats();
      const env = { ...bareEnv(home), OVH_ENDPOINT: sandbox.url, ...vars };
      const result = await runCli(["plan", DEMO], { cwd: home, env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
      expect(sandbox.stats.total).toBe(0);
    },
  );

  it("refuses an unreadable ~/.ovh.conf naming the file, exit 1, no request", async () => {
    const home = await tempDir();
    await mkdir(join(home, ".ovh.conf"));
    sandbox.resetStats();
    const result = await runCli(["plan", DEMO], { cwd: home, env: bareEnv(home) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\.ovh\.conf/);
    expect(sandbox.stats.total).toBe(0);
  });

  it("refuses a malformed ~/.ovh.conf naming the file", async () => {
    const home = await tempDir();
    await writeFile(join(home, ".ovh.conf"), "[default]\nendpoint=ovh-moon\n");
    const result = await runCli(["plan", DEMO], { cwd: home, env: bareEnv(home) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ovh\.conf|ovh-moon/);
  });

  it("rejects an unknown --format with exit 1", async () => {
    const home = await tempDir();
    const result = await runCli(["plan", DEMO, "--format", "yaml"], {
      cwd: home,
      env: sandboxEnv(sandbox.url, home),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/format/);
  });
});
