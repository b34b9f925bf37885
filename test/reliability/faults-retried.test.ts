/**
 * Faults that exrec's retries absorb: bursts of 429 with Retry-After, 5xx and dropped connections
 * on GET and PUT, answers slower than the timeout. Each runs the real CLI against a sandbox with the
 * fault switched on, and checks what exrec did (waited, retried, or stopped and said so), that
 * nothing was bought twice and no account lost, and that the platform converged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  demoApplyArgs,
  demoState,
  expectedDemoOutcome,
  orderPosts,
  payPosts,
  shown,
  startRun,
  DEMO,
  type Run,
} from "./harness.js";

describe("faults that retries absorb, on the demo's apply", () => {
  let run: Run;
  let before: ReturnType<typeof demoState>;

  beforeEach(async () => {
    run = await startRun();
    before = demoState(run.sandbox);
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  /** The demo converged exactly once: one order, one payment, the expected accounts, an empty plan. */
  async function expectConvergedOnce(): Promise<void> {
    const expected = expectedDemoOutcome(before);
    const after = demoState(run.sandbox);
    expect(after.hosted.addresses).toEqual(expected.hosted);
    expect(after.private.addresses).toEqual(expected.private);
    expect(after.hosted.total).toBe(expected.hostedTotal);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    const plan = await run.cli(["plan", DEMO, "--detailed-exitcode"]);
    expect(plan.code, shown(plan)).toBe(0);
    expect(plan.stdout).toMatch(/No changes/);
  }

  it("a burst of 429 with Retry-After on the account lists: exrec waits what the API asks each time, then converges in one run", async () => {
    run.sandbox.addFault({ method: "GET", path: /\/account$/, kind: "429", retryAfterSeconds: 1, times: 3 });
    const started = Date.now();
    const result = await run.cli([...demoApplyArgs(run), "--debug"]);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stderr).toMatch(/Apply complete/);
    // Each 429 was answered by a wait of exactly the Retry-After, not by the client's own backoff.
    const waits = result.stderr.match(/ 429 \d+ms \(retry \d\/5 in 1000ms\)/g) ?? [];
    expect(waits.length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await expectConvergedOnce();
  });

  it("a 429 burst longer than the retries on a read: that platform's plan fails naming the call, nothing is written, the next run converges", async () => {
    run.sandbox.addFault({
      method: "GET",
      path: /\/service\/private-ab12345-1$/,
      kind: "429",
      retryAfterSeconds: 0,
      times: 50,
    });
    const result = await run.cli(demoApplyArgs(run));
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(
      /could not read the live state of platform hosted-ab12345-1\/private-ab12345-1/,
    );
    expect(result.stderr).toMatch(
      /GET \/email\/exchange\/hosted-ab12345-1\/service\/private-ab12345-1 answered 429/,
    );
    expect(result.stdout).toBe("");
    expect(run.sandbox.stats.writes).toEqual([]);

    run.sandbox.clearFaults();
    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    await expectConvergedOnce();
  });

  it("a Retry-After longer than exrec will wait is reported at once with what to do, never slept through", async () => {
    run.sandbox.addFault({
      method: "GET",
      path: /\/account$/,
      kind: "429",
      retryAfterSeconds: 3600,
      times: 1,
    });
    const started = Date.now();
    const result = await run.cli(demoApplyArgs(run));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/answered 429/);
    expect(result.stderr).toMatch(/limiting the request rate/);
    expect(run.sandbox.stats.writes).toEqual([]);
  });

  it("5xx on GETs and PUTs are retried: the PUTs land once each and the demo converges in one run", async () => {
    run.sandbox.addFault({ method: "GET", path: "/account/", kind: "500", times: 2 });
    run.sandbox.addFault({ method: "PUT", kind: "500", times: 2 });
    const result = await run.cli(demoApplyArgs(run));
    expect(result.code, shown(result)).toBe(0);
    const puts = run.sandbox.stats.writes.filter((w) => w.method === "PUT");
    expect(puts.filter((w) => w.status === 500)).toHaveLength(2);
    await expectConvergedOnce();
  });

  it("a PUT that keeps answering 500: its platform stops after the retries, later changes there are not run, the other platform completes; the rerun converges", async () => {
    run.sandbox.addFault({ method: "PUT", path: "erin@acme.example", kind: "500" });
    const result = await run.cli(demoApplyArgs(run));
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(
      /PUT \/email\/exchange\/hosted-ab12345-1\/service\/hosted-ab12345-1\/account\/erin%40acme\.example answered 500/,
    );
    expect(result.stderr).toMatch(/Apply stopped/);
    expect(result.stderr).toMatch(/not run/);
    // Nothing after the failed group on Hosted: no order, no termination, no reset.
    expect(orderPosts(run.sandbox)).toBe(0);
    expect(demoState(run.sandbox).hosted.addresses).toContain("dave@acme.example");
    // The Private platform is independent and was carried out.
    expect(demoState(run.sandbox).private.addresses).toContain("nina@globex.example");

    run.sandbox.clearFaults();
    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    await expectConvergedOnce();
  });

  it("dropped connections on GET and PUT are retried, and the demo converges in one run", async () => {
    run.sandbox.addFault({ method: "GET", path: "/account/", kind: "drop", times: 2 });
    run.sandbox.addFault({ method: "PUT", kind: "drop", times: 1 });
    const result = await run.cli([...demoApplyArgs(run), "--debug"]);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stderr).toMatch(/connection \d+ms \(retry 2\/5/);
    await expectConvergedOnce();
  });

  it("GET answers slower than --timeout are abandoned and retried, and the demo converges in one run", async () => {
    run.sandbox.addFault({ method: "GET", path: /\/account$/, kind: "slow", delayMs: 2500, times: 2 });
    const result = await run.cli([...demoApplyArgs(run), "--timeout", "1", "--debug"]);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stderr).toMatch(/timeout \d+ms \(retry 2\/5/);
    await expectConvergedOnce();
  });
});
