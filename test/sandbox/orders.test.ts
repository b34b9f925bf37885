import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, orderPath, servicePath, TestClient } from "./helpers.js";
import { first } from "../support/items.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof openSandbox>[0] = {}): Promise<TestClient> {
  // These tests pay with the fidelity account, which pays any order in the older payment mode.
  const opened = await openSandbox({ ...options, answers: { legacyPaymentMeans: true, ...options.answers } });
  sandbox = opened.sandbox;
  return opened.api;
}

const EXPECTED_PLAN_CODES = [
  "exchange-hosted-basic",
  "exchange-hosted-standard",
  "exchange-hosted-enterprise",
  "exchange-private-basic",
  "exchange-private-standard",
  "exchange-private-enterprise",
];

async function catalogPricing(
  api: TestClient,
  planCode: string,
  interval: number,
): Promise<{ price: number; tax: number }> {
  const catalog = (await api.get("/order/catalog/public/exchange?ovhSubsidiary=FR", { anonymous: true }))
    .body;
  const plan = catalog.plans.find((p: any) => p.planCode === planCode);
  return plan.pricings.find((p: any) => p.interval === interval);
}

async function blankIds(api: TestClient): Promise<string[]> {
  const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
  return ids.filter((id) => id.endsWith("@configureme.me"));
}

describe("the public catalog", () => {
  it("lists exactly the six plan codes the planner recognises, in micro-cents", async () => {
    const api = await start();
    const catalog = (await api.get("/order/catalog/public/exchange?ovhSubsidiary=FR", { anonymous: true }))
      .body;
    expect(catalog.plans.map((p: any) => p.planCode).sort()).toEqual([...EXPECTED_PLAN_CODES].sort());
    expect(catalog.addons).toEqual([]);
    const hostedBasic = catalog.plans.find((p: any) => p.planCode === "exchange-hosted-basic");
    const monthly = hostedBasic.pricings.find((p: any) => p.interval === 1);
    expect(monthly).toMatchObject({
      intervalUnit: "month",
      price: 169_000_000,
      tax: 33_800_000,
      mode: "default",
      phase: 1,
      capacities: ["renew"],
      commitment: 0,
    });
  });

  it("gives Hosted plans a yearly pricing cheaper per month, and Private plans a monthly one only (P1)", async () => {
    const api = await start();
    const catalog = (await api.get("/order/catalog/public/exchange?ovhSubsidiary=FR", { anonymous: true }))
      .body;
    for (const plan of catalog.plans) {
      const monthly = plan.pricings.find((p: any) => p.interval === 1);
      const yearly = plan.pricings.find((p: any) => p.interval === 12);
      expect(monthly).toBeDefined();
      if (plan.planCode.startsWith("exchange-hosted-")) {
        expect(yearly.intervalUnit).toBe("month");
        expect(yearly.price / 12).toBeLessThan(monthly.price);
      } else {
        expect(yearly).toBeUndefined();
      }
    }
  });

  it("needs ovhSubsidiary", async () => {
    const api = await start();
    expect(
      (await api.get("/order/catalog/public/exchange", { anonymous: true, offSchema: true })).status,
    ).toBe(400);
  });
});

