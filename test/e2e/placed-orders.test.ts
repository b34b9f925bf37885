/**
 * After `apply --no-pay`, the order it placed is named by `plan` (text, Markdown and JSON) and left
 * out of the one-time total; the next apply pays that same order and places no other.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model.js";
import { REPO, runCli } from "../support/cli.js";
import { freshSandboxPerTest, writesMatching } from "../support/sandbox.js";
import { first } from "../support/items.js";

const DEMO = join(REPO, "examples", "demo.yaml");
const ORDER_POST = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;
const PAY_POST = /^\/me\/order\/(\d+)\/pay$/;

describe("a plan after apply --no-pay", () => {
  const t = freshSandboxPerTest();

  it("names the placed order, counts 0 for it, and applying that plan pays the order without ordering again", async () => {
    const before = JSON.parse(
      (await runCli(["plan", DEMO, "--format", "json"], { cwd: t.home, env: t.env })).stdout,
    ) as Plan;
    const ordersBefore = before.changes.filter((c) => c.action === "order");
    expect(ordersBefore.length).toBeGreaterThan(0);
    expect(before.totals.oneTime?.ucents).toBeGreaterThan(0);

    const unpaid = await runCli(["apply", DEMO, "--auto-approve", "--allow-destroy", "--no-pay"], {
      cwd: t.home,
      env: t.env,
    });
    expect(unpaid.code).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(ordersBefore.length);
    expect(writesMatching(t.sandbox, "POST", PAY_POST)).toBe(0);
    const orderIds = [
      ...new Set([...unpaid.stderr.matchAll(/order (\d+) awaits payment/g)].map((m) => Number(m[1]))),
    ];
    expect(orderIds).toHaveLength(ordersBefore.length);
    // Each order awaiting payment is told once, with its URL, not once per step and again at the end.
    for (const id of orderIds) {
      expect(unpaid.stderr.match(new RegExp(`order ${id} awaits payment`, "g"))).toHaveLength(1);
      expect(unpaid.stderr.match(new RegExp(`orderId=${id}\\b`, "g"))).toHaveLength(1);
    }

    const json = await runCli(["plan", DEMO, "--format", "json"], { cwd: t.home, env: t.env });
    expect(json.code).toBe(0);
    const after = JSON.parse(json.stdout) as Plan;
    const ordersAfter = after.changes.filter((c) => c.action === "order");
    expect(ordersAfter.map((c) => c.id).sort()).toEqual(ordersBefore.map((c) => c.id).sort());
    for (const order of ordersAfter) {
      if (order.action !== "order") continue;
      expect(order.placed?.map((p) => p.status)).toEqual(["notPaid"]);
      const placed = first(order.placed ?? [], "placed order");
      expect(orderIds).toContain(placed.orderId);
      expect(order.cost).toEqual({
        kind: "none",
        note: `order ${placed.orderId} placed, awaiting payment: apply pays it`,
      });
    }
    // Nothing is bought anew: the one-time total is 0, and the summary has no one-time line.
    expect(after.totals.oneTime).toEqual({ ucents: 0, currency: before.totals.oneTime?.currency });
    expect(after.summary.costs.filter((c) => c.kind === "one-time")).toEqual([]);

    for (const format of ["text", "markdown"]) {
      const rendered = await runCli(["plan", DEMO, "--format", format], { cwd: t.home, env: t.env });
      expect(rendered.code).toBe(0);
      for (const id of orderIds) {
        expect(rendered.stdout).toContain(`order ${id} placed, awaiting payment: apply pays it`);
      }
    }
    // Planning reads the journal only: it writes nothing to the API.
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(ordersBefore.length);

    // A plan saved now, naming the placed orders, is accepted by apply as it stands.
    const saved = join(t.home, "after-no-pay.plan");
    expect((await runCli(["plan", DEMO, "--out", saved], { cwd: t.home, env: t.env })).code).toBe(0);
    const paid = await runCli(["apply", saved, "--auto-approve", "--allow-destroy"], {
      cwd: t.home,
      env: t.env,
    });
    expect(paid.code).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(ordersBefore.length);
    const paidIds = t.sandbox.stats.writes
      .filter((w) => w.method === "POST" && PAY_POST.test(w.path))
      .map((w) => Number(PAY_POST.exec(w.path)?.[1]));
    expect(paidIds.sort()).toEqual([...orderIds].sort());

    const converged = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(converged.stdout).toMatch(/No changes/);
    expect(converged.code).toBe(0);
  });
});
