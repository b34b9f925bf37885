/**
 * The client's adaptive limits against a sandbox that answers 429 whenever more than four requests
 * are in flight, as an API's quota would: the client backs off (few refusals, counted at the
 * sandbox, and every account read), then, once the quota is lifted, grows back to the requests in
 * flight it was configured with (the sandbox's own count of requests in flight). Counts, not times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import { AdaptiveLimits, ConcurrencyGate, TokenBucket } from "../../provider/ovh/limiter.js";
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { refresh } from "../../reconciler/refresh.js";

const ACCOUNTS = 300;
const CONFIGURED = 16;
const QUOTA = 4;
/** Single mode: service, domains, the id list, the refused batch probe, then one GET per account. */
const NEEDED = 4 + ACCOUNTS;

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;
const ref = { organization: "fleet-hosted-001", service: "fleet-hosted-001" };

beforeAll(async () => {
  sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "fleet", platforms: 1, accounts: ACCOUNTS },
    readModes: { pages: false, batch: false },
    // Enough for requests to overlap at the sandbox.
    latencyMs: 5,
  });
  ({ api, http } = createExchangeApi(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, {
      concurrency: CONFIGURED,
      ratePerSecond: 0,
      timeoutMs: 10_000,
    }),
  ));
  // The clock is read once; the counts below are of the reads alone.
  expect(await api.listOrganizations()).toEqual([ref.organization]);
});

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

describe("adaptive limits against a quota of 4 requests in flight", () => {
  it("backs off on 429: every account read, and few refusals for a client that starts at 16", async () => {
    sandbox.resetStats();
    sandbox.addFault({ kind: "429", inFlightAbove: QUOTA, retryAfterSeconds: 0 });
    const { actual } = await refresh(api, [ref]);
    sandbox.clearFaults();
    expect(actual.platforms[0]!.accounts).toHaveLength(ACCOUNTS);
    const refused = sandbox.stats.total - NEEDED;
    // At a fixed 16 in flight, 12 of every 16 would be refused (and retries would run out). Adapting,
    // the client halves from 5 to 2 and climbs back in 2 + 3 + 4 clean answers: about one refusal in
    // 10. How many answers overlap at 5 ms a request depends on how busy the machine is (up to one
    // in 6.6 seen on a loaded one), so the bound is one in 4: still three times below a fixed limit.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(NEEDED * 0.25);
    expect(http.adaptive.stats.backoffs).toBeGreaterThanOrEqual(1);
    expect(http.adaptive.gate.limit).toBeLessThan(CONFIGURED);
  });

  it("recovers once the quota is lifted: back to 16 in flight at the sandbox, with no refusal", async () => {
    sandbox.resetStats();
    const { actual } = await refresh(api, [ref]);
    expect(actual.platforms[0]!.accounts).toHaveLength(ACCOUNTS);
    expect(sandbox.stats.total).toBe(NEEDED);
    expect(sandbox.stats.maxInFlight).toBe(CONFIGURED);
    expect(http.adaptive.gate.limit).toBe(CONFIGURED);
  });
});

describe("AdaptiveLimits", () => {
  it("halves once per round, however many answers of that round are refused", () => {
    const limits = new AdaptiveLimits(new ConcurrencyGate(32), new TokenBucket(100));
    const round = limits.started();
    for (let i = 0; i < 20; i++) limits.refused(round);
    expect([limits.gate.limit, limits.bucket.rate, limits.stats.backoffs]).toEqual([16, 50, 1]);
    limits.refused(limits.started());
    expect([limits.gate.limit, limits.bucket.rate, limits.stats.backoffs]).toEqual([8, 25, 2]);
  });

  it("grows by one in flight after as many clean answers as are in flight, up to what was configured", () => {
    const limits = new AdaptiveLimits(new ConcurrencyGate(4), new TokenBucket(0));
    limits.refused(limits.started());
    expect(limits.gate.limit).toBe(2);
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) {
      limits.answered();
      answers.push(limits.gate.limit);
    }
    expect(answers).toEqual([2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
    // A bucket without a limit stays without one.
    expect(limits.bucket.rate).toBe(0);
  });
});
