/**
 * The demo, end to end, over real HTTP: plan shows every kind of change, apply converges, a second
 * plan is empty and a second apply writes nothing; destructive changes need --allow-destroy; a saved
 * plan is refused once the live state moved behind its back.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../support/cli.js";
import { expectGolden } from "../support/golden.js";
import { freshSandboxPerTest } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");

describe("the demo against the sandbox", () => {
  const t = freshSandboxPerTest();

  it("renders the demo plan in text, Markdown and JSON exactly as the golden files", async () => {
    for (const [format, ext] of [
      ["text", "txt"],
      ["markdown", "md"],
      ["json", "json"],
    ] as const) {
      const result = await runCli(["plan", DEMO, "--format", format], { cwd: t.home, env: t.env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expectGolden(`e2e/golden/demo-plan.${ext}`, result.stdout);
    }
  });

  it("shows every kind of change in the demo plan, with --detailed-exitcode 2", async () => {
    const result = await runCli(["plan", DEMO, "--format", "json", "--detailed-exitcode"], {
      cwd: t.home,
      env: t.env,
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
    const secrets = join(t.home, "secrets.json");
    const first = await runCli(
      ["apply", DEMO, "--auto-approve", "--allow-destroy", "--secrets-out", secrets],
      { cwd: t.home, env: t.env },
    );
    expect(first.stderr).toMatch(/Apply complete/);
    expect(first.code).toBe(0);
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);

    const again = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(again.stdout).toMatch(/No changes/);
    expect(again.code).toBe(0);

    const writesBefore = t.sandbox.stats.writes.length;
    const second = await runCli(
      ["apply", DEMO, "--auto-approve", "--allow-destroy", "--secrets-out", secrets],
      { cwd: t.home, env: t.env },
    );
    expect(second.code).toBe(0);
    expect(t.sandbox.stats.writes.length).toBe(writesBefore);

    const history = await runCli(["history", "--format", "json"], { cwd: t.home, env: t.env });
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
    const result = await runCli(["apply", DEMO, "--auto-approve", "--secrets-out", join(t.home, "s.json")], {
      cwd: t.home,
      env: t.env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--allow-destroy/);
    expect(t.sandbox.stats.writes).toEqual([]);
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
        join(t.home, "s.json"),
      ],
      { cwd: t.home, env: t.env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--max-destroy/);
    expect(t.sandbox.stats.writes).toEqual([]);
  });

  it("refuses without a terminal and without --auto-approve, writing nothing", async () => {
    const result = await runCli(["apply", DEMO, "--allow-destroy", "--secrets-out", join(t.home, "s.json")], {
      cwd: t.home,
      env: t.env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--auto-approve/);
    expect(t.sandbox.stats.writes).toEqual([]);
  });

  it("applies a saved plan exactly, and refuses it after a change behind its back", async () => {
    const planFile = join(t.home, "demo.plan.json");
    const planned = await runCli(["plan", DEMO, "--out", planFile], { cwd: t.home, env: t.env });
    expect(planned.code).toBe(0);
    expect((await stat(planFile)).mode & 0o777).toBe(0o600);

    // Someone renames an account in the control panel after the plan was made.
    t.sandbox.patchAccount("hosted-ab12345-1", "hosted-ab12345-1", "alice@acme.example", {
      displayName: "Changed Behind Our Back",
    });
    const refused = await runCli(
      ["apply", planFile, "--auto-approve", "--allow-destroy", "--secrets-out", join(t.home, "s.json")],
      { cwd: t.home, env: t.env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/changed since/);
    expect(t.sandbox.stats.writes).toEqual([]);
  });

  it("applies a fresh saved plan", async () => {
    const planFile = join(t.home, "demo.plan.json");
    expect((await runCli(["plan", DEMO, "--out", planFile], { cwd: t.home, env: t.env })).code).toBe(0);
    const applied = await runCli(
      ["apply", planFile, "--auto-approve", "--allow-destroy", "--secrets-out", join(t.home, "s.json")],
      { cwd: t.home, env: t.env },
    );
    expect(applied.stderr).toMatch(/Apply complete/);
    expect(applied.code).toBe(0);
    const after = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(after.code).toBe(0);
  });
});