describe("H1: ordering Hosted accounts", () => {
  it("quotes N × the catalog price of the duration, with 20% tax, buying nothing", async () => {
    const api = await start();
    const pricing = await catalogPricing(api, "exchange-hosted-enterprise", 12);
    const quote = await api.get(`${orderPath(HOSTED)}/12?licence=enterprise&number=3`);
    expect(quote.status).toBe(200);
    expect(quote.body.orderId).toBeNull();
    expect(quote.body.url).toBeNull();
    expect(quote.body.prices.withoutTax).toMatchObject({
      currencyCode: "EUR",
      priceInUcents: 3 * pricing.price,
    });
    expect(quote.body.prices.tax.priceInUcents).toBe(3 * pricing.tax);
    expect(quote.body.prices.withTax.priceInUcents).toBe(3 * (pricing.price + pricing.tax));
    expect(quote.body.prices.withoutTax.value).toBeCloseTo((3 * pricing.price) / 1e8, 2);
    expect(quote.body.details[0]).toMatchObject({ quantity: 3, domain: HOSTED });
    expect(sandbox?.stats.writes).toEqual([]);
    expect(await blankIds(api)).toHaveLength(2);
  });

  it("refuses a quote without a valid licence or number, or for an unknown duration", async () => {
    const api = await start();
    const offSchema = { offSchema: true };
    expect((await api.get(`${orderPath(HOSTED)}/12?licence=gold&number=1`, offSchema)).status).toBe(400);
    expect((await api.get(`${orderPath(HOSTED)}/12?licence=basic&number=0`)).status).toBe(400);
    expect((await api.get(`${orderPath(HOSTED)}/12?licence=basic`, offSchema)).status).toBe(400);
    expect((await api.get(`${orderPath(HOSTED)}/24?licence=basic&number=1`)).status).toBe(400);
  });

  it("order → pay → delivered blanks → configure", async () => {
    const api = await start();
    const blanksBefore = await blankIds(api);
    const placed = await api.post(`${orderPath(HOSTED)}/12`, { licence: "enterprise", number: 2 });
    expect(placed.status).toBe(200);
    const orderId: number = placed.body.orderId;
    expect(typeof orderId).toBe("number");
    expect(placed.body.url).toContain(`orderId=${orderId}`);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("notPaid");

    const means = (await api.get(`/me/order/${orderId}/availableRegisteredPaymentMean`)).body;
    expect(means).toEqual([
      { paymentMean: "fidelityAccount" },
      { paymentMean: "bankAccount", paymentMeanId: 1234 },
    ]);
    const pay = await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
      paymentMean: "bankAccount",
      paymentMeanId: 1234,
    });
    expect(pay.status).toBe(200);

    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("delivered");
    const delivered = (await blankIds(api)).filter((id) => !blanksBefore.includes(id));
    expect(delivered).toHaveLength(2);
    for (const id of delivered) {
      const account = (await api.get(accountPath(HOSTED, id))).body;
      expect(account).toMatchObject({
        configured: false,
        accountLicense: "enterprise",
        renewPeriod: "yearly",
        state: "ok",
        deleteAtExpiration: false,
      });
      // Delivered on 2026-11-26 (Paris) for 12 months.
      expect(account.expirationDate).toBe("2027-11-26T00:00:00+01:00");
    }

    const configure = await api.put(accountPath(HOSTED, first(delivered, "delivered account")), {
      login: "heidi",
      domain: "acme.example",
      displayName: "Heidi Klein",
    });
    expect(configure.status).toBe(200);
    expect((await api.get(accountPath(HOSTED, "heidi@acme.example"))).body).toMatchObject({
      configured: true,
      accountLicense: "enterprise",
    });
  });

  it("delivers monthly accounts for the duration 01", async () => {
    const api = await start();
    const before = await blankIds(api);
    const orderId = (await api.post(`${orderPath(HOSTED)}/01`, { licence: "basic", number: 1 })).body.orderId;
    await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, { paymentMean: "fidelityAccount" });
    const id = first(
      (await blankIds(api)).filter((blank) => !before.includes(blank)),
      "delivered account",
    );
    const account = (await api.get(accountPath(HOSTED, id))).body;
    expect(account).toMatchObject({ renewPeriod: "monthly", accountLicense: "basic" });
    expect(account.expirationDate).toBe("2026-12-26T00:00:00+01:00");
  });

  it("refuses to be paid twice, or with a mean it does not offer", async () => {
    const api = await start();
    const orderId = (await api.post(`${orderPath(HOSTED)}/01`, { licence: "basic", number: 1 })).body.orderId;
    expect(
      (await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, { paymentMean: "paypal" })).status,
    ).toBe(400);
    expect(
      (await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, { paymentMean: "bankAccount" }))
        .status,
    ).toBe(400);
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("notPaid");
    expect(
      (
        await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
          paymentMean: "fidelityAccount",
        })
      ).status,
    ).toBe(200);
    const twice = await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, {
      paymentMean: "fidelityAccount",
    });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/already paid/);
  });

  it("goes through checking and delivering before delivered when delivery takes time", async () => {
    const api = await start({ deliveryDelayMs: 3000 });
    const before = await blankIds(api);
    const orderId = (await api.post(`${orderPath(HOSTED)}/01`, { licence: "standard", number: 1 })).body
      .orderId;
    await api.post(`/me/order/${orderId}/payWithRegisteredPaymentMean`, { paymentMean: "fidelityAccount" });
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("checking");
    expect(await blankIds(api)).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("delivering");
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await api.get(`/me/order/${orderId}/status`)).body).toBe("delivered");
    expect(await blankIds(api)).toHaveLength(before.length + 1);
  });

  it("lists past orders with their date, prices and details (domain: the service name)", async () => {
    const api = await start();
    const placed = (await api.post(`${orderPath(HOSTED)}/12`, { licence: "standard", number: 4 })).body;
    const ids: number[] = (
      await api.get(`/me/order?date.from=${encodeURIComponent("2026-11-01T00:00:00+01:00")}`)
    ).body;
    expect(ids).toEqual([placed.orderId]);
    expect(
      (await api.get(`/me/order?date.to=${encodeURIComponent("2026-11-01T00:00:00+01:00")}`)).body,
    ).toEqual([]);
    const order = (await api.get(`/me/order/${placed.orderId}`)).body;
    expect(order).toMatchObject({
      orderId: placed.orderId,
      date: "2026-11-26T10:00:00+01:00",
      url: placed.url,
    });
    expect(order.priceWithoutTax.priceInUcents).toBe(placed.prices.withoutTax.priceInUcents);
    expect(order.priceWithTax.priceInUcents).toBe(placed.prices.withTax.priceInUcents);
    const detailIds: number[] = (await api.get(`/me/order/${placed.orderId}/details`)).body;
    expect(detailIds).toHaveLength(1);
    const detail = (await api.get(`/me/order/${placed.orderId}/details/${detailIds[0]}`)).body;
    expect(detail).toMatchObject({ domain: HOSTED, quantity: "4", cancelled: false });
    expect(detail.totalPrice.priceInUcents).toBe(placed.prices.withoutTax.priceInUcents);
    expect((await api.get(`/me/order/${placed.orderId}/details/1`)).status).toBe(404);
    expect((await api.get("/me/order/999")).status).toBe(404);
  });
});
