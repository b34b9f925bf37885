/**
 * Starts a sandbox for one test file, on a random loopback port, with a fixed business clock so
 * that seeded expiry dates (and so rendered plans) are the same on every run.
 */
import { afterEach, beforeEach } from "vitest";
import { startSandbox } from "../../provider/sandbox/server.js";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import { sandboxEnv, tempDir } from "./cli.js";

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

/** What one end-to-end test runs against: its sandbox, its home folder, the environment of its runs. */
export interface FreshSandbox {
  readonly sandbox: Sandbox;
  readonly home: string;
  readonly env: Record<string, string>;
}

/**
 * A sandbox of the demo seed, an empty home folder and the environment of a run against both
 * (the fixed business clock included), new for each test of the calling `describe` and closed
 * after it. `extraEnv` adds variables that depend on the home folder (a secrets file, say).
 * Read the fields inside a test (or a hook): they change from test to test.
 */
export function freshSandboxPerTest(
  options: { sandbox?: SandboxOptions; extraEnv?: (home: string) => Record<string, string> } = {},
): FreshSandbox {
  let current: FreshSandbox | null = null;
  const now = (): FreshSandbox => {
    if (current === null) throw new Error("freshSandboxPerTest: read its fields inside a test");
    return current;
  };
  beforeEach(async () => {
    const sandbox = await testSandbox(options.sandbox);
    const home = await tempDir();
    const env = { ...sandboxEnv(sandbox.url, home), EXREC_NOW: FIXED_NOW, ...options.extraEnv?.(home) };
    current = { sandbox, home, env };
  });
  afterEach(async () => {
    await current?.sandbox.close();
    current = null;
  });
  return {
    get sandbox() {
      return now().sandbox;
    },
    get home() {
      return now().home;
    },
    get env() {
      return now().env;
    },
  };
}
