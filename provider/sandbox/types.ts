/**
 * The programmatic face of the sandbox: how tests, benchmarks and the CLI start it, switch its
 * faults and read its counters. The HTTP face is OVHcloud's API v1 subset of docs/OVH-API.md under
 * `/1.0`, plus a control API under `/_sandbox` (not part of OVHcloud's API).
 */

/** Credentials the sandbox accepts. The embedded sandbox uses SANDBOX_CREDENTIALS. */
export interface SandboxCredentials {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  /** OAuth2 client credentials accepted at `/auth/oauth2/token` (outside `/1.0`). */
  clientId: string;
  clientSecret: string;
}

/** Not secret: they only open the local sandbox. */
export const SANDBOX_CREDENTIALS: SandboxCredentials = {
  applicationKey: "sandboxappkey000",
  applicationSecret: "sandboxsecret0000000000000000000",
  consumerKey: "sandboxconsumerkey00000000000000",
  clientId: "sandbox-client",
  clientSecret: "sandbox-client-secret-000000000000",
};

export type SeedSpec =
  | { kind: "demo" }
  | { kind: "empty" }
  /** P platforms (alternating hosted and private unless `offer` says) × A accounts each. */
  | { kind: "fleet"; platforms: number; accounts: number; offer?: "hosted" | "private" | "mixed" };

/** Parse `demo`, `empty` or `fleet:PxA` (the `--seed` flag). Throws a clear Error otherwise. */
export type ParseSeed = (text: string) => SeedSpec;

export interface ReadModes {
  /** Answer `X-Pagination-Mode: CachedObjectList-Pages` with pages of whole objects (else ignore it). */
  pages: boolean;
  /** Answer `X-Ovh-Batch` GETs with `{key, value, error}` arrays (else 404, as an API without batch). */
  batch: boolean;
}

/**
 * How some answers are shaped where OVHcloud's schema and exrec's older client disagree. Each mode
 * has the schema's behaviour and an older one. The defaults are the schema's (idle objects answer
 * `taskPendingId: 0` as OVHcloud's examples show, string detail quantities, payment through the
 * payment method), except `nullPrices`, which the schema allows but does not require.
 */
export interface AnswerModes {
  /** What an account with no task pending reads as `taskPendingId`: 0 (OVHcloud's examples) or null. */
  idleTaskPendingId: 0 | null;
  /** `billing.OrderDetail.quantity` as the schema's string, or as a number (older answers). */
  detailQuantity: "string" | "number";
  /** Answer `order.Price.priceInUcents` and `billing.Order.date` as null, which the schema allows. */
  nullPrices: boolean;
  /**
   * Older payment means: `availableRegisteredPaymentMean` names the bank account's id and the
   * fidelity account pays any order. Off: the schema's `[{paymentMean}]` with no id, and the
   * fidelity account pays only orders that cost 0.
   */
  legacyPaymentMeans: boolean;
}

export const DEFAULT_ANSWER_MODES: Readonly<AnswerModes> = {
  idleTaskPendingId: 0,
  detailQuantity: "string",
  nullPrices: false,
  legacyPaymentMeans: false,
};

/** A password handed to `changePassword`, kept in memory only, for tests to check what was set. */
export interface PasswordChange {
  organization: string;
  service: string;
  primaryEmailAddress: string;
  password: string;
  taskId: number;
}

/** A fault injected on the requests that match it, `times` times (Infinity: until cleared). */
export interface FaultSpec {
  method?: string;
  /** Matched against the path below `/1.0`, e.g. /\/account$/ or "/order/". A string matches as a substring. */
  path?: string | RegExp;
  kind:
    | "429" // answer 429 with Retry-After: retryAfterSeconds
    | "500" // answer 500 without doing anything
    | "drop" // destroy the socket without an answer
    | "slow" // wait delayMs before handling (to exceed a client timeout)
    | "hold" // hold the request, unanswered, until releaseHeld(); then handle it as usual
    | "effect-then-500" // do the work, then answer 500
    | "task-error" // the task this request creates ends in `error` (and the change is not made)
    | "never-deliver"; // an order placed by this request is paid but never delivered
  times?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /**
   * Fire only on requests that arrive while more than this many are in flight (and spend no shot
   * otherwise): a 429 with it behaves like an API's quota of concurrent requests.
   */
  inFlightAbove?: number;
}

