/**
 * The commit an apply records in the history: the one named by the environment (EXREC_COMMIT, then
 * CI's variables), else git's HEAD in the working folder, else none. Git is asked without blocking
 * the run; a folder that is not a repository records no commit and prints nothing of git's.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../support/cli.js";
import { freshSandboxPerTest } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");

interface Entry {
  action: string;
  commit: string | null;
}

describe("the commit an apply records", () => {
  const t = freshSandboxPerTest();

  async function applyAndReadCommits(env: Record<string, string>): Promise<(string | null)[]> {
    const applied = await runCli(
      ["apply", DEMO, "--auto-approve", "--allow-destroy", "--secrets-out", join(t.home, "secrets.json")],
      { cwd: t.home, env },
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toMatch(/fatal|not a git repository/i);
    const history = await runCli(["history", "--format", "json"], { cwd: t.home, env });
    expect(history.code).toBe(0);
    const entries = JSON.parse(history.stdout) as Entry[];
    expect(entries.length).toBeGreaterThan(0);
    return [...new Set(entries.map((e) => e.commit))];
  }

  it("is git's HEAD when the working folder is a repository and nothing names one", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: t.home, env: t.env, encoding: "utf8" }).trim();
    git("init", "--quiet");
    git(
      "-c",
      "user.name=exrec",
      "-c",
      "user.email=exrec@example.com",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "x",
    );
    const head = git("rev-parse", "HEAD");
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(await applyAndReadCommits(t.env)).toEqual([head]);
  });

  it("is the one EXREC_COMMIT names, before git's", async () => {
    expect(await applyAndReadCommits({ ...t.env, EXREC_COMMIT: "0123abcd" })).toEqual(["0123abcd"]);
  });

  it("is none outside a repository", async () => {
    expect(await applyAndReadCommits(t.env)).toEqual([null]);
  });
});
