/**
 * The file primitives under the local backend: exclusive creation, the short-lived mutex that
 * serialises read-modify-writes (journal, history, stale-lock takeover), and its recovery.
 */
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { BackendError } from "../../provider/backend/errors.js";
import { createExclusive, removeIfUnchanged, withFileMutex } from "../../provider/backend/exclusive-file.js";
import { deadPid, tempDir } from "./harness.js";

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test("a file is created exclusively: the second creation of the same name gets nothing and changes nothing", async () => {
  const path = join(dir, "x.lock");
  const created = await Promise.all([
    createExclusive(path, "one"),
    createExclusive(path, "two"),
    createExclusive(path, "three"),
  ]);
  expect(created.filter((c) => c !== null)).toHaveLength(1);
  const winner = ["one", "two", "three"][created.findIndex((c) => c !== null)];
  expect(await fs.readFile(path, "utf8")).toBe(winner);
  expect((await fs.stat(path)).mode & 0o777).toBe(0o600);
  expect(await fs.readdir(dir)).toEqual(["x.lock"]);
});

test("a file is removed only while it is still the one that was seen; a replacement is left in place", async () => {
  const path = join(dir, "x.lock");
  const first = (await createExclusive(path, "first"))!;
  await fs.rm(path);
  await createExclusive(path, "second");
  expect(await removeIfUnchanged(path, { ino: first.ino, text: "first" })).toBe(false);
  expect(await fs.readFile(path, "utf8")).toBe("second");
  expect(await fs.readdir(dir)).toEqual(["x.lock"]);
});

test("read-modify-writes under the mutex never lose an update, however they interleave", async () => {
  const counter = join(dir, "counter");
  await fs.writeFile(counter, "0");
  const increment = () =>
    withFileMutex(join(dir, "counter.lock"), async () => {
      const value = Number(await fs.readFile(counter, "utf8"));
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      await fs.writeFile(counter, String(value + 1));
    });
  await Promise.all(Array.from({ length: 25 }, increment));
  expect(await fs.readFile(counter, "utf8")).toBe("25");
  expect((await fs.readdir(dir)).sort()).toEqual(["counter"]);
});

test("a mutex left by a dead process of this host is cleared", async () => {
  const path = join(dir, "m.lock");
  await fs.writeFile(
    path,
    JSON.stringify({ pid: await deadPid(), host: hostname(), at: new Date().toISOString() }),
  );
  await expect(withFileMutex(path, async () => "ran", 2_000)).resolves.toBe("ran");
});

test("a mutex held by a live process is waited for, then refused naming the file", async () => {
  const path = join(dir, "m.lock");
  await fs.writeFile(
    path,
    JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }),
  );
  const error = await withFileMutex(path, async () => "ran", 200).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).message).toContain(path);
  expect((error as BackendError).hint).toContain(`remove ${path}`);
});

test("a mutex older than 30 seconds is abandoned and cleared, whoever left it", async () => {
  const path = join(dir, "m.lock");
  await fs.writeFile(
    path,
    JSON.stringify({ pid: process.pid, host: "elsewhere.example", at: "2026-01-01T00:00:00Z" }),
  );
  const old = new Date(Date.now() - 60_000);
  await fs.utimes(path, old, old);
  await expect(withFileMutex(path, async () => "ran", 2_000)).resolves.toBe("ran");
});
