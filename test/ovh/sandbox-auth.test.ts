/** Authentication against the sandbox over real HTTP: signatures, the server clock, OAuth2 tokens. */
import { inspect } from "node:util";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OvhApiError } from "../../provider/ovh/errors.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { HOSTED, ORG, appKeyConnection, failureOf, memorySandbox, oauthConnection } from "./helpers.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await memorySandbox();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.resetStats();
});

const THIRTY_MINUTES = 30 * 60 * 1000;

function expectNoSecretIn(error: unknown, secrets: string[]): void {
  const dumps = [inspect(error, { depth: 10 }), JSON.stringify(error), String((error as Error).stack)];
  for (const dump of dumps) for (const secret of secrets) expect(dump).not.toContain(secret);
}

describe("application key", () => {
  it("signs requests the sandbox accepts", async () => {
    const { api, http } = createExchangeApi(appKeyConnection(sandbox));
    try {
      expect(await api.listOrganizations()).toContain(ORG);
      expect(sandbox.stats.authFailures).toBe(0);
    } finally {
      await http.close();
    }
  });

  it("a wrong application secret gives a wrong signature, which the sandbox refuses: EXREC_API_AUTH, no secret in the error", async () => {
    const wrongSecret = "not-the-sandbox-secret-000000000";
    const debugLines: string[] = [];
    const { api, http } = createExchangeApi(appKeyConnection(sandbox, { applicationSecret: wrongSecret }), {
      debug: (line) => debugLines.push(line),
    });
    try {
      const error = await failureOf(api.listOrganizations());
      expect(error).toBeInstanceOf(OvhApiError);
      expect(error).toMatchObject({
        code: "EXREC_API_AUTH",
        method: "GET",
        path: "/email/exchange",
        retryable: false,
      });
      expect([400, 401, 403]).toContain((error as OvhApiError).status);
      expect(sandbox.stats.authFailures).toBe(1);
      // Refusals are not retried: one /auth/time, one refused GET.
      expect(sandbox.stats.total).toBe(2);
      expectNoSecretIn(error, [wrongSecret, SANDBOX_CREDENTIALS.consumerKey]);
      expect(debugLines.join("\n")).not.toContain(SANDBOX_CREDENTIALS.consumerKey);
      expect(debugLines.at(-1)).toMatch(/^GET \/email\/exchange \d{3} \d+ms$/);
    } finally {
      await http.close();
    }
  });

  it("a timestamp skewed after the offset was read is refused by the sandbox", async () => {
    // Right when /auth/time is read, then 30 minutes ahead: every signed timestamp is 30 minutes off.
    let skew = 0;
    const { api, http } = createExchangeApi(appKeyConnection(sandbox), { clock: () => Date.now() + skew });
    try {
      expect(await api.listOrganizations()).toContain(ORG);
      skew = THIRTY_MINUTES;
      const error = await failureOf(api.listServices(ORG));
      expect(error).toBeInstanceOf(OvhApiError);
      expect(error).toMatchObject({ code: "EXREC_API_AUTH" });
      expect(sandbox.stats.authFailures).toBe(1);
    } finally {
      await http.close();
    }
  });

  it("a local clock 30 minutes off still signs valid requests, reading GET /auth/time once per client", async () => {
    const { api, http } = createExchangeApi(appKeyConnection(sandbox), {
      clock: () => Date.now() - THIRTY_MINUTES,
    });
    try {
      // Concurrent first requests share the one read of the server clock.
      const [orgs, services] = await Promise.all([api.listOrganizations(), api.listServices(ORG)]);
      expect(orgs).toContain(ORG);
      expect(services).toContain(HOSTED);
      for (let i = 0; i < 5; i++) await api.getService(ORG, HOSTED);
      expect(sandbox.stats.byRoute["GET /auth/time"]).toBe(1);
      expect(sandbox.stats.authFailures).toBe(0);
    } finally {
      await http.close();
    }
  });
});

