/**
 * The crash harness: apply is killed (SIGKILL, no cleanup) at each step of a run that orders
 * accounts, then run again. Whatever the step, exactly one order is placed for the need, and the
 * platform converges.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAILPOINTS } from "../../reconciler/apply/failpoint.js";
import { REPO, runCli } from "../support/cli.js";
import { freshSandboxPerTest, writesMatching } from "../support/sandbox.js";

const MANIFEST = join(REPO, "test", "e2e", "fixtures", "two-orders.yaml");
const ORDER_POST = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;

describe("apply killed at each step of an order, then run again", () => {
  const t = freshSandboxPerTest();

  const orderSteps = FAILPOINTS.filter((f) => f.startsWith("order:"));

  it.each(orderSteps)("killed at %s: the rerun places no second order and converges", async (step) => {
    const killed = await runCli(["apply", MANIFEST, "--auto-approve"], {
      cwd: t.home,
      env: { ...t.env, EXREC_FAILPOINT: step },
      // A failpoint SIGKILLs the process it runs in.
      process: true,
    });
    expect(killed.signal).toBe("SIGKILL");

    const rerun = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(rerun.stderr).toMatch(/Apply complete/);
    expect(rerun.code).toBe(0);
    const placed = writesMatching(t.sandbox, "POST", ORDER_POST);
    // Killed before the POST reached the API: the rerun places the one order; after it: none more.
    expect(placed).toBe(1);

    const plan = await runCli(["plan", MANIFEST, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(plan.stdout).toMatch(/No changes/);
    expect(plan.code).toBe(0);
  });

  it("an order POST that takes effect but answers 500 is found, not placed again", async () => {
    t.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "effect-then-500", times: 1 });
    const first = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: t.home, env: t.env });
    const rerun =
      first.code === 0
        ? first
        : await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(rerun.code).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    const plan = await runCli(["plan", MANIFEST, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(plan.code).toBe(0);
  });

  it("--no-pay places the order, prints its URL and stops; the next apply pays it without ordering again", async () => {
    const unpaid = await runCli(["apply", MANIFEST, "--auto-approve", "--no-pay"], {
      cwd: t.home,
      env: t.env,
    });
    expect(unpaid.code).toBe(0);
    expect(unpaid.stderr).toMatch(/awaits payment/);
    expect(writesMatching(t.sandbox, "POST", /\/me\/order\/\d+\/pay$/)).toBe(0);
    const paid = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(paid.code).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    expect(writesMatching(t.sandbox, "POST", /\/me\/order\/\d+\/pay$/)).toBe(1);
  });
});
