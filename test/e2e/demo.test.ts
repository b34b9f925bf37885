/**
 * The demo, end to end, over real HTTP: plan shows every kind of change, apply converges, a second
 * plan is empty and a second apply writes nothing; destructive changes need --allow-destroy; a saved
 * plan is refused once the live state moved behind its back.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { expectGolden } from "../support/golden.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");

describe("the demo against the sandbox", () => {
  let sandbox: Sandbox;
  let home: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    sandbox = await testSandbox();
    home = await tempDir();
    env = { ...sandboxEnv(sandbox.url, home), EXREC_NOW: FIXED_NOW };
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it("renders the demo plan in text, Markdown and JSON exactly as the golden files", async () => {
    for (const [format, ext] of [
      ["text", "txt"],
      ["markdown", "md"],
      ["json", "json"],
    ] as const) {
      const result = await runCli(["plan", DEMO, "--format", format], { cwd: home, env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expectGolden(`e2e/golden/demo-plan.${ext}`, result.stdout);
    }
  });

  it("shows every kind of change in the demo plan, with --detailed-exitcode 2", async () => {
    const result = await runCli(["plan", DEMO, "--format", "json", "--detailed-exitcode"], {
      cwd: home,
      env,
    });
    expect(result.code).toBe(2);
    const plan = JSON.parse(result.stdout) as {
      changes: { action: string }[];
      waiting: unknown[];
      unmanaged: unknown[];
    };
    const actions = new Set(plan.changes.map((c) => c.action));
    for (const action of [
      "order",
      "configure",
      "renew",
      "cancel-termination",
      "terminate",
      "reset",
      "add",
      "delete",
      "update",
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(plan.waiting.length).toBeGreaterThan(0);
    expect(plan.unmanaged.length).toBeGreaterThan(0);
  });

  it("converges: apply, then the plan is empty and a second apply writes nothing", async () => {
    const secrets = join(home, "secrets.json");
    const first = await runCli(
      ["apply", DEMO, "--auto-approve", "--allow-destroy", "--secrets-out", secrets],
      { cwd: home, env },
    );
    expect(first.stderr).toMatch(/Apply complete/);
    expect(first.code).toBe(0);
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);

    const again = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: home, env });
    expect(again.stdout).toMatch(/No changes/);
    expect(again.code).toBe(0);

    const writesBefore = sandbox.stats.writes.length;
    const second = await runCli(
      ["apply", DEMO, "--auto-approve", "--allow-destroy", "--secrets-out", secrets],
      { cwd: home, env },
    );
    expect(second.code).toBe(0);
    expect(sandbox.stats.writes.length).toBe(writesBefore);

    const history = await runCli(["history", "--format", "json"], { cwd: home, env });
    expect(history.code).toBe(0);
    const entries = JSON.parse(history.stdout) as { action: string; result: string }[];
    expect(entries.some((e) => e.action === "order" && e.result === "done")).toBe(true);
    // The generated passwords are only in the secrets file.
    const passwords = (
      JSON.parse(await readFile(secrets, "utf8")) as { accounts: { password: string }[] }
    ).accounts.map((a) => a.password);
    expect(passwords.length).toBeGreaterThan(0);
    for (const password of passwords) {
      expect(first.stdout + first.stderr + history.stdout).not.toContain(password);
    }
  });

  it("refuses a destructive plan without --allow-destroy before any write", async () => {
    const result = await runCli(["apply", DEMO, "--auto-approve", "--secrets-out", join(home, "s.json")], {
      cwd: home,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--allow-destroy/);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("refuses more destructive changes than --max-destroy", async () => {
    const result = await runCli(
      [
        "apply",
        DEMO,
        "--auto-approve",
        "--allow-destroy",
        "--max-destroy",
        "0",
        "--secrets-out",
        join(home, "s.json"),
      ],
      { cwd: home, env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--max-destroy/);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("refuses without a terminal and without --auto-approve, writing nothing", async () => {
    const result = await runCli(["apply", DEMO, "--allow-destroy", "--secrets-out", join(home, "s.json")], {
      cwd: home,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--auto-approve/);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("applies a saved plan exactly, and refuses it after a change behind its back", async () => {
    const planFile = join(home, "demo.plan.json");
    const planned = await runCli(["plan", DEMO, "--out", planFile], { cwd: home, env });
    expect(planned.code).toBe(0);
    expect((await stat(planFile)).mode & 0o777).toBe(0o600);

    // Someone renames an account in the control panel after the plan was made.
    sandbox.patchAccount("hosted-ab12345-1", "hosted-ab12345-1", "alice@acme.example", {
      displayName: "Changed Behind Our Back",
    });
    const refused = await runCli(
      ["apply", planFile, "--auto-approve", "--allow-destroy", "--secrets-out", join(home, "s.json")],
      { cwd: home, env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/changed since/);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("applies a fresh saved plan", async () => {
    const planFile = join(home, "demo.plan.json");
    expect((await runCli(["plan", DEMO, "--out", planFile], { cwd: home, env })).code).toBe(0);
    const applied = await runCli(
      ["apply", planFile, "--auto-approve", "--allow-destroy", "--secrets-out", join(home, "s.json")],
      { cwd: home, env },
    );
    expect(applied.stderr).toMatch(/Apply complete/);
    expect(applied.code).toBe(0);
    const after = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: home, env });
    expect(after.code).toBe(0);
  });
});
