/**
 * The client keeps no more connections to the API than it lets requests be in flight: thirty reads
 * at once through a client allowed three in flight reach a bare HTTP server over at most three
 * connections, and every one of them is answered.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExchangeApi } from "../../provider/ovh/exchange.js";

let server: Server;
let baseUrl: string;
let connections = 0;
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/1.0/auth/time") return void res.end(String(Math.floor(Date.now() / 1000)));
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    // Slow enough that the thirty reads overlap.
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(["a", "b"]));
    }, 15);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("connections to the API", () => {
  it("are at most the requests allowed in flight, however many reads wait", async () => {
    const { api, http } = createExchangeApi({
      kind: "ovh",
      endpointName: null,
      baseUrl,
      auth: {
        method: "application-key",
        applicationKey: "conn-app-key",
        applicationSecret: "conn-application-secret-0001",
        consumerKey: "conn-consumer-key-00000000001",
      },
      limits: { concurrency: 3, ratePerSecond: 0, timeoutMs: 5000 },
      source: "test",
    });
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => api.listServices(`org${i}`)));
      expect(answers).toHaveLength(30);
      expect(answers.every((a) => a.length === 2)).toBe(true);
      expect(mostInFlight).toBe(3);
      expect(connections).toBeLessThanOrEqual(3);
    } finally {
      await http.close();
    }
  });
});
