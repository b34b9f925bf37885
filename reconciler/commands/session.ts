/**
 * The composition root of a command: resolves where to talk to (OVHcloud, an external sandbox, or
 * the embedded one), builds the API client and the backend, and closes them. Configuration is
 * resolved before anything else and without any request, so bad input never reaches the API.
 */
import { join } from "node:path";
import {
  resolveConnection,
  sandboxConnection,
  type Connection,
  type OvhConnection,
} from "../../provider/ovh/config.js";

export type { Connection };
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import type { Backend, ExchangeApi } from "../ports.js";
import { UsageError } from "../errors.js";
import { isCi, note, pathIn, type CliIo } from "./io.js";

export interface GlobalOptions {
  debug?: boolean;
  progress?: boolean;
  concurrency?: string;
  rateLimit?: string;
  timeout?: string;
  backend?: string;
}

/** The folder for local state: the embedded sandbox, the local backend. */
export const STATE_DIR = ".exrec";

function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** Reads the credentials and limits; throws a ConfigError naming the variable or file. No I/O but files. */
export function resolveConfig(io: CliIo, options: GlobalOptions): Connection {
  const concurrency = parseCount("--concurrency", options.concurrency);
  const rateLimit = parseCount("--rate-limit", options.rateLimit);
  const timeout = parseCount("--timeout", options.timeout);
  return resolveConnection(
    io.env,
    io.home,
    {
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(rateLimit !== undefined ? { rateLimit } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    },
    io.cwd,
  );
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
export async function openSession(
  io: CliIo,
  connection: Connection,
  options: GlobalOptions,
  signal?: AbortSignal,
): Promise<Session> {
  const session = await openApi(io, connection, options);
  if (!signal) return session;
  const { stoppingApi } = await import("../apply/interrupt.js");
  return { ...session, api: stoppingApi(session.api, signal) };
}

async function openApi(io: CliIo, connection: Connection, options: GlobalOptions): Promise<Session> {
  const debug = options.debug ? (line: string) => io.stderr.write(`debug: ${line}\n`) : undefined;
  // On a terminal (or with --progress), a request left unanswered says what it waits for.
  const onSlow =
    io.stderr.isTTY || options.progress ? (line: string) => io.stderr.write(`exrec: ${line}\n`) : undefined;
  const open = (ovh: OvhConnection) =>
    createExchangeApi(ovh, { ...(debug ? { debug } : {}), ...(onSlow ? { onSlow } : {}) });
  if (connection.kind === "ovh") {
    const { api, http } = open(connection);
    return {
      api,
      target: `OVHcloud (${connection.endpointName ?? connection.baseUrl})`,
      close: () => closeConnections(io, http),
    };
  }
  // In CI, credentials forgotten in the secret store must not turn an apply into a demo that passes.
  if (isCi(io) && !io.env.EXREC_SANDBOX && io.env.EXREC_USE_SANDBOX !== "1") {
    throw new UsageError(
      "no OVHcloud credentials are set, and this is a CI run: refusing to fall back to the local sandbox",
      {
        hint: "set OVH_ENDPOINT and OVH_APPLICATION_KEY/OVH_APPLICATION_SECRET/OVH_CONSUMER_KEY (or OVH_CLIENT_ID/OVH_CLIENT_SECRET) from the CI's secret store, or EXREC_USE_SANDBOX=1 to use the sandbox on purpose",
      },
    );
  }
  const external = io.env.EXREC_SANDBOX;
  if (external) {
    note(io, `exrec: no OVHcloud credentials set; using the sandbox at ${external} (EXREC_SANDBOX)`);
    const { api, http } = open(sandboxConnection(external, SANDBOX_CREDENTIALS, connection.limits));
    return { api, target: `the sandbox at ${external}`, close: () => closeConnections(io, http) };
  }
  const stateFile = join(STATE_DIR, "sandbox.json");
  // Loaded only here: the engine never imports the sandbox except to start it in-process.
  const { startSandbox } = await import("../../provider/sandbox/server.js");
  const sandbox = await startSandbox({ stateFile: pathIn(io, stateFile), seed: { kind: "demo" } });
  note(
    io,
    `exrec: no OVHcloud credentials set; using the local sandbox (state in ${stateFile}). See docs/CREDENTIALS.md to use OVHcloud.`,
  );
  // The sandbox is in this process: the rate limit meant for OVHcloud would only slow the demo down.
  const { api, http } = open(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, { ...connection.limits, ratePerSecond: 0 }),
  );
  return {
    api,
    target: "the local sandbox",
    close: async () => {
      await http.close();
      await sandbox.close();
    },
  };
}

/**
 * Closes the client's keep-alive connections, unless the process ends with this run: then the exit
 * drops them, and closing 64 sockets one by one first would only delay the plan's output. (The
 * embedded sandbox always closes its own: its server waits for them.)
 */
function closeConnections(io: CliIo, http: { close(): Promise<void> }): Promise<void> {
  return io.processEndsWithRun ? Promise.resolve() : http.close();
}

/**
 * Who the API calls of this connection are made as, for the host-wide ordering turns: the endpoint
 * (for the embedded sandbox, its state file) and the credentials' identity. It holds keys: it is
 * hashed by the turns at once and must never be printed.
 */
export function apiIdentity(io: CliIo, connection: Connection): string {
  if (connection.kind === "ovh") {
    const auth = connection.auth;
    const who =
      auth.method === "application-key"
        ? `application-key ${auth.applicationKey} ${auth.consumerKey}`
        : `oauth2 ${auth.clientId}`;
    return `${connection.baseUrl}\0${who}`;
  }
  const external = io.env.EXREC_SANDBOX;
  if (external) return `${external.replace(/\/+$/, "")}\0sandbox`;
  return `file://${pathIn(io, join(STATE_DIR, "sandbox.json"))}\0embedded sandbox`;
}

/** The backend named by --backend or EXREC_BACKEND, else the local one in the working folder's `.exrec`. */
export async function openBackendFor(io: CliIo, options: GlobalOptions): Promise<Backend> {
  // Loaded here: a plan where no apply ran (no .exrec folder, no --backend) opens no backend at all.
  const { openBackend } = await import("../../provider/backend/index.js");
  return openBackend(backendSpec(io, options), {
    dir: pathIn(io, STATE_DIR),
    onWarning: (message) => note(io, `exrec: warning: ${message}`),
  });
}

/** The backend the user named, if any (undefined: the local folder). */
export function backendSpec(io: CliIo, options: GlobalOptions): string | undefined {
  return options.backend ?? io.env.EXREC_BACKEND;
}

/** The planner's clock: `EXREC_NOW` (an ISO date-time, for reproducible output), else the real one. */
export function planningClock(io: Pick<CliIo, "env">): Date {
  const fixed = io.env.EXREC_NOW;
  if (!fixed) return new Date();
  const date = new Date(fixed);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`EXREC_NOW is not an ISO date-time: ${JSON.stringify(fixed)}`);
  return date;
}
