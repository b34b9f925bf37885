/**
 * Price reads (order quotes, the catalog) wait for a place in flight after every other request:
 * the refresh's next reads, asked for once its first answers are in, are not held behind quotes
 * asked for earlier. Seen on the wire, in front of the real sandbox, one request in flight at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { startWireRecorder, type WireRecorder } from "../scale/wire-recorder.js";
import { HOSTED, ORG, appKeyConnection, memorySandbox } from "./helpers.js";

let sandbox: Sandbox;
let wire: WireRecorder;

beforeAll(async () => {
  sandbox = await memorySandbox({ latencyMs: 10 });
  wire = await startWireRecorder(sandbox.url);
});

afterAll(async () => {
  await wire.close();
  await sandbox.close();
});

/** The wire's requests after the server clock read, each named by its last path segment. */
function sentOrder(): string[] {
  return wire.requests
    .map((r) => r.rawPath)
    .filter((path) => !path.endsWith("/auth/time"))
    .map((path) => (path.includes("/order/") ? `quote ${path.slice(path.lastIndexOf("/") + 1)}` : "read"));
}

/** A client with one request in flight, through the wire recorder (cleared). */
function oneAtATimeClient(): ReturnType<typeof createExchangeApi> {
  wire.clear();
  return createExchangeApi({ ...appKeyConnection(sandbox, {}, { concurrency: 1 }), baseUrl: wire.url });
}

describe("price reads in flight", () => {
  it("go after every other waiting request, and in the order they were asked", async () => {
    const { api, http } = oneAtATimeClient();
    try {
      // The server clock is known after a first read; a second one holds the one place.
      await api.getService(ORG, HOSTED);
      const holding = api.getService(ORG, HOSTED);
      // Then two quotes are asked, then two reads: all four wait.
      const quotes = [
        api.quoteOrder(ORG, HOSTED, "01", "basic", 1),
        api.quoteOrder(ORG, HOSTED, "12", "basic", 1),
      ];
      const reads = [api.listDomains(ORG, HOSTED), api.listAccounts(ORG, HOSTED)];
      await Promise.all([holding, ...quotes, ...reads]);
      expect(sentOrder()).toEqual(["read", "read", "read", "read", "quote 01", "quote 12"]);
    } finally {
      await http.close();
    }
  });

  it("take a free place at once when nothing else waits", async () => {
    const { api, http } = oneAtATimeClient();
    try {
      await api.getService(ORG, HOSTED);
      const quote = api.quoteOrder(ORG, HOSTED, "12", "basic", 1);
      // Asked after the quote, while it is in flight: it waits for the one place.
      const read = api.listDomains(ORG, HOSTED);
      await Promise.all([quote, read]);
      expect(sentOrder()).toEqual(["read", "quote 12", "read"]);
    } finally {
      await http.close();
    }
  });
});
