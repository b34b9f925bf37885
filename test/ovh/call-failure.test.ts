/**
 * The error contract of reconciler/ports.ts, as the OVHcloud client implements it: the engine asks
 * an error only whether the object was not found, whether a write's outcome is unknown, or whether
 * the API refused the request. Shown against the sandbox over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { callFailureFor } from "../../provider/ovh/errors.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { isNotFound, isOutcomeUnknown, isRejected } from "../../reconciler/ports.js";
import { HOSTED, ORG, PRIVATE, QUICK_RETRY, appKeyConnection, failureOf, memorySandbox } from "./helpers.js";

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;

beforeAll(async () => {
  sandbox = await memorySandbox();
  ({ api, http } = createExchangeApi(appKeyConnection(sandbox), { retry: QUICK_RETRY }));
});

afterAll(async () => {
  await http.close();
  await sandbox.close();
});

beforeEach(() => sandbox.clearFaults());

/** Which of the three questions the error answers yes to. */
function answers(error: unknown): string[] {
  return [
    isNotFound(error) ? "not-found" : null,
    isOutcomeUnknown(error) ? "outcome-unknown" : null,
    isRejected(error) ? "rejected" : null,
  ].filter((a) => a !== null);
}

describe("the error contract, over HTTP", () => {
  it("an account that does not exist is not found, and nothing else", async () => {
    const error = await failureOf(api.getAccount(ORG, HOSTED, "nobody@acme.example"));
    expect(answers(error)).toEqual(["not-found"]);
  });

  it("a write the API refuses as sent is rejected (deleteAtExpiration on a Private platform, P3)", async () => {
    const [ivan] = (await api.listAccounts(ORG, PRIVATE)).filter((id) => id.startsWith("ivan@"));
    const error = await failureOf(api.updateAccount(ORG, PRIVATE, ivan!, { deleteAtExpiration: true }));
    expect(answers(error)).toEqual(["rejected"]);
  });

  it("a write that is not retried and whose answer is a server error has an unknown outcome", async () => {
    sandbox.addFault({ method: "DELETE", path: /\/account\//, kind: "effect-then-500", times: 1 });
    const error = await failureOf(api.deleteAccount(ORG, HOSTED, "bob@acme.example"));
    expect(answers(error)).toEqual(["outcome-unknown"]);
  });

  it("a read that keeps failing on the server side is none of the three", async () => {
    sandbox.addFault({ method: "GET", path: /\/account\/alice/, kind: "500" });
    const error = await failureOf(api.getAccount(ORG, HOSTED, "alice@acme.example"));
    expect(answers(error)).toEqual([]);
  });

  it.each([
    [400, "rejected"],
    [403, "rejected"],
    [409, "rejected"],
    [404, "not-found"],
    [401, null],
    [429, null],
    [500, null],
    [503, null],
  ] as const)("status %i means %s", (status, failure) => {
    expect(callFailureFor(status)).toBe(failure);
  });
});
