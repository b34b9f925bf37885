/**
 * Vitest's global setup (vitest.config.ts): one throw-away PostgreSQL for the whole run, started
 * only when a test file first asks for it, instead of one per test file. The server is shared the
 * way CI shares the one it starts (EXREC_TEST_PG_URL): every test makes databases and roles of its
 * own on it (createDatabase, unique role names).
 *
 * The files run in worker processes and this setup in vitest's own, so the workers ask through a
 * small HTTP endpoint on loopback, whose URL they get with `inject` (shared-postgres.ts). Asking
 * costs nothing when no file needs the server: a run of a few other files starts none.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { POSTGRES_BROKER, startThrowawayPostgres, type ThrowawayPostgres } from "./postgres.js";

/** What the endpoint answers: the server's URL, why there is none, or the error that stopped it. */
export type BrokerAnswer = { url: string } | { skip: string } | { error: string };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let started: Promise<ThrowawayPostgres | { skip: string }> | null = null;
  const answer = async (): Promise<BrokerAnswer> => {
    try {
      const server = await (started ??= startThrowawayPostgres());
      return "skip" in server ? { skip: server.skip } : { url: server.url };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const broker = createServer((_request, response) => {
    void answer().then((body) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
  const { port } = broker.address() as AddressInfo;
  project.provide(POSTGRES_BROKER, `http://127.0.0.1:${port}/`);
  return async () => {
    broker.closeAllConnections();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const server = await started?.catch(() => null);
    if (server && "stop" in server) await server.stop();
  };
}
