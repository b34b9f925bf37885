import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import { HOSTED, openSandbox, servicePath, sign, TestClient } from "./helpers.js";

let sandbox: Sandbox;
let api: TestClient;
const tokenUrl = () => sandbox.url.replace(/\/1\.0$/, "/auth/oauth2/token");

beforeAll(async () => {
  ({ sandbox, api } = await openSandbox({ tokenLifetimeSeconds: 1 }));
});
afterAll(() => sandbox.close());

async function requestToken(form: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(tokenUrl(), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.json() };
}

describe("the test's own signing helper", () => {
  it("matches the two vectors published in docs/OVH-API.md", () => {
    const [as, ck, ts] = ["7kbG7Bk7S9Nt7ZSV", "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1", "1764115200"];
    expect(sign(as, ck, "GET", "https://eu.api.ovh.com/1.0/email/exchange", "", ts)).toBe(
      "$1$5b12ead3f2ff2cc2fa1156d6a1cae1d7553519e7",
    );
    expect(
      sign(
        as,
        ck,
        "PUT",
        "https://eu.api.ovh.com/1.0/email/exchange/hosted-ab12345-1/service/hosted-ab12345-1/account/alice@acme.example",
        '{"renewPeriod":"yearly"}',
        ts,
      ),
    ).toBe("$1$43462aa18d893c055c1c61829ff9a50dd87d82fe");
  });
});

describe("application-key authentication", () => {
  it("answers /auth/time without authentication with the real clock as a bare integer", async () => {
    const reply = await api.get("/auth/time", { anonymous: true });
    expect(reply.status).toBe(200);
    expect(Number.isInteger(reply.body)).toBe(true);
    expect(Math.abs(reply.body - Date.now() / 1000)).toBeLessThan(5);
  });

  it("accepts a correctly signed request", async () => {
    const reply = await api.get("/email/exchange");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(["hosted-ab12345-1"]);
  });

  it("accepts a signed write whose body is part of the signature", async () => {
    const reply = await api.put(
      `${servicePath(HOSTED)}/account/${encodeURIComponent("alice@acme.example")}`,
      { displayName: "Alice M." },
    );
    expect(reply.status).toBe(200);
  });

  it("refuses a request without credentials", async () => {
    const reply = await api.get("/email/exchange", { anonymous: true });
    expect(reply.status).toBe(401);
  });

  it("refuses a bad signature with INVALID_SIGNATURE", async () => {
    const reply = await api.get("/email/exchange", { tamper: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      errorCode: "INVALID_SIGNATURE",
      httpCode: "400 Bad Request",
      message: "Invalid signature",
    });
  });

  it("refuses a signature made over another body", async () => {
    const url = `${sandbox.url}${servicePath(HOSTED)}/account/${encodeURIComponent("alice@acme.example")}`;
    const c = SANDBOX_CREDENTIALS;
    const ts = String(Math.floor(Date.now() / 1000));
    const response = await fetch(url, {
      method: "PUT",
      headers: {
        "Content-Type": "application/json",
        "X-Ovh-Application": c.applicationKey,
        "X-Ovh-Consumer": c.consumerKey,
        "X-Ovh-Timestamp": ts,
        "X-Ovh-Signature": sign(
          c.applicationSecret,
          c.consumerKey,
          "PUT",
          url,
          '{"displayName":"signed"}',
          ts,
        ),
      },
      body: '{"displayName":"sent"}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorCode: string }).errorCode).toBe("INVALID_SIGNATURE");
  });

  it("refuses a timestamp more than 180 s away from the real clock with QUERY_TIME_OUT", async () => {
    const late = await api.get("/email/exchange", { skewSeconds: -300 });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({
      errorCode: "QUERY_TIME_OUT",
      httpCode: "400 Bad Request",
      message: "Query out of time",
    });
    const early = await api.get("/email/exchange", { skewSeconds: 300 });
    expect(early.body.errorCode).toBe("QUERY_TIME_OUT");
    const within = await api.get("/email/exchange", { skewSeconds: 120 });
    expect(within.status).toBe(200);
  });

  it("refuses an unknown key with INVALID_CREDENTIAL", async () => {
    const credentials = { ...SANDBOX_CREDENTIALS, consumerKey: "someoneelseskey0000000000000000" };
    const reply = await api.get("/email/exchange", { credentials });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({
      errorCode: "INVALID_CREDENTIAL",
      httpCode: "403 Forbidden",
      message: "This credential does not exist",
    });
    const otherApp = await api.get("/email/exchange", {
      credentials: { ...SANDBOX_CREDENTIALS, applicationKey: "otherapp" },
    });
    expect(otherApp.status).toBe(403);
  });

  it("counts refused requests as auth failures", async () => {
    sandbox.resetStats();
    await api.get("/email/exchange", { tamper: true });
    await api.get("/email/exchange", { skewSeconds: 1000 });
    await api.get("/email/exchange");
    expect(sandbox.stats.authFailures).toBe(2);
    expect(sandbox.stats.total).toBe(3);
  });

  it("serves the public catalog without authentication", async () => {
    const reply = await api.get("/order/catalog/public/exchange?ovhSubsidiary=FR", { anonymous: true });
    expect(reply.status).toBe(200);
    expect(reply.body.locale).toEqual({ currencyCode: "EUR", subsidiary: "FR", taxRate: 20 });
  });
});

describe("OAuth2 client credentials", () => {
  const form = {
    grant_type: "client_credentials",
    client_id: SANDBOX_CREDENTIALS.clientId,
    client_secret: SANDBOX_CREDENTIALS.clientSecret,
    scope: "all",
  };

  it("issues a bearer token that opens the API", async () => {
    const before = sandbox.stats.tokensIssued;
    const token = await requestToken(form);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: "Bearer", expires_in: 1 });
    expect(sandbox.stats.tokensIssued).toBe(before + 1);
    const reply = await api.get("/email/exchange", { bearer: token.body.access_token });
    expect(reply.status).toBe(200);
  });

  it("refuses a wrong client secret", async () => {
    const token = await requestToken({ ...form, client_secret: "wrong" });
    expect(token.status).toBe(401);
    expect(token.body.error).toBe("invalid_client");
    expect(JSON.stringify(token.body)).not.toContain("wrong");
  });

  it("refuses another grant type", async () => {
    const token = await requestToken({ ...form, grant_type: "password" });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe("unsupported_grant_type");
  });

  it("refuses an unknown token and an expired one", async () => {
    expect((await api.get("/email/exchange", { bearer: "not-a-token" })).status).toBe(401);
    const token = await requestToken(form);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const reply = await api.get("/email/exchange", { bearer: token.body.access_token });
    expect(reply.status).toBe(401);
    expect(reply.body.errorCode).toBe("INVALID_CREDENTIAL");
  });
});
