/**
 * Two applies at once over the same platform, from two processes sharing the local backend (the
 * same working folder): the second refuses naming the holder (--lock-timeout 0) or waits for the
 * lock (--lock-timeout N), and never interleaves its writes with the first's. Each apply renames
 * its own accounts, so the sandbox's write log tells whose write each one is.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renamingManifest, shown, startHeldApply, startRun, startSlowApply, type Run } from "./harness.js";

const FIRST = ["henri", "ines", "jules", "lea", "marc", "nora", "paul", "quentin", "rose", "theo"].map(
  (login) => `${login}@acme.example`,
);
const SECOND = ["alice@acme.example", "ursula@acme.example", "erin@acme.example"];

describe("two applies at once over one platform, local backend", () => {
  let run: Run;
  let first: string;
  let second: string;

  beforeEach(async () => {
    run = await startRun();
    first = join(run.home, "first.yaml");
    second = join(run.home, "second.yaml");
    await writeFile(first, renamingManifest("First", FIRST));
    await writeFile(second, renamingManifest("Second", SECOND));
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  const whose = (path: string) =>
    FIRST.some((a) => path.endsWith(`/${a}`))
      ? "first"
      : SECOND.some((a) => path.endsWith(`/${a}`))
        ? "second"
        : "other";

  const startFirst = () => startSlowApply(run, ["apply", first, "--auto-approve"], FIRST);

  it("--lock-timeout 0: the second refuses, naming the holder's pid and host, and writes nothing", async () => {
    // The first's first write is held until the second has ended: it holds the lock all along.
    const { running, release } = await startHeldApply(run, ["apply", first, "--auto-approve"], FIRST);
    const refused = await run.cli(["apply", second, "--auto-approve", "--lock-timeout", "0"]);
    release();
    const done = await running;
    expect(done.code, shown(done)).toBe(0);
    expect(refused.code, shown(refused)).toBe(1);
    expect(refused.stderr).toMatch(
      /platform hosted-ab12345-1\/hosted-ab12345-1 is locked by pid \d+ on host \S+/,
    );
    const writes = run.sandbox.stats.writes.map((w) => whose(w.path));
    expect(writes).toEqual(FIRST.map(() => "first"));
  });

  it("--lock-timeout 60: the second waits for the lock, then writes only after the first's last write", async () => {
    const { running } = await startFirst();
    expect(run.sandbox.stats.writes.length).toBeLessThan(FIRST.length);
    let firstEnded = 0;
    void running.then(() => (firstEnded = Date.now()));
    const waited = await run.cli(["apply", second, "--auto-approve", "--lock-timeout", "60"]);
    const secondEnded = Date.now();
    const done = await running;
    // The second ran while the first held the lock, and finished after it.
    expect(firstEnded).toBeGreaterThan(0);
    expect(secondEnded).toBeGreaterThan(firstEnded);
    expect(done.code, shown(done)).toBe(0);
    expect(waited.code, shown(waited)).toBe(0);
    const writes = run.sandbox.stats.writes.map((w) => whose(w.path));
    expect(writes).toEqual([...FIRST.map(() => "first"), ...SECOND.map(() => "second")]);
  });

  it("the same manifest twice at once: the second takes the lock before reading, so it plans after the first and writes nothing", async () => {
    const { running } = await startFirst();
    const waited = await run.cli(["apply", first, "--auto-approve", "--lock-timeout", "60"]);
    const done = await running;
    expect(done.code, shown(done)).toBe(0);
    expect(waited.code, shown(waited)).toBe(0);
    // The lock comes before the live state is read: the plan it shows is the state the first left.
    expect(waited.stdout).toMatch(/No changes/);
    expect(run.sandbox.stats.writes).toHaveLength(FIRST.length);
  });
});
