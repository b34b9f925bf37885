/**
 * Faults on the writes that OVHcloud carries out as tasks or deliveries: a Private add or a Hosted
 * reset whose task ends in `error`, a Private delete that takes effect but answers 500 or whose
 * connection drops, and an order that is paid but never delivered. For each: what exrec does, that
 * no account is lost or removed twice and nothing bought twice, and that apply run again converges.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox } from "../../provider/sandbox/server.js";
import type { JournalEntry } from "../../reconciler/ports.js";
import { FIXED_NOW } from "../support/sandbox.js";
import {
  DEMO,
  demoApplyArgs,
  demoState,
  expectedDemoOutcome,
  orderPosts,
  ordersPlaced,
  payPosts,
  shown,
  startRun,
  TWO_ORDERS,
  type Run,
} from "./harness.js";

/** Entries of the local journal still open (operations exrec believes in flight). */
async function openJournalEntries(home: string): Promise<JournalEntry[]> {
  const text = await readFile(join(home, ".exrec", "journal.json"), "utf8").catch(() => null);
  if (text === null) return [];
  const journal = JSON.parse(text) as { entries: Record<string, JournalEntry> };
  return Object.values(journal.entries).filter((e) => e.status === "open");
}

describe("faults on tasks and deliveries", () => {
  let run: Run;
  afterEach(async () => {
    await run.sandbox.close();
  });

  /** The demo converged: the expected accounts, one order paid once, an empty plan, an empty journal. */
  async function expectDemoConverged(before: ReturnType<typeof demoState>): Promise<void> {
    const expected = expectedDemoOutcome(before);
    const after = demoState(run.sandbox);
    expect(after.hosted.addresses).toEqual(expected.hosted);
    expect(after.private.addresses).toEqual(expected.private);
    expect(after.hosted.total).toBe(expected.hostedTotal);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    const plan = await run.cli(["plan", DEMO, "--detailed-exitcode"]);
    expect(plan.code, shown(plan)).toBe(0);
    expect(
      (await openJournalEntries(run.home)).map((e) => `${e.action} ${JSON.stringify(e.detail)}`),
    ).toEqual([]);
  }

  it("a Private add whose task ends in error: the run stops naming the task, the journal entry is closed as failed; the rerun adds it once", async () => {
    run = await startRun();
    const before = demoState(run.sandbox);
    run.sandbox.addFault({
      method: "POST",
      path: /service\/private-ab12345-1\/account$/,
      kind: "task-error",
      times: 1,
    });
    const first = await run.cli(demoApplyArgs(run));
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/task \d+ \(addAccount\) for adding nina@globex\.example ended in error/);
    expect(demoState(run.sandbox).private.addresses).not.toContain("nina@globex.example");
    expect(await openJournalEntries(run.home)).toEqual([]);

    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    const adds = run.sandbox.stats.writes.filter(
      (w) => w.method === "POST" && /private-ab12345-1\/account$/.test(w.path),
    );
    expect(adds).toHaveLength(2);
    await expectDemoConverged(before);
  });

  it("a Hosted reset whose task ends in error leaves the account as it was; the rerun resets it once", async () => {
    run = await startRun();
    const before = demoState(run.sandbox);
    run.sandbox.addFault({ method: "DELETE", path: "dave@acme.example", kind: "task-error", times: 1 });
    const first = await run.cli(demoApplyArgs(run));
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/task \d+ \(deleteAccount\) for reset of dave@acme\.example ended in error/);
    expect(demoState(run.sandbox).hosted.addresses).toContain("dave@acme.example");

    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    await expectDemoConverged(before);
  });

  it("a Private delete that takes effect but answers 500: reported as an unknown outcome, never sent again; the rerun finds it gone", async () => {
    run = await startRun();
    const before = demoState(run.sandbox);
    run.sandbox.addFault({
      method: "DELETE",
      path: "judy@globex.example",
      kind: "effect-then-500",
      times: 1,
    });
    const first = await run.cli(demoApplyArgs(run));
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(
      /DELETE \/email\/exchange\/hosted-ab12345-1\/service\/private-ab12345-1\/account\/judy%40globex\.example: the outcome is unknown/,
    );

    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    const deletes = run.sandbox.stats.writes.filter(
      (w) => w.method === "DELETE" && w.path.includes("judy@globex.example"),
    );
    expect(deletes).toHaveLength(1);
    await expectDemoConverged(before);
  });

  it("a Private delete whose connection drops did nothing: the rerun deletes it once, and no other account is touched", async () => {
    run = await startRun();
    const before = demoState(run.sandbox);
    run.sandbox.addFault({ method: "DELETE", path: "judy@globex.example", kind: "drop", times: 1 });
    const first = await run.cli(demoApplyArgs(run));
    expect(first.code, shown(first)).toBe(1);
    expect(demoState(run.sandbox).private.addresses).toContain("judy@globex.example");

    const rerun = await run.cli(demoApplyArgs(run));
    expect(rerun.code, shown(rerun)).toBe(0);
    await expectDemoConverged(before);
  });

  it("an order paid but never delivered: apply waits --delivery-timeout and stops naming the order; reruns wait for it instead of buying; once delivered, apply converges", async () => {
    const stateFile = join(
      await import("node:os").then((os) => os.tmpdir()),
      `exrec-rel-never-${process.pid}-${Date.now()}.json`,
    );
    run = await startRun({ stateFile });
    run.sandbox.addFault({
      method: "POST",
      path: /\/me\/order\/\d+\/pay$/,
      kind: "never-deliver",
      times: 1,
    });
    const apply = () => run.cli(["apply", TWO_ORDERS, "--auto-approve", "--delivery-timeout", "1"]);

    const first = await apply();
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/gave up waiting for the delivery of order \d+ after 1 s/);
    const again = await apply();
    expect(again.code, shown(again)).toBe(1);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);

    // OVHcloud delivers at last: the same sandbox, restarted on its port with the order released.
    const port = new URL(run.sandbox.url).port;
    await run.sandbox.close();
    const state = JSON.parse(await readFile(stateFile, "utf8")) as { orders: { neverDeliver: boolean }[] };
    for (const order of state.orders) order.neverDeliver = false;
    await writeFile(stateFile, JSON.stringify(state));
    run.sandbox = await startSandbox({ stateFile, port: Number(port), now: () => new Date(FIXED_NOW) });

    const delivered = await apply();
    expect(delivered.code, shown(delivered)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(0); // the restarted sandbox counts afresh: no new order
    expect(ordersPlaced(run.sandbox)).toBe(1);
    const plan = await run.cli(["plan", TWO_ORDERS, "--detailed-exitcode"]);
    expect(plan.code, shown(plan)).toBe(0);
    expect(
      (await openJournalEntries(run.home)).map((e) => `${e.action} ${JSON.stringify(e.detail)}`),
    ).toEqual([]);
  });
});
