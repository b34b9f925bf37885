/**
 * Saved plans as a Terraform user uses them: `plan --out` with any file name, `apply PLAN` from
 * another folder (the manifest paths it records are resolved against the plan file), and
 * `show PLAN` to read it again in any format without touching the API.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TWO_ORDERS, orderPosts, shown, startRun, type Run } from "../reliability/harness.js";
import { runCli } from "../support/cli.js";

describe("saved plans: recognised by content, applied from anywhere, shown in any format", () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun();
    await mkdir(join(run.home, "repo", "manifests"), { recursive: true });
    await mkdir(join(run.home, "elsewhere"), { recursive: true });
    await copyFile(TWO_ORDERS, join(run.home, "repo", "manifests", "exchange.yaml"));
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  const runIn = (folder: string, args: string[]) =>
    runCli(args, { cwd: join(run.home, folder), env: run.env });

  it("plan --out x.plan, then show it as Markdown, then apply it from another folder", async () => {
    const planned = await runIn("repo", ["plan", "manifests/exchange.yaml", "--out", "x.plan"]);
    expect(planned.code, shown(planned)).toBe(0);
    expect(planned.stderr).toMatch(/Apply exactly this plan with: exrec apply x\.plan/);

    const markdown = await runIn("repo", ["plan", "manifests/exchange.yaml", "--format", "markdown"]);
    const shownPlan = await runIn("elsewhere", ["show", "../repo/x.plan", "--format", "markdown"]);
    expect(shownPlan.code, shown(shownPlan)).toBe(0);
    expect(shownPlan.stdout).toBe(markdown.stdout);
    expect(shownPlan.stdout).toMatch(/^## exrec plan/);
    const json = await runIn("elsewhere", ["show", "../repo/x.plan", "--format", "json"]);
    expect(JSON.parse(json.stdout)).not.toHaveProperty("manifest_files");

    const applied = await runIn("elsewhere", ["apply", "../repo/x.plan", "--auto-approve"]);
    expect(applied.code, shown(applied)).toBe(0);
    expect(applied.stderr).toMatch(/Apply complete: 1 done/);
    expect(orderPosts(run.sandbox)).toBe(1);
  }, 180_000);

  it("show --format json leaves the fingerprints out unless asked, as plan does", async () => {
    const planned = await runIn("repo", ["plan", "manifests/exchange.yaml", "--out", "y.plan"]);
    expect(planned.code, shown(planned)).toBe(0);
    const saved = JSON.parse(await readFile(join(run.home, "repo", "y.plan"), "utf8")) as {
      fingerprint: Record<string, string>;
    };
    const keys = Object.keys(saved.fingerprint);
    expect(keys.length).toBeGreaterThan(1);

    const plain = await runIn("elsewhere", ["show", "../repo/y.plan", "--format", "json"]);
    expect(plain.code, shown(plain)).toBe(0);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty("fingerprint");

    const asked = await runIn("elsewhere", ["show", "../repo/y.plan", "--format", "json", "--fingerprints"]);
    expect(asked.code, shown(asked)).toBe(0);
    expect((JSON.parse(asked.stdout) as { fingerprint: unknown }).fingerprint).toEqual(saved.fingerprint);
    const live = await runIn("repo", [
      "plan",
      "manifests/exchange.yaml",
      "--format",
      "json",
      "--fingerprints",
    ]);
    expect(Object.keys((JSON.parse(live.stdout) as { fingerprint: object }).fingerprint).sort()).toEqual(
      keys.sort(),
    );
  }, 120_000);

  it("a damaged plan file without a manifest extension is refused as a plan file, naming it", async () => {
    await writeFile(join(run.home, "repo", "broken.plan"), "{ not json");
    const result = await runIn("elsewhere", ["apply", "../repo/broken.plan", "--auto-approve"]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/plan file \.\.\/repo\/broken\.plan: is not JSON/);
    const show = await runIn("elsewhere", ["show", "../repo/broken.plan"]);
    expect(show.code, shown(show)).toBe(1);
    expect(show.stderr).toMatch(/plan file \.\.\/repo\/broken\.plan: is not JSON/);
    expect(result.stderr + show.stderr).not.toMatch(/This is a bug/);
  });
});
