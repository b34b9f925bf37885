/**
 * The crash harness: apply is killed (SIGKILL, no cleanup) at each step of a run that orders
 * accounts, then run again. Whatever the step, exactly one order is placed for the need, and the
 * platform converges.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAILPOINTS } from "../../reconciler/apply/failpoint.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { FIXED_NOW, testSandbox, writesMatching } from "../support/sandbox.js";

const MANIFEST = join(REPO, "test", "e2e", "fixtures", "two-orders.yaml");
const ORDER_POST = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;

describe("apply killed at each step of an order, then run again", () => {
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

  const orderSteps = FAILPOINTS.filter((f) => f.startsWith("order:"));

  it.each(orderSteps)("killed at %s: the rerun places no second order and converges", async (step) => {
    const killed = await runCli(["apply", MANIFEST, "--auto-approve"], {
      cwd: home,
      env: { ...env, EXREC_FAILPOINT: step },
      // A failpoint SIGKILLs the process it runs in.
      process: true,
    });
    expect(killed.signal).toBe("SIGKILL");

    const rerun = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: home, env });
    expect(rerun.stderr).toMatch(/Apply complete/);
    expect(rerun.code).toBe(0);
    const placed = writesMatching(sandbox, "POST", ORDER_POST);
    // Killed before the POST reached the API: the rerun places the one order; after it: none more.
    expect(placed).toBe(1);

    const plan = await runCli(["plan", MANIFEST, "--detailed-exitcode"], { cwd: home, env });
    expect(plan.stdout).toMatch(/No changes/);
    expect(plan.code).toBe(0);
  });

  it("an order POST that takes effect but answers 500 is found, not placed again", async () => {
    sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "effect-then-500", times: 1 });
    const first = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: home, env });
    const rerun =
      first.code === 0 ? first : await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: home, env });
    expect(rerun.code).toBe(0);
    expect(writesMatching(sandbox, "POST", ORDER_POST)).toBe(1);
    const plan = await runCli(["plan", MANIFEST, "--detailed-exitcode"], { cwd: home, env });
    expect(plan.code).toBe(0);
  });

  it("--no-pay places the order, prints its URL and stops; the next apply pays it without ordering again", async () => {
    const unpaid = await runCli(["apply", MANIFEST, "--auto-approve", "--no-pay"], { cwd: home, env });
    expect(unpaid.code).toBe(0);
    expect(unpaid.stderr).toMatch(/awaits payment/);
    expect(writesMatching(sandbox, "POST", /\/me\/order\/\d+\/pay$/)).toBe(0);
    const paid = await runCli(["apply", MANIFEST, "--auto-approve"], { cwd: home, env });
    expect(paid.code).toBe(0);
    expect(writesMatching(sandbox, "POST", ORDER_POST)).toBe(1);
    expect(writesMatching(sandbox, "POST", /\/me\/order\/\d+\/pay$/)).toBe(1);
  });
});
