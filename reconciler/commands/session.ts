/**
 * The composition root of a command: resolves where to talk to (OVHcloud, an external sandbox, or
 * the embedded one), builds the API client and the backend, and closes them. Configuration is
 * resolved before anything else and without any request, so bad input never reaches the API.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { resolveConnection } from "../../provider/ovh/config.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import { openBackend } from "../../provider/backend/index.js";
import type { Backend, ExchangeApi } from "../ports.js";
import { UsageError } from "../errors.js";

export interface GlobalOptions {
  debug?: boolean;
  progress?: boolean;
  concurrency?: string;
  rateLimit?: string;
  timeout?: string;
  backend?: string;
}

export type Connection = ReturnType<typeof resolveConnection>;

/** The folder for local state: the embedded sandbox, the local backend. */
export const STATE_DIR = ".exrec";

function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** Reads the credentials and limits; throws a ConfigError naming the variable or file. No I/O but files. */
export function resolveConfig(options: GlobalOptions): Connection {
  const concurrency = parseCount("--concurrency", options.concurrency);
  const rateLimit = parseCount("--rate-limit", options.rateLimit);
  const timeout = parseCount("--timeout", options.timeout);
  return resolveConnection(process.env, homedir(), {
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
  });
}

export interface Session {
  api: ExchangeApi;
  /** Where the API is, for messages: `OVHcloud (ovh-eu)`, `the local sandbox`. */
  target: string;
  close(): Promise<void>;
}

/**
 * Opens the API. With no OVHcloud credentials: `EXREC_SANDBOX` (the URL printed by `exrec sandbox`),
 * or else an in-process sandbox on `.exrec/sandbox.json`, announced once on stderr.
 */
export async function openSession(connection: Connection, options: GlobalOptions): Promise<Session> {
  const debug = options.debug ? (line: string) => process.stderr.write(`debug: ${line}\n`) : undefined;
  if (connection.kind === "ovh") {
    const { api } = createExchangeApi(connection, debug ? { debug } : {});
    return { api, target: `OVHcloud (${connection.endpointName ?? connection.baseUrl})`, close: async () => {} };
  }
  const limits = { concurrency: 16, ratePerSecond: 0, timeoutMs: 30_000 };
  const sandboxConnection = (baseUrl: string) =>
    ({
      kind: "ovh",
      endpointName: null,
      baseUrl,
      auth: {
        method: "application-key",
        applicationKey: SANDBOX_CREDENTIALS.applicationKey,
        applicationSecret: SANDBOX_CREDENTIALS.applicationSecret,
        consumerKey: SANDBOX_CREDENTIALS.consumerKey,
      },
      limits,
      source: "sandbox",
    }) as Extract<Connection, { kind: "ovh" }>;

  const external = process.env.EXREC_SANDBOX;
  if (external) {
    process.stderr.write(`exrec: no OVHcloud credentials set; using the sandbox at ${external} (EXREC_SANDBOX)\n`);
    const { api } = createExchangeApi(sandboxConnection(external), debug ? { debug } : {});
    return { api, target: `the sandbox at ${external}`, close: async () => {} };
  }
  const stateFile = join(STATE_DIR, "sandbox.json");
  // Loaded only here: the engine never imports the sandbox except to start it in-process.
  const { startSandbox } = await import("../../provider/sandbox/server.js");
  const sandbox = await startSandbox({ stateFile, seed: { kind: "demo" } });
  process.stderr.write(
    `exrec: no OVHcloud credentials set; using the local sandbox (state in ${stateFile}). See docs/CREDENTIALS.md to use OVHcloud.\n`,
  );
  const { api } = createExchangeApi(sandboxConnection(sandbox.url), debug ? { debug } : {});
  return { api, target: "the local sandbox", close: () => sandbox.close() };
}

export async function openBackendFor(options: GlobalOptions): Promise<Backend> {
  return openBackend(options.backend ?? process.env.EXREC_BACKEND, { dir: STATE_DIR });
}

/** The planner's clock: `EXREC_NOW` (an ISO date-time, for reproducible output), else the real one. */
export function planningClock(): Date {
  const fixed = process.env.EXREC_NOW;
  if (!fixed) return new Date();
  const date = new Date(fixed);
  if (Number.isNaN(date.getTime())) throw new UsageError(`EXREC_NOW is not an ISO date-time: ${JSON.stringify(fixed)}`);
  return date;
}

/** Colour on a terminal only, never with NO_COLOR (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
}
