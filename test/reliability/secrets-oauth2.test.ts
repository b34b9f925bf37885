/**
 * No secret ever leaves exrec's hands, with OAuth2 client credentials: every command, with and
 * without --debug, successes and failures, and everything it wrote, hold none of the client
 * secret, a bearer token (captured on the wire by the recording proxy) or a generated password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxCredentials } from "../../provider/sandbox/types.js";
import {
  generatedPasswords,
  leaks,
  randomCredentials,
  sweepAllCommands,
  type Sweep,
} from "./secrets-harness.js";

function oauth2Env(url: string, home: string, c: SandboxCredentials): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NO_COLOR: "1",
    CI: "true",
    // The client finds the token URL at <origin>/auth/oauth2/token: the proxy's, then the sandbox's.
    OVH_ENDPOINT: url,
    OVH_CLIENT_ID: c.clientId,
    OVH_CLIENT_SECRET: c.clientSecret,
    EXREC_RATE_LIMIT: "0",
  };
}

describe("secrets with OAuth2 client credentials", () => {
  const credentials = randomCredentials();
  let sweep: Sweep;

  beforeAll(async () => {
    sweep = await sweepAllCommands(credentials, oauth2Env);
  }, 120_000);
  afterAll(async () => {
    await sweep?.close();
  });

  it("the sweep really exercised every command with tokens: the applies converged, the wrong secret was refused", () => {
    expect(sweep.results.get("apply again")?.code).toBe(0);
    expect(sweep.results.get("plan with a wrong secret --debug")?.code).toBe(1);
    expect(sweep.results.get("plan with a wrong secret --debug")?.stderr).toMatch(/oauth2\/token/);
    // Each command that called the API got its own token: the sweep looks for real values.
    expect(sweep.proxy.seen.size).toBeGreaterThan(5);
    expect(sweep.sandbox.stats.tokensIssued).toBeGreaterThan(5);
  });

  it("no output and no written file holds the client secret, a bearer token or a generated password", async () => {
    const passwords = await generatedPasswords(sweep.secretsFile);
    expect(passwords.length).toBeGreaterThan(0);
    const secrets: Record<string, string> = { "client secret": credentials.clientSecret };
    for (const [i, token] of [...sweep.proxy.seen].entries()) secrets[`token ${i}`] = token;
    for (const [i, password] of passwords.entries()) secrets[`password ${i}`] = password;
    expect(await leaks(sweep, secrets)).toEqual([]);
  });
});
