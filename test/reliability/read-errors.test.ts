/**
 * A failed read is an error, never an empty platform. When listing or reading a platform's
 * accounts fails (after retries), plan, apply, drift and import stop with exit 1 naming the
 * platform and the call: no plan is printed, nothing is ordered, added or removed, even on a
 * platform with `prune: true` where a partial list would read as "remove the rest".
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO, shown, startRun, type Run } from "./harness.js";

/** The demo's Private platform with `prune: true` and only two accounts declared: a full read plans deletes. */
const PRUNING = `version: 1
platforms:
  - organization: hosted-ab12345-1
    service: private-ab12345-1
    offer: private
    prune: true
    accounts:
      - email: ivan@globex.example
      - email: it@globex.example
`;

describe("a failed read fails the plan, it is never taken for an empty platform", () => {
  let run: Run;
  let pruning: string;

  beforeAll(async () => {
    // Nothing in this file writes (every apply below must be refused): one sandbox serves all.
    run = await startRun();
    pruning = join(run.home, "pruning.yaml");
    await writeFile(pruning, PRUNING);
  });
  afterEach(() => {
    run.sandbox.clearFaults();
    expect(run.sandbox.stats.writes).toEqual([]);
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  it("the manifest with prune: true plans deletes of the undeclared accounts when the read succeeds (the control case)", async () => {
    const plan = await run.cli(["plan", pruning, "--format", "json"]);
    expect(plan.code, shown(plan)).toBe(0);
    const deletes = (JSON.parse(plan.stdout) as { changes: { action: string }[] }).changes.filter(
      (c) => c.action === "delete",
    );
    expect(deletes.length).toBeGreaterThan(3);
  });

  it("listing the accounts keeps failing (500): apply with --allow-destroy stops naming the platform and the call, prints no plan, deletes nothing", async () => {
    run.sandbox.addFault({ method: "GET", path: /private-ab12345-1\/account$/, kind: "500" });
    const result = await run.cli([
      "apply",
      pruning,
      "--auto-approve",
      "--allow-destroy",
      "--max-destroy",
      "100",
    ]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(
      /could not read the live state of platform hosted-ab12345-1\/private-ab12345-1/,
    );
    expect(result.stderr).toMatch(
      /GET \/email\/exchange\/hosted-ab12345-1\/service\/private-ab12345-1\/account answered 500/,
    );
    expect(result.stderr).toMatch(/a failed read is never taken for an empty platform/);
    expect(result.stdout).toBe("");
  });

  it("one account of the list cannot be read (500 on its GET): the plan fails rather than plan from the others", async () => {
    run.sandbox.addFault({ method: "GET", path: "/account/zoe@globex.example", kind: "500" });
    const result = await run.cli(["plan", pruning, "--format", "json"]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/account\/zoe%40globex\.example answered 500/);
    expect(result.stdout).toBe("");
  });

  it("the connection keeps dropping on the account list: the plan fails with a network error naming the call", async () => {
    run.sandbox.addFault({ method: "GET", path: /private-ab12345-1\/account$/, kind: "drop" });
    const result = await run.cli(["plan", pruning]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(
      /GET \/email\/exchange\/hosted-ab12345-1\/service\/private-ab12345-1\/account could not connect or lost the connection \(5 attempts\)/,
    );
    expect(result.stdout).toBe("");
  });

  it("batch reads answered by 500 are an error, not an API without batches and not missing accounts", async () => {
    run.sandbox.setReadModes({ pages: false, batch: true });
    try {
      run.sandbox.addFault({ method: "GET", path: /\/account\/[^/]+,[^/]+$/, kind: "500" });
      const result = await run.cli(["plan", pruning]);
      expect(result.code, shown(result)).toBe(1);
      expect(result.stderr).toMatch(
        /could not read the live state of platform hosted-ab12345-1\/private-ab12345-1/,
      );
      expect(result.stdout).toBe("");
    } finally {
      run.sandbox.setReadModes({ pages: false, batch: false });
    }
  });

  it("one platform of several fails: the whole plan stops, and nothing is planned for the platforms that were read", async () => {
    run.sandbox.addFault({ method: "GET", path: /service\/private-ab12345-1$/, kind: "500" });
    const result = await run.cli(["plan", DEMO]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/platform hosted-ab12345-1\/private-ab12345-1/);
    expect(result.stdout).toBe("");
  });

  it("drift stops too: a failed read is never reported as missing accounts", async () => {
    run.sandbox.addFault({ method: "GET", path: /private-ab12345-1\/account$/, kind: "500" });
    const result = await run.cli(["drift", pruning, "--format", "json"]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/missing/i);
  });

  it("import stops too, rather than write a manifest of part of a platform", async () => {
    run.sandbox.addFault({ method: "GET", path: "/account/zoe@globex.example", kind: "500" });
    const out = join(run.home, "imported.yaml");
    const result = await run.cli(["import", "--out", out]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(
      /could not read the live state of platform hosted-ab12345-1\/private-ab12345-1/,
    );
    await expect(import("node:fs/promises").then((fs) => fs.stat(out))).rejects.toThrow();
  });
});
