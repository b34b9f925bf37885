/** The client's own brakes, observed at the sandbox: requests in flight, and requests per second. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { HOSTED, ORG, appKeyConnection, memorySandbox } from "./helpers.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await memorySandbox();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.setLatency(0);
  sandbox.resetStats();
});

describe("limits", () => {
  it("never has more than `concurrency` requests in flight: 50 GETs, concurrency 4, 30 ms latency", async () => {
    sandbox.setLatency(30);
    const { api, http } = createExchangeApi(
      appKeyConnection(sandbox, {}, { concurrency: 4, ratePerSecond: 0 }),
    );
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => api.getService(ORG, HOSTED)));
      expect(answers).toHaveLength(50);
      expect(sandbox.stats.maxInFlight).toBeLessThanOrEqual(4);
      // The cap is used, not just respected by running one at a time.
      expect(sandbox.stats.maxInFlight).toBeGreaterThanOrEqual(2);
    } finally {
      await http.close();
    }
  });

  it("starts no more than `ratePerSecond` requests a second: 25 requests at 10/s take at least 1.5 s", async () => {
    const { api, http } = createExchangeApi(
      appKeyConnection(sandbox, {}, { concurrency: 8, ratePerSecond: 10 }),
    );
    try {
      const started = performance.now();
      await Promise.all(Array.from({ length: 25 }, () => api.listOrganizations()));
      const elapsed = performance.now() - started;
      // A burst of one second's worth (10), then 10 a second: 15 more (plus /auth/time) take ≥ 1.5 s.
      expect(sandbox.stats.total).toBe(26);
      expect(elapsed).toBeGreaterThanOrEqual(1450);
    } finally {
      await http.close();
    }
  });
});
