/**
 * `--platform ORG/SVC` and `--exclude ORG/SVC` (repeatable, globs) on the command line, against a
 * fleet sandbox over real HTTP: a selected run reads the selected platforms and no other. Counted
 * at the sandbox (requests by route) and on the wire (which platform each request was about).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox } from "../../provider/sandbox/server.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { platformOf, startWireRecorder, type WireRecorder } from "./wire-recorder.js";

/** The fleet seed names platform p `fleet-{hosted|private}-{ppp}` (odd p hosted), organisation = service. */
const HOSTED_1 = "fleet-hosted-001/fleet-hosted-001";
const PRIVATE_2 = "fleet-private-002/fleet-private-002";
const HOSTED_3 = "fleet-hosted-003/fleet-hosted-003";
const ALL = [HOSTED_1, PRIVATE_2, HOSTED_3];

const SERVICE_ROUTE = "GET /email/exchange/{org}/service/{svc}";
const DOMAIN_ROUTE = "GET /email/exchange/{org}/service/{svc}/domain";

let sandbox: Sandbox;
let wire: WireRecorder;
let home: string;
/** A manifest of the whole fleet, as `exrec import` writes it (its plan is empty). */
let manifest: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "fleet", platforms: 3, accounts: 20 },
    readModes: { pages: false, batch: true },
  });
  wire = await startWireRecorder(sandbox.url);
  home = await tempDir("exrec-scale-");
  manifest = join(home, "fleet.yaml");
  const imported = await runCli(["import", "--out", manifest], {
    cwd: home,
    env: sandboxEnv(wire.url, home),
  });
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await wire?.close();
  await sandbox?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

beforeEach(() => {
  sandbox.resetStats();
  wire.clear();
});

/** The platforms (`org/svc`) that requests below `/email/exchange/{org}/service/{svc}` were about. */
function platformsRead(): string[] {
  return [...new Set(wire.requests.map(platformOf).filter((key): key is string => key !== null))].sort();
}

function run(args: string[]) {
  return runCli(args, { cwd: home, env: sandboxEnv(wire.url, home) });
}

describe("--platform and --exclude read only the selected platforms", () => {
  it("import --platform ORG/SVC reads that platform's service, domains and accounts, and nothing below any other", async () => {
    const result = await run(["import", "--platform", HOSTED_1]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([HOSTED_1]);
    expect(sandbox.stats.byRoute[SERVICE_ROUTE]).toBe(1);
    expect(sandbox.stats.byRoute[DOMAIN_ROUTE]).toBe(1);
    expect(result.stdout).toContain("fleet-hosted-001");
    expect(result.stdout).not.toContain("fleet-private-002");
    expect(result.stdout).not.toContain("fleet-hosted-003");
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("import --exclude with a glob reads every platform but the excluded ones", async () => {
    const result = await run(["import", "--exclude", "fleet-hosted-*/*"]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([PRIVATE_2]);
    expect(sandbox.stats.byRoute[SERVICE_ROUTE]).toBe(1);
  });

  it("plan FILE --platform ORG/SVC reads only that platform, though the manifest declares three", async () => {
    const result = await run(["plan", manifest, "--platform", PRIVATE_2, "--detailed-exitcode"]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([PRIVATE_2]);
    expect(sandbox.stats.byRoute[SERVICE_ROUTE]).toBe(1);
    expect(sandbox.stats.byRoute[DOMAIN_ROUTE]).toBe(1);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("plan FILE with a --platform glob and an --exclude reads the platforms the glob keeps and the exclusion spares", async () => {
    const result = await run([
      "plan",
      manifest,
      "--platform",
      "fleet-*/fleet-*",
      "--exclude",
      "*/fleet-hosted-003",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([HOSTED_1, PRIVATE_2]);
    expect(sandbox.stats.byRoute[SERVICE_ROUTE]).toBe(2);
  });

  it("--platform is repeatable: two exact platforms, two read", async () => {
    const result = await run(["plan", manifest, "--platform", HOSTED_1, "--platform", HOSTED_3]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([HOSTED_1, HOSTED_3]);
  });

  it("plan FILE without a selection reads every declared platform (the counter-check of the tests above)", async () => {
    const result = await run(["plan", manifest]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([...ALL].sort());
    expect(sandbox.stats.byRoute[SERVICE_ROUTE]).toBe(3);
  });

  it("drift FILE --platform ORG/SVC reads only that platform", async () => {
    const result = await run(["drift", manifest, "--platform", HOSTED_3]);
    expect(result.code, result.stderr).toBe(0);
    expect(platformsRead()).toEqual([HOSTED_3]);
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("a selection that matches no declared platform is refused before any platform is read", async () => {
    const result = await run(["plan", manifest, "--platform", "nothing-*/*"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--platform/);
    expect(platformsRead()).toEqual([]);
    expect(sandbox.stats.total).toBe(0);
  });
});
