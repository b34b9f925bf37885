#!/usr/bin/env node
// The checks `npm test` runs before the suite (format, lint, layering), at the same time: each is
// single-threaded, and run one after the other they leave the other cores idle for half a minute.
// Each check's output is printed whole once it ends, so that outputs never interleave; the exit
// code is non-zero when any check failed. Usage: node scripts/checks.mjs [npm script names…]
import { spawn } from "node:child_process";

const checks = process.argv.length > 2 ? process.argv.slice(2) : ["format:check", "lint", "check:deps"];

function run(name) {
  return new Promise((resolve) => {
    // npm's launcher is a .cmd on Windows, which only a shell runs.
    const child = spawn("npm", ["run", name], {
      stdio: ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32",
    });
    const chunks = [];
    child.stdout.on("data", (d) => chunks.push(d));
    child.stderr.on("data", (d) => chunks.push(d));
    child.on("error", (error) => resolve({ name, code: 1, output: `${String(error)}\n` }));
    child.on("close", (code, signal) =>
      resolve({ name, code: code ?? 1, signal, output: Buffer.concat(chunks).toString() }),
    );
  });
}

const pending = checks.map((name) =>
  run(name).then((result) => {
    const verdict = result.code === 0 ? "passed" : `FAILED (${result.signal ?? `exit ${result.code}`})`;
    process.stdout.write(`> npm run ${result.name}: ${verdict}\n${result.output}`);
    return result;
  }),
);
const results = await Promise.all(pending);
const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
if (failed.length > 0) {
  process.stderr.write(`checks failed: ${failed.join(", ")}\n`);
  process.exit(1);
}
