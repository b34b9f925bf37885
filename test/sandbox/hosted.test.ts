import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import {
  accountPath,
  Clock,
  HOSTED,
  openSandbox,
  orderPath,
  servicePath,
  TestClient,
  waitForTask,
} from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof openSandbox>[0] = {}): Promise<TestClient> {
  const opened = await openSandbox(options);
  sandbox = opened.sandbox;
  return opened.api;
}

async function blanks(api: TestClient): Promise<any[]> {
  const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
  const accounts = await Promise.all(
    ids.filter((id) => id.endsWith("@configureme.me")).map((id) => api.get(accountPath(HOSTED, id))),
  );
  return accounts.map((reply) => reply.body);
}

describe("Hosted accounts", () => {
  it("H1: refuses POST …/account, saying Hosted accounts are ordered", async () => {
    const api = await start();
    const reply = await api.post(`${servicePath(HOSTED)}/account`, {
      domain: "acme.example",
      login: "new",
      license: "basic",
      password: "x",
    });
    expect(reply.status).toBe(400);
    expect(reply.body.class).toBe("Client::BadRequest");
    expect(reply.body.message).toMatch(/ordered/);
    expect((await api.get(accountPath(HOSTED, "new@acme.example"))).status).toBe(404);
  });

  it("H2/H3: a renewPeriod PUT is shown at once, and the expiry date does not move", async () => {
    const api = await start();
    const before = (await api.get(accountPath(HOSTED, "bob@acme.example"))).body;
    expect(before.renewPeriod).toBe("monthly");
    expect((await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" })).status).toBe(
      200,
    );
    const after = (await api.get(accountPath(HOSTED, "bob@acme.example"))).body;
    expect(after.renewPeriod).toBe("yearly");
    expect(after.expirationDate).toBe(before.expirationDate);
  });

  it("refuses a renewPeriod outside the enum", async () => {
    const api = await start();
    const reply = await api.put(
      accountPath(HOSTED, "bob@acme.example"),
      { renewPeriod: "weekly" },
      { offSchema: true },
    );
    expect(reply.status).toBe(400);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("monthly");
  });

  it("H4: deleteAtExpiration can be set and cleared; POST …/terminate sets it and answers a string", async () => {
    const api = await start();
    await api.put(accountPath(HOSTED, "carol@acme.example"), { deleteAtExpiration: false });
    expect((await api.get(accountPath(HOSTED, "carol@acme.example"))).body.deleteAtExpiration).toBe(false);
    const terminate = await api.post(`${accountPath(HOSTED, "carol@acme.example")}/terminate`);
    expect(terminate.status).toBe(200);
    expect(typeof terminate.body).toBe("string");
    expect((await api.get(accountPath(HOSTED, "carol@acme.example"))).body.deleteAtExpiration).toBe(true);
  });

  it("H5: DELETE is a reset that leaves a blank account, still billed until the same expiry", async () => {
    const api = await start();
    const before = (await api.get(accountPath(HOSTED, "dave@acme.example"))).body;
    const task = await api.delete(accountPath(HOSTED, "dave@acme.example"));
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ function: "deleteAccount", status: "todo" });
    expect(typeof task.body.id).toBe("number");

    const done = await waitForTask(api, HOSTED, task.body.id);
    expect(done.status).toBe("done");
    expect(done.finishDate).not.toBeNull();
    expect((await api.get(accountPath(HOSTED, "dave@acme.example"))).status).toBe(404);

    const reset = (await blanks(api)).find((account) => account.id === before.id);
    expect(reset).toBeDefined();
    expect(reset.primaryEmailAddress).toMatch(/^[a-z0-9]+@configureme\.me$/);
    expect(reset).toMatchObject({
      configured: false,
      displayName: null,
      accountLicense: before.accountLicense,
      expirationDate: before.expirationDate,
      renewPeriod: before.renewPeriod,
      state: "ok",
      taskPendingId: 0,
    });
    expect((await api.get(`${accountPath(HOSTED, reset.primaryEmailAddress)}/tasks`)).body).toEqual([
      task.body.id,
    ]);
  });

  it("H5: the account shows its pending task while the reset runs", async () => {
    const api = await start({ taskDelayMs: 1500 });
    const task = (await api.delete(accountPath(HOSTED, "dave@acme.example"))).body;
    const during = (await api.get(accountPath(HOSTED, "dave@acme.example"))).body;
    expect(during.taskPendingId).toBe(task.id);
    const second = await api.delete(accountPath(HOSTED, "dave@acme.example"));
    expect(second.status).toBe(409);
    expect((await waitForTask(api, HOSTED, task.id)).status).toBe("done");
  });

  it("refuses to delete an unconfigured (blank) account", async () => {
    const api = await start();
    const [blank] = await blanks(api);
    const reply = await api.delete(accountPath(HOSTED, blank.primaryEmailAddress));
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/unconfigured/);
  });

  it("configures a blank account with a PUT of login and domain", async () => {
    const api = await start();
    const blank = (await blanks(api)).find((account) => account.accountLicense === "standard");
    const reply = await api.put(accountPath(HOSTED, blank.primaryEmailAddress), {
      login: "Grace",
      domain: "acme.example",
      displayName: "Grace Hopper",
    });
    expect(reply.status).toBe(200);
    expect((await api.get(accountPath(HOSTED, blank.primaryEmailAddress))).status).toBe(404);
    const configured = (await api.get(accountPath(HOSTED, "grace@acme.example"))).body;
    expect(configured).toMatchObject({
      id: blank.id,
      primaryEmailAddress: "grace@acme.example",
      configured: true,
      displayName: "Grace Hopper",
      accountLicense: "standard",
      expirationDate: blank.expirationDate,
    });
  });

  it("refuses to configure onto a domain not attached, or onto a used address", async () => {
    const api = await start();
    const [blank] = await blanks(api);
    const foreign = await api.put(accountPath(HOSTED, blank.primaryEmailAddress), {
      login: "grace",
      domain: "elsewhere.example",
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toMatch(/not attached/);
    const used = await api.put(accountPath(HOSTED, blank.primaryEmailAddress), {
      login: "alice",
      domain: "acme.example",
    });
    expect(used.status).toBe(400);
    expect(used.body.message).toMatch(/already used/);
    expect((await api.get(accountPath(HOSTED, blank.primaryEmailAddress))).body.configured).toBe(false);
  });

  it("accepts a licence and a display name in the same PUT, ignoring read-only fields", async () => {
    const api = await start();
    const before = (await api.get(accountPath(HOSTED, "erin@acme.example"))).body;
    await api.put(
      accountPath(HOSTED, "erin@acme.example"),
      {
        accountLicense: "enterprise",
        displayName: "Erin Leroy-Petit",
        expirationDate: "2000-01-01T00:00:00+01:00",
        configured: false,
      },
      { offSchema: true },
    );
    const after = (await api.get(accountPath(HOSTED, "erin@acme.example"))).body;
    expect(after).toMatchObject({
      accountLicense: "enterprise",
      displayName: "Erin Leroy-Petit",
      configured: true,
    });
    expect(after.expirationDate).toBe(before.expirationDate);
  });

  it("answers 404 with OVHcloud's error shape for an unknown account", async () => {
    const api = await start();
    const reply = await api.get(accountPath(HOSTED, "nobody@acme.example"));
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      class: "Client::NotFound",
      message: expect.stringContaining("nobody@acme.example"),
    });
  });

  it("finds accounts whatever the case of the address in the path", async () => {
    const api = await start();
    const reply = await api.get(accountPath(HOSTED, "Alice@ACME.example"));
    expect(reply.status).toBe(200);
    expect(reply.body.primaryEmailAddress).toBe("alice@acme.example");
  });

  it("filters the account list by licence and by address pattern", async () => {
    const api = await start();
    const enterprise: string[] = (await api.get(`${servicePath(HOSTED)}/account?accountLicense=enterprise`))
      .body;
    expect(enterprise).toContain("ceo@acme.example");
    for (const id of enterprise)
      expect((await api.get(accountPath(HOSTED, id))).body.accountLicense).toBe("enterprise");
    const blanksOnly: string[] = (
      await api.get(
        `${servicePath(HOSTED)}/account?primaryEmailAddress=${encodeURIComponent("%@configureme.me")}`,
      )
    ).body;
    expect(blanksOnly).toHaveLength(2);
  });
});

