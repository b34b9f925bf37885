/**
 * The client against answers in the shapes of OVHcloud's published schema that matter to exrec:
 * error bodies `{class, message}` with `X-Ovh-QueryID`, `taskPendingId: 0` on idle objects, the
 * string `quantity` of `billing.OrderDetail`, nullable `priceInUcents` and `date`, and fields exrec
 * does not read in shapes it does not expect. A bare HTTP server of this test plays the API, so
 * each answer is exactly the one under test; the requests it records are checked too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OutcomeUnknownError, OvhApiError, ResponseShapeError } from "../../provider/ovh/errors.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { moneyOfPrice, quoteFromApiOrder } from "../../reconciler/prices.js";
import { first } from "../support/items.js";

type Answer = { status?: number; body: unknown; headers?: Record<string, string> };

let server: Server;
let baseUrl: string;
let answers = new Map<string, () => Answer>();
const seen: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.url === "/1.0/auth/time") return void res.end(String(Math.floor(Date.now() / 1000)));
      seen.push({ method: req.method ?? "", url: req.url ?? "", body });
      const answer = answers.get(`${req.method} ${req.url}`)?.() ?? {
        status: 404,
        body: { class: "Client::NotFound", message: "no such route in this test" },
      };
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  answers = new Map();
  seen.length = 0;
});

function client() {
  return createExchangeApi(
    {
      kind: "ovh",
      endpointName: null,
      baseUrl,
      auth: {
        method: "application-key",
        applicationKey: "schema-app-key",
        applicationSecret: "schema-application-secret-01",
        consumerKey: "schema-consumer-key-000000001",
      },
      limits: { concurrency: 2, ratePerSecond: 0, timeoutMs: 2000 },
      source: "test",
    },
    { retry: { attempts: 1 } },
  ).api;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

const SVC = "/1.0/email/exchange/org1/service/svc1";

/** An account as OVHcloud's schema describes it (email.exchange.Account), idle. */
function account(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    primaryEmailAddress: "alice@acme.example",
    login: "alice",
    domain: "acme.example",
    displayName: "Alice",
    firstName: null,
    lastName: null,
    accountLicense: "standard",
    renewPeriod: "yearly",
    deleteAtExpiration: false,
    expirationDate: "2027-06-28T00:00:00+02:00",
    creationDate: "2024-06-26T00:00:00+02:00",
    configured: true,
    state: "ok",
    taskPendingId: 0,
    quota: 50,
    currentUsage: 1,
    id: 7,
    ...extra,
  };
}

function price(value: number, priceInUcents: number | null): Record<string, unknown> {
  return { currencyCode: "EUR", value, text: `${value} €`, priceInUcents };
}

describe("errors as OVHcloud sends them", () => {
  it("keeps the error class and the X-Ovh-QueryID in the error and its message", async () => {
    answers.set(`GET ${SVC}`, () => ({
      status: 403,
      body: { class: "Client::Forbidden", message: "This call has not been granted" },
      headers: { "X-Ovh-QueryID": "EU.ext-3.6777e123.1234.0abc" },
    }));
    const error = (await failure(client().getService("org1", "svc1"))) as OvhApiError;
    expect(error).toBeInstanceOf(OvhApiError);
    expect(error.errorClass).toBe("Client::Forbidden");
    expect(error.queryId).toBe("EU.ext-3.6777e123.1234.0abc");
    expect(error.code).toBe("EXREC_API_AUTH");
    expect(error.message).toContain("Client::Forbidden");
    expect(error.message).toContain("This call has not been granted");
    expect(error.message).toContain("query id EU.ext-3.6777e123.1234.0abc");
  });

  it("reads the older {errorCode, httpCode, message} body too", async () => {
    answers.set(`GET ${SVC}`, () => ({
      status: 400,
      body: { errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" },
    }));
    const error = (await failure(client().getService("org1", "svc1"))) as OvhApiError;
    expect(error.errorCode).toBe("INVALID_SIGNATURE");
    expect(error.errorClass).toBeNull();
    expect(error.queryId).toBeNull();
    expect(error.code).toBe("EXREC_API_AUTH");
  });

  it("names the query id of a POST whose outcome is unknown", async () => {
    answers.set(`POST /1.0/order/email/exchange/org1/service/svc1/account/12`, () => ({
      status: 503,
      body: { class: "Server::ServiceUnavailable", message: "try later" },
      headers: { "X-Ovh-QueryID": "EU.ext-1.abc" },
    }));
    const error = (await failure(
      client().placeOrder("org1", "svc1", "12", { licence: "basic", number: 1 }),
    )) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.queryId).toBe("EU.ext-1.abc");
    expect(error.message).toContain("query id EU.ext-1.abc");
  });
});

