/**
 * Passwords of created accounts under kills: thirty Private adds in one apply (they run
 * concurrently), the process SIGKILLed at a random moment, five times over one sandbox, then a
 * last run to the end. After every kill, every one of the thirty that exists on the sandbox has its
 * password in the --secrets-out file (mode 0600), and it is the password the account was created
 * with; no temporary file holding passwords is left beside it.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE, shown, startRun, type Run } from "./harness.js";
import { startCli } from "./process.js";
import { first } from "../support/items.js";

const ORG = "hosted-ab12345-1";
const KEY = `${ORG}/${PRIVATE}`;
const ADDRESSES = Array.from(
  { length: 30 },
  (_, i) => `user${String(i + 1).padStart(2, "0")}@globex.example`,
);
const ADD_ROUTE = "POST /email/exchange/{org}/service/{svc}/account";

/** Deterministic kill points (add requests seen before the kill), so a failure can be replayed. */
function killPoints(seed: number, count: number): number[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.999;
  return Array.from({ length: count }, () => Math.floor(next() * 30));
}

interface SecretsFile {
  accounts: { platform: string; email: string; password: string }[];
}

describe("thirty Private adds, killed five times at random moments", () => {
  let run: Run;
  let manifest: string;
  let secrets: string;

  beforeAll(async () => {
    run = await startRun();
    manifest = join(run.home, "thirty.yaml");
    secrets = join(run.home, "out", "secrets.json");
    await writeFile(
      manifest,
      [
        "version: 1",
        "platforms:",
        `  - organization: ${ORG}`,
        `    service: ${PRIVATE}`,
        "    offer: private",
        "    accounts:",
        ...ADDRESSES.flatMap((email) => [`      - email: ${email}`, "        license: basic"]),
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  /** The thirty that exist on the sandbox now. */
  function existing(): string[] {
    const state = run.sandbox.snapshot() as {
      organizations: { services: { name: string; accounts: { login: string; domain: string }[] }[] }[];
    };
    const service = state.organizations.flatMap((o) => o.services).find((s) => s.name === PRIVATE)!;
    const live = new Set(service.accounts.map((a) => `${a.login}@${a.domain}`.toLowerCase()));
    return ADDRESSES.filter((a) => live.has(a));
  }

  /** Every existing account has its password in the file, matching the one it was created with. */
  async function expectNoPasswordLost(context: string): Promise<void> {
    const created = existing();
    if (created.length === 0) return;
    const info = await stat(secrets);
    expect(info.mode & 0o777, context).toBe(0o600);
    const file = JSON.parse(await readFile(secrets, "utf8")) as SecretsFile;
    for (const email of created) {
      const entry = file.accounts.find((a) => a.platform === KEY && a.email === email);
      expect(entry, `${context}: ${email} exists but has no password in the file`).toBeDefined();
      expect(
        run.sandbox.passwordMatches(ORG, PRIVATE, email, entry!.password),
        `${context}: the file's password of ${email} is not the one it was created with`,
      ).toBe(true);
    }
    const leftovers = (await readdir(join(run.home, "out"))).filter((n) => n.endsWith(".tmp"));
    expect(leftovers, context).toEqual([]);
  }

  it("loses no password of an account that exists, whatever the moment of the kill", async () => {
    const args = ["apply", manifest, "--auto-approve", "--secrets-out", secrets];
    const points = killPoints(20261201, 5);
    for (const [round, point] of points.entries()) {
      const context = `kill ${round + 1} after ${point} add request(s)`;
      const before = run.sandbox.stats.byRoute[ADD_ROUTE] ?? 0;
      const cli = startCli(args, run.home, run.env);
      const deadline = Date.now() + 60_000;
      // Killed as soon as the point is reached (the add in flight is then sent, or about to be).
      while (
        (run.sandbox.stats.byRoute[ADD_ROUTE] ?? 0) - before < point &&
        cli.child.exitCode === null &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 2));
      }
      cli.child.kill("SIGKILL");
      const result = await cli.done;
      // A run that finished before the kill point is not a kill: the next round tries again.
      if (result.signal !== "SIGKILL") expect(result.code, shown(result)).toBe(0);
      await expectNoPasswordLost(context);
    }

    const last = await run.cli(args);
    expect(last.code, shown(last)).toBe(0);
    expect(existing()).toEqual(ADDRESSES);
    await expectNoPasswordLost("after the last run");
    const file = JSON.parse(await readFile(secrets, "utf8")) as SecretsFile;
    expect(file.accounts.filter((a) => a.platform === KEY)).toHaveLength(30);
    expect(last.stdout + last.stderr).not.toContain(first(file.accounts, "secret").password);
  });
});
