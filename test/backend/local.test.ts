/**
 * What only the local folder backend does: lock files (stale, foreign, unreadable), file names,
 * file modes, and files damaged by a crash or by hand.
 */
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  BackendError,
  LockHeldError,
  lockFileName,
  lockFilePath,
  openBackend,
} from "../../provider/backend/index.js";
import type { Backend, HistoryEntry } from "../../reconciler/ports.js";
import { deadPid, owner, tempDir } from "./harness.js";
import { toAddress } from "../../reconciler/model.js";

let dir: string;
let warnings: string[];
const opened: Backend[] = [];

async function open(): Promise<Backend> {
  const backend = await openBackend(undefined, { dir, pollMs: 25, onWarning: (m) => warnings.push(m) });
  opened.push(backend);
  return backend;
}

async function writeLockFile(key: string, content: unknown): Promise<string> {
  const path = lockFilePath(dir, key);
  await fs.mkdir(join(dir, "locks"), { recursive: true });
  await fs.writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const mode = async (path: string) => (await fs.stat(path)).mode & 0o777;

beforeEach(async () => {
  dir = join(await tempDir(), ".exrec");
  warnings = [];
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
  await fs.rm(join(dir, ".."), { recursive: true, force: true });
});

describe("lock files", () => {
  test("a held lock is a file in locks/ naming pid, host, who, start and scope, readable by its owner only", async () => {
    const backend = await open();
    const me = owner("alice");
    const lock = await backend.lock(["org/b", "org/a"], me, 0);
    for (const key of ["org/a", "org/b"]) {
      const path = lockFilePath(dir, key);
      expect(JSON.parse(await fs.readFile(path, "utf8"))).toEqual({ ...me, scope: ["org/a", "org/b"] });
      expect(await mode(path)).toBe(0o600);
    }
    await lock.release();
    expect(await fs.readdir(join(dir, "locks"))).toEqual([]);
  });

  test("lock file names are safe and distinct for keys that differ only in unsafe characters", () => {
    const names = ["org/svc", "org_svc", "../../etc/passwd", "org svc", "org/svc\n"].map(lockFileName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._-]+\.lock$/);
    expect(lockFileName("org/svc")).toMatch(/^org_svc-[0-9a-f]{12}\.lock$/);
  });

  test("a lock left by a dead process of this host is taken over and named in a warning", async () => {
    const pid = await deadPid();
    const path = await writeLockFile("org/svc", {
      pid,
      host: hostname(),
      who: "bob",
      startedAt: "2026-01-02T03:04:05.000Z",
      scope: ["org/svc"],
    });
    const backend = await open();
    const me = owner("alice");
    await backend.lock(["org/svc"], me, 0);
    expect(JSON.parse(await fs.readFile(path, "utf8"))).toMatchObject({ pid: me.pid, who: "alice" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`pid ${pid}`);
    expect(warnings[0]).toContain("2026-01-02T03:04:05.000Z");
    expect(warnings[0]).toContain(path);
  });

  test("when several runs find the same stale lock at once, exactly one takes it over", async () => {
    const pid = await deadPid();
    await writeLockFile("org/svc", {
      pid,
      host: hostname(),
      who: "bob",
      startedAt: "2026-01-02T03:04:05.000Z",
      scope: [],
    });
    const runs = await Promise.all(Array.from({ length: 8 }, () => open()));
    const results = await Promise.allSettled(
      runs.map((run, i) => run.lock(["org/svc"], owner(`run-${i}`), 300)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const refused of results.filter((r) => r.status === "rejected")) {
      expect(refused.reason).toBeInstanceOf(LockHeldError);
    }
    expect(warnings.filter((w) => w.includes("stale"))).toHaveLength(1);
  });

  test("a lock from another host is never taken over; the error names that host and how to remove it", async () => {
    const path = await writeLockFile("org/svc", {
      pid: await deadPid(),
      host: "ci-runner-7.example",
      who: "ci",
      startedAt: "2026-01-02T03:04:05.000Z",
      scope: ["org/svc"],
    });
    const backend = await open();
    const error = (await backend
      .lock(["org/svc"], owner("alice"), 100)
      .catch((e: unknown) => e)) as LockHeldError;
    expect(error).toBeInstanceOf(LockHeldError);
    expect(error.holderKind).toBe("foreign-host");
    expect(error.message).toContain("ci-runner-7.example");
    expect(error.message).toContain(path);
    expect(error.hint).toContain("never takes such a lock over");
    expect(error.hint).toContain(`remove ${path}`);
    expect(warnings).toEqual([]);
  });

  test("a lock held by a live process of this host is waited for, not taken over", async () => {
    await writeLockFile("org/svc", {
      pid: process.pid,
      host: hostname(),
      who: "other",
      startedAt: "2026-01-02T03:04:05.000Z",
      scope: [],
    });
    const backend = await open();
    const error = (await backend
      .lock(["org/svc"], owner("alice"), 100)
      .catch((e: unknown) => e)) as LockHeldError;
    expect(error.holderKind).toBe("live");
    expect(error.hint).toContain(`stop pid ${process.pid}`);
  });

  test("an unreadable lock file is not taken over: the holder is unknown and the file is named", async () => {
    const path = await writeLockFile("org/svc", "not json");
    const backend = await open();
    const error = (await backend
      .lock(["org/svc"], owner("alice"), 100)
      .catch((e: unknown) => e)) as LockHeldError;
    expect(error.holderKind).toBe("unknown");
    expect(error.holder).toBeNull();
    expect(error.hint).toContain(path);
    expect(await fs.readFile(path, "utf8")).toBe("not json");
  });
});

describe("journal and history files", () => {
  const entry: HistoryEntry = {
    at: "2026-03-01T10:00:00.000Z",
    who: "alice",
    commit: null,
    platform: "org/svc",
    changeId: "c1",
    action: "renew",
    addresses: [toAddress("a@acme.example")],
    result: "done",
    message: null,
    orderId: null,
    amount: null,
  };

  test("journal.json and history.jsonl are created readable by their owner only", async () => {
    const backend = await open();
    await backend.journalOpen({
      id: "j1",
      platform: "org/svc",
      changeId: "c1",
      action: "delete",
      detail: { address: toAddress("a@acme.example") },
      startedAt: entry.at,
    });
    await backend.journalUpdate("j1", { status: "done" });
    await backend.historyAppend([entry]);
    expect(await mode(join(dir, "journal.json"))).toBe(0o600);
    expect(await mode(join(dir, "history.jsonl"))).toBe(0o600);
    // Nothing but the three stores is left behind: no temporary or mutex files.
    expect((await fs.readdir(dir)).sort()).toEqual(["history.jsonl", "journal.json"]);
  });

  test("a history line cut short by a crash is skipped with a warning, and the next append starts a new line", async () => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "history.jsonl"), JSON.stringify(entry) + "\n" + '{"at":"2026-03-01T11:0');
    const backend = await open();
    await backend.historyAppend([{ ...entry, changeId: "c2" }]);
    expect((await backend.historyList(null)).map((e) => e.changeId)).toEqual(["c1", "c2"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("history.jsonl:2");
  });

  test("a damaged journal is refused with EXREC_BACKEND naming the file, not silently emptied", async () => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "journal.json"), "{ half");
    const backend = await open();
    const error = await backend.journalOpenEntries().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toContain(join(dir, "journal.json"));
    await expect(
      backend.journalOpen({
        id: "j",
        platform: "p",
        changeId: "c",
        action: "delete",
        detail: { address: toAddress("a@acme.example") },
        startedAt: entry.at,
      }),
    ).rejects.toBeInstanceOf(BackendError);
    expect(await fs.readFile(join(dir, "journal.json"), "utf8")).toBe("{ half");
  });

  test("closed journal entries beyond the newest 500 are dropped; open ones are always kept", async () => {
    const closed = Array.from({ length: 600 }, (_, i) => ({
      id: `closed-${i}`,
      platform: "org/svc",
      changeId: `c${i}`,
      action: "delete",
      detail: { address: toAddress(`user${i}@acme.example`) },
      startedAt: "2026-01-01T00:00:00.000Z",
      status: "done",
      // closed-599 is the most recently closed
      updatedAt: new Date(Date.parse("2026-01-01T00:00:00Z") + i * 1000).toISOString(),
    }));
    const stillOpen = {
      ...closed[0]!,
      id: "old-open",
      status: "open",
      updatedAt: "2025-01-01T00:00:00.000Z",
    };
    const entries = Object.fromEntries([...closed, stillOpen].map((e) => [e.id, e]));
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "journal.json"), JSON.stringify({ formatVersion: 1, entries }));

    const backend = await open();
    await backend.journalOpen({
      id: "new-open",
      platform: "org/svc",
      changeId: "n",
      action: "delete",
      detail: { address: toAddress("new@acme.example") },
      startedAt: "2026-02-01T00:00:00.000Z",
    });

    const kept = Object.keys(
      (JSON.parse(await fs.readFile(join(dir, "journal.json"), "utf8")) as { entries: object }).entries,
    );
    expect(kept).toHaveLength(502);
    expect(kept).toContain("old-open");
    expect(kept).toContain("closed-599");
    expect(kept).toContain("closed-100");
    expect(kept).not.toContain("closed-99");
    expect((await backend.journalOpenEntries()).map((e) => e.id)).toEqual(["old-open", "new-open"]);
  });
});