describe("taskPendingId: 0 and null both mean no task", () => {
  const cases: { name: string; value: unknown; read: number | null }[] = [
    { name: "0 (OVHcloud's examples of idle objects)", value: 0, read: null },
    { name: "null", value: null, read: null },
    { name: "absent", value: undefined, read: null },
    { name: "a task id", value: 4242, read: 4242 },
  ];
  for (const c of cases) {
    it(`an account and a service answering ${c.name} read as ${String(c.read)}`, async () => {
      answers.set(`GET ${SVC}/account/alice%40acme.example`, () => ({
        body: account({ taskPendingId: c.value }),
      }));
      answers.set(`GET ${SVC}`, () => ({
        body: {
          domain: "acme.example",
          displayName: null,
          offer: "hosted",
          state: "ok",
          taskPendingId: c.value,
        },
      }));
      expect((await client().getAccount("org1", "svc1", "alice@acme.example")).taskPendingId).toBe(c.read);
      expect((await client().getService("org1", "svc1")).taskPendingId).toBe(c.read);
    });
  }

  it("a negative task id is refused as a wrong answer", async () => {
    answers.set(`GET ${SVC}/account/alice%40acme.example`, () => ({ body: account({ taskPendingId: -3 }) }));
    const error = await failure(client().getAccount("org1", "svc1", "alice@acme.example"));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toContain("taskPendingId");
  });
});

describe("a liberal reader: fields exrec does not use never fail, fields it uses are checked", () => {
  it("accepts unread fields of any type, and fields the schema adds", async () => {
    answers.set(`GET ${SVC}/account/alice%40acme.example`, () => ({
      body: account({
        firstName: 12,
        quota: "fifty",
        currentUsage: null,
        id: "seven",
        login: null,
        creationDate: 0,
        spamAndVirusConfiguration: { checkDKIM: true },
        brandNewField: [1, 2, 3],
      }),
    }));
    const read = await client().getAccount("org1", "svc1", "alice@acme.example");
    expect(read).toMatchObject({ primaryEmailAddress: "alice@acme.example", accountLicense: "standard" });
  });

  it("refuses a field it reads in a shape it does not know, naming it", async () => {
    answers.set(`GET ${SVC}/account/alice%40acme.example`, () => ({
      body: account({ accountLicense: "platinum" }),
    }));
    const error = await failure(client().getAccount("org1", "svc1", "alice@acme.example"));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toMatch(/accountLicense: expected one of basic, standard, enterprise/);
  });

  it("reads a catalog whose unread pricing fields are missing or of another type", async () => {
    answers.set(`GET /1.0/order/catalog/public/exchange?ovhSubsidiary=FR`, () => ({
      body: {
        locale: { currencyCode: "EUR" },
        plans: [
          {
            planCode: "exchange-hosted-basic",
            pricings: [{ interval: 1, intervalUnit: "month", price: 199000000, mode: 3 }],
          },
        ],
      },
    }));
    const catalog = await client().catalog("FR");
    expect(first(first(catalog.plans).pricings).price).toBe(199000000);
  });
});

