/** Shared by the integration tests of the OVHcloud client: a sandbox, and connections to it. */
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type Sandbox, type SandboxOptions } from "../../provider/sandbox/types.js";
import type { Limits, OvhConnection } from "../../provider/ovh/config.js";

export const ORG = "hosted-ab12345-1";
export const HOSTED = "hosted-ab12345-1";
export const PRIVATE = "private-ab12345-1";

export function memorySandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ stateFile: null, seed: { kind: "demo" }, ...options });
}

const FAST: Limits = { concurrency: 8, ratePerSecond: 0, timeoutMs: 5000 };

/** An application-key connection to the sandbox (its own credentials unless overridden). */
export function appKeyConnection(
  sandbox: Sandbox,
  overrides: Partial<{ applicationKey: string; applicationSecret: string; consumerKey: string }> = {},
  limits: Partial<Limits> = {},
): OvhConnection {
  return {
    kind: "ovh",
    endpointName: null,
    baseUrl: sandbox.url,
    auth: {
      method: "application-key",
      applicationKey: SANDBOX_CREDENTIALS.applicationKey,
      applicationSecret: SANDBOX_CREDENTIALS.applicationSecret,
      consumerKey: SANDBOX_CREDENTIALS.consumerKey,
      ...overrides,
    },
    limits: { ...FAST, ...limits },
    source: "test",
  };
}

/** An OAuth2 connection to the sandbox, whose token endpoint is `<origin>/auth/oauth2/token`. */
export function oauthConnection(
  sandbox: Sandbox,
  overrides: Partial<{ clientId: string; clientSecret: string }> = {},
  limits: Partial<Limits> = {},
): OvhConnection {
  return {
    kind: "ovh",
    endpointName: null,
    baseUrl: sandbox.url,
    auth: {
      method: "oauth2",
      clientId: SANDBOX_CREDENTIALS.clientId,
      clientSecret: SANDBOX_CREDENTIALS.clientSecret,
      tokenUrl: `${new URL(sandbox.url).origin}/auth/oauth2/token`,
      ...overrides,
    },
    limits: { ...FAST, ...limits },
    source: "test",
  };
}

/** Fast retries for tests: real waits, but short. */
export const QUICK_RETRY = { baseDelayMs: 20, maxDelayMs: 200 };

export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Requests the sandbox counted for routes whose key matches. */
export function routeCount(sandbox: Sandbox, pattern: RegExp): number {
  return Object.entries(sandbox.stats.byRoute)
    .filter(([route]) => pattern.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}
