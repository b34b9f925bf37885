/**
 * Retries against the sandbox's injected faults, over real HTTP: GET and PUT are retried until the
 * fault clears; POST and DELETE never are, and a server error on them is an unknown outcome.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NetworkError, OutcomeUnknownError, OvhApiError } from "../../provider/ovh/errors.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { OvhHttpClient } from "../../provider/ovh/http.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { HOSTED, ORG, PRIVATE, QUICK_RETRY, appKeyConnection, failureOf, memorySandbox } from "./helpers.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await memorySandbox();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.resetStats();
});

function client(options: { attempts?: number; timeoutMs?: number } = {}) {
  return createExchangeApi(
    appKeyConnection(sandbox, {}, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    {
      retry: { ...QUICK_RETRY, ...(options.attempts ? { attempts: options.attempts } : {}) },
    },
  );
}

describe("retried: GET and PUT", () => {
  it("a GET answered 429 with Retry-After: 1 waits that second, then succeeds", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations(); // reads /auth/time first, outside the fault
      sandbox.resetStats();
      sandbox.addFault({ method: "GET", path: /\/account$/, kind: "429", retryAfterSeconds: 1, times: 1 });
      const started = performance.now();
      const accounts = await api.listAccounts(ORG, HOSTED);
      expect(accounts).toContain("alice@acme.example");
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      expect(sandbox.stats.total).toBe(2);
    } finally {
      await http.close();
    }
  });

  it("a GET answered 500 three times succeeds on the fourth attempt", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "GET", path: "/service/", kind: "500", times: 3 });
      expect((await api.getService(ORG, HOSTED)).offer).toBe("hosted");
      expect(sandbox.stats.total).toBe(4);
    } finally {
      await http.close();
    }
  });

  it("a GET that keeps failing gives up after the configured attempts with a retryable EXREC_API_SERVER", async () => {
    const { api, http } = client({ attempts: 3 });
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "GET", path: "/domain", kind: "500" });
      const error = await failureOf(api.listDomains(ORG, HOSTED));
      expect(error).toBeInstanceOf(OvhApiError);
      expect(error).toMatchObject({ code: "EXREC_API_SERVER", status: 500, retryable: true });
      expect(sandbox.stats.total).toBe(3);
    } finally {
      await http.close();
    }
  });

  it("a GET whose connection is dropped is retried", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "GET", path: "/domain", kind: "drop", times: 1 });
      expect(await api.listDomains(ORG, HOSTED)).toContain("acme.example");
    } finally {
      await http.close();
    }
  });

  it("a GET slower than the timeout is a NetworkError (timeout) once attempts run out", async () => {
    // The timeout leaves a loaded machine room for the sandbox's prompt answers; the slow one
    // answers ten times later than it, so that only the timeout can end its attempts.
    const { api, http } = client({ attempts: 2, timeoutMs: 500 });
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "GET", path: "/domain", kind: "slow", delayMs: 5000 });
      const error = await failureOf(api.listDomains(ORG, HOSTED));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ code: "EXREC_API_NETWORK", failure: "timeout", retryable: true });
      expect(sandbox.stats.byRoute["GET /email/exchange/{org}/service/{svc}/domain"]).toBe(2);
    } finally {
      await http.close();
    }
  });

  it("waits between attempts within the ceiling the limits set (EXREC_RETRY_DELAY_MS), doubling each time", async () => {
    const waits = async (limits: { retryDelayMs?: number }) => {
      const slept: number[] = [];
      const http = new OvhHttpClient({
        ...appKeyConnection(sandbox, {}, limits),
        // The longest wait full jitter allows, recorded instead of slept.
        random: () => 0.999999,
        sleep: async (ms) => void slept.push(ms),
      });
      try {
        await http.request("GET", "/email/exchange");
        sandbox.addFault({ method: "GET", path: "/service/", kind: "500", times: 3 });
        await http.request("GET", `/email/exchange/${ORG}/service/${HOSTED}`);
        return slept;
      } finally {
        await http.close();
      }
    };
    expect(await waits({ retryDelayMs: 10 })).toEqual([9, 19, 39]);
    expect(await waits({})).toEqual([499, 999, 1999]);
  });

  it("a 429's Retry-After is a floor under the jittered backoff: 0 waits the backoff, 1 s waits 1 s", async () => {
    const waits = async (retryAfterSeconds: number) => {
      const slept: number[] = [];
      const http = new OvhHttpClient({
        ...appKeyConnection(sandbox, {}, { retryDelayMs: 100 }),
        // The longest wait full jitter allows, recorded instead of slept.
        random: () => 0.999999,
        sleep: async (ms) => void slept.push(ms),
      });
      try {
        await http.request("GET", "/email/exchange");
        sandbox.addFault({ method: "GET", path: "/service/", kind: "429", retryAfterSeconds, times: 3 });
        await http.request("GET", `/email/exchange/${ORG}/service/${HOSTED}`);
        return slept;
      } finally {
        await http.close();
      }
    };
    // Refused together with `Retry-After: 0`, requests must not all be sent again at once.
    expect(await waits(0)).toEqual([99, 199, 399]);
    expect(await waits(1)).toEqual([1000, 1000, 1000]);
  });

  it("a PUT answered 429 then 500 is retried until the change is made", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      const before = await api.getAccount(ORG, HOSTED, "bob@acme.example");
      expect(before.renewPeriod).toBe("monthly");
      sandbox.resetStats();
      sandbox.addFault({ method: "PUT", kind: "429", retryAfterSeconds: 1, times: 1 });
      sandbox.addFault({ method: "PUT", kind: "500", times: 1 });
      await api.updateAccount(ORG, HOSTED, "bob@acme.example", { renewPeriod: "yearly" });
      const puts = sandbox.stats.writes.filter((w) => w.method === "PUT");
      expect(puts.length).toBe(3);
      expect(
        puts
          .slice(0, 2)
          .map((w) => w.status)
          .sort(),
      ).toEqual([429, 500]);
      expect(puts[2]!.status).toBeLessThan(300);
      expect((await api.getAccount(ORG, HOSTED, "bob@acme.example")).renewPeriod).toBe("yearly");
    } finally {
      await http.close();
    }
  });
});

describe("never retried: POST and DELETE", () => {
  it("an order POST (placeOrder) answered 500 is sent once and throws OutcomeUnknownError", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "POST", path: "/order/", kind: "500", times: 1 });
      const error = await failureOf(api.placeOrder(ORG, HOSTED, "12", { licence: "basic", number: 1 }));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error).toMatchObject({
        code: "EXREC_OUTCOME_UNKNOWN",
        retryable: false,
        status: 500,
        method: "POST",
      });
      expect(
        sandbox.stats.writes.filter((w) => w.method === "POST" && w.path.includes("/order/")).length,
      ).toBe(1);
      expect(sandbox.stats.total).toBe(1);
    } finally {
      await http.close();
    }
  });

  it("a DELETE that did its work and then answered 500 is an unknown outcome, not retried", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "DELETE", kind: "effect-then-500", times: 1 });
      const error = await failureOf(api.deleteAccount(ORG, PRIVATE, "judy@globex.example"));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(sandbox.stats.writes.filter((w) => w.method === "DELETE").length).toBe(1);
    } finally {
      await http.close();
    }
  });

  it("a POST whose connection is dropped after sending is an unknown outcome, not retried", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "POST", path: "/order/", kind: "drop", times: 1 });
      const error = await failureOf(api.placeOrder(ORG, HOSTED, "12", { licence: "basic", number: 1 }));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error).toMatchObject({ status: null });
      expect(sandbox.stats.total).toBe(1);
    } finally {
      await http.close();
    }
  });

  it("a POST answered 429 is not retried either, but is reported as refused and safe to retry later", async () => {
    const { api, http } = client();
    try {
      await api.listOrganizations();
      sandbox.resetStats();
      sandbox.addFault({ method: "POST", path: "/order/", kind: "429", retryAfterSeconds: 1, times: 1 });
      const error = await failureOf(api.placeOrder(ORG, HOSTED, "12", { licence: "basic", number: 1 }));
      expect(error).toBeInstanceOf(OvhApiError);
      expect(error).toMatchObject({ code: "EXREC_API_RATE_LIMITED", status: 429, retryable: true });
      expect(sandbox.stats.total).toBe(1);
    } finally {
      await http.close();
    }
  });
});
