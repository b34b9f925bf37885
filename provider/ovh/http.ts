/**
 * The request engine under every OVHcloud call: authentication (signature or bearer token),
 * limits (in flight, per second), a timeout per attempt, retries where repeating is safe, and
 * errors that say what happened without ever carrying a credential.
 *
 * Retrying is decided by method: GET and PUT (and requests marked idempotent) are retried on 429,
 * 5xx and connection failures; POST and DELETE never are, because a second POST may buy or pay
 * twice and a second DELETE may remove what the first already reset. When one of those fails after
 * it may have reached the server, the caller gets an OutcomeUnknownError and must look before acting.
 */
import { Pool, type Dispatcher } from "./undici-pool.js";
import { ApplicationKeyRequestAuth, OAuth2RequestAuth, type RequestAuth, type TokenAnswer } from "./auth.js";
import type { Auth, Limits } from "./config.js";
import {
  NetworkError,
  OutcomeUnknownError,
  OvhApiError,
  ResponseShapeError,
  type NetworkFailure,
  type OvhApiErrorCode,
} from "./errors.js";
import { AdaptiveLimits, ConcurrencyGate, TokenBucket, realSleep } from "./limiter.js";
import { Redactor } from "./redact.js";
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableMethod,
  isTransientStatus,
  parseRetryAfter,
  type RetryPolicy,
} from "./retry.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Serialised once with JSON.stringify; that exact text is signed and sent. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Retry this request like a GET even though its method is POST or DELETE. */
  idempotent?: boolean;
  /** Values never to report for this request (e.g. a password in the body). */
  secrets?: string[];
  /**
   * A read nothing else waits on (a price): it waits for a place in flight after every other
   * request, so that reads whose answers lead to further reads go first.
   */
  background?: boolean;
}

export interface OvhResponse<T> {
  status: number;
  /** Response headers with lower-case names (e.g. `x-pagination-elements`). */
  headers: Record<string, string>;
  /** The parsed JSON answer (null when the answer was empty). Not validated: callers check its shape. */
  body: T;
}

export interface OvhHttpClientOptions {
  /** Base URL including `/1.0`. */
  baseUrl: string;
  auth: Auth;
  limits: Limits;
  /** Wall clock in ms (default Date.now): signature timestamps and token expiry. */
  clock?: () => number;
  /** One line per request attempt, without headers or bodies. */
  debug?: (line: string) => void;
  userAgent?: string;
  retry?: Partial<RetryPolicy>;
  /** Used for backoff waits (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /**
   * Told, in one line, what a request still waits for once it has gone `slowNoticeMs` without an
   * answer (at most one line per such period): a terminal user must not face minutes of silence.
   */
  onSlow?: (line: string) => void;
  /** Default 5 s. */
  slowNoticeMs?: number;
}

/** Everything one logical request needs across its attempts. */
interface Exchange {
  method: HttpMethod;
  /** The exact URL sent and signed. */
  url: string;
  /** For log lines: path and query. */
  display: string;
  /** For errors: the path without its query. */
  errorPath: string;
  body: string;
  contentType: string | null;
  headers: Record<string, string>;
  retryable: boolean;
  authenticated: boolean;
  background: boolean;
  redactor: Redactor;
  /** Forces the error code of 4xx answers (a token endpoint's refusals are authentication failures). */
  clientErrorCode?: OvhApiErrorCode;
}

type AttemptResult =
  | { kind: "answer"; status: number; headers: Record<string, string>; text: string }
  | { kind: "too-large"; status: number }
  | { kind: "failure"; error: unknown; failure: NetworkFailure; maybeSent: boolean };

