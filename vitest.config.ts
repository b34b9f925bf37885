import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Most of the slow test files spend their time waiting: on the CLI or terraform child processes
 * they start, on a sandbox answering over loopback, on a lock another process holds. One worker
 * per core would leave the cores idle during those waits, so files run two per core.
 */
const WORKERS = Math.max(2, availableParallelism() * 2);

/**
 * Folders whose files run for long (real processes, real terraform, kills and reruns; then the
 * fleet-sized reads and the CDKTF generator and compiler), first in this order. Started last, one
 * of them would run alone at the end while the other workers idle.
 */
const LONG_RUNNING = [
  "test/terraform/",
  "test/reliability/",
  "test/e2e/",
  "test/gitops/",
  "test/backend/",
  "test/scale/",
  "test/cdktf/",
];

/**
 * Vitest's own order (failed first, then longest first) once a run has recorded how long each file
 * takes; before that (a fresh clone, CI), the long-running folders first.
 */
class LongRunningFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cache = this.ctx.cache;
    const key = (file: TestSpecification) =>
      `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
    if (sorted.every((file) => cache.getFileTestResults(key(file)))) return sorted;
    const rank = (file: TestSpecification) => {
      const path = relative(this.ctx.config.root, file.moduleId).split("\\").join("/");
      const index = LONG_RUNNING.findIndex((folder) => path.startsWith(folder));
      return index === -1 ? LONG_RUNNING.length : index;
    };
    // A stable sort: within a folder, vitest's order (larger files first) stays.
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every sandbox the suite starts (child processes inherit it) checks requests and answers
    // against OVHcloud's published schema (test/conformance/).
    env: {
      EXREC_SANDBOX_CONFORMANCE: fileURLToPath(new URL("./test/conformance/checker.ts", import.meta.url)),
    },
    // One throw-away PostgreSQL for the run, started when a file first asks for it.
    globalSetup: ["test/support/postgres-broker.ts"],
    // Integration tests start real sandboxes and child processes; the machines are small and shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker processes, not threads: a test that measures its own process's CPU time must not share
    // it with another file's thread.
    pool: "forks",
    maxWorkers: WORKERS,
    // A worker process runs its files one after another and keeps the modules it has loaded, instead
    // of a fresh process per file: loading the engine, the sandbox and the CLI again for each of
    // about 120 files cost about a third of the suite's CPU. Files share no state through them: the
    // CLI runs as a function of its io (a run leaves no listener, exit code or folder change behind,
    // test/e2e/in-process.test.ts), and every sandbox, folder and environment is made per test.
    isolate: false,
    fileParallelism: true,
    sequence: { sequencer: LongRunningFirst },
  },
});
