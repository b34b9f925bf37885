/**
 * Answers the sandbox never gives, from a bare HTTP server standing in for a misbehaving API:
 * one that echoes credentials back, answers something other than JSON, or answers batch and page
 * reads in shapes exrec does not know. Everything else is tested against the sandbox.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkError, OvhApiError, ResponseShapeError } from "../../provider/ovh/errors.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { OvhHttpClient } from "../../provider/ovh/http.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, _body, res) => res.end("null");
const seen: { method: string; url: string; headers: IncomingMessage["headers"] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      if (req.url === "/1.0/auth/time") return void res.end(String(Math.floor(Date.now() / 1000)));
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const SECRET = "edge-application-secret-0001";
const CONSUMER = "edge-consumer-key-00000000001";
const limits = { concurrency: 4, ratePerSecond: 0, timeoutMs: 2000 };
const connection = {
  kind: "ovh" as const,
  endpointName: null,
  get baseUrl() {
    return baseUrl;
  },
  auth: {
    method: "application-key" as const,
    applicationKey: "edge-app-key",
    applicationSecret: SECRET,
    consumerKey: CONSUMER,
  },
  limits,
  source: "test",
};

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("OvhHttpClient against a misbehaving server", () => {
  it("keeps credentials out of an error even when the server echoes them back", async () => {
    handler = (req, _body, res) =>
      json(
        res,
        400,
        { message: `refused: ${JSON.stringify(req.headers)}`, errorCode: "ECHO", echo: req.headers },
        {
          "x-echo": String(req.headers["x-ovh-consumer"]),
          "x-ovh-signature": String(req.headers["x-ovh-signature"]),
        },
      );
    const { api, http } = createExchangeApi(connection);
    try {
      const error = await caught(api.listOrganizations());
      expect(error).toBeInstanceOf(OvhApiError);
      const apiError = error as OvhApiError;
      expect(apiError).toMatchObject({
        code: "EXREC_API_CLIENT",
        status: 400,
        errorCode: "ECHO",
        retryable: false,
      });
      const signature = String(seen.at(-1)!.headers["x-ovh-signature"]);
      expect(signature).toMatch(/^\$1\$[0-9a-f]{40}$/);
      const dumps = [
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
        String(apiError.stack),
        apiError.message,
      ];
      for (const dump of dumps) {
        expect(dump).not.toContain(SECRET);
        expect(dump).not.toContain(CONSUMER);
        expect(dump).not.toContain(signature);
      }
      // The echo was there, masked: the test would fail if redaction did nothing.
      expect(JSON.stringify(apiError.body)).toContain("[redacted]");
      expect(apiError.headers["x-echo"]).toBe("[redacted]");
      expect(apiError.headers["x-ovh-signature"]).toBeUndefined();
    } finally {
      await http.close();
    }
  });

  it("a 2xx answer that is not JSON is a ResponseShapeError naming the call", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>maintenance</html>");
    };
    const { api, http } = createExchangeApi(connection);
    try {
      const error = await caught(api.listServices("org-1"));
      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error).toMatchObject({ code: "EXREC_API_SHAPE", call: "GET /email/exchange/org-1/service" });
    } finally {
      await http.close();
    }
  });

  it("a JSON answer of the wrong shape is a ResponseShapeError naming the call and the field", async () => {
    handler = (_req, _body, res) =>
      json(res, 200, { domain: "acme.example", offer: "hosted", state: "ok", displayName: 3 });
    const { api, http } = createExchangeApi(connection);
    try {
      const error = (await caught(api.getService("o", "s"))) as ResponseShapeError;
      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error.call).toBe("GET /email/exchange/o/service/s");
      expect(error.problem).toBe("displayName: expected a string, found a number");
    } finally {
      await http.close();
    }
  });

  it("a batch read answered with a single object, not an array, is 'unsupported', never 'missing'", async () => {
    handler = (_req, _body, res) => json(res, 200, { primaryEmailAddress: "a@x.example" });
    const { api, http } = createExchangeApi(connection);
    try {
      const batch = await api.getAccountsBatch("o", "s", ["a@x.example"]);
      expect(batch.kind).toBe("unsupported");
      expect(seen.at(-1)!.url).toBe("/1.0/email/exchange/o/service/s/account/a%40x.example");
      expect(seen.at(-1)!.headers["x-ovh-batch"]).toBe(",");
    } finally {
      await http.close();
    }
  });

  it("a batch read with an address containing the separator is refused before anything is sent", async () => {
    const before = seen.length;
    const { api, http } = createExchangeApi(connection);
    try {
      const error = await caught(api.getAccountsBatch("o", "s", ["a@x.example", "b,c@x.example"]));
      expect(error).toMatchObject({ code: "EXREC_API_INVALID_REQUEST" });
      expect(seen.length).toBe(before);
    } finally {
      await http.close();
    }
  });

  it("honours a Retry-After given as an HTTP date", async () => {
    let calls = 0;
    handler = (_req, _body, res) => {
      calls++;
      if (calls === 1)
        return json(
          res,
          503,
          { message: "busy" },
          { "retry-after": new Date(Date.now() + 1500).toUTCString() },
        );
      json(res, 200, ["org-1"]);
    };
    const http = new OvhHttpClient({ ...connection, baseUrl, retry: { baseDelayMs: 1 } });
    try {
      const started = performance.now();
      const answer = await http.request<string[]>("GET", "/email/exchange");
      expect(answer.body).toEqual(["org-1"]);
      expect(calls).toBe(2);
      // An HTTP date has a one-second resolution: the wait is at least what is left of it.
      expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    } finally {
      await http.close();
    }
  });

  it("with OAuth2, a 401 on a GET (token revoked early) fetches a new token and retries once", async () => {
    let issued = 0;
    const revoked = new Set<string>();
    handler = (req, _body, res) => {
      if (req.url === "/auth/oauth2/token") {
        issued++;
        return json(res, 200, {
          access_token: `edge-token-${issued}-0000000000`,
          token_type: "Bearer",
          expires_in: 3600,
        });
      }
      const token = String(req.headers.authorization).replace(/^Bearer /, "");
      if (issued === 1) revoked.add(token);
      if (revoked.has(token))
        return json(res, 401, { message: "This credential is not valid", errorCode: "INVALID_CREDENTIAL" });
      json(res, 200, ["org-1"]);
    };
    const http = new OvhHttpClient({
      baseUrl,
      auth: {
        method: "oauth2",
        clientId: "edge-client",
        clientSecret: "edge-client-secret-00000",
        tokenUrl: `${new URL(baseUrl).origin}/auth/oauth2/token`,
      },
      limits,
    });
    try {
      expect((await http.request<string[]>("GET", "/email/exchange")).body).toEqual(["org-1"]);
      expect(issued).toBe(2);
    } finally {
      await http.close();
    }
  });

  it("sends the exact JSON text it signed, with encoded path segments and query values", async () => {
    handler = (_req, body, res) => json(res, 200, { echoed: body });
    const http = new OvhHttpClient({ ...connection, baseUrl });
    try {
      const answer = await http.request<{ echoed: string }>(
        "PUT",
        "/email/exchange/o/service/s/account/a%40b.example",
        {
          body: { renewPeriod: "yearly", displayName: "Zoë" },
          query: { x: "a b&c" },
        },
      );
      expect(answer.body.echoed).toBe('{"renewPeriod":"yearly","displayName":"Zoë"}');
      expect(seen.at(-1)!.url).toBe("/1.0/email/exchange/o/service/s/account/a%40b.example?x=a%20b%26c");
    } finally {
      await http.close();
    }
  });

  it("a server that accepts the request and never answers: a notice says what is awaited, the error names the host", async () => {
    const hung: ServerResponse[] = [];
    handler = (_req, _body, res) => void hung.push(res);
    const notices: string[] = [];
    const http = new OvhHttpClient({
      ...connection,
      baseUrl,
      limits: { ...limits, timeoutMs: 600 },
      retry: { attempts: 2, baseDelayMs: 1 },
      onSlow: (line) => notices.push(line),
      slowNoticeMs: 200,
    });
    const host = new URL(baseUrl).host;
    try {
      const error = await http.request("GET", "/email/exchange").then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).message).toContain(
        `GET /email/exchange timed out (2 attempts) (host ${host})`,
      );
      expect((error as NetworkError).hint).toContain(`at ${host} accepted the connection but did not answer`);
      expect(notices.length).toBeGreaterThanOrEqual(1);
      expect(notices[0]).toMatch(
        new RegExp(
          `^still waiting for GET ${host.replace(/\./g, "\\.")}/1\\.0/email/exchange \\(no answer for \\d+ s; attempt 1 of 2`,
        ),
      );
    } finally {
      for (const res of hung) res.destroy();
      await http.close();
    }
  });
});