describe("OAuth2 client credentials", () => {
  it("fetches one token, shared by concurrent first requests and reused by all the others", async () => {
    const { api, http } = createExchangeApi(oauthConnection(sandbox));
    try {
      await Promise.all(Array.from({ length: 10 }, () => api.listOrganizations()));
      for (let i = 0; i < 10; i++) await api.getService(ORG, HOSTED);
      expect(sandbox.stats.tokensIssued).toBe(1);
      expect(sandbox.stats.authFailures).toBe(0);
    } finally {
      await http.close();
    }
  });

  it("renews the token when it is about to expire (the clock moved past its lifetime)", async () => {
    let ahead = 0;
    const { api, http } = createExchangeApi(oauthConnection(sandbox), { clock: () => Date.now() + ahead });
    try {
      await api.listOrganizations();
      await api.listOrganizations();
      expect(sandbox.stats.tokensIssued).toBe(1);
      // A day later, past the lifetime the token endpoint gave (expires_in), the client must renew.
      ahead = 24 * 3600 * 1000;
      await api.listOrganizations();
      await api.listOrganizations();
      expect(sandbox.stats.tokensIssued).toBe(2);
    } finally {
      await http.close();
    }
  });

  it("renews 60 s before expiry, not earlier: 2 minutes before it keeps the token, 30 s before it fetches a new one", async () => {
    // Learn the lifetime the sandbox gives its tokens, from the token endpoint itself.
    const answer = await request(`${new URL(sandbox.url).origin}/auth/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: SANDBOX_CREDENTIALS.clientId,
        client_secret: SANDBOX_CREDENTIALS.clientSecret,
        scope: "all",
      }).toString(),
    });
    const { expires_in: lifetimeSeconds } = (await answer.body.json()) as { expires_in: number };
    expect(lifetimeSeconds).toBeGreaterThan(120);
    sandbox.resetStats();

    let ahead = 0;
    const { api, http } = createExchangeApi(oauthConnection(sandbox), { clock: () => Date.now() + ahead });
    try {
      await api.listOrganizations();
      ahead = (lifetimeSeconds - 120) * 1000;
      await api.listOrganizations();
      expect(sandbox.stats.tokensIssued).toBe(1);
      ahead = (lifetimeSeconds - 30) * 1000;
      await api.listOrganizations();
      expect(sandbox.stats.tokensIssued).toBe(2);
    } finally {
      await http.close();
    }
  });

  it("a wrong client secret is refused at the token endpoint: EXREC_API_AUTH, without the secret", async () => {
    const wrongSecret = "wrong-client-secret-0000000000000";
    const { api, http } = createExchangeApi(oauthConnection(sandbox, { clientSecret: wrongSecret }));
    try {
      const error = await failureOf(api.listOrganizations());
      expect(error).toBeInstanceOf(OvhApiError);
      expect(error).toMatchObject({ code: "EXREC_API_AUTH", method: "POST", path: "/auth/oauth2/token" });
      expect(sandbox.stats.tokensIssued).toBe(0);
      expectNoSecretIn(error, [wrongSecret, SANDBOX_CREDENTIALS.clientSecret]);
    } finally {
      await http.close();
    }
  });

  it("a refused request never shows the bearer token", async () => {
    const seen: string[] = [];
    const { api, http } = createExchangeApi(oauthConnection(sandbox), { debug: (line) => seen.push(line) });
    try {
      const error = await failureOf(api.getAccount(ORG, HOSTED, "nobody@acme.example"));
      expect(error).toMatchObject({
        code: "EXREC_API_NOT_FOUND",
        status: 404,
        path: `/email/exchange/${ORG}/service/${HOSTED}/account/nobody%40acme.example`,
      });
      expect(inspect(error, { depth: 10 })).not.toMatch(/Bearer/i);
      expect(seen.join("\n")).not.toMatch(/Bearer|client_secret/i);
    } finally {
      await http.close();
    }
  });
});
