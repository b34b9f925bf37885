import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, servicePath, TestClient } from "./helpers.js";

let sandbox: Sandbox;
let api: TestClient;
beforeAll(async () => {
  ({ sandbox, api } = await openSandbox({ maxBodyBytes: 1024 }));
});
afterAll(() => sandbox.close());

describe("HTTP behaviour", () => {
  it("listens on loopback by default", () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/1\.0$/);
  });

  it("refuses a body over maxBodyBytes with 413, changing nothing", async () => {
    const reply = await api.put(accountPath(HOSTED, "bob@acme.example"), { displayName: "x".repeat(4096) });
    expect(reply.status).toBe(413);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.displayName).toBe("Bob Durand");
    const small = await api.put(accountPath(HOSTED, "bob@acme.example"), { displayName: "Bob D." });
    expect(small.status).toBe(200);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const reply = await api.request("PUT", accountPath(HOSTED, "bob@acme.example"), {
      rawBody: '{"displayName": ',
      headers: { "Content-Type": "application/json" },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.class).toBe("Client::BadRequest");
    const empty = await api.request("PUT", accountPath(HOSTED, "bob@acme.example"), { offSchema: true });
    expect(empty.status).toBe(400);
  });

  it("answers 404 to a path it does not serve, and 405 to a method a route does not take", async () => {
    expect((await api.get("/dedicated/server", { offSchema: true })).status).toBe(404);
    const wrong = await api.request("PATCH", accountPath(HOSTED, "bob@acme.example"), { offSchema: true });
    expect(wrong.status).toBe(405);
  });

  it("decodes URL-encoded ids in the path", async () => {
    const encoded = await api.get(`${servicePath(HOSTED)}/account/alice%40acme.example`);
    const plain = await api.get(`${servicePath(HOSTED)}/account/alice@acme.example`);
    expect(encoded.status).toBe(200);
    expect(plain.body).toEqual(encoded.body);
  });

  it("answers 404 for an unknown organisation or service", async () => {
    expect((await api.get("/email/exchange/nope/service")).status).toBe(404);
    expect((await api.get(servicePath("nope"))).status).toBe(404);
  });
});
