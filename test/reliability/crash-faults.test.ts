/**
 * The crash harness of test/e2e/crash.test.ts (apply killed with SIGKILL at a failpoint, then run
 * again) extended to the fault cases: a crash that follows an order POST whose answer was lost or
 * late, a crash after paying an order that is never delivered, and crashes in the middle of the
 * demo's account changes (after an add's POST, after the first write, after the first configure
 * of an order). Whatever the step and the fault, the rerun buys nothing twice, loses no account,
 * and converges; the history keeps what the killed run did.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FaultSpec } from "../../provider/sandbox/types.js";
import type { Failpoint } from "../../reconciler/apply/failpoint.js";
import type { JournalEntry } from "../../reconciler/ports.js";
import type { HistoryJsonEntry } from "../../reconciler/render/history-json.js";
import {
  DEMO,
  HOSTED,
  ORDER_POST,
  PAY_POST,
  TWO_ORDERS,
  demoApplyArgs,
  demoState,
  expectedDemoOutcome,
  orderPosts,
  ordersPlaced,
  payPosts,
  platformAccounts,
  shown,
  startRun,
  waitFor,
  type Run,
} from "./harness.js";
import { startCli } from "./process.js";
import type { CliResult } from "../support/cli.js";

async function openJournal(home: string): Promise<JournalEntry[]> {
  const text = await readFile(join(home, ".exrec", "journal.json"), "utf8").catch(() => null);
  if (text === null) return [];
  return Object.values((JSON.parse(text) as { entries: Record<string, JournalEntry> }).entries).filter(
    (e) => e.status === "open",
  );
}

describe("killed at a failpoint while a fault is on, then run again", () => {
  let run: Run;
  beforeEach(async () => {
    run = await startRun();
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  const orderRows: {
    name: string;
    fault: FaultSpec;
    failpoint: Failpoint;
    flags: string[];
    /** The fault holds the request: release it once the killed run looks for it in the order list. */
    releaseWhenLooking?: boolean;
  }[] = [
    {
      name: "an order POST that takes effect but answers 500, killed once its order id is journalled",
      fault: { method: "POST", path: ORDER_POST, kind: "effect-then-500", times: 1 },
      failpoint: "order:after-journal-order-id",
      flags: [],
    },
    {
      name: "an order POST answered slower than --timeout, killed once found in the order list",
      fault: { method: "POST", path: ORDER_POST, kind: "hold", times: 1 },
      failpoint: "order:after-place",
      flags: ["--timeout", "2"],
      releaseWhenLooking: true,
    },
    {
      name: "killed before paying, then the rerun's payment takes effect but answers 500",
      fault: { method: "POST", path: PAY_POST, kind: "effect-then-500", times: 1 },
      failpoint: "order:after-journal-order-id",
      flags: [],
    },
  ];

  it.each(orderRows.map((row) => [row.name, row] as const))(
    "%s: the rerun buys nothing more and converges",
    async (_name, { fault, failpoint, flags, releaseWhenLooking }) => {
      const before = platformAccounts(run.sandbox, HOSTED);
      run.sandbox.addFault(fault);
      const args = ["apply", TWO_ORDERS, "--auto-approve", ...flags];
      const apply = (env: Record<string, string> = {}) => run.cli(args, env);
      let killed: CliResult;
      if (releaseWhenLooking) {
        // The order lands only once the run, its answer overdue, looks for it in the order list.
        const cli = startCli(args, run.home, { ...run.env, EXREC_FAILPOINT: failpoint });
        await waitFor(
          "the run to look for its order in the order list",
          () => /looking for it in the order list/.test(cli.output().stderr) || cli.child.exitCode !== null,
        );
        expect(run.sandbox.releaseHeld()).toBe(1);
        killed = await cli.done;
      } else {
        killed = await apply({ EXREC_FAILPOINT: failpoint });
      }
      expect(killed.signal, shown(killed)).toBe("SIGKILL");

      const rerun = await apply();
      const last = rerun.code === 0 ? rerun : await apply();
      expect(last.code, shown(last)).toBe(0);
      expect(orderPosts(run.sandbox)).toBe(1);
      expect(ordersPlaced(run.sandbox)).toBe(1);
      expect(payPosts(run.sandbox)).toBe(1);
      const after = platformAccounts(run.sandbox, HOSTED);
      expect(after.addresses).toEqual(
        [...before.addresses, "new.one@acme.example", "new.two@acme.example"].sort(),
      );
      expect(after.total).toBe(before.total + 2);
      expect(await openJournal(run.home)).toEqual([]);
      const plan = await run.cli(["plan", TWO_ORDERS, "--detailed-exitcode"]);
      expect(plan.code, shown(plan)).toBe(0);
    },
  );

  it("an order never delivered, killed after paying: reruns wait for it again and never order or pay twice", async () => {
    run.sandbox.addFault({ method: "POST", path: PAY_POST, kind: "never-deliver", times: 1 });
    const killed = await run.cli(["apply", TWO_ORDERS, "--auto-approve"], {
      EXREC_FAILPOINT: "order:after-pay",
    });
    expect(killed.signal).toBe("SIGKILL");
    const rerun = await run.cli(["apply", TWO_ORDERS, "--auto-approve", "--delivery-timeout", "1"]);
    expect(rerun.code, shown(rerun)).toBe(1);
    expect(rerun.stderr).toMatch(/gave up waiting for the delivery of order \d+/);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    // Still in flight: the journal keeps it for the next run.
    expect((await openJournal(run.home)).map((e) => e.action)).toEqual(["order"]);
  });
});

