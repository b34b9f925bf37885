import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSeed, seedState } from "../../provider/sandbox/seed.js";
import { startSandbox } from "../../provider/sandbox/server.js";
import { loadState, StateFileWriter } from "../../provider/sandbox/state-file.js";
import { accountPath, HOSTED, NOW, PRIVATE, servicePath, TestClient, waitForTask } from "./helpers.js";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "exrec-sandbox-state-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const now = () => NOW;

describe("the state file", () => {
  it("is created from the seed when absent", async () => {
    const file = join(folder, "fresh", "sandbox.json");
    const sandbox = await startSandbox({ stateFile: file, seed: { kind: "demo" }, now });
    await sandbox.close();
    const document = JSON.parse(readFileSync(file, "utf8"));
    expect(document.seed).toBe("demo");
    expect(document.organizations.map((o: any) => o.name)).toEqual(["hosted-ab12345-1"]);
  });

  it("is written atomically after a change (a new file renamed into place), and not after reads", async () => {
    const file = join(folder, "atomic.json");
    const sandbox = await startSandbox({ stateFile: file, seed: { kind: "demo" }, now });
    const api = new TestClient(sandbox.url);
    try {
      const seeded = statSync(file);
      await api.get(`${servicePath(HOSTED)}/account`);
      await api.get(accountPath(HOSTED, "bob@acme.example"));
      await api.put(
        accountPath(HOSTED, "bob@acme.example"),
        { renewPeriod: "sometimes" },
        { offSchema: true },
      ); // refused: no change
      const afterReads = statSync(file);
      expect(afterReads.ino).toBe(seeded.ino);
      expect(afterReads.mtimeMs).toBe(seeded.mtimeMs);

      await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
      const afterWrite = statSync(file);
      // A rename puts a new inode in place; an in-place rewrite would keep the old one.
      expect(afterWrite.ino).not.toBe(seeded.ino);
      expect(readdirSync(folder).filter((name) => name.includes(".tmp"))).toEqual([]);
      const bob = JSON.parse(readFileSync(file, "utf8"))
        .organizations[0].services.find((s: any) => s.name === HOSTED)
        .accounts.find((a: any) => a.login === "bob");
      expect(bob.renewPeriod).toBe("yearly");
    } finally {
      await sandbox.close();
    }
  });

  it("is loaded when present, rather than seeded again", async () => {
    const file = join(folder, "reload.json");
    const first = await startSandbox({ stateFile: file, seed: { kind: "demo" }, now });
    const api = new TestClient(first.url);
    await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
    const task = await api.delete(accountPath(PRIVATE, "judy@globex.example"));
    await waitForTask(api, PRIVATE, task.body.id);
    // Every kind of task the sandbox makes is written to the file and read back.
    const password = await api.post(`${accountPath(HOSTED, "bob@acme.example")}/changePassword`, {
      password: "a-new-Passw0rd",
    });
    expect(password.body.function).toBe("changePassword");
    await waitForTask(api, HOSTED, password.body.id);
    await first.close();

    const second = await startSandbox({ stateFile: file, seed: { kind: "empty" }, now });
    const again = new TestClient(second.url);
    try {
      expect((await again.get("/email/exchange")).body).toEqual(["hosted-ab12345-1"]);
      expect((await again.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("yearly");
      expect((await again.get(accountPath(PRIVATE, "judy@globex.example"))).status).toBe(404);
      expect((await again.get(`${servicePath(PRIVATE)}/task/${task.body.id}`)).body.status).toBe("done");
      expect((await again.get(`${servicePath(HOSTED)}/task/${password.body.id}`)).body).toMatchObject({
        function: "changePassword",
        status: "done",
      });
      // The demo's transitional account is still waiting after a reload.
      expect((await again.get(accountPath(PRIVATE, "oscar@globex.example"))).body.state).toBe("creating");
    } finally {
      await second.close();
    }
  });

  it("refuses a file that is not JSON, naming the file", async () => {
    const file = join(folder, "garbage.json");
    writeFileSync(file, "{ not json");
    await expect(startSandbox({ stateFile: file, now })).rejects.toThrow(/garbage\.json.*not JSON/);
  });

  it("refuses a file of the wrong shape, naming the file and the field", async () => {
    const file = join(folder, "shape.json");
    const good = join(folder, "good.json");
    const sandbox = await startSandbox({ stateFile: good, seed: { kind: "demo" }, now });
    await sandbox.close();
    const document = JSON.parse(readFileSync(good, "utf8"));
    document.organizations[0].services[0].accounts[3].accountLicense = "platinum";
    writeFileSync(file, JSON.stringify(document));
    await expect(startSandbox({ stateFile: file, now })).rejects.toThrow(
      /shape\.json.*accounts\[3\]\.accountLicense/,
    );
    writeFileSync(file, JSON.stringify({ hello: "world" }));
    await expect(startSandbox({ stateFile: file, now })).rejects.toMatchObject({
      code: "EXREC_SANDBOX_STATE_FILE",
      file,
    });
  });
});

describe("the state file of a fleet", () => {
  it("keeps every change across reloads when written compact (above 2000 accounts)", async () => {
    const file = join(folder, "fleet.json");
    const first = await startSandbox({ stateFile: file, seed: parseSeed("fleet:3x800"), now });
    const api = new TestClient(first.url);
    const hosted = "fleet-hosted-001";
    const priv = "fleet-private-002";
    expect(
      (await api.put(accountPath(hosted, "user00007@fleet001.example", hosted), { displayName: "Changed" }))
        .status,
    ).toBe(200);
    const task = await api.delete(accountPath(priv, "user00009@fleet002.example", priv));
    expect((await waitForTask(api, priv, task.body.id, priv)).status).toBe("done");
    expect(
      (await api.put(accountPath(hosted, "user00008@fleet001.example", hosted), { renewPeriod: "monthly" }))
        .status,
    ).toBe(200);
    await first.close();
    expect(readFileSync(file, "utf8").split("\n").length).toBeLessThanOrEqual(2);

    const second = await startSandbox({ stateFile: file, now });
    const again = new TestClient(second.url);
    try {
      expect(
        (await again.get(accountPath(hosted, "user00007@fleet001.example", hosted))).body.displayName,
      ).toBe("Changed");
      expect(
        (await again.get(accountPath(hosted, "user00008@fleet001.example", hosted))).body.renewPeriod,
      ).toBe("monthly");
      expect((await again.get(accountPath(priv, "user00009@fleet002.example", priv))).status).toBe(404);
      expect((await again.get(`${servicePath(priv, priv)}/account`)).body).toHaveLength(799);
      expect(
        (await again.get(`${servicePath("fleet-hosted-003", "fleet-hosted-003")}/account`)).body,
      ).toHaveLength(800);
    } finally {
      await second.close();
    }
  });

  it("re-serializes only the services a change touched", () => {
    const file = join(folder, "writer.json");
    const state = seedState({ kind: "fleet", platforms: 40, accounts: 1000 }, NOW);
    const writer = new StateFileWriter(file);
    writer.save(state, null);
    const service = state.organizations.get("fleet-hosted-003")?.get("fleet-hosted-003");
    const account = service?.accounts.get("user00042@fleet003.example");
    if (!service || !account) throw new Error("the fleet seed changed");
    account.displayName = "Only this changed";
    // Counted, not timed: one service serialised anew, the 39 others taken from the cache.
    writer.save(state, new Set([service]));
    expect(writer.serializedByLastSave).toBe(1);
    writer.save(state, null);
    expect(writer.serializedByLastSave).toBe(40);
    account.displayName = "And again";
    writer.save(state, new Set([service]));
    const reloaded = loadState(file);
    expect(
      reloaded?.organizations
        .get("fleet-hosted-003")
        ?.get("fleet-hosted-003")
        ?.accounts.get("user00042@fleet003.example")?.displayName,
    ).toBe("And again");
    let count = 0;
    for (const services of reloaded?.organizations.values() ?? [])
      for (const s of services.values()) count += s.accounts.size;
    expect(count).toBe(40_000);
  });
});
