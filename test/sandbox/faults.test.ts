import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import {
  accountPath,
  HOSTED,
  openSandbox,
  orderPath,
  PRIVATE,
  servicePath,
  TestClient,
  waitForTask,
} from "./helpers.js";

let sandbox: Sandbox;
let api: TestClient;
afterEach(() => sandbox.close());

async function start(options: Parameters<typeof openSandbox>[0] = {}): Promise<void> {
  // Payments here use the fidelity account, which pays any order in the older payment mode.
  ({ sandbox, api } = await openSandbox({
    ...options,
    answers: { legacyPaymentMeans: true, ...options.answers },
  }));
}

describe("faults", () => {
  it("429: answers Too Many Requests with Retry-After, the given number of times", async () => {
    await start();
    sandbox.addFault({ kind: "429", path: "/account", retryAfterSeconds: 7, times: 2 });
    const first = await api.get(`${servicePath(HOSTED)}/account`);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect((await api.get(`${servicePath(HOSTED)}/account`)).status).toBe(429);
    expect((await api.get(`${servicePath(HOSTED)}/account`)).status).toBe(200);
  });

  it("matches only the requests its method and path select", async () => {
    await start();
    sandbox.addFault({ kind: "500", method: "PUT", path: /\/account\/[^/]+$/ });
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).status).toBe(200);
    expect((await api.get(`${servicePath(HOSTED)}/domain`)).status).toBe(200);
    expect((await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" })).status).toBe(
      500,
    );
    // Until cleared (no `times`).
    expect((await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" })).status).toBe(
      500,
    );
    sandbox.clearFaults();
    expect((await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" })).status).toBe(
      200,
    );
  });

  it("500: answers a server error without doing anything", async () => {
    await start();
    sandbox.addFault({ kind: "500", method: "PUT", times: 1 });
    const reply = await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
    expect(reply.status).toBe(500);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("monthly");
    expect(sandbox.stats.writes).toEqual([
      {
        method: "PUT",
        path: `/email/exchange/hosted-ab12345-1/service/${HOSTED}/account/bob@acme.example`,
        status: 500,
      },
    ]);
  });

  it("effect-then-500: does the work, then answers 500", async () => {
    await start();
    sandbox.addFault({ kind: "effect-then-500", method: "PUT", times: 1 });
    const reply = await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
    expect(reply.status).toBe(500);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("yearly");
  });

  it("drop: closes the connection without an answer, doing nothing", async () => {
    await start();
    sandbox.addFault({ kind: "drop", method: "PUT", times: 1 });
    await expect(
      api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" }),
    ).rejects.toThrow();
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("monthly");
  });

  it("slow: waits before handling", async () => {
    await start();
    sandbox.addFault({ kind: "slow", path: "/domain", delayMs: 400, times: 1 });
    const started = Date.now();
    const reply = await api.get(`${servicePath(HOSTED)}/domain`);
    expect(reply.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("hold: the request waits, unanswered and with no effect, until released; then it is handled", async () => {
    await start();
    sandbox.addFault({ kind: "hold", method: "PUT", times: 1 });
    const put = api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" });
    let answered = false;
    void put.then(() => (answered = true));
    // Counted on arrival: once it is there, other requests are answered while it waits.
    while ((sandbox.stats.byRoute["PUT /email/exchange/{org}/service/{svc}/account/{email}"] ?? 0) === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("monthly");
    expect(answered).toBe(false);
    expect(sandbox.stats.writes).toEqual([]);
    expect(sandbox.releaseHeld()).toBe(1);
    expect((await put).status).toBe(200);
    expect((await api.get(accountPath(HOSTED, "bob@acme.example"))).body.renewPeriod).toBe("yearly");
    expect(sandbox.releaseHeld()).toBe(0);
  });

  it("hold: a request still held when the sandbox closes is dropped, doing nothing, and does not keep it open", async () => {
    await start();
    sandbox.addFault({ kind: "hold", method: "PUT", times: 1 });
    const put = api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "yearly" }).then(
      () => "answered",
      () => "dropped",
    );
    while ((sandbox.stats.byRoute["PUT /email/exchange/{org}/service/{svc}/account/{email}"] ?? 0) === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const state = sandbox.snapshot();
    await sandbox.close();
    expect(await put).toBe("dropped");
    expect(sandbox.snapshot()).toEqual(state);
    await start(); // for afterEach, which closes the sandbox of each test
  });

  it("task-error: the task ends in error and the change is not made (Private add)", async () => {
    await start();
    sandbox.addFault({ kind: "task-error", method: "POST", times: 1 });
    const task = await api.post(`${servicePath(PRIVATE)}/account`, {
      domain: "globex.example",
      login: "nina",
      license: "basic",
      password: "pw-123456",
    });
    expect(task.status).toBe(200);
    expect((await waitForTask(api, PRIVATE, task.body.id)).status).toBe("error");
    expect((await api.get(accountPath(PRIVATE, "nina@globex.example"))).status).toBe(404);
  });

  it("task-error: a failed reset leaves the account as it was", async () => {
    await start();
    sandbox.addFault({ kind: "task-error", method: "DELETE", times: 1 });
    const task = await api.delete(accountPath(HOSTED, "dave@acme.example"));
    expect((await waitForTask(api, HOSTED, task.body.id)).status).toBe("error");
    expect((await api.get(accountPath(HOSTED, "dave@acme.example"))).body).toMatchObject({
      configured: true,
      taskPendingId: 0,
      state: "ok",
    });
  });

  it("never-deliver: the order is paid but stays delivering", async () => {
    await start();
    sandbox.addFault({ kind: "never-deliver", path: "/order/email", times: 1 });
    const before: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    const orderId = (await api.post(`${orderPath(HOSTED)}/01`, { licence: "basic", number: 1 })).body.orderId;
    expect(
      (
        await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
          paymentMean: "fidelityAccount",
        })
      ).status,
    ).toBe(200);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("delivering");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("delivering");
    expect((await api.get(`${servicePath(HOSTED)}/account`)).body).toEqual(before);
  });
});

describe("latency and concurrency", () => {
  it("adds latencyMs to every request under /1.0", async () => {
    // A request under this latency can never take less than it; without it, a loopback request
    // stays far below it even on a loaded machine.
    const latencyMs = 1000;
    await start({ latencyMs });
    const started = Date.now();
    await api.get("/email/exchange");
    expect(Date.now() - started).toBeGreaterThanOrEqual(latencyMs - 5);
    sandbox.setLatency(0);
    const again = Date.now();
    await api.get("/email/exchange");
    expect(Date.now() - again).toBeLessThan(latencyMs - 5);
  });

  it("counts the most requests in flight at once", async () => {
    await start({ latencyMs: 200 });
    await Promise.all(Array.from({ length: 6 }, () => api.get("/email/exchange")));
    expect(sandbox.stats.maxInFlight).toBe(6);
    sandbox.resetStats();
    await api.get("/email/exchange");
    await api.get("/email/exchange");
    expect(sandbox.stats.maxInFlight).toBe(1);
  });

  it("counts requests by route pattern, and logs every write with its status", async () => {
    await start();
    await api.get(accountPath(HOSTED, "alice@acme.example"));
    await api.get(accountPath(HOSTED, "bob@acme.example"));
    await api.put(accountPath(HOSTED, "bob@acme.example"), { renewPeriod: "weekly" }, { offSchema: true });
    expect(sandbox.stats.byRoute).toEqual({
      "GET /email/exchange/{org}/service/{svc}/account/{email}": 2,
      "PUT /email/exchange/{org}/service/{svc}/account/{email}": 1,
    });
    expect(sandbox.stats.total).toBe(3);
    expect(sandbox.stats.writes).toEqual([
      {
        method: "PUT",
        path: `/email/exchange/hosted-ab12345-1/service/${HOSTED}/account/bob@acme.example`,
        status: 400,
      },
    ]);
  });
});
