/**
 * Two applies started at once from two folders, each with its own local backend (so neither sees
 * the other's lock), on one OVHcloud account: the need is bought once. The two take turns at
 * ordering (the host's ordering turns), so the second, in its turn, sees the first's order among
 * the account's recent ones and stops before it orders.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HOSTED,
  ORDER_POST,
  TWO_ORDERS,
  orderPosts,
  ordersPlaced,
  payPosts,
  platformAccounts,
  shown,
  startRun,
  type Run,
} from "./harness.js";
import { startCli } from "./process.js";
import { runCli } from "../support/cli.js";
import { first } from "../support/items.js";

describe("two checkouts, one account, no shared backend", () => {
  let run: Run;
  beforeAll(async () => {
    // A delivery takes a few seconds, as OVHcloud's do: the two runs are both at work while the
    // first one's order is on its way.
    run = await startRun({ deliveryDelayMs: 4000 });
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  it("two applies at once buy the two accounts once; the second stops naming the order and the shared backend", async () => {
    const before = platformAccounts(run.sandbox, HOSTED);
    const folders = [join(run.home, "checkout-a"), join(run.home, "checkout-b")];
    for (const folder of folders) await mkdir(folder);
    // A little latency, as OVHcloud has, so that the two runs overlap however slowly each starts;
    // and an order POST that takes seconds to be handled, so that without turns both runs would
    // look at the order list (finding nothing) before either order lands, and both would buy.
    run.sandbox.setLatency(30);
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "slow", delayMs: 2500, times: 2 });
    const runs = folders.map((folder) => startCli(["apply", TWO_ORDERS, "--auto-approve"], folder, run.env));
    const results = await Promise.all(runs.map((r) => r.done));
    run.sandbox.setLatency(0);

    for (const result of results) {
      expect(result.stderr).toMatch(/lock, journal and history in \S+\.exrec \(local backend\)/);
    }
    const succeeded = results.filter((r) => r.code === 0);
    const stopped = results.filter((r) => r.code !== 0);
    expect(succeeded, results.map(shown).join("\n")).toHaveLength(1);
    expect(stopped, results.map(shown).join("\n")).toHaveLength(1);
    const loser = first(stopped, "stopped run");
    expect(loser.code).toBe(1);
    expect(loser.stderr).toMatch(
      /order \d+ for hosted-ab12345-1\/hosted-ab12345-1 \(2 account\(s\), [a-zA-Z]+.*\) was placed by no apply this backend knows of/,
    );
    expect(loser.stderr).toMatch(/--backend postgres:\/\//);

    // Exactly one order placed and one payment: the second run ordered nothing at all.
    expect(loser.stderr).toMatch(/nothing was ordered/);
    expect(ordersPlaced(run.sandbox)).toBe(1);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    const after = platformAccounts(run.sandbox, HOSTED);
    expect(after.addresses).toEqual(
      [...before.addresses, "new.one@acme.example", "new.two@acme.example"].sort(),
    );
    expect(after.blanks).toBe(before.blanks);

    // From either folder, the manifest is now converged.
    for (const folder of folders) {
      const plan = await runCli(["plan", TWO_ORDERS, "--detailed-exitcode"], { cwd: folder, env: run.env });
      expect(plan.code, shown(plan)).toBe(0);
    }
  });
});
