#!/usr/bin/env node
// The checks (format, lint, layering), at the same time: each is single-threaded, and run one
// after the other they leave the other cores idle for half a minute. Each check's output is
// printed whole once it ends, so that outputs never interleave; the exit code is non-zero when any
// check failed. `npm test` runs them beside the suite (scripts/test.mjs).
// Usage: node scripts/checks.mjs [npm script names…]
import { CHECKS, forwardStopSignals, startScript, verdict } from "./package-scripts.mjs";

const checks = process.argv.length > 2 ? process.argv.slice(2) : CHECKS;
const running = checks.map((name) => startScript(name));
forwardStopSignals(() => running.map((run) => run.child));
const results = await Promise.all(
  running.map((run) =>
    run.done.then((result) => {
      process.stdout.write(`> npm run ${result.name}: ${verdict(result)}\n${result.output}`);
      return result;
    }),
  ),
);
const failed = results.filter((r) => verdict(r) !== "passed").map((r) => r.name);
if (failed.length > 0) {
  process.stderr.write(`checks failed: ${failed.join(", ")}\n`);
  process.exitCode ??= 1;
}