describe("orders: billing.OrderDetail, order.Order and nullable prices", () => {
  it("reads billing.OrderDetail's quantity as the string the schema gives, and its cancelled flag", async () => {
    answers.set(`GET /1.0/me/order/77/details/9`, () => ({
      body: {
        orderDetailId: 9,
        description: "Exchange standard account",
        detailType: null,
        domain: "svc1",
        quantity: "1",
        cancelled: false,
        unitPrice: price(3.6, null),
        totalPrice: price(3.6, null),
      },
    }));
    const detail = await client().getOrderDetail(77, 9);
    expect(detail.quantity).toBe("1");
    expect(detail.cancelled).toBe(false);
  });

  it("refuses a quantity that is not a whole number", async () => {
    answers.set(`GET /1.0/me/order/77/details/9`, () => ({
      body: { domain: "svc1", quantity: "one", cancelled: false },
    }));
    const error = await failure(client().getOrderDetail(77, 9));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toContain("quantity");
  });

  it("reads a past order whose date and priceInUcents are null", async () => {
    answers.set(`GET /1.0/me/order/77`, () => ({
      body: {
        orderId: 77,
        date: null,
        expirationDate: null,
        retractionDate: null,
        password: "",
        pdfUrl: "https://example.invalid/77.pdf",
        url: "https://example.invalid/77",
        priceWithTax: price(4.32, null),
        priceWithoutTax: price(3.6, null),
        tax: price(0.72, null),
      },
    }));
    const order = await client().getOrder(77);
    expect(order.date).toBeNull();
    expect(moneyOfPrice(order.priceWithoutTax)).toEqual({ ucents: 360_000_000, currency: "EUR" });
  });

  it("reads a quote without priceInUcents from its value, and sends storageQuota when asked", async () => {
    const path =
      "/1.0/order/email/exchange/org1/service/svc1/account/12?licence=basic&number=2&storageQuota=300";
    answers.set(`GET ${path}`, () => ({
      body: {
        orderId: null,
        url: null,
        contracts: [],
        details: [{ quantity: 2, description: "x", domain: "svc1", cartItemID: null }],
        prices: { withoutTax: price(43.2, null), withTax: price(51.84, null), tax: price(8.64, null) },
      },
    }));
    const quote = await client().quoteOrder("org1", "svc1", "12", "basic", 2, "300");
    const read = quoteFromApiOrder(
      { organization: "org1", service: "svc1", license: "basic", duration: "12", quantity: 2 },
      quote,
    );
    expect(read.withoutTax).toEqual({ ucents: 4_320_000_000, currency: "EUR" });
    expect(read.withTax).toEqual({ ucents: 5_184_000_000, currency: "EUR" });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${path}`]);
  });

  it("prefers priceInUcents when it is given, and has no amount when neither is", () => {
    expect(moneyOfPrice({ currencyCode: "EUR", value: 3.6, priceInUcents: 360_000_001 })).toEqual({
      ucents: 360_000_001,
      currency: "EUR",
    });
    expect(moneyOfPrice({ currencyCode: "EUR", value: Number.NaN, priceInUcents: null })).toBeNull();
  });
});

describe("changePassword", () => {
  it("posts the password in the body and keeps it out of every error", async () => {
    const password = "Pw-schema-answers-9Xq!";
    answers.set(`POST ${SVC}/account/alice%40acme.example/changePassword`, () => ({
      status: 400,
      body: { class: "Client::BadRequest", message: `password ${password} is too weak` },
      headers: { "X-Ovh-QueryID": "EU.ext-2.pw" },
    }));
    const error = await failure(client().changePassword("org1", "svc1", "alice@acme.example", password));
    expect(error).toBeInstanceOf(OvhApiError);
    expect(inspect(error, { depth: 10 })).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
    expect(JSON.parse(first(seen, "request").body)).toEqual({ password });
  });

  it("answers the task it starts", async () => {
    answers.set(`POST ${SVC}/account/alice%40acme.example/changePassword`, () => ({
      body: { id: 31, function: "changePassword", status: "todo", todoDate: null, finishDate: null },
    }));
    const task = await client().changePassword("org1", "svc1", "alice@acme.example", "Pw-2-schema-answers!");
    expect(task).toMatchObject({ id: 31, function: "changePassword", status: "todo" });
  });
});

describe("an order's status (billing.order.OrderStatusEnum)", () => {
  it("reads each published status as itself", async () => {
    for (const status of ["cancelled", "checking", "delivered", "documentsRequested", "notPaid", "unknown"]) {
      answers.set("GET /1.0/me/order/42/status", () => ({ body: status }));
      expect(await client().orderStatus(42)).toBe(status);
    }
  });

  it("keeps a status the schema does not list as sent, instead of failing the run", async () => {
    answers.set("GET /1.0/me/order/42/status", () => ({ body: "awaitingValidation" }));
    expect(await client().orderStatus(42)).toEqual({ kind: "other", raw: "awaitingValidation" });
  });

  it("still refuses an answer that is not a status at all", async () => {
    answers.set("GET /1.0/me/order/42/status", () => ({ body: { status: "notPaid" } }));
    expect(await failure(client().orderStatus(42))).toBeInstanceOf(ResponseShapeError);
  });
});
