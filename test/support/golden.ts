/**
 * Golden files: rendered output must equal a file kept in the repository, byte for byte.
 * `name` is the file's path under `test/` (e.g. `render/golden/plan-rich.txt`).
 *
 * After an intended change of output, regenerate with `UPDATE_GOLDEN=1 npx vitest run <tests>`
 * and review the diff in git. A missing golden file fails, rather than being written silently.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export function expectGolden(name: string, actual: string): void {
  const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    const unchanged = existsSync(file) && readFileSync(file, "utf8") === actual;
    if (!unchanged) {
      writeFileSync(file, actual);
      process.stderr.write(`golden: wrote test/${name}\n`);
    }
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file test/${name} is missing: run with UPDATE_GOLDEN=1 to write it, then review it`,
    );
  }
  // toBe shows a line diff between the expected (golden) and the actual output.
  expect(actual, `output differs from golden file test/${name}`).toBe(readFileSync(file, "utf8"));
}
