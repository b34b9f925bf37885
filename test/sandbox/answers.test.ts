import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import {
  accountPath,
  HOSTED,
  openSandbox,
  orderPath,
  servicePath,
  TestClient,
  waitForTask,
} from "./helpers.js";
import { first } from "../support/items.js";

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

async function firstIdleAccount(api: TestClient): Promise<any> {
  const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
  for (const id of ids) {
    const account = (await api.get(accountPath(HOSTED, id))).body;
    if (account.state === "ok" && (account.taskPendingId === null || account.taskPendingId === 0))
      return account;
  }
  throw new Error("no idle account in the demo seed");
}

describe("taskPendingId of an idle account", () => {
  it("reads 0 by default, and null in the older mode", async () => {
    const api = await start();
    expect((await firstIdleAccount(api)).taskPendingId).toBe(0);
    sandbox!.setAnswerModes({ idleTaskPendingId: null });
    expect((await firstIdleAccount(api)).taskPendingId).toBeNull();
  });

  it("reads 0 by default, as in OVHcloud's examples", async () => {
    const { startSandbox } = await import("../../provider/sandbox/server.js");
    const bare = await startSandbox({ stateFile: null, seed: { kind: "demo" } });
    try {
      expect(bare.setAnswerModes({})).toMatchObject({
        idleTaskPendingId: 0,
        detailQuantity: "string",
        legacyPaymentMeans: false,
      });
    } finally {
      await bare.close();
    }
  });

  it("reads 0 when asked, as in OVHcloud's examples, and the task id while one runs", async () => {
    const api = await start({ answers: { idleTaskPendingId: 0 }, taskDelayMs: 300 });
    const account = await firstIdleAccount(api);
    expect(account.taskPendingId).toBe(0);
    // An account reading 0 is idle: writes on it are accepted.
    const task = await api.post(`${accountPath(HOSTED, account.primaryEmailAddress)}/changePassword`, {
      password: "Correct-Horse-9",
    });
    expect(task.status).toBe(200);
    const busy = (await api.get(accountPath(HOSTED, account.primaryEmailAddress))).body;
    expect(busy.taskPendingId).toBe(task.body.id);
    await waitForTask(api, HOSTED, task.body.id);
    expect((await api.get(accountPath(HOSTED, account.primaryEmailAddress))).body.taskPendingId).toBe(0);
  });

  it("switches through the control API while running", async () => {
    const api = await start();
    const base = sandbox!.url.replace(/\/1\.0$/, "");
    const reply = await fetch(`${base}/_sandbox/answers`, {
      method: "PUT",
      body: JSON.stringify({ idleTaskPendingId: null }),
    });
    expect(((await reply.json()) as { idleTaskPendingId: unknown }).idleTaskPendingId).toBeNull();
    expect((await firstIdleAccount(api)).taskPendingId).toBeNull();
    const bad = await fetch(`${base}/_sandbox/answers`, {
      method: "PUT",
      body: JSON.stringify({ idleTaskPendingId: 7 }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("billing.OrderDetail and nullable prices", () => {
  async function placedOrder(api: TestClient): Promise<{ orderId: number; detailId: number }> {
    const placed = await api.post(`${orderPath(HOSTED)}/12`, { licence: "standard", number: 3 });
    const orderId = placed.body.orderId as number;
    const detailId = first((await api.get(`/me/order/${orderId}/details`)).body as number[], "detail");
    return { orderId, detailId };
  }

  it("answers a detail as billing.OrderDetail: orderDetailId, cancelled, a string quantity", async () => {
    const api = await start({ answers: { detailQuantity: "string" } });
    const { orderId, detailId } = await placedOrder(api);
    const detail = (await api.get(`/me/order/${orderId}/details/${detailId}`)).body;
    expect(detail.quantity).toBe("3");
    expect(detail.cancelled).toBe(false);
    expect(detail.orderDetailId).toBe(detailId);
    // Fields of the quote's order.OrderDetail that billing.OrderDetail does not have.
    expect(detail).not.toHaveProperty("reductions");
    expect(detail).not.toHaveProperty("cartItemID");
  });

  it("answers priceInUcents and billing.Order.date as null when asked, keeping value", async () => {
    const api = await start({ answers: { nullPrices: true } });
    const quote = (await api.get(`${orderPath(HOSTED)}/12?licence=basic&number=1`)).body;
    expect(quote.prices.withTax.priceInUcents).toBeNull();
    expect(typeof quote.prices.withTax.value).toBe("number");
    const { orderId, detailId } = await placedOrder(api);
    const order = (await api.get(`/me/order/${orderId}`)).body;
    expect(order.date).toBeNull();
    expect(order.priceWithTax.priceInUcents).toBeNull();
    expect(order.priceWithTax.value).toBeGreaterThan(0);
    const detail = (await api.get(`/me/order/${orderId}/details/${detailId}`)).body;
    expect(detail.totalPrice.priceInUcents).toBeNull();
  });
});

describe("storageQuota", () => {
  it("is accepted on the quote and the order, and sizes the delivered mailboxes", async () => {
    const api = await start();
    const quote = await api.get(`${orderPath(HOSTED)}/01?licence=basic&number=1&storageQuota=300`);
    expect(quote.status).toBe(200);
    const placed = await api.post(`${orderPath(HOSTED)}/01`, {
      licence: "basic",
      number: 1,
      storageQuota: "300",
    });
    expect(placed.status).toBe(200);
    const before: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    await api.post(`/me/order/${placed.body.orderId}/pay`, { paymentMethod: { id: 1 } });
    const after: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    const delivered = after.filter((id) => !before.includes(id));
    expect(delivered).toHaveLength(1);
    expect((await api.get(accountPath(HOSTED, first(delivered, "delivered account")))).body.quota).toBe(300);
  });

  it("refuses a value outside the enum on the quote and the order", async () => {
    const api = await start();
    const offSchema = { offSchema: true };
    const quote = await api.get(`${orderPath(HOSTED)}/01?licence=basic&number=1&storageQuota=70`, offSchema);
    expect(quote.status).toBe(400);
    const placed = await api.post(
      `${orderPath(HOSTED)}/01`,
      { licence: "basic", number: 1, storageQuota: 50 },
      offSchema,
    );
    expect(placed.status).toBe(400);
  });
});

describe("X-Ovh-QueryID", () => {
  it("is on every answer, errors included, and differs from one answer to the next", async () => {
    const api = await start();
    const ok = await api.get("/email/exchange");
    const missing = await api.get(servicePath("no-such-service"));
    const refused = await api.get("/email/exchange", { tamper: true });
    const ids = [ok, missing, refused].map((reply) => reply.headers.get("x-ovh-queryid"));
    for (const id of ids) expect(id).toMatch(/\S+/);
    expect(new Set(ids).size).toBe(3);
    expect(missing.body).toMatchObject({ class: "Client::NotFound" });
    expect(refused.body).toMatchObject({ errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request" });
  });
});
