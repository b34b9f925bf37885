/**
 * The host's turns under hostile use: thirty of a thing from two folders at once (orders, and
 * Private adds of the same addresses), a kill while a run holds the turn, and a second apply in
 * the same folder while the first is ordering.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HOSTED,
  ORDER_POST,
  PRIVATE,
  orderPosts,
  ordersPlaced,
  payPosts,
  platformAccounts,
  platformManifest,
  shown,
  startRun,
  waitFor,
  type Run,
} from "./harness.js";
import { startCli } from "./process.js";
import { runCli } from "../support/cli.js";

const THIRTY = Array.from({ length: 30 }, (_, i) => i + 1);

/** A manifest asking for new enterprise accounts on the demo's Hosted platform: one order. */
function hostedOrderManifest(addresses: string[]): string {
  return platformManifest(
    { service: HOSTED, offer: "hosted" },
    addresses.map((email) => ({ email, license: "enterprise", renewal: "yearly" })),
  );
}

function privateAddManifest(addresses: string[]): string {
  return platformManifest(
    { service: PRIVATE, offer: "private" },
    addresses.map((email) => ({ email, license: "basic" })),
  );
}

const STOPPED_ON_FOREIGN_ORDER =
  /order \d+ for hosted-ab12345-1\/hosted-ab12345-1 \(30 account\(s\).*\) was placed by no apply this backend knows of.*nothing was ordered/;

