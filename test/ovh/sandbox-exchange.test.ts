/** Every typed route of OvhExchangeApi against the sandbox, over real HTTP, on the demo seed. */
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OvhApiError } from "../../provider/ovh/errors.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { HOSTED, ORG, PRIVATE, appKeyConnection, failureOf, memorySandbox } from "./helpers.js";

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;
const debugLines: string[] = [];

beforeAll(async () => {
  sandbox = await memorySandbox();
  ({ api, http } = createExchangeApi(appKeyConnection(sandbox), { debug: (line) => debugLines.push(line) }));
});

afterAll(async () => {
  await http.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.setReadModes({ pages: false, batch: false });
});

describe("reading", () => {
  it("lists organizations, services and domains, and reads a platform's offer", async () => {
    expect(await api.listOrganizations()).toContain(ORG);
    expect(await api.listServices(ORG)).toEqual(expect.arrayContaining([HOSTED, PRIVATE]));
    expect(await api.getService(ORG, HOSTED)).toMatchObject({ offer: "hosted" });
    expect(["dedicated", "dedicatedCluster"]).toContain((await api.getService(ORG, PRIVATE)).offer);
    expect(await api.listDomains(ORG, HOSTED)).toContain("acme.example");
  });

  it("reads an account by its address, sent as one encoded path segment (%40)", async () => {
    const account = await api.getAccount(ORG, HOSTED, "alice@acme.example");
    expect(account).toMatchObject({
      primaryEmailAddress: "alice@acme.example",
      domain: "acme.example",
      configured: true,
    });
    const sent = new RegExp(
      `^GET /email/exchange/${ORG}/service/${HOSTED}/account/alice%40acme\\.example 200 \\d+ms$`,
    );
    expect(debugLines.filter((line) => sent.test(line))).toHaveLength(1);
  });

  it("a missing account is EXREC_API_NOT_FOUND with OVHcloud's message", async () => {
    const error = await failureOf(api.getAccount(ORG, HOSTED, "nobody@acme.example"));
    expect(error).toBeInstanceOf(OvhApiError);
    expect(error).toMatchObject({ code: "EXREC_API_NOT_FOUND", status: 404, retryable: false });
    expect((error as OvhApiError).apiMessage).toEqual(expect.any(String));
  });

  it("pages of whole objects when the API offers them, bare ids when it ignores the mode", async () => {
    const ids = await api.listAccounts(ORG, HOSTED);
    sandbox.setReadModes({ pages: true, batch: false });
    const first = await api.listAccountsPage(ORG, HOSTED, 1, 5);
    expect(first.kind).toBe("objects");
    if (first.kind !== "objects") return;
    expect(first.total).toBe(ids.length);
    expect(first.accounts).toHaveLength(Math.min(5, ids.length));
    const alone = await api.getAccount(ORG, HOSTED, first.accounts[0]!.primaryEmailAddress);
    expect(first.accounts[0]).toEqual(alone);

    sandbox.setReadModes({ pages: false, batch: false });
    expect(await api.listAccountsPage(ORG, HOSTED, 1, 5)).toEqual({ kind: "ids", ids });
  });

  it("batch reads give objects and per-address errors where supported, and 'unsupported' (never 'missing') where not", async () => {
    const emails = ["alice@acme.example", "bob@acme.example", "nobody@acme.example"];
    sandbox.setReadModes({ pages: false, batch: true });
    const batch = await api.getAccountsBatch(ORG, HOSTED, emails);
    expect(batch.kind).toBe("objects");
    if (batch.kind !== "objects") return;
    expect(batch.accounts.map((a) => a.primaryEmailAddress).sort()).toEqual([
      "alice@acme.example",
      "bob@acme.example",
    ]);
    expect(batch.accounts.find((a) => a.primaryEmailAddress === "bob@acme.example")).toEqual(
      await api.getAccount(ORG, HOSTED, "bob@acme.example"),
    );
    expect(batch.errors.map((e) => e.email)).toEqual(["nobody@acme.example"]);

    sandbox.setReadModes({ pages: false, batch: false });
    const unsupported = await api.getAccountsBatch(ORG, HOSTED, emails);
    expect(unsupported).toEqual({ kind: "unsupported", reason: expect.stringContaining("404") });
  });
});