describe("expiry, by the business clock, applied on read", () => {
  it("H2: an account past its expiry is renewed for one more period of its renewPeriod", async () => {
    const clock = new Clock();
    const api = await start({ now: clock.now });
    const bob = (await api.get(accountPath(HOSTED, "bob@acme.example"))).body; // monthly, expires in 12 days
    expect(bob.expirationDate).toBe("2026-12-08T00:00:00+01:00");
    clock.advanceDays(13);
    const renewed = (await api.get(accountPath(HOSTED, "bob@acme.example"))).body;
    expect(renewed.expirationDate).toBe("2027-01-08T00:00:00+01:00");
  });

  it("H3: a period changed before the expiry applies at the expiry", async () => {
    const clock = new Clock();
    const api = await start({ now: clock.now });
    await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
    clock.advanceDays(13);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.expirationDate).toBe(
      "2027-12-08T00:00:00+01:00",
    );
  });

  it("H4: an account set to expire is gone after its expiry, and not before", async () => {
    const clock = new Clock();
    const api = await start({ now: clock.now });
    const carol = (await api.get(accountPath(HOSTED, "carol@acme.example"))).body;
    expect(carol.deleteAtExpiration).toBe(true);
    clock.current = new Date(Date.parse(carol.expirationDate) - 1000);
    expect((await api.get(accountPath(HOSTED, "carol@acme.example"))).status).toBe(200);
    clock.current = new Date(Date.parse(carol.expirationDate));
    expect((await api.get(accountPath(HOSTED, "carol@acme.example"))).status).toBe(404);
    expect((await api.get(`${servicePath(HOSTED)}/account`)).body).not.toContain("carol@acme.example");
  });
});

describe("orders are Hosted only", () => {
  it("H1: the durations are 01 and 12", async () => {
    const api = await start();
    const reply = await api.get(`${orderPath(HOSTED)}?licence=basic&number=2`);
    expect(reply.body).toEqual(["01", "12"]);
  });
});
