/**
 * Removals are counted as Terraform counts destroys: a termination at expiry is a removal. More
 * of them than --max-destroy, or a plan that removes every account of a platform, is refused
 * before any write, and allowed only with the flag that says so.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model.js";
import type { PlanDocument } from "../../reconciler/plan-format/document.js";
import { HOSTED, platformManifest, shown, startRun, type Run } from "../reliability/harness.js";

function manifest(accounts: string[]): string {
  return platformManifest(
    { service: HOSTED, offer: "hosted", prune: true },
    accounts.map((email) => ({ email })),
  );
}

describe("removals: terminations count, and emptying a platform needs a flag", () => {
  let run: Run;
  let pruneAll: string;
  let pruneSix: string;
  let terminated: string[];

  beforeAll(async () => {
    run = await startRun();
    pruneAll = join(run.home, "prune-all.yaml");
    await writeFile(pruneAll, manifest([]));
    const plan = await run.cli(["plan", pruneAll, "--format", "json"]);
    expect(plan.code, shown(plan)).toBe(0);
    terminated = (JSON.parse(plan.stdout) as Plan).changes
      .filter((c) => c.action === "terminate")
      .map((c) => (c as { address: string }).address);
    // Keep all but six of the accounts to be terminated (blank ones cannot be declared).
    const blanks = terminated.filter((a) => a.endsWith("@configureme.me")).length;
    const named = terminated.filter((a) => !a.endsWith("@configureme.me"));
    pruneSix = join(run.home, "prune-six.yaml");
    await writeFile(pruneSix, manifest(named.slice(6 - blanks)));
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  it("the summary of a plan that only terminates counts its removals", async () => {
    const plan = await run.cli(["plan", pruneSix, "--format", "json"]);
    const changes = (JSON.parse(plan.stdout) as PlanDocument).changes;
    expect(changes.filter((c) => c.action === "terminate")).toHaveLength(6);
    expect(changes.every((c) => !c.destructive)).toBe(true);
    const text = await run.cli(["plan", pruneSix]);
    expect(text.stdout).toMatch(/6 to remove \(6 at expiry, 0 now\)/);
    const markdown = await run.cli(["plan", pruneSix, "--format", "markdown"]);
    expect(markdown.stdout).toMatch(/> \[!CAUTION\]\n> \*\*6 accounts removed\.\*\*/);
  });

  it("six terminations are refused by apply --auto-approve without a flag, writing nothing; allowed with --max-destroy 6", async () => {
    const refused = await run.cli(["apply", pruneSix, "--auto-approve"]);
    expect(refused.code, shown(refused)).toBe(1);
    expect(refused.stderr).toMatch(
      /the plan removes 6 accounts \(6 terminated at expiry, 0 destroyed now\), more than --max-destroy 5; nothing was written/,
    );
    expect(run.sandbox.stats.writes).toEqual([]);

    const allowed = await run.cli(["apply", pruneSix, "--auto-approve", "--max-destroy", "6"]);
    expect(allowed.code, shown(allowed)).toBe(0);
    expect(run.sandbox.stats.writes.filter((w) => w.method === "PUT")).toHaveLength(6);
  });

  it("a plan removing every account of a platform is refused even under --max-destroy, and allowed with --allow-remove-all", async () => {
    const writes = run.sandbox.stats.writes.length;
    const refused = await run.cli(["apply", pruneAll, "--auto-approve", "--max-destroy", "100"]);
    expect(refused.code, shown(refused)).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`the plan removes every account of ${HOSTED}/${HOSTED}; nothing was written`),
    );
    expect(refused.stderr).toMatch(/--allow-remove-all/);
    expect(run.sandbox.stats.writes.length).toBe(writes);

    const allowed = await run.cli([
      "apply",
      pruneAll,
      "--auto-approve",
      "--max-destroy",
      "100",
      "--allow-remove-all",
    ]);
    expect(allowed.code, shown(allowed)).toBe(0);
    const after = await run.cli(["plan", pruneAll, "--detailed-exitcode"]);
    expect(after.code, shown(after)).toBe(0);
  });
});
