/**
 * No secret ever leaves exrec's hands, with application-key credentials: every command, with and
 * without --debug, successes and failures, and everything it wrote, hold none of the application
 * secret, the consumer key, a request signature or a generated password. Files that hold state or
 * secrets are readable by their owner only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxCredentials } from "../../provider/sandbox/types.js";
import {
  filesUnder,
  generatedPasswords,
  leaks,
  randomCredentials,
  sweepAllCommands,
  type Sweep,
} from "./secrets-harness.js";

function applicationKeyEnv(url: string, home: string, c: SandboxCredentials): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NO_COLOR: "1",
    CI: "true",
    OVH_ENDPOINT: url,
    OVH_APPLICATION_KEY: c.applicationKey,
    OVH_APPLICATION_SECRET: c.applicationSecret,
    OVH_CONSUMER_KEY: c.consumerKey,
    EXREC_RATE_LIMIT: "0",
  };
}

describe("secrets with application-key credentials", () => {
  const credentials = randomCredentials();
  let sweep: Sweep;

  beforeAll(async () => {
    sweep = await sweepAllCommands(credentials, applicationKeyEnv);
  }, 120_000);
  afterAll(async () => {
    await sweep?.close();
  });

  it("the sweep really exercised every command: the applies converged, and the refused ones failed as they should", () => {
    expect(sweep.results.get("apply again")?.code).toBe(0);
    expect(sweep.results.get("apply with a failing add --debug")?.code).toBe(1);
    expect(sweep.results.get("plan with a wrong secret --debug")?.code).toBe(1);
    expect(sweep.results.get("history json")?.stdout).toMatch(/"action": "order"/);
    // The proxy saw the signatures that were sent: the sweep looks for real values.
    expect(sweep.proxy.seen.size).toBeGreaterThan(20);
  });

  it("no output and no written file holds the application secret, the consumer key, a signature or a generated password", async () => {
    const passwords = await generatedPasswords(sweep.secretsFile);
    expect(passwords.length).toBeGreaterThan(0);
    const secrets: Record<string, string> = {
      "application secret": credentials.applicationSecret,
      "consumer key": credentials.consumerKey,
    };
    for (const [i, signature] of [...sweep.proxy.seen].entries()) secrets[`signature ${i}`] = signature;
    for (const [i, password] of passwords.entries()) secrets[`password ${i}`] = password;
    expect(await leaks(sweep, secrets)).toEqual([]);
  });

  it("plan files, the journal, the history and the --secrets-out file are mode 0600, and so is any lock file left", async () => {
    const files = await filesUnder(sweep.home);
    const modeOf = (suffix: string) => files.find((f) => f.path.endsWith(suffix))?.mode;
    expect(modeOf("demo.plan.json")).toBe(0o600);
    expect(modeOf("secrets.json")).toBe(0o600);
    expect(modeOf(".exrec/journal.json")).toBe(0o600);
    expect(modeOf(".exrec/history.jsonl")).toBe(0o600);
    for (const lock of files.filter((f) => f.path.includes("/.exrec/locks/")))
      expect(lock.mode, lock.path).toBe(0o600);
  });
});