export interface SandboxStats {
  /** Requests handled under /1.0 and /auth, in total. */
  total: number;
  /** By `METHOD /route/pattern` (ids replaced by `{…}`), e.g. `GET /email/exchange/{org}/service/{svc}/account/{email}`. */
  byRoute: Record<string, number>;
  /** The most requests that were in flight at once. */
  maxInFlight: number;
  /** Requests refused for their signature, timestamp or credentials. */
  authFailures: number;
  /** OAuth2 tokens issued. */
  tokensIssued: number;
  /** Every write (POST, PUT, DELETE under /1.0), in order, for tests that assert "no write". */
  writes: { method: string; path: string; status: number }[];
}

export interface SandboxOptions {
  /** Default 127.0.0.1; any other address must be asked for explicitly. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** A JSON state file, written atomically after every change; seeded when absent. null: memory only. */
  stateFile?: string | null;
  seed?: SeedSpec;
  credentials?: SandboxCredentials;
  /** Added to every request under /1.0 (benchmarks use 20). */
  latencyMs?: number;
  readModes?: ReadModes;
  /** The sandbox's business clock (seed dates, expiry, orders). Default: the real clock. */
  now?: () => Date;
  /** Refuse request bodies larger than this (default 1 MiB) with 413. */
  maxBodyBytes?: number;
  /** How long an order takes from payment to delivery, in ms (default 0: delivered on the next read). */
  deliveryDelayMs?: number;
  /** How long a task stays `todo`/`doing`, in ms (default 0). */
  taskDelayMs?: number;
  /** Serve HTTPS with a self-signed certificate made at start (`Sandbox.certificate`). */
  tls?: boolean;
  /**
   * The base URL the sandbox stands for, e.g. `https://eu.api.ovh.com/1.0`: signatures are checked
   * against it, as official clients sign the URL they were given rather than the one they reach.
   * Default: the URL the request reached (scheme, Host header, path and query).
   */
  publicUrl?: string;
  /** Answer shapes (AnswerModes); the rest keep DEFAULT_ANSWER_MODES. */
  answers?: Partial<AnswerModes>;
  /** How long an OAuth2 token issued at `/auth/oauth2/token` is valid, in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
}

export interface Sandbox {
  /** Base URL including `/1.0`, e.g. `http://127.0.0.1:41234/1.0` (`https://` with `tls`). */
  readonly url: string;
  /** PEM of the self-signed certificate with `tls`, for clients to trust; null over HTTP. */
  readonly certificate: string | null;
  readonly stats: SandboxStats;
  resetStats(): void;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  /**
   * Lets the requests a `hold` fault holds go on, to be handled as usual; returns how many. A test
   * chooses when a request takes effect by what the client has done, not by a timer.
   */
  releaseHeld(): number;
  setReadModes(modes: ReadModes): void;
  setLatency(ms: number): void;
  setAnswerModes(modes: Partial<AnswerModes>): AnswerModes;
  /** Whether the account has a default payment method (`GET /me/payment/method?default=true`). */
  setDefaultPaymentMethod(present: boolean): void;
  /** Every `changePassword` received since the start, oldest first (memory only, never saved). */
  passwordChanges(): PasswordChange[];
  /** Conformance violations seen since the start (empty unless a checker is loaded). */
  conformanceViolations(): string[];
  /** Change an account behind exrec's back (tests of drift): a partial API account object. */
  patchAccount(org: string, svc: string, email: string, patch: Record<string, unknown>): void;
  /** The state as stored (a deep copy). */
  snapshot(): unknown;
  /** Whether `password` is the initial password an account was added with in this run (as a log-in would check). */
  passwordMatches(org: string, svc: string, email: string, password: string): boolean;
  close(): Promise<void>;
}
