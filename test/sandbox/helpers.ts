/**
 * A minimal OVHcloud API client for the sandbox tests: it signs requests itself (from docs/OVH-API.md's
 * definition, checked against its published vectors in auth.test.ts) so that the tests do not
 * depend on provider/ovh, and returns status, headers and parsed body as they came.
 */
import { createHash } from "node:crypto";
import { startSandbox } from "../../provider/sandbox/server.js";
import {
  SANDBOX_CREDENTIALS,
  type Sandbox,
  type SandboxCredentials,
  type SandboxOptions,
} from "../../provider/sandbox/types.js";

/** The header with which a test marks a request that is off the schema on purpose. */
export const OFF_SCHEMA_HEADER = "X-Exrec-Conformance";

export const NOW = new Date("2026-11-26T09:00:00.000Z");
export const ORG = "hosted-ab12345-1";
export const HOSTED = "hosted-ab12345-1";
export const PRIVATE = "private-ab12345-1";

export function sign(
  secret: string,
  consumer: string,
  method: string,
  url: string,
  body: string,
  timestamp: string,
): string {
  return `$1$${createHash("sha1").update(`${secret}+${consumer}+${method}+${url}+${body}+${timestamp}`).digest("hex")}`;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Send this text as the body, as is (signed as sent). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Seconds added to the real clock for X-Ovh-Timestamp. */
  skewSeconds?: number;
  /** Sign with these credentials instead. */
  credentials?: SandboxCredentials;
  /** Send no authentication at all. */
  anonymous?: boolean;
  /** Use `Authorization: Bearer` instead of a signature. */
  bearer?: string;
  /** Change the signature after computing it. */
  tamper?: boolean;
  /**
   * The request is off OVHcloud's schema on purpose (to see the sandbox refuse it): the
   * conformance checker lets it through to the sandbox instead of failing it.
   */
  offSchema?: boolean;
}

export class TestClient {
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const url = `${this.baseUrl}${path}`;
    const text = options.rawBody ?? (options.body === undefined ? "" : JSON.stringify(options.body));
    const headers: Record<string, string> = {
      ...(text ? { "Content-Type": "application/json" } : {}),
      ...options.headers,
      ...(options.offSchema ? { [OFF_SCHEMA_HEADER]: "off-schema" } : {}),
    };
    if (options.bearer !== undefined) {
      headers.Authorization = `Bearer ${options.bearer}`;
    } else if (!options.anonymous) {
      const c = options.credentials ?? SANDBOX_CREDENTIALS;
      const timestamp = String(Math.floor(Date.now() / 1000) + (options.skewSeconds ?? 0));
      let signature = sign(c.applicationSecret, c.consumerKey, method, url, text, timestamp);
      if (options.tamper) signature = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
      Object.assign(headers, {
        "X-Ovh-Application": c.applicationKey,
        "X-Ovh-Consumer": c.consumerKey,
        "X-Ovh-Timestamp": timestamp,
        "X-Ovh-Signature": signature,
      });
    }
    const response = await fetch(url, { method, headers, ...(text ? { body: text } : {}) });
    const raw = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: raw === "" ? undefined : JSON.parse(raw),
    };
  }

  get(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request("GET", path, options);
  }
  put(path: string, body: unknown, options?: RequestOptions): Promise<Reply> {
    return this.request("PUT", path, { ...options, body });
  }
  post(path: string, body?: unknown, options?: RequestOptions): Promise<Reply> {
    return this.request("POST", path, body === undefined ? options : { ...options, body });
  }
  delete(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request("DELETE", path, options);
  }
}

/** `/email/exchange/{org}/service/{svc}`, with the parts URL-encoded. */
export function servicePath(svc: string, org = ORG): string {
  return `/email/exchange/${encodeURIComponent(org)}/service/${encodeURIComponent(svc)}`;
}

export function accountPath(svc: string, email: string, org = ORG): string {
  return `${servicePath(svc, org)}/account/${encodeURIComponent(email)}`;
}

export function orderPath(svc: string, org = ORG): string {
  return `/order/email/exchange/${encodeURIComponent(org)}/service/${encodeURIComponent(svc)}/account`;
}

/** A business clock a test can move. */
export class Clock {
  constructor(public current: Date = NOW) {}
  readonly now = (): Date => this.current;
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export async function openSandbox(
  options: SandboxOptions = {},
): Promise<{ sandbox: Sandbox; api: TestClient }> {
  // The sandbox's defaults are the schema's answer shapes, which the conformance check holds it to.
  const sandbox = await startSandbox({ stateFile: null, seed: { kind: "demo" }, now: () => NOW, ...options });
  return { sandbox, api: new TestClient(sandbox.url) };
}

/** Reads a task until it has ended, as a client polls it. */
export async function waitForTask(
  api: TestClient,
  svc: string,
  taskId: number,
  org = ORG,
  timeoutMs = 5000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.get(`${servicePath(svc, org)}/task/${taskId}`);
    if (reply.status !== 200)
      throw new Error(`task ${taskId}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    if (reply.body.status !== "todo" && reply.body.status !== "doing") return reply.body;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${reply.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
