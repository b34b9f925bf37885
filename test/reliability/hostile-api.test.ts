/**
 * API answers of unexpected shape: missing or extra fields, wrong types, unknown enum values, huge
 * lists, answers that are not JSON, an account answered for another. The sandbox cannot produce
 * them, so a tiny server in this test (loopback, random port, a bounded number of requests) plays
 * OVHcloud with one answer spoiled at a time. exrec must stop with exit 1 and a message naming the
 * call (method and route): no stack trace, no plan printed, nothing written.
 */
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, type CliResult } from "../support/cli.js";
import { shown } from "./harness.js";

const BASE = "/1.0/email/exchange/org1/service/svc1";

function account(email: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [login, domain] = email.split("@") as [string, string];
  return {
    primaryEmailAddress: email,
    login,
    domain,
    displayName: login,
    firstName: null,
    lastName: null,
    accountLicense: "standard",
    renewPeriod: "yearly",
    deleteAtExpiration: false,
    expirationDate: "2027-06-28T00:00:00+02:00",
    creationDate: "2024-06-26T00:00:00+02:00",
    configured: true,
    state: "ok",
    taskPendingId: null,
    quota: 50,
    currentUsage: 1,
    id: 1,
    ...extra,
  };
}

type Answer = { status?: number; body: string; type?: string };
type Routes = Record<string, () => Answer>;
const json = (value: unknown): Answer => ({ body: JSON.stringify(value) });

/** What a well-behaved API answers for a Hosted platform with two accounts. */
function wellBehaved(): Routes {
  return {
    "GET /1.0/auth/time": () => json(Math.floor(Date.now() / 1000)),
    [`GET ${BASE}`]: () =>
      json({ domain: "acme.example", displayName: "Acme", offer: "hosted", state: "ok", taskPendingId: 0 }),
    [`GET ${BASE}/domain`]: () => json(["acme.example"]),
    [`GET ${BASE}/account`]: () => json(["alice@acme.example", "bob@acme.example"]),
    [`GET ${BASE}/account/alice%40acme.example`]: () => json(account("alice@acme.example")),
    [`GET ${BASE}/account/bob%40acme.example`]: () => json(account("bob@acme.example")),
  };
}

const MANIFEST = `version: 1
platforms:
  - organization: org1
    service: svc1
    offer: hosted
    accounts:
      - email: alice@acme.example
        license: standard
        renewal: yearly
      - email: bob@acme.example
        license: standard
        renewal: yearly
`;

