import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, servicePath, TestClient } from "./helpers.js";

let sandbox: Sandbox;
let api: TestClient;
let controlUrl: string;

beforeAll(async () => {
  ({ sandbox, api } = await openSandbox());
  controlUrl = sandbox.url.replace(/\/1\.0$/, "/_sandbox");
});
afterAll(() => sandbox.close());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${controlUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  return { status: response.status, body: await response.json() };
}

describe("the control API under /_sandbox", () => {
  it("serves the stats, and resets them; its own requests are not counted", async () => {
    await control("POST", "/stats/reset");
    await api.get("/email/exchange");
    const stats = await control("GET", "/stats");
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      total: 1,
      byRoute: { "GET /email/exchange": 1 },
      authFailures: 0,
      writes: [],
    });
    await control("POST", "/stats/reset");
    expect((await control("GET", "/stats")).body.total).toBe(0);
  });

  it("adds faults (path as a substring) and clears them", async () => {
    expect(
      (await control("POST", "/faults", { kind: "429", path: "/domain", retryAfterSeconds: 3 })).status,
    ).toBe(201);
    const limited = await api.get(`${servicePath(HOSTED)}/domain`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await api.get(`${servicePath(HOSTED)}/domain`)).status).toBe(429);
    expect((await control("DELETE", "/faults")).status).toBe(200);
    expect((await api.get(`${servicePath(HOSTED)}/domain`)).status).toBe(200);
  });

  it("holds a request until told to release it", async () => {
    expect((await control("POST", "/faults", { kind: "hold", path: "/domain", times: 1 })).status).toBe(201);
    const held = api.get(`${servicePath(HOSTED)}/domain`);
    while (
      (await control("GET", "/stats")).body.byRoute["GET /email/exchange/{org}/service/{svc}/domain"] ===
      undefined
    )
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await control("POST", "/faults/release")).toEqual({ status: 200, body: { released: 1 } });
    expect((await held).status).toBe(200);
  });

  it("refuses a fault of an unknown kind", async () => {
    const reply = await control("POST", "/faults", { kind: "explode" });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/explode/);
  });

  it("switches the read modes", async () => {
    expect((await control("PUT", "/read-modes", { pages: false, batch: true })).status).toBe(200);
    const batch = await api.get(`${servicePath(HOSTED)}/account/alice@acme.example,bob@acme.example`, {
      headers: { "X-Ovh-Batch": "," },
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toHaveLength(2);
    await control("PUT", "/read-modes", { pages: false, batch: false });
    const off = await api.get(`${servicePath(HOSTED)}/account/alice@acme.example,bob@acme.example`, {
      headers: { "X-Ovh-Batch": "," },
    });
    expect(off.status).toBe(404);
    expect((await control("PUT", "/read-modes", { pages: "yes" })).status).toBe(400);
  });

  it("sets the latency", async () => {
    await control("PUT", "/latency", { latencyMs: 150 });
    const started = Date.now();
    await api.get("/email/exchange");
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    await control("PUT", "/latency", { latencyMs: 0 });
  });

  it("patches an account behind the client's back", async () => {
    const reply = await control(
      "PATCH",
      `/account/hosted-ab12345-1/${HOSTED}/${encodeURIComponent("erin@acme.example")}`,
      {
        displayName: "Changed in the console",
        accountLicense: "basic",
      },
    );
    expect(reply.status).toBe(200);
    expect((await api.get(accountPath(HOSTED, "erin@acme.example"))).body).toMatchObject({
      displayName: "Changed in the console",
      accountLicense: "basic",
    });
  });

  it("refuses a patch of an unknown account or field", async () => {
    expect(
      (
        await control("PATCH", `/account/hosted-ab12345-1/${HOSTED}/nobody@acme.example`, {
          displayName: "x",
        })
      ).status,
    ).toBe(404);
    const field = await control("PATCH", `/account/hosted-ab12345-1/${HOSTED}/erin@acme.example`, {
      password: "x",
    });
    expect(field.status).toBe(400);
    expect(field.body.message).toMatch(/password/);
    const value = await control("PATCH", `/account/hosted-ab12345-1/${HOSTED}/erin@acme.example`, {
      accountLicense: "gold",
    });
    expect(value.status).toBe(400);
  });

  it("answers 404 for an unknown control route", async () => {
    expect((await control("GET", "/nothing")).status).toBe(404);
  });
});

describe("the programmatic face", () => {
  it("patchAccount renames an account and moves its expiry", () => {
    sandbox.patchAccount("hosted-ab12345-1", HOSTED, "alice@acme.example", {
      primaryEmailAddress: "alice.martin@acme.example",
      expirationDate: "2026-12-01T00:00:00+01:00",
    });
    const snapshot = sandbox.snapshot() as any;
    const hosted = snapshot.organizations[0].services.find((s: any) => s.name === HOSTED);
    const alice = hosted.accounts.find((a: any) => a.login === "alice.martin");
    expect(alice).toMatchObject({ domain: "acme.example", expirationDate: "2026-12-01T00:00:00+01:00" });
    expect(hosted.accounts.some((a: any) => a.login === "alice")).toBe(false);
  });

  it("snapshot is a deep copy", () => {
    const snapshot = sandbox.snapshot() as any;
    snapshot.organizations[0].services[0].accounts[0].displayName = "mutated";
    expect((sandbox.snapshot() as any).organizations[0].services[0].accounts[0].displayName).not.toBe(
      "mutated",
    );
  });
});
