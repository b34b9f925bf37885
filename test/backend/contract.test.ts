/**
 * The Backend contract (reconciler/ports.ts), run against both backends: the local folder and
 * PostgreSQL (on a throw-away server; skipped, saying why, where PostgreSQL is not installed).
 * Exclusion is checked within one process and between real processes.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { LockHeldError } from "../../provider/backend/index.js";
import type { HistoryEntry, NewJournalEntry } from "../../reconciler/ports.js";
import {
  type BackendKind,
  holdPeriods,
  makeSubject,
  owner,
  postgresForTests,
  readLog,
  runJournalChild,
  startLockChild,
  type Subject,
  waitForLog,
} from "./harness.js";
import { toAddress } from "../../reconciler/model.js";

const postgres = await postgresForTests();
afterAll(() => postgres.server?.stop());

const kinds: { kind: BackendKind; skip: string | null }[] = [
  { kind: "local", skip: null },
  { kind: "postgres", skip: postgres.skip },
];

function historyEntry(overrides: Partial<HistoryEntry>): HistoryEntry {
  return {
    at: "2026-03-01T10:00:00.000Z",
    who: "alice",
    commit: "0123456789abcdef",
    platform: "org-1/svc-1",
    changeId: "c1",
    action: "renew",
    addresses: [toAddress("alice@acme.example")],
    result: "done",
    message: null,
    orderId: null,
    amount: null,
    ...overrides,
  };
}

for (const { kind, skip } of kinds) {
  describe.skipIf(skip !== null)(`${kind} backend${skip ? ` (skipped: ${skip})` : ""}`, () => {
    let subject: Subject;
    beforeEach(async () => {
      subject = await makeSubject(kind, postgres.server);
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe("lock within one process", () => {
      test("a second lock on a held platform waits its whole wait, then is refused naming the holder", async () => {
        const backend = await subject.open();
        const first = owner("first");
        await backend.lock(["org/svc"], first, 0);
        const started = Date.now();
        const error = await backend.lock(["org/svc"], owner("second"), 300).catch((e: unknown) => e);
        expect(Date.now() - started).toBeGreaterThanOrEqual(280);
        expect(error).toBeInstanceOf(LockHeldError);
        const held = error as LockHeldError;
        expect(held.code).toBe("EXREC_LOCKED");
        expect(held.platform).toBe("org/svc");
        expect(held.holder).toEqual({
          pid: first.pid,
          host: first.host,
          who: "first",
          startedAt: first.startedAt,
        });
        expect(held.message).toContain(`pid ${first.pid}`);
        expect(held.message).toContain(first.startedAt);
        expect(held.hint).toBeTruthy();
      });

      test("a waiting lock gets the platform soon after the holder releases it", async () => {
        const backend = await subject.open();
        const first = await backend.lock(["org/svc"], owner("first"), 0);
        const second = backend.lock(["org/svc"], owner("second"), 10_000);
        await new Promise((r) => setTimeout(r, 200));
        const releasedAt = Date.now();
        await first.release();
        const lock = await second;
        expect(Date.now() - releasedAt).toBeLessThan(5_000); // well before its 10 s wait ends
        expect(lock.scope).toEqual(["org/svc"]);
      });

      test("locks on different platforms do not exclude each other", async () => {
        const backend = await subject.open();
        await backend.lock(["org/a"], owner("a"), 0);
        await expect(backend.lock(["org/b"], owner("b"), 0)).resolves.toMatchObject({ scope: ["org/b"] });
      });

      test("a lock over several platforms is refused if one is held, and then holds none of them", async () => {
        const backend = await subject.open();
        await backend.lock(["org/b"], owner("holder"), 0);
        await expect(backend.lock(["org/a", "org/b"], owner("both"), 100)).rejects.toBeInstanceOf(
          LockHeldError,
        );
        await expect(backend.lock(["org/a"], owner("a"), 0)).resolves.toMatchObject({ scope: ["org/a"] });
      });

      test("the scope is taken each key once, in sorted order, so opposite requests never deadlock", async () => {
        const backend = await subject.open();
        const takeAndRelease = async (scope: string[]) => {
          const lock = await backend.lock(scope, owner(scope.join("+")), 10_000);
          await new Promise((r) => setTimeout(r, 50));
          await lock.release();
          return lock.scope;
        };
        const scopes = await Promise.all([
          takeAndRelease(["org/y", "org/x", "org/y"]),
          takeAndRelease(["org/x", "org/y"]),
          takeAndRelease(["org/y", "org/x"]),
        ]);
        expect(scopes).toEqual([
          ["org/x", "org/y"],
          ["org/x", "org/y"],
          ["org/x", "org/y"],
        ]);
      });

      test("release can be called twice, and close releases what is still held", async () => {
        const backend = await subject.open();
        const lock = await backend.lock(["org/svc"], owner("first"), 0);
        await lock.release();
        await lock.release();
        const again = await subject.open();
        await again.lock(["org/svc"], owner("second"), 0);
        await again.close();
        const third = await subject.open();
        await expect(third.lock(["org/svc"], owner("third"), 0)).resolves.toBeTruthy();
      });
    });

    describe("lock between processes", () => {
      test("a second process waits while the first holds the platform and enters only after it left", async () => {
        const log = join(subject.dir, "events.log");
        const releaseFile = join(subject.dir, "release-a");
        const base = { spec: subject.spec, dir: subject.dir, keys: ["org/svc"], log };
        const a = startLockChild({ ...base, label: "A", waitMs: 0, releaseFile });
        await waitForLog(log, "A", "enter");
        const b = startLockChild({ ...base, label: "B", waitMs: 15_000, holdMs: 50 });
        await waitForLog(log, "B", "trying");
        await new Promise((r) => setTimeout(r, 400)); // B is now polling for the lock
        expect((await readLog(log)).some((e) => e.label === "B" && e.event === "enter")).toBe(false);
        await fs.writeFile(releaseFile, "");
        const [outcomeA, outcomeB] = await Promise.all([a.outcome, b.outcome]);
        expect(outcomeA.ok).toBe(true);
        expect(outcomeB).toMatchObject({ ok: true });
        const [first, second] = holdPeriods(await readLog(log));
        expect(first!.label).toBe("A");
        expect(second!.label).toBe("B");
        expect(second!.enter).toBeGreaterThanOrEqual(first!.leave);
      });

      test("a second process that cannot wait long enough is refused, naming the first process", async () => {
        const log = join(subject.dir, "events.log");
        const releaseFile = join(subject.dir, "release-a");
        const base = { spec: subject.spec, dir: subject.dir, keys: ["org/svc"], log };
        const a = startLockChild({ ...base, label: "A", waitMs: 0, releaseFile });
        await waitForLog(log, "A", "enter");
        const outcomeB = await startLockChild({ ...base, label: "B", waitMs: 300, holdMs: 0 }).outcome;
        await fs.writeFile(releaseFile, "");
        expect(await a.outcome).toMatchObject({ ok: true });
        expect(outcomeB.ok).toBe(false);
        expect(outcomeB.code).toBe("EXREC_LOCKED");
        expect(outcomeB.holder).toMatchObject({ pid: a.pid, who: "A" });
        expect(outcomeB.message).toContain(`pid ${a.pid}`);
      });

      test("three processes racing for one platform hold it one after another, never together", async () => {
        const log = join(subject.dir, "events.log");
        const base = {
          spec: subject.spec,
          dir: subject.dir,
          keys: ["org/a", "org/svc"],
          log,
          waitMs: 20_000,
          holdMs: 150,
        };
        const children = ["P1", "P2", "P3"].map((label) => startLockChild({ ...base, label }));
        const outcomes = await Promise.all(children.map((c) => c.outcome));
        expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
        const periods = holdPeriods(await readLog(log));
        expect(periods).toHaveLength(3);
        for (let i = 1; i < periods.length; i++)
          expect(periods[i]!.enter).toBeGreaterThanOrEqual(periods[i - 1]!.leave);
      });

      test("the lock of a process that was killed is free again, and the takeover is named in a warning", async () => {
        const log = join(subject.dir, "events.log");
        const crashed = startLockChild({
          spec: subject.spec,
          dir: subject.dir,
          keys: ["org/svc"],
          log,
          label: "A",
          waitMs: 0,
        });
        await waitForLog(log, "A", "enter");
        const backend = await subject.open();
        await expect(backend.lock(["org/svc"], owner("while alive"), 0)).rejects.toBeInstanceOf(
          LockHeldError,
        );
        crashed.process.kill("SIGKILL");
        await new Promise((r) => crashed.process.on("close", r));
        const lock = await backend.lock(["org/svc"], owner("after"), 10_000);
        expect(lock.scope).toEqual(["org/svc"]);
        expect(subject.warnings.join("\n")).toContain(`pid ${crashed.pid}`);
      });
    });

    describe("journal", () => {
      const ordered = {
        license: "standard",
        duration: "12",
        quantity: 2,
        addresses: ["ann@acme.example", "bob@acme.example"],
        amount: { ucents: 1_000_000_000, currency: "EUR" },
      } as const;
      const started = (id: string, platform: string, startedAt: string): NewJournalEntry => ({
        id,
        platform,
        changeId: `change-${id}`,
        action: "order",
        detail: { ...ordered, addresses: ordered.addresses.map((a) => toAddress(a)) },
        startedAt,
      });

      test("an entry is open until it is marked done, and detail updates are merged", async () => {
        const backend = await subject.open();
        await backend.journalOpen(started("j1", "org/svc", "2026-03-01T10:00:00.000Z"));
        const [open] = await backend.journalOpenEntries();
        expect(open).toMatchObject({
          id: "j1",
          status: "open",
          platform: "org/svc",
          changeId: "change-j1",
          detail: ordered,
        });
        expect(Number.isNaN(Date.parse(open!.updatedAt))).toBe(false);

        await backend.journalUpdate("j1", { detail: { orderId: 4242 } });
        expect((await backend.journalOpenEntries())[0]!.detail).toEqual({ ...ordered, orderId: 4242 });

        await backend.journalUpdate("j1", { status: "done" });
        expect(await backend.journalOpenEntries()).toEqual([]);
      });

      test("a failed entry is no longer open", async () => {
        const backend = await subject.open();
        await backend.journalOpen(started("j1", "org/svc", "2026-03-01T10:00:00.000Z"));
        await backend.journalUpdate("j1", { status: "failed", detail: { outcome: "cancelled" } });
        expect(await backend.journalOpenEntries()).toEqual([]);
      });

      test("open entries come oldest first, and can be limited to some platforms", async () => {
        const backend = await subject.open();
        await backend.journalOpen(started("late", "org/a", "2026-03-01T12:00:00.000Z"));
        await backend.journalOpen(started("early", "org/b", "2026-03-01T09:00:00.000Z"));
        // 10:30 in UTC, written with an offset: compared as instants, not as text.
        await backend.journalOpen(started("middle", "org/a", "2026-03-01T11:30:00+01:00"));
        expect((await backend.journalOpenEntries()).map((e) => e.id)).toEqual(["early", "middle", "late"]);
        expect((await backend.journalOpenEntries(["org/a"])).map((e) => e.id)).toEqual(["middle", "late"]);
        expect(await backend.journalOpenEntries(["org/none"])).toEqual([]);
      });

      test("what one instance wrote, a new instance reads (from another folder too, for a shared backend)", async () => {
        const writer = await subject.open();
        await writer.journalOpen(started("j1", "org/svc", "2026-03-01T10:00:00.000Z"));
        await writer.close();
        const reader = await subject.open();
        expect((await reader.journalOpenEntries()).map((e) => e.id)).toEqual(["j1"]);
        if (kind === "postgres") {
          const elsewhere = await subject.open(await subject.otherFolder());
          expect((await elsewhere.journalOpenEntries()).map((e) => e.id)).toEqual(["j1"]);
        }
      });

      test("updating an entry that does not exist is refused with EXREC_JOURNAL", async () => {
        const backend = await subject.open();
        await expect(backend.journalUpdate("missing", { status: "done" })).rejects.toMatchObject({
          code: "EXREC_JOURNAL",
          entryId: "missing",
        });
      });

      test("opening the same entry twice is refused with EXREC_JOURNAL", async () => {
        const backend = await subject.open();
        await backend.journalOpen(started("j1", "org/svc", "2026-03-01T10:00:00.000Z"));
        await expect(
          backend.journalOpen(started("j1", "org/svc", "2026-03-01T10:00:00.000Z")),
        ).rejects.toMatchObject({
          code: "EXREC_JOURNAL",
        });
      });

      test("concurrent journal writes from two instances all land", async () => {
        const [one, two] = [await subject.open(), await subject.open()];
        await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            (i % 2 ? one : two).journalOpen(
              started(`j${i}`, `org/p${i % 3}`, `2026-03-01T10:00:${String(i).padStart(2, "0")}.000Z`),
            ),
          ),
        );
        expect((await one.journalOpenEntries()).map((e) => e.id)).toEqual(
          Array.from({ length: 30 }, (_, i) => `j${i}`),
        );
      });

      /** Entries exactly as the exrec before typed journal entries wrote them, one of each action. */
      const previousVersionEntries = [
        {
          id: "order-placed",
          platform: "org/svc",
          changeId: "org/svc/order/standard/12",
          action: "order",
          detail: {
            license: "standard",
            duration: "12",
            quantity: 2,
            addresses: ["ann@acme.example", "bob@acme.example"],
            amount: { ucents: 1_000_000_000, currency: "EUR" },
            orderId: 4242,
            url: "https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=4242",
          },
          startedAt: "2026-03-01T10:00:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:00:01.000Z",
        },
        {
          // Written before the quoted amount was recorded, and left with an unknown outcome.
          id: "order-unknown",
          platform: "org/svc",
          changeId: "org/svc/order/basic/01",
          action: "order",
          detail: {
            license: "basic",
            duration: "01",
            quantity: 1,
            addresses: ["cy@acme.example"],
            outcome: "unknown",
          },
          startedAt: "2026-03-01T10:01:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:01:00.000Z",
        },
        {
          id: "password",
          platform: "org/svc",
          changeId: "org/svc/dee@acme.example/configure",
          action: "set-password",
          detail: { address: "dee@acme.example", placeholder: "blank-1@configureme.me" },
          startedAt: "2026-03-01T10:02:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:02:00.000Z",
        },
        {
          id: "add",
          platform: "org/private",
          changeId: "org/private/eve@acme.example/add",
          action: "add",
          detail: { address: "eve@acme.example" },
          startedAt: "2026-03-01T10:03:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:03:00.000Z",
        },
        {
          id: "reset",
          platform: "org/svc",
          changeId: "org/svc/fay@acme.example/reset",
          action: "reset",
          detail: { address: "fay@acme.example" },
          startedAt: "2026-03-01T10:04:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:04:00.000Z",
        },
        {
          id: "delete",
          platform: "org/private",
          changeId: "org/private/gus@acme.example/delete",
          action: "delete",
          detail: { address: "gus@acme.example", taskId: 77, outcome: "task 77 ended in error" },
          startedAt: "2026-03-01T10:05:00.000Z",
          status: "open",
          updatedAt: "2026-03-01T10:05:00.000Z",
        },
        {
          // Closed entries are history: one this exrec would not understand does not stop it.
          id: "closed-unknown",
          platform: "org/svc",
          changeId: "org/svc/hal@acme.example/rename",
          action: "rename",
          detail: {},
          startedAt: "2026-02-01T10:00:00.000Z",
          status: "done",
          updatedAt: "2026-02-01T10:00:00.000Z",
        },
      ];

      test("entries written by the previous exrec are read back with the fields of their action", async () => {
        const backend = await subject.open();
        await subject.storeJournal(previousVersionEntries);
        const open = await backend.journalOpenEntries();
        expect(open.map((e) => `${e.id} ${e.action}`)).toEqual([
          "order-placed order",
          "order-unknown order",
          "password set-password",
          "add add",
          "reset reset",
          "delete delete",
        ]);
        const [placed, unknown, password, , , deleted] = open;
        expect(placed).toMatchObject({ detail: { quantity: 2, orderId: 4242 } });
        if (placed?.action !== "order" || unknown?.action !== "order") throw new Error("orders expected");
        expect(placed.detail.amount).toEqual({ ucents: 1_000_000_000, currency: "EUR" });
        expect(placed.detail.addresses).toEqual(["ann@acme.example", "bob@acme.example"]);
        // No amount recorded: none, rather than a guess.
        expect(unknown.detail).toEqual({
          license: "basic",
          duration: "01",
          quantity: 1,
          addresses: ["cy@acme.example"],
          amount: null,
          outcome: "unknown",
        });
        expect(password?.detail).toEqual({
          address: "dee@acme.example",
          placeholder: "blank-1@configureme.me",
        });
        expect(deleted?.detail).toEqual({
          address: "gus@acme.example",
          taskId: 77,
          outcome: "task 77 ended in error",
        });

        // And they are carried on as before: an update merges into what was read.
        await backend.journalUpdate("order-unknown", { detail: { orderId: 4343 } });
        const updated = (await backend.journalOpenEntries(["org/svc"])).find((e) => e.id === "order-unknown");
        expect(updated?.detail).toMatchObject({ quantity: 1, outcome: "unknown", orderId: 4343 });
      });

      test("an open entry of an action this exrec does not know is refused, naming where it is and the entry", async () => {
        const backend = await subject.open();
        await subject.storeJournal([
          ...previousVersionEntries,
          {
            ...previousVersionEntries[2],
            id: "renamed",
            action: "rename",
            detail: { address: "ivy@acme.example" },
          },
        ]);
        const error = await backend.journalOpenEntries().catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "EXREC_JOURNAL", entryId: "renamed" });
        const message = (error as Error).message;
        expect(message).toContain(
          'its action "rename" is not one of order, set-password, add, reset, delete',
        );
        expect(message).toContain(
          kind === "local" ? join(subject.dir, "journal.json") : "exrec_journal table of postgres",
        );
      });

      test("an order entry with a field out of its shape is refused naming the field", async () => {
        const backend = await subject.open();
        const [order] = previousVersionEntries;
        await subject.storeJournal([{ ...order, detail: { ...order?.detail, quantity: 0 } }]);
        await expect(backend.journalOpenEntries()).rejects.toThrow(
          /journal entry order-placed in .* cannot be read: detail\.quantity must be a whole number of at least 1, found 0/,
        );
      });

      test("two processes writing the journal at the same time lose no entry", async () => {
        const base = { spec: subject.spec, dir: subject.dir, count: 25 };
        await Promise.all([
          runJournalChild({ ...base, prefix: "a" }),
          runJournalChild({ ...base, prefix: "b" }),
        ]);
        const ids = (await (await subject.open()).journalOpenEntries()).map((e) => e.id);
        expect(ids).toHaveLength(50);
        expect(new Set(ids)).toEqual(
          new Set([
            ...Array.from({ length: 25 }, (_, i) => `a-${i}`),
            ...Array.from({ length: 25 }, (_, i) => `b-${i}`),
          ]),
        );
      });
    });

    describe("history", () => {
      test("entries are listed in the order they were appended, and survive a new instance", async () => {
        const backend = await subject.open();
        const first = historyEntry({ changeId: "c1" });
        const second = historyEntry({
          changeId: "c2",
          action: "order",
          addresses: [toAddress("ann@acme.example"), toAddress("bob@acme.example")],
          orderId: 98765432101,
          amount: { ucents: 10_788_000_000, currency: "EUR" },
          effective: "now",
        });
        const third = historyEntry({
          changeId: "c3",
          result: "failed",
          message: "the API refused",
          who: null,
          commit: null,
        });
        await backend.historyAppend([first, second]);
        await backend.historyAppend([third]);
        await backend.historyAppend([]);
        await backend.close();
        const reader = await subject.open();
        expect(await reader.historyList(null)).toEqual([first, second, third]);
      });

      test("a renewal's period is kept, and an entry without one (or with one this exrec does not know) reads as not recorded", async () => {
        const backend = await subject.open();
        const yearly = historyEntry({ changeId: "r1", renewal: "yearly", effective: "2026-09-01" });
        const monthly = historyEntry({ changeId: "r2", renewal: "monthly" });
        const unrecorded = historyEntry({ changeId: "r3", renewal: null });
        await backend.historyAppend([yearly, monthly, unrecorded]);
        await backend.close();
        const read = await (await subject.open()).historyList(null);
        expect(read.map((e) => [e.changeId, e.renewal])).toEqual([
          ["r1", "yearly"],
          ["r2", "monthly"],
          ["r3", undefined],
        ]);
        expect(read[0]).toEqual(yearly);
      });

      test("since keeps the entries at or after that instant, comparing instants and not text", async () => {
        const backend = await subject.open();
        const before = historyEntry({ changeId: "before", at: "2026-02-28T23:59:59.999Z" });
        const exactly = historyEntry({ changeId: "exactly", at: "2026-03-01T00:00:00.000Z" });
        // Reads as March 1st, but is 23:00 UTC on February 28th.
        const offsetBefore = historyEntry({ changeId: "offset-before", at: "2026-03-01T01:00:00+02:00" });
        const after = historyEntry({ changeId: "after", at: "2026-03-02T08:00:00+01:00" });
        await backend.historyAppend([before, exactly, offsetBefore, after]);
        expect((await backend.historyList("2026-03-01T00:00:00Z")).map((e) => e.changeId)).toEqual([
          "exactly",
          "after",
        ]);
        expect((await backend.historyList(null)).map((e) => e.changeId)).toEqual([
          "before",
          "exactly",
          "offset-before",
          "after",
        ]);
      });

      test("entries stored by earlier exrec versions load: one address, several joined with commas, none", async () => {
        const backend = await subject.open();
        const stored = {
          at: "2026-02-01T10:00:00.000Z",
          who: "ci",
          commit: null,
          platform: "org/svc",
          result: "done",
          message: null,
          orderId: null,
          amount: null,
        };
        await subject.storeHistory([
          {
            ...stored,
            changeId: "org/svc/ann@acme.example/renew",
            action: "renew",
            address: "ann@acme.example",
          },
          {
            ...stored,
            changeId: "org/svc/order/basic/01",
            action: "order",
            address: "bob@acme.example,cy@acme.example",
            orderId: 4242,
            amount: { ucents: 1_000_000_000, currency: "EUR" },
          },
          { ...stored, changeId: "org/svc/order/basic/12", action: "order", address: null },
          {
            ...stored,
            changeId: "org/svc/dee@acme.example/configure",
            action: "set-password",
            address: "dee@acme.example",
          },
        ]);
        const read = await backend.historyList(null);
        expect(read.map((e) => [e.action, e.addresses])).toEqual([
          ["renew", ["ann@acme.example"]],
          ["order", ["bob@acme.example", "cy@acme.example"]],
          ["order", []],
          ["set-password", ["dee@acme.example"]],
        ]);
        expect(read[1]).toMatchObject({ orderId: 4242, amount: { ucents: 1_000_000_000, currency: "EUR" } });
        // And what this exrec appends is stored in that same shape, readable by the earlier versions.
        await backend.historyAppend([
          historyEntry({ changeId: "c9", action: "order", addresses: read[1]!.addresses }),
        ]);
        expect((await backend.historyList(null)).at(-1)?.addresses).toEqual([
          "bob@acme.example",
          "cy@acme.example",
        ]);
        expect(subject.warnings).toEqual([]);
      });

      test("an entry of an action this exrec does not know is left out with a warning naming where it is", async () => {
        const backend = await subject.open();
        await subject.storeHistory([
          { ...historyEntry({ changeId: "known" }), addresses: undefined, address: "ann@acme.example" },
          {
            ...historyEntry({ changeId: "org/svc/ann@acme.example/rename" }),
            action: "rename",
            address: null,
          },
        ]);
        expect((await backend.historyList(null)).map((e) => e.changeId)).toEqual(["known"]);
        expect(subject.warnings).toHaveLength(1);
        expect(subject.warnings[0]).toContain('its action "rename" is not one this exrec knows');
        expect(subject.warnings[0]).toContain(
          kind === "local" ? `${join(subject.dir, "history.jsonl")}:2` : "org/svc/ann@acme.example/rename",
        );
      });

      test("an unreadable since date is refused with EXREC_BACKEND", async () => {
        const backend = await subject.open();
        await expect(backend.historyList("last tuesday")).rejects.toMatchObject({ code: "EXREC_BACKEND" });
      });

      test("an entry without a readable date is refused, and nothing of its batch is stored", async () => {
        const backend = await subject.open();
        await expect(
          backend.historyAppend([
            historyEntry({ changeId: "good" }),
            historyEntry({ changeId: "bad", at: "yesterday" }),
          ]),
        ).rejects.toMatchObject({ code: "EXREC_BACKEND" });
        expect(await backend.historyList(null)).toEqual([]);
      });
    });

    test("the description names the backend without any password", async () => {
      const backend = await subject.open();
      expect(backend.description).toMatch(
        kind === "local" ? /^local folder / : /^postgres exrec_[0-9a-f]+@127\.0\.0\.1:\d+$/,
      );
      if (subject.spec) expect(backend.description).not.toContain(new URL(subject.spec).password);
    });
  });
}