describe("the demo killed in the middle of its account changes, then run again", () => {
  let run: Run;
  beforeEach(async () => {
    run = await startRun();
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  const rows: { name: string; failpoint: Failpoint; fault: FaultSpec | null; addPosts: number }[] = [
    { name: "killed after its first write", failpoint: "write:after-first", fault: null, addPosts: 1 },
    {
      name: "killed right after a Private add's POST",
      failpoint: "add:after-post",
      fault: null,
      addPosts: 1,
    },
    {
      name: "killed right after a Private add's POST whose task then ends in error",
      failpoint: "add:after-post",
      fault: { method: "POST", path: /service\/private-ab12345-1\/account$/, kind: "task-error", times: 1 },
      addPosts: 2,
    },
    {
      name: "killed after the first configure of its order",
      failpoint: "order:after-first-configure",
      fault: null,
      addPosts: 1,
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))(
    "%s: the rerun converges, with each account added once and nothing bought twice",
    async (_name, { failpoint, fault, addPosts }) => {
      const before = demoState(run.sandbox);
      if (fault) run.sandbox.addFault(fault);
      const killed = await run.cli(demoApplyArgs(run), { EXREC_FAILPOINT: failpoint });
      expect(killed.signal, shown(killed)).toBe("SIGKILL");

      const rerun = await run.cli(demoApplyArgs(run));
      expect(rerun.code, shown(rerun)).toBe(0);
      // The lock the killed run left is taken over, and said so.
      expect(rerun.stderr).toMatch(/took over the stale lock/);
      const expected = expectedDemoOutcome(before);
      const after = demoState(run.sandbox);
      expect(after.hosted.addresses).toEqual(expected.hosted);
      expect(after.private.addresses).toEqual(expected.private);
      expect(after.hosted.total).toBe(expected.hostedTotal);
      expect(orderPosts(run.sandbox)).toBe(1);
      expect(payPosts(run.sandbox)).toBe(1);
      const adds = run.sandbox.stats.writes.filter(
        (w) => w.method === "POST" && /private-ab12345-1\/account$/.test(w.path),
      );
      expect(adds).toHaveLength(addPosts);
      // The password of the added account is in the secrets file, whichever run created it.
      const secrets = JSON.parse(await readFile(join(run.home, "secrets.json"), "utf8")) as {
        accounts: { email: string }[];
      };
      expect(secrets.accounts.map((a) => a.email)).toContain("nina@globex.example");
      expect(await openJournal(run.home)).toEqual([]);
      const plan = await run.cli(["plan", DEMO, "--detailed-exitcode"]);
      expect(plan.code, shown(plan)).toBe(0);
    },
  );

  it("a run killed half way has already recorded in the history the changes it finished", async () => {
    const killed = await run.cli(demoApplyArgs(run), { EXREC_FAILPOINT: "order:after-first-configure" });
    expect(killed.signal).toBe("SIGKILL");
    const listed = await run.cli(["history", "--format", "json"]);
    expect(listed.code, shown(listed)).toBe(0);
    const entries = JSON.parse(listed.stdout) as HistoryJsonEntry[];
    // Every group of the Hosted platform before its order ran to its end: they are recorded, the
    // order is not (yet).
    const recorded = new Set(entries.map((e) => `${e.action} ${e.address}`));
    for (const done of [
      "cancel-termination carol@acme.example",
      "update erin@acme.example",
      "renew bob@acme.example",
      "configure grace@acme.example",
    ]) {
      expect(recorded, done).toContain(done);
    }
    expect(entries.some((e) => e.action === "order")).toBe(false);
    // The Private platform is applied alongside, so its add may or may not have run before the kill;
    // what the history records of it must have happened.
    if (recorded.has("add nina@globex.example")) {
      expect(demoState(run.sandbox).private.addresses).toContain("nina@globex.example");
    }
  });
});