/** The one place in a row that differs from the well-behaved API. */
interface Row {
  name: string;
  spoil: Routes;
  /** What the error must say: the call and the problem. */
  message: RegExp;
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

const rows: Row[] = [
  {
    name: "the account list is an object, not an array",
    spoil: { [`GET ${BASE}/account`]: () => json({ accounts: ["alice@acme.example"] }) },
    message: /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer: expected an array/,
  },
  {
    name: "an account lacks its licence",
    spoil: {
      [`GET ${BASE}/account/bob%40acme.example`]: () =>
        json({ ...account("bob@acme.example"), accountLicense: undefined }),
    },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/account\/bob%40acme\.example: unexpected answer: accountLicense: expected one of basic, standard, enterprise, found nothing/,
  },
  {
    name: "an account's `configured` is a string",
    spoil: {
      [`GET ${BASE}/account/bob%40acme.example`]: () =>
        json(account("bob@acme.example", { configured: "yes" })),
    },
    message:
      /account\/bob%40acme\.example: unexpected answer: configured: expected true or false, found a string/,
  },
  {
    name: "an account is in a state the API does not document",
    spoil: {
      [`GET ${BASE}/account/bob%40acme.example`]: () =>
        json(account("bob@acme.example", { state: "frozen" })),
    },
    // The value is not quoted: a wrong answer may hold personal data.
    message:
      /account\/bob%40acme\.example: unexpected answer: state: expected one of creating, .*, found a string/,
  },
  {
    name: "the service is answered as null",
    spoil: { [`GET ${BASE}`]: () => json(null) },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1: unexpected answer: the answer: expected an object, found null/,
  },
  {
    name: "the service answers with a 200 HTML page, not JSON",
    spoil: { [`GET ${BASE}`]: () => ({ body: "<html><body>Maintenance</body></html>", type: "text/html" }) },
    message: /GET \/email\/exchange\/org1\/service\/svc1: unexpected answer: the answer is not JSON/,
  },
  {
    name: "the domain list is 200,000 entries long with a number among them",
    spoil: {
      [`GET ${BASE}/domain`]: () =>
        json(Array.from({ length: 200_000 }, (_, i) => (i === 150_000 ? 42 : `d${i}.example`))),
    },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/domain: unexpected answer: \[150000\]: expected a string, found a number/,
  },
  {
    name: "the account list is 200,000 numbers",
    spoil: { [`GET ${BASE}/account`]: () => json(Array.from({ length: 200_000 }, (_, i) => i)) },
    message: /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer/,
  },
  {
    name: "the account list is 32 MiB of text that is not JSON",
    spoil: { [`GET ${BASE}/account`]: () => ({ body: "x".repeat(32 * 1024 * 1024), type: "text/plain" }) },
    message: /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer: the answer is not JSON/,
  },
  {
    name: "the account list is an answer of 80 MiB, more than exrec reads",
    spoil: { [`GET ${BASE}/account`]: () => ({ body: `["${"a".repeat(80 * 1024 * 1024)}@acme.example"]` }) },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer: the answer is larger than 67108864 bytes/,
  },
  {
    name: "the account list is nested 100,000 arrays deep",
    spoil: { [`GET ${BASE}/account`]: () => ({ body: nested(100_000) }) },
    message: /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer/,
  },
  {
    name: "the server time is not a number",
    spoil: { "GET /1.0/auth/time": () => json("soon") },
    message: /GET \/auth\/time: unexpected answer/,
  },
  {
    name: "bob's address answers alice's account",
    spoil: { [`GET ${BASE}/account/bob%40acme.example`]: () => json(account("alice@acme.example")) },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/account\/bob%40acme\.example: unexpected answer: .*alice@acme\.example/,
  },
  {
    name: "a batch read answers an account it was not asked for",
    spoil: {
      [`GET ${BASE}/account/alice%40acme.example,bob%40acme.example`]: () =>
        json([
          { key: "alice@acme.example", value: account("alice@acme.example"), error: null },
          { key: "bob@acme.example", value: account("mallory@acme.example"), error: null },
        ]),
    },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/account\/alice%40acme\.example,bob%40acme\.example: unexpected answer: a batch read answered the account mallory@acme\.example, which it did not ask for/,
  },
  {
    name: "the account list names bob twice, in another case, and both read as bob",
    spoil: {
      [`GET ${BASE}/account`]: () => json(["alice@acme.example", "bob@acme.example", "BOB@acme.example"]),
      [`GET ${BASE}/account/BOB%40acme.example`]: () => json(account("bob@acme.example")),
    },
    message:
      /GET \/email\/exchange\/org1\/service\/svc1\/account: unexpected answer: the account bob@acme\.example was answered twice/,
  },
];

describe("hostile API answers", () => {
  let server: Server;
  let url: string;
  let home: string;
  let manifest: string;
  let routes: Routes = wellBehaved();
  let requests = 0;
  const writes: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      // Bounded: a runaway client gets nothing more after this many requests.
      if (++requests > 20_000) return void req.socket.destroy();
      req.resume();
      const path = (req.url ?? "/").split("?")[0]!;
      if (req.method !== "GET") writes.push(`${req.method} ${path}`);
      const route = routes[`${req.method} ${path}`];
      const answer: Answer = route
        ? route()
        : { status: 404, body: JSON.stringify({ message: "not found" }) };
      res.writeHead(answer.status ?? 200, { "content-type": answer.type ?? "application/json" });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
    home = await tempDir("exrec-hostile-");
    manifest = join(home, "manifest.yaml");
    await writeFile(manifest, MANIFEST);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const plan = (args: string[] = []): Promise<CliResult> =>
    runCli(["plan", manifest, ...args], {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        NO_COLOR: "1",
        CI: "true",
        OVH_ENDPOINT: url,
        // The server does not check signatures; these only make exrec sign its requests.
        OVH_APPLICATION_KEY: "hostileappkey",
        OVH_APPLICATION_SECRET: "hostileappsecret",
        OVH_CONSUMER_KEY: "hostileconsumerkey",
        EXREC_RATE_LIMIT: "0",
      },
    });

  it("the well-behaved server, with extra fields everywhere, gives an empty plan (the control case)", async () => {
    routes = wellBehaved();
    routes[`GET ${BASE}/account/alice%40acme.example`] = () =>
      json(account("alice@acme.example", { brandNewField: { a: [1, 2] }, mailingFilter: [] }));
    routes[`GET ${BASE}`] = () =>
      json({
        domain: "acme.example",
        displayName: "Acme",
        offer: "hosted",
        state: "ok",
        taskPendingId: 0,
        sslExpirationDate: null,
        spamAndVirusConfiguration: {},
      });
    const result = await plan(["--detailed-exitcode"]);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout).toMatch(/No changes/);
  });

  it.each(rows.map((row) => [row.name, row] as const))(
    "%s: exit 1, the call named, no stack trace, no plan",
    async (_name, row) => {
      routes = { ...wellBehaved(), ...row.spoil };
      const result = await plan(["--debug"]);
      expect(result.code, shown(result)).toBe(1);
      expect(result.stderr).toMatch(row.message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toMatch(/This is a bug in exrec/);
      expect(result.stdout).toBe("");
      expect(writes).toEqual([]);
    },
  );
});