/**
 * The largest answer read, in bytes. The biggest legitimate one is an account list of a platform
 * with tens of thousands of addresses (a few MiB); past this, an answer is refused rather than
 * read into memory whole, so a runaway or hostile server cannot exhaust it.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Errors raised before a single byte could reach the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

const NO_SECRETS: readonly string[] = [];
const NO_AUTH = { headers: {}, secrets: NO_SECRETS };

export class OvhHttpClient {
  readonly baseUrl: string;
  private readonly limits: Limits;
  private readonly clock: () => number;
  private readonly debug: ((line: string) => void) | undefined;
  private readonly userAgent: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly gate: ConcurrencyGate;
  private readonly bucket: TokenBucket;
  /** Halves the two brakes on a 429 and grows them back on clean answers. */
  readonly adaptive: AdaptiveLimits;
  /** One connection pool per origin (the API's, and the token endpoint's if it differs). */
  private readonly pools = new Map<string, Pool>();
  /** The base URL as `normaliseUrl` writes it, so that most request URLs need no parsing. */
  private readonly normalBase: string;
  private readonly auth: RequestAuth;
  private readonly redactor = new Redactor();
  private readonly onSlow: ((line: string) => void) | undefined;
  private readonly slowNoticeMs: number;
  private lastSlowNotice = 0;
  /** `host[:port]` of the API, named in network errors and notices. */
  readonly host: string;

  constructor(options: OvhHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.host = new URL(this.baseUrl).host;
    this.onSlow = options.onSlow;
    this.slowNoticeMs = options.slowNoticeMs ?? 5000;
    this.limits = options.limits;
    this.clock = options.clock ?? Date.now;
    this.debug = options.debug;
    this.userAgent = options.userAgent ?? "exrec";
    this.retry = {
      ...DEFAULT_RETRY_POLICY,
      ...(options.limits.retryDelayMs === undefined ? {} : { baseDelayMs: options.limits.retryDelayMs }),
      ...options.retry,
    };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.gate = new ConcurrencyGate(options.limits.concurrency);
    this.bucket = new TokenBucket(options.limits.ratePerSecond);
    this.adaptive = new AdaptiveLimits(this.gate, this.bucket);
    this.normalBase = normaliseUrl(this.baseUrl);
    this.auth =
      options.auth.method === "application-key"
        ? new ApplicationKeyRequestAuth(options.auth, () => this.fetchServerTime(), this.clock)
        : new OAuth2RequestAuth(
            options.auth,
            () => this.fetchToken(options.auth as Extract<Auth, { method: "oauth2" }>),
            this.clock,
          );
    for (const secret of this.auth.secrets) this.redactor.add(secret);
  }

  /** One API call below the base URL, e.g. `request("GET", "/email/exchange")`. `path` must be encoded already. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<OvhResponse<T>> {
    const query = encodeQuery(options.query);
    // A plain path needs no URL parser: it is sent, and signed, exactly as written.
    const url = PLAIN_PATH.test(path + query)
      ? `${this.normalBase}${path}${query}`
      : normaliseUrl(`${this.baseUrl}${path}${query}`);
    const body = options.body === undefined ? "" : JSON.stringify(options.body);
    const answer = await this.exchange({
      method,
      url,
      display: `${path}${query}`,
      errorPath: path,
      body,
      contentType: options.body === undefined ? null : "application/json",
      headers: options.headers ?? {},
      retryable: isRetryableMethod(method) || options.idempotent === true,
      authenticated: true,
      background: options.background === true,
      redactor: options.secrets === undefined ? this.redactor : this.redactor.with(options.secrets),
    });
    return { status: answer.status, headers: answer.headers, body: answer.body as T };
  }

  /** The most requests in flight at once (the ceiling; on 429s the adaptive limit is lower). */
  get requestsInFlight(): number {
    return this.gate.max;
  }

  /** Closes the connections kept alive. The client cannot be used afterwards. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        // No more connections than requests may be in flight: a pool left unbounded opens a new one
        // whenever a request comes before the connection just answered is marked free again.
        connections: this.limits.concurrency,
        connect: { timeout: this.limits.timeoutMs },
        headersTimeout: this.limits.timeoutMs,
        bodyTimeout: this.limits.timeoutMs,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private async fetchServerTime(): Promise<number> {
    const answer = await this.exchange({
      method: "GET",
      url: normaliseUrl(`${this.baseUrl}/auth/time`),
      display: "/auth/time",
      errorPath: "/auth/time",
      body: "",
      contentType: null,
      headers: {},
      retryable: true,
      authenticated: false,
      background: false,
      redactor: this.redactor,
    });
    if (typeof answer.body !== "number" || !Number.isInteger(answer.body)) {
      throw new ResponseShapeError("GET /auth/time", "expected the server time as a whole number of seconds");
    }
    return answer.body;
  }

  private async fetchToken(auth: Extract<Auth, { method: "oauth2" }>): Promise<TokenAnswer> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      scope: "all",
    }).toString();
    const tokenPath = new URL(auth.tokenUrl).pathname;
    const answer = await this.exchange({
      method: "POST",
      url: normaliseUrl(auth.tokenUrl),
      display: auth.tokenUrl,
      errorPath: tokenPath,
      body: form,
      contentType: "application/x-www-form-urlencoded",
      headers: {},
      // Asking for another token has no effect beyond the token: safe to repeat.
      retryable: true,
      authenticated: false,
      background: false,
      redactor: this.redactor,
      clientErrorCode: "EXREC_API_AUTH",
    });
    const body = answer.body as Record<string, unknown> | null;
    const call = `POST ${tokenPath}`;
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new ResponseShapeError(call, "expected a JSON object with access_token and expires_in");
    }
    const { access_token: accessToken, expires_in: expiresIn, token_type: tokenType } = body;
    if (typeof accessToken !== "string" || accessToken === "")
      throw new ResponseShapeError(call, "access_token is not a non-empty string");
    // From here on, the token is a secret like the others.
    this.redactor.add(accessToken);
    if (typeof expiresIn !== "number" || !(expiresIn > 0))
      throw new ResponseShapeError(call, "expires_in is not a positive number");
    if (typeof tokenType === "string" && tokenType.toLowerCase() !== "bearer") {
      throw new ResponseShapeError(call, `token_type is ${JSON.stringify(tokenType)}, expected "Bearer"`);
    }
    return { accessToken, expiresIn };
  }

  /** Runs one logical request through auth, limits and retries; returns a 2xx answer or throws. */
  private async exchange(
    ex: Exchange,
  ): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
    let retriedUnauthorized = false;
    for (let attempt = 1; ; attempt++) {
      // Fetched before taking a slot: these requests need slots of their own.
      // Each brake is awaited only when it holds the request back: a free one costs no promise.
      if (ex.authenticated && !this.auth.ready()) await this.auth.prepare();

      let secrets: readonly string[] = NO_SECRETS;
      let result: AttemptResult;
      const started = performance.now();
      if (!this.gate.tryAcquire(ex.background)) await this.gate.acquire(ex.background);
      const round = this.adaptive.started();
      try {
        if (this.bucket.limited) await this.bucket.take();
        const auth = ex.authenticated ? this.auth.headers(ex.method, ex.url, ex.body) : NO_AUTH;
        secrets = auth.secrets;
        result = await this.sendWatched(ex, auth.headers, attempt);
      } finally {
        this.gate.release();
      }
      const elapsed = Math.round(performance.now() - started);
      const canRetry = ex.retryable && attempt < this.retry.attempts;

      if (result.kind === "too-large") {
        this.log(ex, secrets, `${result.status} (answer over ${MAX_ANSWER_BYTES} bytes)`, elapsed);
        throw new ResponseShapeError(
          `${ex.method} ${ex.errorPath}`,
          `the answer is larger than ${MAX_ANSWER_BYTES} bytes; it was not read`,
        );
      }

      if (result.kind === "failure") {
        if (canRetry) {
          const wait = backoffDelay(attempt, this.retry, this.random);
          this.log(
            ex,
            secrets,
            `${result.failure}`,
            elapsed,
            `retry ${attempt + 1}/${this.retry.attempts} in ${wait}ms`,
          );
          await this.sleep(wait);
          continue;
        }
        this.log(ex, secrets, `${result.failure}`, elapsed);
        const cause = this.redactorFor(ex, secrets).cause(result.error);
        if (!ex.retryable && result.maybeSent) {
          throw new OutcomeUnknownError(
            { method: ex.method, path: ex.errorPath, status: null, host: this.host },
            { cause },
          );
        }
        throw new NetworkError(
          {
            method: ex.method,
            path: ex.errorPath,
            host: this.host,
            timeoutMs: this.limits.timeoutMs,
            failure: result.failure,
            maybeSent: result.maybeSent,
            retryable: true,
            attempts: attempt,
          },
          { cause },
        );
      }

      const { status, headers, text } = result;
      if (status === 429) this.adaptive.refused(round);
      else this.adaptive.answered();
      const parsed = parseJson(text);
      if (status >= 200 && status < 300) {
        this.log(ex, secrets, String(status), elapsed);
        if (!parsed.ok)
          throw new ResponseShapeError(`${ex.method} ${ex.errorPath}`, "the answer is not JSON");
        return { status, headers, body: parsed.value };
      }

      const transient = isTransientStatus(status);
      const error = this.apiError(
        ex,
        this.redactorFor(ex, secrets),
        status,
        headers,
        parsed.ok ? parsed.value : text,
        transient,
      );

      if (
        status === 401 &&
        ex.authenticated &&
        this.auth.onUnauthorized() &&
        ex.retryable &&
        !retriedUnauthorized
      ) {
        retriedUnauthorized = true;
        this.log(ex, secrets, String(status), elapsed, "renewing the token and retrying once");
        continue;
      }
      if (transient && canRetry) {
        const asked = parseRetryAfter(headers["retry-after"], Date.now());
        if (asked === null || asked <= this.retry.maxRetryAfterMs) {
          // Retry-After says "not before": never sooner, but with the jittered backoff all the same,
          // or every request refused together (a `Retry-After: 0` above a quota) is sent again
          // together, refused again together, and runs out of attempts.
          const backoff = backoffDelay(attempt, this.retry, this.random);
          const wait = asked === null ? backoff : Math.max(asked, backoff);
          this.log(
            ex,
            secrets,
            String(status),
            elapsed,
            `retry ${attempt + 1}/${this.retry.attempts} in ${wait}ms`,
          );
          await this.sleep(wait);
          continue;
        }
      }
      this.log(ex, secrets, String(status), elapsed);
      // A POST or DELETE that met a server error may have done its work before failing.
      if (status >= 500 && !ex.retryable) {
        throw new OutcomeUnknownError(
          { method: ex.method, path: ex.errorPath, status, queryId: error.queryId, host: this.host },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** send(), telling onSlow what it waits for when no answer has come after slowNoticeMs. */
  private sendWatched(
    ex: Exchange,
    authHeaders: Record<string, string>,
    attempt: number,
  ): Promise<AttemptResult> {
    const onSlow = this.onSlow;
    return onSlow ? this.sendNoticed(ex, authHeaders, attempt, onSlow) : this.send(ex, authHeaders);
  }

  private async sendNoticed(
    ex: Exchange,
    authHeaders: Record<string, string>,
    attempt: number,
    onSlow: (line: string) => void,
  ): Promise<AttemptResult> {
    const started = Date.now();
    const timer = setTimeout(() => {
      // One line per period across all requests: sixty-four hung reads are one notice, not 64.
      if (Date.now() - this.lastSlowNotice < this.slowNoticeMs) return;
      this.lastSlowNotice = Date.now();
      const waited = Math.round((Date.now() - started) / 1000);
      onSlow(
        ex.redactor.text(
          `still waiting for ${ex.method} ${this.host}${new URL(ex.url).pathname} (no answer for ${waited} s; ` +
            `attempt ${attempt}${ex.retryable ? ` of ${this.retry.attempts}` : ""}, ${Math.round(this.limits.timeoutMs / 1000)} s timeout each)`,
        ),
      );
    }, this.slowNoticeMs);
    timer.unref();
    try {
      return await this.send(ex, authHeaders);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(ex: Exchange, authHeaders: Record<string, string>): Promise<AttemptResult> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.userAgent,
      ...ex.headers,
      ...authHeaders,
    };
    if (ex.contentType !== null) headers["content-type"] = ex.contentType;
    // No AbortSignal per attempt: the pool's connect, headers and body timeouts (each the request
    // timeout) end an attempt that hangs, with the undici codes TIMEOUT_CODES names.
    const { origin, path } = splitUrl(ex.url);
    try {
      const response = await this.poolFor(origin).request({
        method: ex.method,
        path,
        headers,
        body: ex.body === "" ? null : ex.body,
      });
      const text = await readBounded(response.body, response.headers["content-length"], MAX_ANSWER_BYTES);
      if (text === null) return { kind: "too-large", status: response.statusCode };
      return { kind: "answer", status: response.statusCode, headers: flattenHeaders(response.headers), text };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const known = typeof code === "string" ? code : "";
      const timeout = TIMEOUT_CODES.has(known);
      return {
        kind: "failure",
        error,
        failure: timeout ? "timeout" : "connection",
        maybeSent: !NOT_SENT_CODES.has(known),
      };
    }
  }

  private apiError(
    ex: Exchange,
    redactor: Redactor,
    status: number,
    headers: Record<string, string>,
    body: unknown,
    transient: boolean,
  ): OvhApiError {
    const fields =
      body !== null && typeof body === "object" && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
    const message = firstString(fields.message, fields.error_description, fields.error);
    const errorCode = firstString(fields.errorCode);
    // OVHcloud's current error body is `{class, message}`; older answers give `errorCode` instead.
    const errorClass = firstString(fields.class);
    const queryId = firstString(headers["x-ovh-queryid"]);
    return new OvhApiError({
      status,
      method: ex.method,
      path: ex.errorPath,
      apiMessage: message === null ? null : redactor.text(message),
      errorCode: errorCode === null ? null : redactor.text(errorCode),
      errorClass: errorClass === null ? null : redactor.text(errorClass),
      queryId: queryId === null ? null : redactor.text(queryId),
      headers: redactor.headers(headers),
      body: redactor.value(body),
      // 429 and 5xx are passing conditions; a 429 also means the request was refused unprocessed.
      retryable: transient,
      ...(ex.clientErrorCode !== undefined && status >= 400 && status < 500 && status !== 429
        ? { code: ex.clientErrorCode }
        : {}),
    });
  }

  /** The request's redactor, also knowing this attempt's secrets (its signature): built only to log or to raise. */
  private redactorFor(ex: Exchange, attemptSecrets: readonly string[]): Redactor {
    return attemptSecrets.length === 0 ? ex.redactor : ex.redactor.with(attemptSecrets);
  }

  private log(
    ex: Exchange,
    secrets: readonly string[],
    outcome: string,
    elapsedMs: number,
    note?: string,
  ): void {
    if (!this.debug) return;
    this.debug(
      this.redactorFor(ex, secrets).text(
        `${ex.method} ${ex.display} ${outcome} ${elapsedMs}ms${note ? ` (${note})` : ""}`,
      ),
    );
  }
}

/**
 * The body as UTF-8 text, or null (and the connection dropped) once it exceeds `limit` bytes. A body
 * whose length is announced within the limit is read in one go; others are counted as they come.
 */
function readBounded(
  body: Dispatcher.ResponseData["body"],
  contentLength: string | string[] | undefined,
  limit: number,
): Promise<string | null> {
  const announced =
    typeof contentLength === "string" && /^\d+$/.test(contentLength) ? Number(contentLength) : NaN;
  if (announced > limit) {
    body.destroy();
    return Promise.resolve(null);
  }
  if (announced <= limit) return body.text();
  return readCounted(body, limit);
}

/** A body of unannounced length, counted as it comes. */
async function readCounted(body: Dispatcher.ResponseData["body"], limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** `https://host:port` and `/path?query` of an absolute URL written by normaliseUrl. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("://") + 3);
  return slash === -1 ? { origin: url, path: "/" } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/**
 * Paths made only of characters the URL parser leaves as they are (no `'`, which it escapes in a
 * query), with no `.` or `..` segment (written plainly or as `%2e`) for it to resolve.
 */
const PLAIN_PATH =
  /^(?:\/(?!(?:\.|%2[eE]){1,2}(?:[/?]|$))[A-Za-z0-9\-._~%!$&()*+,;=:@]*)+(?:\?[A-Za-z0-9\-._~%!$&()*+,;=:@/?]*)?$/;

/** `?a=1&b=2` of the defined values, in the object's order ("" when none). */
function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  let out = "";
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined) continue;
    out += `${out === "" ? "?" : "&"}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

/**
 * The URL exactly as undici will put it on the wire (it parses with WHATWG URL too), so that the
 * signature covers the bytes the server sees.
 */
function normaliseUrl(text: string): string {
  const url = new URL(text);
  return `${url.origin}${url.pathname}${url.search}`;
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** An empty (or blank) answer reads as null; blankness is looked for only when parsing fails. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return text.trim() === "" ? { ok: true, value: null } : { ok: false };
  }
}

function firstString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === "string" && value !== "") return value;
  return null;
}
