/**
 * OVHcloud's official Node client, as published, against the sandbox over HTTPS. node-ovh speaks
 * only HTTPS and signs `https://` + host + path without the port, so the sandbox serves its own
 * self-signed certificate (trusted here by its PEM, verification stays on) and checks signatures
 * against the public base URL it is told it stands for.
 */
import { globalAgent, request } from "node:https";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { HOSTED, NOW, ORG, sign } from "./helpers.js";

interface NodeOvhClient {
  requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<any>;
}
type NodeOvhFactory = (params: Record<string, unknown>) => NodeOvhClient;

const nodeOvh = createRequire(import.meta.url)("@ovhcloud/node-ovh") as NodeOvhFactory;

let sandbox: Sandbox;
let port: number;

beforeAll(async () => {
  sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "demo" },
    now: () => NOW,
    tls: true,
    // node-ovh signs https://127.0.0.1/1.0/… (no port): that is the URL the sandbox stands for.
    publicUrl: "https://127.0.0.1/1.0",
  });
  port = Number(new URL(sandbox.url).port);
  globalAgent.options.ca = sandbox.certificate as string;
});
afterAll(async () => {
  globalAgent.options.ca = undefined;
  await sandbox.close();
});

function client(applicationSecret = SANDBOX_CREDENTIALS.applicationSecret): NodeOvhClient {
  return nodeOvh({
    host: "127.0.0.1",
    port,
    basePath: "/1.0",
    appKey: SANDBOX_CREDENTIALS.applicationKey,
    appSecret: applicationSecret,
    consumerKey: SANDBOX_CREDENTIALS.consumerKey,
  });
}

const service = `/email/exchange/${ORG}/service/${HOSTED}`;

describe("@ovhcloud/node-ovh against the sandbox over HTTPS", () => {
  it("serves HTTPS with a certificate for loopback", () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/1\.0$/);
    expect(sandbox.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("has its signed GETs accepted", async () => {
    const ovh = client();
    expect(await ovh.requestPromised("GET", "/email/exchange")).toEqual([ORG]);
    const accounts: string[] = await ovh.requestPromised("GET", `${service}/account`);
    expect(accounts).toContain("alice@acme.example");
    const alice = await ovh.requestPromised("GET", `${service}/account/alice@acme.example`);
    expect(alice).toMatchObject({
      primaryEmailAddress: "alice@acme.example",
      accountLicense: expect.any(String),
    });
  });

  it("has a PUT with a non-ASCII display name accepted, and the name stored as sent", async () => {
    const ovh = client();
    const name = "Zoë Łukasiewicz-Nørgaard 東京";
    await ovh.requestPromised("PUT", `${service}/account/alice@acme.example`, { displayName: name });
    const alice = await ovh.requestPromised("GET", `${service}/account/alice@acme.example`);
    expect(alice.displayName).toBe(name);
  });

  it("gets an order quote (a GET with a query string), buying nothing", async () => {
    const ovh = client();
    const before = sandbox.stats.writes.length;
    const quote = await ovh.requestPromised(
      "GET",
      `/order/email/exchange/${ORG}/service/${HOSTED}/account/12`,
      {
        licence: "standard",
        number: 2,
      },
    );
    expect(quote).toMatchObject({ orderId: null, url: null });
    expect(quote.details[0].quantity).toBe(2);
    expect(quote.prices.withTax.value).toBeGreaterThan(0);
    expect(sandbox.stats.writes.length).toBe(before);
  });

  it("is refused with a wrong application secret, and nothing is written", async () => {
    const ovh = client("not-the-secret-000000000000000000");
    const failuresBefore = sandbox.stats.authFailures;
    const writesBefore = sandbox.stats.writes.filter((w) => w.status === 200).length;
    await expect(
      ovh.requestPromised("PUT", `${service}/account/alice@acme.example`, { displayName: "Mallory" }),
    ).rejects.toMatchObject({ error: 400, message: "Invalid signature" });
    expect(sandbox.stats.authFailures).toBe(failuresBefore + 1);
    expect(sandbox.stats.writes.filter((w) => w.status === 200).length).toBe(writesBefore);
    expect(
      (await client().requestPromised("GET", `${service}/account/alice@acme.example`)).displayName,
    ).not.toBe("Mallory");
  });

  it("refuses a signature made over the URL the request reached, once told its public URL", async () => {
    // What a client that signs the local address, port included, would send.
    const url = `${sandbox.url}/email/exchange`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const c = SANDBOX_CREDENTIALS;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          ca: sandbox.certificate as string,
          headers: {
            "X-Ovh-Application": c.applicationKey,
            "X-Ovh-Consumer": c.consumerKey,
            "X-Ovh-Timestamp": timestamp,
            "X-Ovh-Signature": sign(c.applicationSecret, c.consumerKey, "GET", url, "", timestamp),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});
