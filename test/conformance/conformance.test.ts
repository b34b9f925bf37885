import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_ENV } from "../../provider/sandbox/conformance.js";
import { KNOWN_GAPS } from "../../provider/sandbox/server.js";
import type { Sandbox, SandboxOptions } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, orderPath, servicePath, TestClient } from "../sandbox/helpers.js";
import { createChecker } from "./checker.js";

const CHECKER_FILE = join(fileURLToPath(new URL(".", import.meta.url)), "checker.ts");

let sandbox: Sandbox | undefined;
beforeAll(() => {
  // The whole suite runs with it (vitest.config.ts); set here too so this file stands alone.
  process.env[CONFORMANCE_ENV] = CHECKER_FILE;
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<TestClient> {
  const opened = await openSandbox(options);
  sandbox = opened.sandbox;
  return opened.api;
}

function request(method: string, rawPath: string, body?: unknown, query = "") {
  return { method, rawPath, query: new URLSearchParams(query), headers: {}, body };
}

const checker = createChecker(KNOWN_GAPS);
const ACCOUNT = "/email/exchange/org-1/service/svc-1/account/alice%40acme.example";

describe("the checker, on requests", () => {
  it.each([
    ["a route the schema has", request("GET", "/email/exchange/org-1/service/svc-1"), []],
    [
      "a route the schema lacks",
      request("GET", "/email/exchange/org-1/service/svc-1/nothing"),
      ["no such route"],
    ],
    ["a method the route lacks", request("DELETE", "/email/exchange/org-1/service"), ["has no DELETE"]],
    [
      "a query parameter the route lacks",
      request("GET", "/email/exchange/org-1/service/svc-1/account", undefined, "colour=blue"),
      ["request.query.colour is not a parameter"],
    ],
    [
      "a query parameter outside its enum",
      request("GET", "/email/exchange/org-1/service/svc-1/account", undefined, "accountLicense=gold"),
      ["request.query.accountLicense"],
    ],
    [
      "a quote without its required licence",
      request("GET", "/order/email/exchange/org-1/service/svc-1/account/12", undefined, "number=1"),
      ["request.query.licence is required"],
    ],
    ["a writable field of the body model", request("PUT", ACCOUNT, { renewPeriod: "yearly" }), []],
    [
      "a value outside its enum",
      request("PUT", ACCOUNT, { renewPeriod: "weekly" }),
      ["request.body.renewPeriod"],
    ],
    [
      "a field the model lacks",
      request("PUT", ACCOUNT, { colour: "blue" }),
      ["request.body.colour is not a property"],
    ],
    ["a read-only field", request("PUT", ACCOUNT, { primaryEmailAddress: "x@y.z" }), ["is read-only"]],
    ["a payment with its method's id", request("POST", "/me/order/12/pay", { paymentMethod: { id: 1 } }), []],
    [
      "a payment method id as a string",
      request("POST", "/me/order/12/pay", { paymentMethod: { id: "1" } }),
      ["request.body.paymentMethod.id"],
    ],
    [
      "a payment without its required parameter",
      request("POST", "/me/order/12/payWithRegisteredPaymentMean", {}),
      ["request.body.paymentMean is required"],
    ],
    ["a path id that is not a long", request("GET", "/me/order/abc/status"), ["request.path.orderId"]],
  ])("%s", (_name, req, expected) => {
    const problems = checker.checkRequest(req);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((text, i) => expect(problems[i]).toContain(text));
  });
});

describe("the checker, on answers", () => {
  const task = {
    id: 3,
    function: "changePassword",
    status: "todo",
    todoDate: "2026-11-26T10:00:00+01:00",
    finishDate: null,
  };
  it.each([
    ["a task", request("GET", "/email/exchange/o/service/s/task/3"), task, []],
    [
      "a task with an unknown status",
      request("GET", "/email/exchange/o/service/s/task/3"),
      { ...task, status: "paused" },
      ["answer.status"],
    ],
    [
      "a task without a todoDate",
      request("GET", "/email/exchange/o/service/s/task/3"),
      { ...task, todoDate: null },
      ["cannot be null"],
    ],
    [
      "a task with a field the model lacks",
      request("GET", "/email/exchange/o/service/s/task/3"),
      { ...task, extra: 1 },
      ["answer.extra"],
    ],
    ["a list of ids", request("GET", "/me/order"), [1, 2], []],
    ["a list of ids with a text", request("GET", "/me/order"), [1, "2"], ["answer[1]"]],
    ["a void answer", request("PUT", ACCOUNT, { renewPeriod: "yearly" }), null, []],
    [
      "a detail with a numeric quantity",
      request("GET", "/me/order/1/details/2"),
      { quantity: 1 },
      ["answer.quantity"],
    ],
  ])("%s", (_name, req, body, expected) => {
    const problems = checker.checkAnswer(req, { status: 200, body });
    expect(problems).toHaveLength(expected.length);
    expected.forEach((text, i) => expect(problems[i]).toContain(text));
  });

  it("holds error answers to OVHcloud's two error shapes", () => {
    const req = request("GET", "/me/order/1");
    expect(
      checker.checkAnswer(req, { status: 404, body: { class: "Client::NotFound", message: "x" } }),
    ).toEqual([]);
    expect(
      checker.checkAnswer(req, {
        status: 403,
        body: { errorCode: "INVALID_CREDENTIAL", httpCode: "403 Forbidden", message: "x" },
      }),
    ).toEqual([]);
    expect(checker.checkAnswer(req, { status: 500, body: { error: "boom" } })).toHaveLength(2);
  });

  it("lets a listed gap pass, and only that one", () => {
    const req = request("GET", "/me/order/1/availableRegisteredPaymentMean");
    const legacy = [{ paymentMean: "fidelityAccount" }, { paymentMean: "bankAccount", paymentMeanId: 1234 }];
    expect(checker.checkAnswer(req, { status: 200, body: legacy })).toEqual([]);
    expect(createChecker([]).checkAnswer(req, { status: 200, body: legacy })[0]).toContain(
      "answer[1].paymentMeanId",
    );
  });
});

describe("the sandbox under the checker, over HTTP", () => {
  it("answers the demo's reads and an order's life without a violation", async () => {
    const api = await start();
    const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    for (const id of ids) expect((await api.get(accountPath(HOSTED, id))).status).toBe(200);
    expect((await api.get(servicePath(HOSTED))).status).toBe(200);
    expect((await api.get(`${orderPath(HOSTED)}/12?licence=basic&number=2&storageQuota=50`)).status).toBe(
      200,
    );
    const placed = await api.post(`${orderPath(HOSTED)}/12`, { licence: "basic", number: 2 });
    expect(placed.status).toBe(200);
    const orderId = placed.body.orderId as number;
    expect((await api.get("/me/payment/method?default=true")).body).toEqual([1]);
    expect((await api.get("/me/payment/method/1")).status).toBe(200);
    expect((await api.post(`/me/order/${orderId}/pay`, { paymentMethod: { id: 1 } })).status).toBe(200);
    expect((await api.get(`/me/order/${orderId}`)).status).toBe(200);
    const [detailId] = (await api.get(`/me/order/${orderId}/details`)).body;
    expect((await api.get(`/me/order/${orderId}/details/${detailId}`)).status).toBe(200);
    expect(sandbox!.conformanceViolations()).toEqual([]);
  });

  it("fails a deliberately wrong field in a sandbox answer: 500 naming it, and recorded", async () => {
    // The older answer mode gives billing.OrderDetail a numeric quantity, against the schema.
    const api = await start({ answers: { detailQuantity: "number" } });
    const placed = await api.post(`${orderPath(HOSTED)}/12`, { licence: "basic", number: 1 });
    const [detailId] = (await api.get(`/me/order/${placed.body.orderId}/details`)).body;
    const reply = await api.get(`/me/order/${placed.body.orderId}/details/${detailId}`);
    expect(reply.status).toBe(500);
    expect(reply.body.message).toContain("answer.quantity");
    expect(sandbox!.conformanceViolations()).toHaveLength(1);
    expect(sandbox!.conformanceViolations()[0]).toContain(
      "/me/order/{orderId}/details/{orderDetailId}: answer.quantity is 1, not a string",
    );
  });

  it("fails a deliberately wrong field in a client request before the sandbox acts on it", async () => {
    const api = await start();
    const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    const address = ids.find((id) => !id.endsWith("@configureme.me")) as string;
    const before = (await api.get(accountPath(HOSTED, address))).body;
    const reply = await api.put(accountPath(HOSTED, address), { displayName: "New name", colour: "blue" });
    expect(reply.status).toBe(500);
    expect(reply.body.message).toContain("request.body.colour");
    expect((await api.get(accountPath(HOSTED, address))).body.displayName).toBe(before.displayName);
    const base = sandbox!.url.replace(/\/1\.0$/, "");
    const recorded = (await (await fetch(`${base}/_sandbox/conformance`)).json()) as { violations: string[] };
    expect(recorded.violations).toHaveLength(1);
  });

  it("does not check the answers of injected faults", async () => {
    const api = await start();
    sandbox!.addFault({ kind: "500", path: "/email/exchange", times: 1 });
    expect((await api.get("/email/exchange")).status).toBe(500);
    expect(sandbox!.conformanceViolations()).toEqual([]);
  });
});
