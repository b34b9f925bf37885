/**
 * The PostgreSQL server of the tests: the one CI gives (EXREC_TEST_PG_URL), else the run's shared
 * throw-away server (postgres-broker.ts, vitest's global setup), else, outside vitest's
 * configuration, a throw-away server of this file's own. `stop()` stops only a server this file
 * started: a shared one outlives the file.
 */
import { inject } from "vitest";
import type { BrokerAnswer } from "./postgres-broker.js";
import { POSTGRES_BROKER, startThrowawayPostgres, type ThrowawayPostgres } from "./postgres.js";

export async function testPostgres(): Promise<ThrowawayPostgres | { skip: string }> {
  const given = process.env.EXREC_TEST_PG_URL;
  if (given) return { url: given, stop: async () => undefined };
  const broker = inject(POSTGRES_BROKER);
  if (broker === undefined) return startThrowawayPostgres();
  const answer = (await (await fetch(broker)).json()) as BrokerAnswer;
  if ("error" in answer) throw new Error(`the shared throw-away PostgreSQL did not start: ${answer.error}`);
  return "skip" in answer ? answer : { url: answer.url, stop: async () => undefined };
}
