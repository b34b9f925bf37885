import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import { HOSTED, openSandbox, orderPath, TestClient } from "./helpers.js";

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

async function placeOrder(api: TestClient): Promise<number> {
  const placed = await api.post(`${orderPath(HOSTED)}/12`, { licence: "basic", number: 1 });
  expect(placed.status).toBe(200);
  return placed.body.orderId as number;
}

describe("payment methods", () => {
  it("lists the default payment method's id, and reads it as me.payment.PaymentMethod", async () => {
    const api = await start();
    const ids = await api.get("/me/payment/method?default=true");
    expect(ids.status).toBe(200);
    expect(ids.body).toEqual([1]);
    const method = await api.get("/me/payment/method/1");
    expect(method.body).toMatchObject({ paymentMethodId: 1, default: true, status: "VALID" });
    expect((await api.get("/me/payment/method/2")).status).toBe(404);
  });

  it("has no default payment method once switched off, and one again once switched on", async () => {
    const api = await start();
    sandbox!.setDefaultPaymentMethod(false);
    expect((await api.get("/me/payment/method?default=true")).body).toEqual([]);
    expect((await api.get("/me/payment/method")).body).toEqual([1]);
    expect((await api.get("/me/payment/method/1")).body.default).toBe(false);
    sandbox!.setDefaultPaymentMethod(true);
    expect((await api.get("/me/payment/method?default=true")).body).toEqual([1]);
  });

  it("switches through the control API too", async () => {
    const api = await start();
    const base = sandbox!.url.replace(/\/1\.0$/, "");
    const off = await fetch(`${base}/_sandbox/payment-method`, {
      method: "PUT",
      body: JSON.stringify({ default: false }),
    });
    expect(off.status).toBe(200);
    expect((await api.get("/me/payment/method?default=true")).body).toEqual([]);
    const bad = await fetch(`${base}/_sandbox/payment-method`, { method: "PUT", body: "{}" });
    expect(bad.status).toBe(400);
  });

  it("refuses a default filter that is not a boolean", async () => {
    const api = await start();
    expect((await api.get("/me/payment/method?default=yes", { offSchema: true })).status).toBe(400);
  });
});

describe("POST /me/order/{orderId}/pay", () => {
  it("pays an order with the payment method's id, once", async () => {
    const api = await start();
    const orderId = await placeOrder(api);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("notPaid");
    const paid = await api.post(`/me/order/${orderId}/pay`, { paymentMethod: { id: 1 } });
    expect(paid.status).toBe(200);
    expect(paid.body).toBeNull();
    expect((await api.get(`/me/order/${orderId}/status`)).body).not.toBe("notPaid");
    const again = await api.post(`/me/order/${orderId}/pay`, { paymentMethod: { id: 1 } });
    expect(again.status).toBe(400);
  });

  it("refuses an unknown payment method and a body without one, and stays unpaid", async () => {
    const api = await start();
    const orderId = await placeOrder(api);
    expect((await api.post(`/me/order/${orderId}/pay`, { paymentMethod: { id: 99 } })).status).toBe(404);
    const offSchema = { offSchema: true };
    expect(
      (await api.post(`/me/order/${orderId}/pay`, { paymentMethod: { id: "1" } }, offSchema)).status,
    ).toBe(400);
    expect((await api.post(`/me/order/${orderId}/pay`, {}, offSchema)).status).toBe(400);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("notPaid");
  });

  it("keeps the default-method switch across a restart of a sandbox with a state file", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "exrec-payment-"));
    try {
      const stateFile = join(dir, "state.json");
      await start({ stateFile });
      sandbox!.setDefaultPaymentMethod(false);
      await sandbox!.close();
      const api = await start({ stateFile });
      expect((await api.get("/me/payment/method?default=true")).body).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("registered payment means, as the schema has them", () => {
  it("answers [{paymentMean}] with no id, and needs paymentMeanId for a bank account", async () => {
    const api = await start({ answers: { legacyPaymentMeans: false } });
    const orderId = await placeOrder(api);
    const means = (await api.get(`/me/order/${orderId}/availableRegisteredPaymentMean`)).body;
    expect(means).toEqual([{ paymentMean: "fidelityAccount" }, { paymentMean: "bankAccount" }]);
    const withoutId = await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
      paymentMean: "bankAccount",
    });
    expect(withoutId.status).toBe(400);
    expect(withoutId.body.message).toMatch(/paymentMeanId/);
  });

  it("lets the fidelity account pay only an order that costs 0", async () => {
    const api = await start({ answers: { legacyPaymentMeans: false } });
    const orderId = await placeOrder(api);
    const fidelity = await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
      paymentMean: "fidelityAccount",
    });
    expect(fidelity.status).toBe(400);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("notPaid");
  });

  it("in the older mode, names the bank account's id and lets the fidelity account pay", async () => {
    const api = await start({ answers: { legacyPaymentMeans: true } });
    const orderId = await placeOrder(api);
    const means = (await api.get(`/me/order/${orderId}/availableRegisteredPaymentMean`)).body;
    expect(means).toEqual([
      { paymentMean: "fidelityAccount" },
      { paymentMean: "bankAccount", paymentMeanId: 1234 },
    ]);
    const fidelity = await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
      paymentMean: "fidelityAccount",
    });
    expect(fidelity.status).toBe(200);
  });
});
