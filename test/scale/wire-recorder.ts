/**
 * A transparent HTTP hop between exrec and a sandbox that writes down every request it forwards:
 * method, raw path and the two read-mode headers. The sandbox's own stats count requests by route
 * pattern (`…/account/{email}`), which cannot tell a batch GET from a single one nor say which
 * account was read; the wire can. Nothing is answered here: every byte goes to the real sandbox
 * and back, and the signature still verifies because the Host header is forwarded unchanged (the
 * sandbox checks the URL the client signed, which is this hop's).
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireRequest {
  method: string;
  /** The path as sent, still URL-encoded, without the query. */
  rawPath: string;
  /** `X-Ovh-Batch`, when the request carried it. */
  batchSeparator: string | null;
  /** `X-Pagination-Mode` / `X-Pagination-Number`, when the request carried them. */
  paginationMode: string | null;
  pageNumber: number | null;
  /** The sandbox's status code, once it answered (null while in flight or when it never did). */
  status: number | null;
}

export interface WireRecorder {
  /** Base URL to give exrec, including `/1.0`. */
  readonly url: string;
  readonly requests: WireRequest[];
  clear(): void;
  close(): Promise<void>;
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
}

/** Starts a recording hop in front of `targetUrl` (a sandbox base URL ending in `/1.0`). */
export async function startWireRecorder(targetUrl: string): Promise<WireRecorder> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  const requests: WireRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const rawUrl = incoming.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const pageNumber = header(incoming, "x-pagination-number");
    const record: WireRequest = {
      method: (incoming.method ?? "GET").toUpperCase(),
      rawPath: queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt),
      batchSeparator: header(incoming, "x-ovh-batch"),
      paginationMode: header(incoming, "x-pagination-mode"),
      pageNumber: pageNumber === null ? null : Number(pageNumber),
      status: null,
    };
    requests.push(record);
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: rawUrl,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        record.status = answer.statusCode ?? null;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, "")}`,
    requests,
    clear: () => void requests.splice(0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

const PLATFORM_PATH = /^\/1\.0\/email\/exchange\/([^/]+)\/service\/([^/]+)(\/.*)?$/;

/** `org/svc` of a request below a platform (decoded), or null for requests outside any platform. */
export function platformOf(request: WireRequest): string | null {
  const match = PLATFORM_PATH.exec(request.rawPath);
  return match ? `${decodeURIComponent(match[1] as string)}/${decodeURIComponent(match[2] as string)}` : null;
}

const ACCOUNT_PATH = /^\/1\.0\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/([^/]+)$/;

/**
 * The addresses one `GET …/account/{…}` asked for: the ids of a batch (split on the separator
 * before decoding, as the API does: an encoded `%2C` belongs to an address), or the one address of
 * a single GET. Null for any other request.
 */
export function accountsAskedBy(request: WireRequest): string[] | null {
  if (request.method !== "GET") return null;
  const match = ACCOUNT_PATH.exec(request.rawPath);
  if (!match) return null;
  const segment = match[1] as string;
  const parts = request.batchSeparator ? segment.split(request.batchSeparator) : [segment];
  return parts.map((part) => decodeURIComponent(part).toLowerCase());
}