describe("ordering turns under hostile use", () => {
  let run: Run;
  beforeEach(async () => {
    run = await startRun({ deliveryDelayMs: 1500 });
  });
  afterEach(async () => {
    await run.sandbox.close();
  });

  async function folders(...names: string[]): Promise<string[]> {
    const made = names.map((name) => join(run.home, name));
    for (const folder of made) await mkdir(folder, { recursive: true });
    return made;
  }

  it("two folders at once, thirty Hosted accounts to order each: one order of thirty, one payment", async () => {
    const addresses = THIRTY.map((n) => `bulk.${n}@acme.example`);
    const manifest = join(run.home, "thirty-hosted.yaml");
    await writeFile(manifest, hostedOrderManifest(addresses));
    const before = platformAccounts(run.sandbox, HOSTED);
    run.sandbox.setLatency(20);
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "slow", delayMs: 2000, times: 2 });
    const results = await Promise.all(
      (await folders("a", "b")).map(
        (folder) => startCli(["apply", manifest, "--auto-approve"], folder, run.env).done,
      ),
    );
    run.sandbox.setLatency(0);
    const shownAll = results.map(shown).join("\n");
    expect(results.map((r) => r.code).sort(), shownAll).toEqual([0, 1]);
    expect(results.find((r) => r.code === 1)?.stderr, shownAll).toMatch(STOPPED_ON_FOREIGN_ORDER);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(ordersPlaced(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
    const after = platformAccounts(run.sandbox, HOSTED);
    expect(after.addresses).toEqual([...before.addresses, ...addresses].sort());
    expect(after.blanks).toBe(before.blanks);
  });

  it("two folders at once, the same thirty Private adds each: every account made once, and its password is in a secrets file", async () => {
    const addresses = THIRTY.map((n) => `bulk.${n}@globex.example`);
    const manifest = join(run.home, "thirty-private.yaml");
    await writeFile(manifest, privateAddManifest(addresses));
    const before = platformAccounts(run.sandbox, PRIVATE);
    run.sandbox.setLatency(20);
    const made = await folders("a", "b");
    const results = await Promise.all(
      made.map(
        (folder) =>
          startCli(["apply", manifest, "--auto-approve", "--secrets-out", "secrets.json"], folder, run.env)
            .done,
      ),
    );
    run.sandbox.setLatency(0);
    const shownAll = results.map(shown).join("\n");
    // The second to reach an address finds it made: "already exists", not a refused POST.
    expect(
      results.map((r) => r.code),
      shownAll,
    ).toEqual([0, 0]);
    for (const result of results) expect(result.stderr, shownAll).not.toMatch(/This is a bug|already used/);
    const after = platformAccounts(run.sandbox, PRIVATE);
    expect(after.addresses, shownAll).toEqual([...before.addresses, ...addresses].sort());

    // Each account's password is in one of the two files, and whichever file names it gives the
    // password it was created with: no file holds a password that does not open its account.
    const files = await Promise.all(
      made.map(async (folder) => {
        const text = await readFile(join(folder, "secrets.json"), "utf8").catch(() => '{"accounts":[]}');
        return (JSON.parse(text) as { accounts: { email: string; password: string }[] }).accounts;
      }),
    );
    for (const email of addresses) {
      const entries = files.flat().filter((a) => a.email === email);
      expect(entries.length, `${email}: ${shownAll}`).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(
          run.sandbox.passwordMatches(HOSTED, PRIVATE, email, entry.password),
          `${email}: a secrets file holds a password it was not created with\n${shownAll}`,
        ).toBe(true);
      }
    }

    // Run again from either folder: converged.
    for (const folder of made) {
      const plan = await runCli(["plan", manifest, "--detailed-exitcode"], { cwd: folder, env: run.env });
      expect(plan.code, shown(plan)).toBe(0);
    }
  });

  it.each([
    ["after the order is journalled, before its POST", "order:after-journal-open"],
    ["after the order is placed, before its id is recorded", "order:after-place"],
  ])(
    "killed with SIGKILL while it holds the ordering turn (%s): the rerun buys once, and a later order takes the turn over",
    async (_moment, failpoint) => {
      const [folder] = await folders("checkout");
      const manifest = join(run.home, "two.yaml");
      await writeFile(manifest, hostedOrderManifest(["kill.one@acme.example", "kill.two@acme.example"]));
      const killed = await startCli(["apply", manifest, "--auto-approve"], folder!, {
        ...run.env,
        EXREC_FAILPOINT: failpoint,
      }).done;
      expect(killed.signal, shown(killed)).toBe("SIGKILL");

      // Only the killed run needs a process of its own: what follows runs in this one.
      const rerun = await runCli(["apply", manifest, "--auto-approve"], { cwd: folder!, env: run.env });
      expect(rerun.code, shown(rerun)).toBe(0);
      expect(ordersPlaced(run.sandbox)).toBe(1);
      expect(payPosts(run.sandbox)).toBe(1);

      // The killed run's turn file is still there (nothing could remove it); the next order on the
      // service takes it over, says so, and buys exactly what is missing.
      const more = join(run.home, "three.yaml");
      await writeFile(
        more,
        hostedOrderManifest(["kill.one@acme.example", "kill.two@acme.example", "kill.three@acme.example"]),
      );
      const next = await runCli(["apply", more, "--auto-approve"], { cwd: folder!, env: run.env });
      expect(next.code, shown(next)).toBe(0);
      const tookOver = /took over the stale lock .* is no longer running/.test(rerun.stderr + next.stderr);
      expect(tookOver, shown(rerun) + shown(next)).toBe(true);
      expect(ordersPlaced(run.sandbox)).toBe(2);
      expect(payPosts(run.sandbox)).toBe(2);
      const plan = await runCli(["plan", more, "--detailed-exitcode"], { cwd: folder!, env: run.env });
      expect(plan.code, shown(plan)).toBe(0);
    },
  );

  it("a second apply in the same folder while the first is ordering: refused at once naming the first, writing nothing", async () => {
    const [folder] = await folders("checkout");
    const manifest = join(run.home, "two.yaml");
    await writeFile(manifest, hostedOrderManifest(["same.one@acme.example", "same.two@acme.example"]));
    // The first run's order POST is held, unanswered, until the second has finished: the first holds
    // the platform all that time, however slowly a busy machine starts the second process, and
    // writes nothing meanwhile (a held request has no effect until it is released).
    run.sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "hold", times: 1 });
    const first = startCli(["apply", manifest, "--auto-approve"], folder!, run.env);
    const orderRoute = () =>
      Object.entries(run.sandbox.stats.byRoute)
        .filter(([route]) => route.startsWith("POST /order/email/exchange/"))
        .reduce((sum, [, n]) => sum + n, 0);
    await waitFor("the first run's order POST", () => orderRoute() > 0);
    const writesBefore = run.sandbox.stats.writes.length;
    const second = await startCli(["apply", manifest, "--auto-approve"], folder!, run.env).done;
    expect(second.code, shown(second)).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`platform hosted-ab12345-1/hosted-ab12345-1 is locked by pid ${first.child.pid} on host`),
    );
    expect(second.stderr).not.toMatch(/This is a bug/);
    expect(run.sandbox.stats.writes.length).toBe(writesBefore);
    expect(run.sandbox.releaseHeld()).toBe(1);
    const done = await first.done;
    expect(done.code, shown(done)).toBe(0);
    expect(orderPosts(run.sandbox)).toBe(1);
    expect(payPosts(run.sandbox)).toBe(1);
  });
});
