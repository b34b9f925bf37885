import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import {
  accountPath,
  openSandbox,
  orderPath,
  PRIVATE,
  servicePath,
  TestClient,
  waitForTask,
} from "./helpers.js";

const PASSWORD = "S3cret-pass-Never-Shown";
const newAccount = {
  domain: "globex.example",
  login: "nina",
  license: "basic",
  password: PASSWORD,
  displayName: "Nina Rousseau",
};

let folder: string;
let sandbox: Sandbox | undefined;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "exrec-sandbox-private-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof openSandbox>[0] = {}): Promise<TestClient> {
  const opened = await openSandbox(options);
  sandbox = opened.sandbox;
  return opened.api;
}

describe("Private accounts", () => {
  it("P1: refuses a renewPeriod PUT, and reads renewPeriod as null", async () => {
    const api = await start();
    const ivan = (await api.get(accountPath(PRIVATE, "ivan@globex.example"))).body;
    expect(ivan.renewPeriod).toBeNull();
    const reply = await api.put(accountPath(PRIVATE, "ivan@globex.example"), { renewPeriod: "monthly" });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/monthly/);
    expect((await api.get(accountPath(PRIVATE, "ivan@globex.example"))).body.renewPeriod).toBeNull();
  });

  it("P2: POST …/account adds an account through an addAccount task, creating until it is done", async () => {
    const api = await start({ taskDelayMs: 1500 });
    const task = await api.post(`${servicePath(PRIVATE)}/account`, newAccount);
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ function: "addAccount", status: "todo" });
    const creating = (await api.get(accountPath(PRIVATE, "nina@globex.example"))).body;
    expect(creating).toMatchObject({
      state: "creating",
      taskPendingId: task.body.id,
      accountLicense: "basic",
      displayName: "Nina Rousseau",
    });
    expect((await waitForTask(api, PRIVATE, task.body.id)).status).toBe("done");
    const added = (await api.get(accountPath(PRIVATE, "nina@globex.example"))).body;
    expect(added).toMatchObject({ state: "ok", taskPendingId: 0, configured: true, renewPeriod: null });
  });

  it("P2: never keeps nor echoes the password", async () => {
    const stateFile = join(folder, "password.json");
    const api = await start({ stateFile });
    const task = await api.post(`${servicePath(PRIVATE)}/account`, newAccount);
    expect(JSON.stringify(task.body)).not.toContain(PASSWORD);
    await waitForTask(api, PRIVATE, task.body.id);
    const account = await api.get(accountPath(PRIVATE, "nina@globex.example"));
    expect(JSON.stringify(account.body)).not.toContain(PASSWORD);
    expect(readFileSync(stateFile, "utf8")).not.toContain(PASSWORD);
    expect(JSON.stringify(sandbox?.snapshot())).not.toContain(PASSWORD);
  });

  it.each([
    ["an unknown licence", { license: "platinum" }, /license/],
    ["a domain not attached to the platform", { domain: "acme.example" }, /not attached/],
    ["an address already used", { login: "judy" }, /already used/],
    ["a missing password", { password: undefined }, /password/],
    ["a missing login", { login: undefined }, /login/],
  ])("P2: refuses %s with 400 and adds nothing", async (_what, override, message) => {
    const api = await start();
    const before: string[] = (await api.get(`${servicePath(PRIVATE)}/account`)).body;
    const reply = await api.post(
      `${servicePath(PRIVATE)}/account`,
      { ...newAccount, ...override },
      { offSchema: true },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.class).toBe("Client::BadRequest");
    expect(reply.body.message).toMatch(message);
    expect(JSON.stringify(reply.body)).not.toContain(PASSWORD);
    expect((await api.get(`${servicePath(PRIVATE)}/account`)).body).toEqual(before);
  });

  it("P3: DELETE removes the account through a deleteAccount task", async () => {
    const api = await start();
    const task = await api.delete(accountPath(PRIVATE, "judy@globex.example"));
    expect(task.body).toMatchObject({ function: "deleteAccount" });
    expect((await waitForTask(api, PRIVATE, task.body.id)).status).toBe("done");
    expect((await api.get(accountPath(PRIVATE, "judy@globex.example"))).status).toBe(404);
    expect((await api.get(`${servicePath(PRIVATE)}/account`)).body).not.toContain("judy@globex.example");
    // No blank account is left behind on a Private platform.
    expect(
      (await api.get(`${servicePath(PRIVATE)}/account`)).body.some((id: string) =>
        id.endsWith("@configureme.me"),
      ),
    ).toBe(false);
  });

  it("P3: the account reads `deleting` while its deletion runs", async () => {
    const api = await start({ taskDelayMs: 1500 });
    const task = await api.delete(accountPath(PRIVATE, "judy@globex.example"));
    expect((await api.get(accountPath(PRIVATE, "judy@globex.example"))).body).toMatchObject({
      state: "deleting",
      taskPendingId: task.body.id,
    });
    await waitForTask(api, PRIVATE, task.body.id);
    expect((await api.get(accountPath(PRIVATE, "judy@globex.example"))).status).toBe(404);
  });

  it("P3: there is no termination at expiry on Private platforms", async () => {
    const api = await start();
    expect(
      (await api.put(accountPath(PRIVATE, "ivan@globex.example"), { deleteAtExpiration: true })).status,
    ).toBe(400);
    expect((await api.post(`${accountPath(PRIVATE, "ivan@globex.example")}/terminate`)).status).toBe(400);
  });

  it("accepts a licence change on a Private account", async () => {
    const api = await start();
    expect(
      (await api.put(accountPath(PRIVATE, "ivan@globex.example"), { accountLicense: "standard" })).status,
    ).toBe(200);
    expect((await api.get(accountPath(PRIVATE, "ivan@globex.example"))).body.accountLicense).toBe("standard");
  });

  it("refuses to order accounts for a Private platform", async () => {
    const api = await start();
    expect((await api.get(`${orderPath(PRIVATE)}?licence=basic&number=1`)).status).toBe(400);
    expect((await api.post(`${orderPath(PRIVATE)}/01`, { licence: "basic", number: 1 })).status).toBe(400);
  });

  it("refuses writes to the account being created (the demo's transitional account)", async () => {
    const api = await start();
    const oscar = (await api.get(accountPath(PRIVATE, "oscar@globex.example"))).body;
    expect(oscar.state).toBe("creating");
    expect(oscar.taskPendingId).not.toBeNull();
    const reply = await api.put(accountPath(PRIVATE, "oscar@globex.example"), { displayName: "O." });
    expect(reply.status).toBe(409);
    expect(reply.body.class).toBe("Client::Conflict");
  });
});
