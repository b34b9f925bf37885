#!/usr/bin/env node
// `npm test` (after its pretest build): the checks (format, lint, layering) and the suite at the
// same time. The suite spends part of its run waiting on the child processes and loopback servers
// its tests start; the checks, single-threaded, fill those waits instead of running before it.
// The suite's output streams as vitest writes it; each check's output is kept and printed whole
// once both it and the suite have ended, so that it never cuts into vitest's live display. The
// exit code is non-zero when the suite or any check failed.
// Usage: node scripts/test.mjs [vitest arguments…], e.g. `npm test -- test/plan`.
import { CHECKS, forwardStopSignals, startScript, verdict } from "./package-scripts.mjs";

const checks = CHECKS.map((name) => startScript(name));
const suite = startScript("test:suite", { args: process.argv.slice(2), output: "inherit" });
forwardStopSignals(() => [suite.child, ...checks.map((run) => run.child)]);

const suiteResult = await suite.done;
const results = await Promise.all(
  checks.map((run) =>
    run.done.then((result) => {
      process.stdout.write(`\n> npm run ${result.name}: ${verdict(result)}\n${result.output}`);
      return result;
    }),
  ),
);
const failed = [...results, suiteResult].filter((r) => verdict(r) !== "passed").map((r) => r.name);
if (failed.length > 0) {
  process.stderr.write(`\nnpm test failed: ${failed.join(", ")}\n`);
  process.exitCode ??= 1;
}
