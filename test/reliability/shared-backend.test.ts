/**
 * A team's shared backend: two CI runners (here, two processes in two different folders) apply
 * against one PostgreSQL. Their applies never interleave; a run killed half way leaves a journal
 * that the next run, from another folder, reads and resumes without buying twice; and every apply
 * records in the history what it did, readable from any folder. Runs on a throw-away PostgreSQL;
 * skipped, saying why, where PostgreSQL is not installed.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HistoryJsonEntry } from "../../reconciler/render/history-json.js";
import { createDatabase, type ThrowawayPostgres } from "../support/postgres.js";
import { testPostgres } from "../support/shared-postgres.js";
import { runCli } from "../support/cli.js";
import {
  HOSTED,
  TWO_ORDERS,
  orderPosts,
  ordersPlaced,
  payPosts,
  platformAccounts,
  renamingManifest,
  shown,
  startRun,
  startHeldApply,
  startSlowApply,
  type Run,
} from "./harness.js";

const started = await testPostgres();
const server: ThrowawayPostgres | null = "skip" in started ? null : started;
const skip = "skip" in started ? started.skip : null;
afterAll(() => server?.stop());

const FIRST = ["henri", "ines", "jules", "lea", "marc", "nora", "paul", "quentin"].map(
  (login) => `${login}@acme.example`,
);
const SECOND = ["alice@acme.example", "ursula@acme.example"];

describe.skipIf(skip !== null)(
  `two runners sharing one PostgreSQL backend${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let run: Run;
    let database: { url: string; drop(): Promise<void> };
    let runnerA: string;
    let runnerB: string;
    let reader: string;

    beforeEach(async () => {
      run = await startRun();
      database = await createDatabase(server!.url);
      // Three folders: nothing is shared between them but the database.
      [runnerA, runnerB, reader] = ["runner-a", "runner-b", "reader"].map((d) => join(run.home, d)) as [
        string,
        string,
        string,
      ];
      for (const dir of [runnerA, runnerB, reader]) await mkdir(dir);
    });
    afterEach(async () => {
      await run.sandbox.close();
      await database.drop();
    });

    const cliIn = (cwd: string, args: string[], extraEnv: Record<string, string> = {}) =>
      runCli([...args, "--backend", database.url], {
        cwd,
        env: { ...run.env, ...extraEnv },
        // A failpoint SIGKILLs the process it runs in.
        process: "EXREC_FAILPOINT" in extraEnv,
      });
    const history = async (): Promise<HistoryJsonEntry[]> => {
      const listed = await cliIn(reader, ["history", "--format", "json"]);
      expect(listed.code, shown(listed)).toBe(0);
      return JSON.parse(listed.stdout) as HistoryJsonEntry[];
    };
    const whose = (path: string) =>
      FIRST.some((a) => path.endsWith(`/${a}`))
        ? "first"
        : SECOND.some((a) => path.endsWith(`/${a}`))
          ? "second"
          : "other";

    async function manifests(): Promise<{ first: string; second: string }> {
      const first = join(run.home, "first.yaml");
      const second = join(run.home, "second.yaml");
      await writeFile(first, renamingManifest("First", FIRST));
      await writeFile(second, renamingManifest("Second", SECOND));
      return { first, second };
    }

    it("the second runner refuses while the first holds the platform (--lock-timeout 0), naming the holder; it writes nothing", async () => {
      const { first, second } = await manifests();
      // The first's first write is held until the second has ended: it holds the lock all along.
      const { running, release } = await startHeldApply(
        run,
        ["apply", first, "--auto-approve", "--backend", database.url],
        FIRST,
        { cwd: runnerA },
      );
      const refused = await cliIn(runnerB, ["apply", second, "--auto-approve", "--lock-timeout", "0"]);
      release();
      const done = await running;
      expect(done.code, shown(done)).toBe(0);
      expect(refused.code, shown(refused)).toBe(1);
      expect(refused.stderr).toMatch(
        /platform hosted-ab12345-1\/hosted-ab12345-1 is locked by pid \d+ on host \S+/,
      );
      expect(refused.stderr).not.toContain(new URL(database.url).password);
      expect(run.sandbox.stats.writes.map((w) => whose(w.path))).toEqual(FIRST.map(() => "first"));
    });

    it("the second runner waits for the lock (--lock-timeout 60) and writes only after the first's last write; the history has both", async () => {
      const { first, second } = await manifests();
      const { running } = await startSlowApply(
        run,
        ["apply", first, "--auto-approve", "--backend", database.url],
        FIRST,
        { cwd: runnerA },
      );
      expect(run.sandbox.stats.writes.length).toBeLessThan(FIRST.length);
      const waited = await cliIn(runnerB, ["apply", second, "--auto-approve", "--lock-timeout", "60"]);
      const done = await running;
      expect(done.code, shown(done)).toBe(0);
      expect(waited.code, shown(waited)).toBe(0);
      expect(run.sandbox.stats.writes.map((w) => whose(w.path))).toEqual([
        ...FIRST.map(() => "first"),
        ...SECOND.map(() => "second"),
      ]);

      const entries = await history();
      expect(entries.map((e) => e.address).sort()).toEqual([...FIRST, ...SECOND].sort());
      expect(entries.every((e) => e.action === "update" && e.result === "done")).toBe(true);
    });

    it.each(["order:after-place", "order:after-pay"])(
      "a run killed at %s leaves its order in the shared journal; the next run, from another folder, resumes it and buys nothing more",
      async (step) => {
        const before = platformAccounts(run.sandbox, HOSTED);
        const killed = await cliIn(runnerA, ["apply", TWO_ORDERS, "--auto-approve"], {
          EXREC_FAILPOINT: step,
        });
        expect(killed.signal).toBe("SIGKILL");
        expect(ordersPlaced(run.sandbox)).toBe(1);

        const resumed = await cliIn(runnerB, ["apply", TWO_ORDERS, "--auto-approve"]);
        expect(resumed.code, shown(resumed)).toBe(0);
        expect(orderPosts(run.sandbox)).toBe(1);
        expect(payPosts(run.sandbox)).toBe(1);
        const after = platformAccounts(run.sandbox, HOSTED);
        expect(after.addresses).toEqual(
          [...before.addresses, "new.one@acme.example", "new.two@acme.example"].sort(),
        );
        expect(after.total).toBe(before.total + 2);

        // The history, read from a third folder, says what was bought, for how much, and by whom.
        const entries = await history();
        const order = entries.find((e) => e.action === "order");
        expect(order, JSON.stringify(entries)).toBeDefined();
        expect(order!.result).toBe("done");
        expect(order!.orderId).toBeGreaterThan(0);
        expect(order!.address).toBe("new.one@acme.example,new.two@acme.example");
        expect(order!.amount?.currency).toBe("EUR");
        expect(order!.amount?.ucents).toBeGreaterThan(0);

        const plan = await cliIn(reader, ["plan", TWO_ORDERS, "--detailed-exitcode"]);
        expect(plan.code, shown(plan)).toBe(0);
      },
    );

    it("an apply that stops on a failure records the failed change and the others it carried out", async () => {
      const { first } = await manifests();
      run.sandbox.addFault({ method: "PUT", path: FIRST[0]!, kind: "500" });
      const stopped = await cliIn(runnerA, ["apply", first, "--auto-approve"]);
      expect(stopped.code, shown(stopped)).toBe(1);
      const entries = await history();
      const failed = entries.filter((e) => e.result === "failed");
      expect(failed.map((e) => e.address)).toEqual([FIRST[0]]);
      expect(failed[0]!.message).toMatch(/answered 500/);
      // The other renames ran in the same group as the failed one, and are recorded as done.
      expect(entries.filter((e) => e.result === "done")).toHaveLength(FIRST.length - 1);
    });
  },
);
