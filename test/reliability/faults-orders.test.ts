/**
 * Faults on the requests that spend money: the order POST and the payment POST. Neither is ever
 * retried blindly (a second POST may buy or pay twice); exrec looks in the order list and in its
 * journal instead. For each fault: what exrec does, that exactly one order and one payment are
 * made for the need, that no account is lost, and that apply run again converges.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HOSTED,
  ORDER_POST,
  PAY_POST,
  TWO_ORDERS,
  orderPosts,
  ordersPlaced,
  payPosts,
  platformAccounts,
  shown,
  startRun,
  waitFor,
  type Run,
} from "./harness.js";
import { startCliInProcess } from "../support/cli.js";

const NEW = ["new.one@acme.example", "new.two@acme.example"];
const LOOKING = /has an unknown outcome: looking for it in the order list/;
const LOOKING_AGAIN =
  /an earlier order request for hosted-ab12345-1\/hosted-ab12345-1 had an unknown outcome/;

describe("faults on the order and payment requests (two accounts to order)", () => {
  let run: Run;
  let before: ReturnType<typeof platformAccounts>;

  beforeEach(async () => {
    run = await startRun();
    before = platformAccounts(run.sandbox, HOSTED);
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  const apply = (...extra: string[]) => run.cli(["apply", TWO_ORDERS, "--auto-approve", ...extra]);

  /** One order of two, paid once, both addresses configured, nothing else touched, an empty plan. */
  async function expectBoughtOnce(): Promise<void> {
    expect(ordersPlaced(run.sandbox)).toBe(1);
    const after = platformAccounts(run.sandbox, HOSTED);
    expect(after.addresses).toEqual([...before.addresses, ...NEW].sort());
    expect(after.total).toBe(before.total + 2);
    const plan = await run.cli(["plan", TWO_ORDERS, "--detailed-exitcode"]);
    expect(plan.code, shown(plan)).toBe(0);
  }

  it("an order POST answered 429 is not retried: the change fails naming the call, nothing is bought; the rerun buys once", async () => {
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "429", retryAfterSeconds: 1, times: 1 });
    const first = await apply();
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(
      /POST \/order\/email\/exchange\/hosted-ab12345-1\/service\/hosted-ab12345-1\/account\/12 answered 429/,
    );
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(ordersPlaced(run.sandbox)).toBe(0);

    const rerun = await apply();
    expect(rerun.code, shown(rerun)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(2);
    await expectBoughtOnce();
  });

  it("an order POST whose connection drops: the outcome is unknown, exrec looks in the order list, finds nothing and stops; the rerun buys once", async () => {
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "drop", times: 1 });
    // --timeout bounds how long the lost order is looked for before the run gives up on it.
    const first = await apply("--timeout", "2");
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/has an unknown outcome: looking for it in the order list/);
    expect(first.stderr).toMatch(/the outcome is unknown/);
    expect(ordersPlaced(run.sandbox)).toBe(0);

    // The rerun looks once more (one timeout) for the request that may still land, then buys once.
    const rerun = await apply("--timeout", "2");
    expect(rerun.stderr).toMatch(/an earlier order request .* had an unknown outcome/);
    expect(rerun.code, shown(rerun)).toBe(0);
    await expectBoughtOnce();
  });

  it("an order POST that takes effect but answers 500: exrec finds the order it placed and carries on with it in the same run", async () => {
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "effect-then-500", times: 1 });
    const first = await apply();
    expect(first.code, shown(first)).toBe(0);
    expect(first.stderr).toMatch(
      /the order request for hosted-ab12345-1\/hosted-ab12345-1 failed, but order \d+ was placed/,
    );
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    await expectBoughtOnce();
  });

  it("an order POST answered slower than --timeout: exrec looks for it in the order list until it lands, and carries on with it in the same run", async () => {
    // The POST is held, unanswered, until exrec has given up on its answer and looks in the order
    // list; only then does the order land: the order of events, not timers, makes the case.
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "hold", times: 1 });
    const cli = startCliInProcess(["apply", TWO_ORDERS, "--auto-approve", "--timeout", "2"], {
      cwd: run.home,
      env: run.env,
    });
    await waitFor(
      "exrec to look for the order in the order list",
      () => LOOKING.test(cli.output().stderr) || cli.ended(),
    );
    expect(ordersPlaced(run.sandbox)).toBe(0);
    expect(run.sandbox.releaseHeld()).toBe(1);
    const first = await cli.done;
    expect(first.code, shown(first)).toBe(0);
    expect(first.stderr).toMatch(/has an unknown outcome: looking for it in the order list/);
    expect(first.stderr).toMatch(/failed, but order \d+ was placed: continuing with it/);
    expect(orderPosts(run.sandbox)).toBe(1);
    await expectBoughtOnce();
  });

  it("an order POST slower than --timeout and its grace, rerun at once while the API still works on it: the rerun looks for it again and never buys beside it", async () => {
    // The POST is held through the whole first run (its timeout, then its grace of looking), and
    // lands only once the rerun is looking for it again.
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "hold", times: 1 });
    const first = await apply("--timeout", "2");
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/unknown outcome/);
    expect(ordersPlaced(run.sandbox)).toBe(0);
    const cli = startCliInProcess(["apply", TWO_ORDERS, "--auto-approve", "--timeout", "2"], {
      cwd: run.home,
      env: run.env,
    });
    await waitFor(
      "the rerun to look for the earlier order",
      () => LOOKING_AGAIN.test(cli.output().stderr) || cli.ended(),
    );
    expect(ordersPlaced(run.sandbox)).toBe(0);
    expect(run.sandbox.releaseHeld()).toBe(1);
    const rerun = await cli.done;
    expect(rerun.stderr).toMatch(LOOKING_AGAIN);
    expect(rerun.code, shown(rerun)).toBe(0);
    // The held request is counted once the sandbox has answered it, which it has by now.
    expect(orderPosts(run.sandbox)).toBe(1);
    await expectBoughtOnce();
  });

  it("a payment POST whose connection drops: the order is in the journal, the rerun pays it once and orders nothing", async () => {
    run.sandbox.addFault({ method: "POST", path: PAY_POST, kind: "drop", times: 1 });
    const first = await apply();
    expect(first.code, shown(first)).toBe(1);
    expect(first.stderr).toMatch(/\/pay: the outcome is unknown/);
    expect(ordersPlaced(run.sandbox)).toBe(1);

    const rerun = await apply();
    expect(rerun.code, shown(rerun)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(1);
    // The dropped attempt did nothing; the rerun's is the one payment.
    expect(run.sandbox.stats.writes.filter((w) => PAY_POST.test(w.path) && w.status === 200)).toHaveLength(1);
    await expectBoughtOnce();
  });

  it("a payment POST that takes effect but answers 500: the rerun sees the order paid and never pays again", async () => {
    run.sandbox.addFault({ method: "POST", path: PAY_POST, kind: "effect-then-500", times: 1 });
    const first = await apply();
    expect(first.code, shown(first)).toBe(1);
    const rerun = await apply();
    expect(rerun.code, shown(rerun)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    await expectBoughtOnce();
  });
});
