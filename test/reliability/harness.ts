/**
 * What the reliability tests share: a sandbox of the demo seed started in the test (so that faults
 * can be switched on it), a home folder per run, the CLI run against both, and the checks every
 * fault test makes: how many orders and payments were sent, which accounts exist, and whether a
 * fresh plan is empty.
 */
import { join } from "node:path";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv, tempDir, type CliResult } from "../support/cli.js";
import { FIXED_NOW, testSandbox, writesMatching } from "../support/sandbox.js";

export const DEMO = join(REPO, "examples", "demo.yaml");
export const TWO_ORDERS = join(REPO, "test", "e2e", "fixtures", "two-orders.yaml");
export const HOSTED = "hosted-ab12345-1";
export const PRIVATE = "private-ab12345-1";

/** The order POST (`…/account/{duration}`), not the quote GET of the same path. */
export const ORDER_POST = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;
export const PAY_POST = /\/me\/order\/\d+\/pay$/;

export interface Run {
  sandbox: Sandbox;
  home: string;
  env: Record<string, string>;
  /** In this process, unless `process` (or a failpoint, which SIGKILLs the process it runs in). */
  cli(args: string[], extraEnv?: Record<string, string>, options?: { process?: boolean }): Promise<CliResult>;
}

export async function startRun(options: SandboxOptions = {}): Promise<Run> {
  const sandbox = await testSandbox(options);
  const home = await tempDir("exrec-rel-");
  const env = {
    ...sandboxEnv(sandbox.url, home),
    EXREC_NOW: FIXED_NOW,
    // Retries are counted, never timed: the same attempts as in production, with short waits between.
    EXREC_RETRY_DELAY_MS: "10",
  };
  return {
    sandbox,
    home,
    env,
    cli: (args, extraEnv = {}, options = {}) =>
      runCli(args, {
        cwd: home,
        env: { ...env, ...extraEnv },
        process: options.process === true || "EXREC_FAILPOINT" in extraEnv,
      }),
  };
}

/** `apply` of the demo with every flag its changes need. */
export function demoApplyArgs(run: Run, ...extra: string[]): string[] {
  return [
    "apply",
    DEMO,
    "--auto-approve",
    "--allow-destroy",
    "--secrets-out",
    join(run.home, "secrets.json"),
    ...extra,
  ];
}

/** Order POSTs the sandbox received (each one, answered or not, may have bought something). */
export function orderPosts(sandbox: Sandbox): number {
  return writesMatching(sandbox, "POST", ORDER_POST);
}

export function payPosts(sandbox: Sandbox): number {
  return writesMatching(sandbox, "POST", PAY_POST);
}

interface StoredAccount {
  login: string;
  domain: string;
  configured: boolean;
  deleteAtExpiration: boolean | null;
  accountLicense: string;
}
interface StoredService {
  name: string;
  accounts: StoredAccount[];
}
interface StoredState {
  organizations: { name: string; services: StoredService[] }[];
  orders: unknown[];
}

/** The accounts of one platform as the sandbox stores them: configured addresses and blank count. */
export function platformAccounts(
  sandbox: Sandbox,
  service: string,
): { addresses: string[]; blanks: number; total: number } {
  const state = sandbox.snapshot() as StoredState;
  const found = state.organizations.flatMap((o) => o.services).find((s) => s.name === service);
  if (!found) throw new Error(`the sandbox has no service ${service}`);
  const configured = found.accounts.filter((a) => a.configured);
  return {
    addresses: configured.map((a) => `${a.login}@${a.domain}`).sort(),
    blanks: found.accounts.length - configured.length,
    total: found.accounts.length,
  };
}

/** Orders the sandbox holds (placed, paid or not). */
export function ordersPlaced(sandbox: Sandbox): number {
  return (sandbox.snapshot() as StoredState).orders.length;
}

/**
 * What the demo's apply must leave, whatever faults came in between: every account that was there,
 * except the two the manifest removes (dave is reset to a blank, judy deleted), plus the three it
 * creates (grace from a blank, heidi ordered, nina added); on Hosted exactly one account more in
 * all (heidi's, the one order of 1).
 */
export function expectedDemoOutcome(before: {
  hosted: ReturnType<typeof platformAccounts>;
  private: ReturnType<typeof platformAccounts>;
}) {
  const hosted = before.hosted.addresses
    .filter((a) => a !== "dave@acme.example")
    .concat(["grace@acme.example", "heidi@acme.example"])
    .sort();
  const priv = before.private.addresses
    .filter((a) => a !== "judy@globex.example")
    .concat(["nina@globex.example"])
    .sort();
  return { hosted, private: priv, hostedTotal: before.hosted.total + 1 };
}