describe("writing accounts", () => {
  it("sets and cancels a termination at expiry with PUT (H4)", async () => {
    await api.updateAccount(ORG, HOSTED, "erin@acme.example", { deleteAtExpiration: true });
    expect((await api.getAccount(ORG, HOSTED, "erin@acme.example")).deleteAtExpiration).toBe(true);
    await api.updateAccount(ORG, HOSTED, "erin@acme.example", { deleteAtExpiration: false });
    expect((await api.getAccount(ORG, HOSTED, "erin@acme.example")).deleteAtExpiration).toBe(false);
  });

  it("terminates with the POST …/terminate fallback, which answers a string", async () => {
    expect(typeof (await api.terminateAccount(ORG, HOSTED, "dave@acme.example"))).toBe("string");
  });

  it("resets a Hosted account with DELETE and follows its task (H5)", async () => {
    const task = await api.deleteAccount(ORG, HOSTED, "contact@acme-corp.example");
    expect(task).toMatchObject({ id: expect.any(Number), status: expect.any(String) });
    expect((await api.getTask(ORG, HOSTED, task.id)).id).toBe(task.id);
  });

  it("lists an account's tasks as ids", async () => {
    const ids = await api.listAccountTasks(ORG, PRIVATE, "ivan@globex.example");
    expect(Array.isArray(ids)).toBe(true);
    for (const id of ids) expect(Number.isInteger(id)).toBe(true);
  });

  it("adds a Private account (P2); a refused add never shows the password", async () => {
    const password = "Gener4ted-Passw0rd-xyz!";
    const task = await api.addAccount(ORG, PRIVATE, {
      domain: "globex.example",
      login: "newbie",
      license: "basic",
      password,
    });
    expect(task).toMatchObject({ id: expect.any(Number) });

    const error = await failureOf(
      api.addAccount(ORG, PRIVATE, {
        domain: "not-attached.example",
        login: "x",
        license: "basic",
        password,
      }),
    );
    expect(error).toBeInstanceOf(OvhApiError);
    expect(inspect(error, { depth: 10 })).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
  });
});

describe("ordering Hosted accounts (H1)", () => {
  it("lists durations, quotes, places, pays and follows an order, then finds it among past orders", async () => {
    const durations = await api.orderDurations(ORG, HOSTED, "basic", 2);
    expect(durations.length).toBeGreaterThan(0);
    const duration = durations.includes("12") ? "12" : durations[0]!;

    const quote = await api.quoteOrder(ORG, HOSTED, duration, "basic", 2);
    expect(quote.prices.withTax.priceInUcents).toBeGreaterThan(0);

    const order = await api.placeOrder(ORG, HOSTED, duration, { licence: "basic", number: 2 });
    expect(order.orderId).toEqual(expect.any(Number));
    const orderId = order.orderId!;

    const methods = await api.defaultPaymentMethods();
    expect(methods.length).toBeGreaterThan(0);
    await api.payOrder(orderId, methods[0]!);
    expect(["checking", "delivering", "delivered"]).toContain(await api.orderStatus(orderId));

    expect(await api.listOrders({})).toContain(orderId);
    expect(await api.getOrder(orderId)).toMatchObject({ orderId });
    const details = await api.listOrderDetails(orderId);
    expect(details.length).toBeGreaterThan(0);
    expect(await api.getOrderDetail(orderId, details[0]!)).toMatchObject({
      quantity: expect.stringMatching(/^\d+$/),
    });
  });

  it("reads the public catalog", async () => {
    const catalog = await api.catalog("FR");
    expect(catalog.locale.subsidiary).toBe("FR");
    expect(catalog.plans.length).toBeGreaterThan(0);
  });
});
