import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Most of the slow test files spend their time waiting: on the CLI child processes they start, on
 * a sandbox answering over loopback, on a lock another process holds. One worker per core would
 * leave the cores idle during those waits, so files run two per core.
 */
const WORKERS = Math.max(2, availableParallelism() * 2);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every sandbox the suite starts (child processes inherit it) checks requests and answers
    // against OVHcloud's published schema (test/conformance/).
    env: {
      EXREC_SANDBOX_CONFORMANCE: fileURLToPath(new URL("./test/conformance/checker.ts", import.meta.url)),
    },
    // Integration tests start real sandboxes and child processes; the machines are small and shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One process per test file: some tests measure their own process's CPU time, which worker
    // threads would share.
    pool: "forks",
    maxWorkers: WORKERS,
    fileParallelism: true,
  },
});
