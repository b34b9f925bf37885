/**
 * Starts a sandbox for one test file, on a random loopback port, with a fixed business clock so
 * that seeded expiry dates (and so rendered plans) are the same on every run.
 */
import { startSandbox } from "../../provider/sandbox/server.js";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";

/** The business clock of every end-to-end test. */
export const FIXED_NOW = "2026-11-26T09:00:00.000Z";

export async function testSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    stateFile: null,
    seed: { kind: "demo" },
    now: () => new Date(FIXED_NOW),
    ...options,
  });
}

/** Write requests of one kind the sandbox saw, e.g. `POST` on `/order/`. */
export function writesMatching(sandbox: Sandbox, method: string, pathPart: string | RegExp): number {
  return sandbox.stats.writes.filter(
    (w) =>
      w.method === method &&
      (typeof pathPart === "string" ? w.path.includes(pathPart) : pathPart.test(w.path)),
  ).length;
}