export function demoState(sandbox: Sandbox) {
  return { hosted: platformAccounts(sandbox, HOSTED), private: platformAccounts(sandbox, PRIVATE) };
}

/** The CLI output of a run, for failure messages. */
export function shown(result: CliResult): string {
  return `exit ${result.code} ${result.signal ?? ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** One platform of the demo's organization in a manifest: its service, offer, and whether it prunes. */
export interface ManifestPlatform {
  service: string;
  offer: "hosted" | "private";
  prune?: boolean;
}

/** A manifest of one platform of the demo's organization declaring `accounts`, each a map of its fields. */
export function platformManifest(
  platform: ManifestPlatform,
  accounts: ReadonlyArray<Readonly<Record<string, string>>>,
): string {
  return [
    "version: 1",
    "platforms:",
    `  - organization: ${HOSTED}`,
    `    service: ${platform.service}`,
    `    offer: ${platform.offer}`,
    ...(platform.prune ? ["    prune: true"] : []),
    accounts.length === 0 ? "    accounts: []" : "    accounts:",
    ...accounts.flatMap((fields) =>
      Object.entries(fields).map(
        ([name, value], i) => `${i === 0 ? "      - " : "        "}${name}: ${value}`,
      ),
    ),
    "",
  ].join("\n");
}

/** A manifest that renames the given Hosted accounts of the demo (display names `${tag} n`): one PUT each. */
export function renamingManifest(tag: string, addresses: string[]): string {
  return platformManifest(
    { service: HOSTED, offer: "hosted" },
    addresses.map((email, i) => ({ email, displayName: `${tag} ${i + 1}` })),
  );
}

/** Resolves once `condition` holds, polling every 25 ms; rejects after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** PUTs that have reached the sandbox: counted when a request arrives, unlike `writes` (once answered). */
export function putsArrived(sandbox: Sandbox): number {
  return Object.entries(sandbox.stats.byRoute)
    .filter(([route]) => route.startsWith("PUT "))
    .reduce((n, [, c]) => n + c, 0);
}

/**
 * Starts an apply whose first write to one of `accounts` the sandbox holds, unanswered, until
 * `release()`; resolves once that write has arrived. The apply holds its lock from before its first
 * write until it ends, so until `release()` another apply meets the lock, however slow the machine.
 * Wrapped in an object: an async function returning the promise itself would wait for the apply.
 */
export async function startHeldApply(
  run: Run,
  args: string[],
  accounts: string[],
  options: { cwd?: string } = {},
): Promise<{ running: Promise<CliResult>; release: () => void }> {
  const paths = new RegExp(`/(${accounts.map((a) => a.replace(/[.]/g, "\\.")).join("|")})$`);
  run.sandbox.addFault({ method: "PUT", path: paths, kind: "hold", times: 1 });
  const running = runCli(args, { cwd: options.cwd ?? run.home, env: run.env });
  let ended: string | null = null;
  void running.then((r) => (ended = shown(r)));
  await waitFor("the first apply's first write", () => {
    if (ended !== null) throw new Error(`the first apply ended before writing: ${ended}`);
    return putsArrived(run.sandbox) > 0;
  });
  return { running, release: () => void run.sandbox.releaseHeld() };
}

/**
 * Starts an apply whose writes to `slowAccounts` are slowed (800 ms each) and made one at a time,
 * and resolves once its first write reached the sandbox: it holds the lock from then on, for
 * seconds, longer than a second apply needs to start and plan (whose reads stay fast).
 * Wrapped in an object: an async function returning the promise itself would wait for the apply.
 */
export async function startSlowApply(
  run: Run,
  args: string[],
  slowAccounts: string[],
  options: { cwd?: string } = {},
): Promise<{ running: Promise<CliResult> }> {
  const accounts = new RegExp(`/(${slowAccounts.map((a) => a.replace(/[.]/g, "\\.")).join("|")})$`);
  run.sandbox.addFault({ method: "PUT", path: accounts, kind: "slow", delayMs: 800 });
  const running = runCli([...args, "--concurrency", "1"], { cwd: options.cwd ?? run.home, env: run.env });
  let ended: string | null = null;
  void running.then((r) => (ended = shown(r)));
  await waitFor("the first apply's first write", () => {
    if (ended !== null) throw new Error(`the first apply ended before writing: ${ended}`);
    return putsArrived(run.sandbox) > 0;
  });
  return { running };
}
