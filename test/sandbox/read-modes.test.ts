import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { accountPath, HOSTED, openSandbox, servicePath, TestClient } from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(readModes: { pages: boolean; batch: boolean }): Promise<TestClient> {
  const opened = await openSandbox({ readModes });
  sandbox = opened.sandbox;
  return opened.api;
}

const pageHeaders = (number: number, size: number) => ({
  "X-Pagination-Mode": "CachedObjectList-Pages",
  "X-Pagination-Size": String(size),
  "X-Pagination-Number": String(number),
});

const batchOf = (emails: string[]) =>
  `${servicePath(HOSTED)}/account/${emails.map(encodeURIComponent).join(",")}`;

describe("pages of whole accounts (X-Pagination-Mode: CachedObjectList-Pages)", () => {
  it("answers pages of account objects with the total when the mode is on", async () => {
    const api = await start({ pages: true, batch: false });
    const ids: string[] = (await api.get(`${servicePath(HOSTED)}/account`)).body;
    const first = await api.get(`${servicePath(HOSTED)}/account`, { headers: pageHeaders(1, 10) });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-pagination-elements")).toBe(String(ids.length));
    expect(first.headers.get("x-pagination-size")).toBe("10");
    expect(first.headers.get("x-pagination-number")).toBe("1");
    expect(first.body).toHaveLength(10);
    expect(first.body[0]).toMatchObject({ primaryEmailAddress: ids[0], accountLicense: expect.any(String) });

    const pages: any[] = [];
    for (let number = 1; number <= Math.ceil(ids.length / 10); number++) {
      pages.push(
        ...(await api.get(`${servicePath(HOSTED)}/account`, { headers: pageHeaders(number, 10) })).body,
      );
    }
    expect(pages.map((a) => a.primaryEmailAddress)).toEqual(ids);
    const beyond = await api.get(`${servicePath(HOSTED)}/account`, { headers: pageHeaders(99, 10) });
    expect(beyond.body).toEqual([]);
  });

  it("ignores the headers when the mode is off and answers bare ids", async () => {
    const api = await start({ pages: false, batch: false });
    const reply = await api.get(`${servicePath(HOSTED)}/account`, { headers: pageHeaders(1, 10) });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-pagination-elements")).toBeNull();
    expect(reply.body.length).toBeGreaterThan(10);
    for (const id of reply.body) expect(typeof id).toBe("string");
  });

  it("can be switched at run time", async () => {
    const api = await start({ pages: false, batch: false });
    sandbox?.setReadModes({ pages: true, batch: false });
    const reply = await api.get(`${servicePath(HOSTED)}/account`, { headers: pageHeaders(1, 5) });
    expect(reply.body).toHaveLength(5);
    expect(typeof reply.body[0]).toBe("object");
  });
});

describe("batches of accounts (X-Ovh-Batch: ,)", () => {
  it("answers {key, value, error} for each id when the mode is on, with an error for unknown ids", async () => {
    const api = await start({ pages: false, batch: true });
    const reply = await api.get(batchOf(["alice@acme.example", "nobody@acme.example", "bob@acme.example"]), {
      headers: { "X-Ovh-Batch": "," },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(3);
    expect(reply.body[0]).toMatchObject({
      key: "alice@acme.example",
      error: null,
      value: { primaryEmailAddress: "alice@acme.example" },
    });
    expect(reply.body[1]).toMatchObject({ key: "nobody@acme.example", value: null });
    expect(reply.body[1].error).toMatch(/nobody@acme\.example/);
    expect(reply.body[2].value.primaryEmailAddress).toBe("bob@acme.example");
    expect(sandbox?.stats.byRoute["GET /email/exchange/{org}/service/{svc}/account/{email}"]).toBe(1);
  });

  it("answers 404 when the mode is off, as an API without batch support would", async () => {
    const api = await start({ pages: false, batch: false });
    const reply = await api.get(batchOf(["alice@acme.example", "bob@acme.example"]), {
      headers: { "X-Ovh-Batch": "," },
    });
    expect(reply.status).toBe(404);
    expect(reply.body.class).toBe("Client::NotFound");
    // The accounts themselves are there.
    expect((await api.get(accountPath(HOSTED, "alice@acme.example"))).status).toBe(200);
  });

  it("reads a single id as usual when no X-Ovh-Batch header is sent", async () => {
    const api = await start({ pages: false, batch: true });
    const reply = await api.get(accountPath(HOSTED, "alice@acme.example"));
    expect(reply.body.primaryEmailAddress).toBe("alice@acme.example");
  });
});
