/**
 * A shared backend that cannot be reached. `plan` reads the journal from it (to name orders already
 * placed), so, as `terraform plan` with an unreachable state backend, it stops: exit 1, a message
 * naming the database's host:port and what failed, no stack trace, no password, no plan on stdout,
 * and, since the backend is opened first, not one request to the API.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TWO_ORDERS, shown, startRun, type Run } from "./harness.js";

/** A port on the loopback address that nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe("a PostgreSQL backend that cannot be reached", () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun();
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  it.each([
    ["plan", ["plan", TWO_ORDERS]],
    ["plan --format json", ["plan", TWO_ORDERS, "--format", "json"]],
    ["apply", ["apply", TWO_ORDERS, "--auto-approve"]],
  ])("%s: exit 1 naming host:port and what failed, nothing else done", async (_name, args) => {
    const port = await closedPort();
    const requestsBefore = run.sandbox.stats.total;
    const result = await run.cli([...args, "--backend", `postgres://exrec:s3cretpw@127.0.0.1:${port}/exrec`]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toContain(`connecting on the PostgreSQL backend at 127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/failed: .*ECONNREFUSED/);
    expect(result.stderr).toContain("check the host and port of --backend / EXREC_BACKEND");
    expect(result.stderr + result.stdout).not.toContain("s3cretpw");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect(run.sandbox.stats.total).toBe(requestsBefore);
  });

  it("without a port in the URL, the message names PostgreSQL's default one", async () => {
    const result = await run.cli([
      "plan",
      TWO_ORDERS,
      "--backend",
      "postgres://exrec:s3cretpw@db.invalid/exrec",
    ]);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toContain("connecting on the PostgreSQL backend at db.invalid:5432");
    expect(result.stderr + result.stdout).not.toContain("s3cretpw");
    expect(result.stdout).toBe("");
  });
});
