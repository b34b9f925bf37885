import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, ORG, servicePath, TestClient, waitForTask } from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<TestClient> {
  const opened = await openSandbox(options);
  sandbox = opened.sandbox;
  return opened.api;
}

async function blank(api: TestClient): Promise<string> {
  const ids: string[] = (
    await api.get(`${servicePath(HOSTED)}/account?primaryEmailAddress=%25configureme.me%25`)
  ).body;
  for (const id of ids) {
    const account = (await api.get(accountPath(HOSTED, id))).body;
    if (account.state === "ok" && account.taskPendingId === 0) return id;
  }
  throw new Error("no idle blank in the demo seed");
}

describe("POST …/account/{email}/changePassword", () => {
  it("answers a changePassword task and records the password for tests, in memory only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "exrec-password-"));
    try {
      const stateFile = join(dir, "state.json");
      const api = await start({ stateFile });
      const address = await blank(api);
      const configured = await api.put(accountPath(HOSTED, address), {
        login: "newcomer",
        domain: "acme.example",
      });
      expect(configured.status).toBe(200);
      const task = await api.post(`${accountPath(HOSTED, "newcomer@acme.example")}/changePassword`, {
        password: "Tr0ub4dor&3-unique",
      });
      expect(task.status).toBe(200);
      expect(task.body).toMatchObject({ function: "changePassword", status: "todo" });
      expect((await waitForTask(api, HOSTED, task.body.id)).status).toBe("done");
      expect(sandbox!.passwordChanges()).toEqual([
        {
          organization: ORG,
          service: HOSTED,
          primaryEmailAddress: "newcomer@acme.example",
          password: "Tr0ub4dor&3-unique",
          taskId: task.body.id,
        },
      ]);
      // What a log-in would check follows the new password.
      expect(sandbox!.passwordMatches(ORG, HOSTED, "newcomer@acme.example", "Tr0ub4dor&3-unique")).toBe(true);
      const base = sandbox!.url.replace(/\/1\.0$/, "");
      const listed = await (await fetch(`${base}/_sandbox/password-changes`)).json();
      expect(listed).toHaveLength(1);
      // Neither the state file nor the stats hold it.
      expect(readFileSync(stateFile, "utf8")).not.toContain("Tr0ub4dor");
      expect(JSON.stringify(sandbox!.stats)).not.toContain("Tr0ub4dor");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a body without a password, and an account with a task running", async () => {
    const api = await start({ taskDelayMs: 2000 });
    const address = await blank(api);
    const missing = await api.post(`${accountPath(HOSTED, address)}/changePassword`, {}, { offSchema: true });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ class: "Client::BadRequest" });
    const first = await api.post(`${accountPath(HOSTED, address)}/changePassword`, { password: "One-1111" });
    expect(first.status).toBe(200);
    const second = await api.post(`${accountPath(HOSTED, address)}/changePassword`, { password: "Two-2222" });
    expect(second.status).toBe(409);
    expect(sandbox!.passwordChanges().map((c) => c.password)).toEqual(["One-1111"]);
  });

  it("answers 404 for an account that does not exist", async () => {
    const api = await start();
    const reply = await api.post(`${accountPath(HOSTED, "nobody@acme.example")}/changePassword`, {
      password: "Whatever-1",
    });
    expect(reply.status).toBe(404);
    expect(sandbox!.passwordChanges()).toEqual([]);
  });
});
