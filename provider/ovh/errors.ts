/**
 * Errors of the OVHcloud API client. Each one says whether trying again is safe (`retryable`), and
 * none ever carries a credential: the client redacts every secret it knows (application secret,
 * consumer key, client secret, bearer token, request signatures) before it builds one of these,
 * and causes are replaced by plain copies so that no socket, request or header object rides along.
 */
import { ExrecError } from "../../reconciler/errors.js";
import type { CallFailure, ProviderFailure } from "../../reconciler/ports.js";

/** The connection settings (environment, `ovh.conf`, flags) are wrong; nothing was sent. */
export class ConfigError extends ExrecError {
  readonly code = "EXREC_CONFIG";
  readonly retryable = false;
  /** The variable, flag or file (with its line) at fault, e.g. `OVH_ENDPOINT` or `~/.ovh.conf:3`. */
  readonly subject: string;

  constructor(subject: string, message: string, options?: { hint?: string }) {
    super(`${subject}: ${message}`, options);
    this.subject = subject;
  }
}

export type OvhApiErrorCode =
  | "EXREC_API_NOT_FOUND"
  | "EXREC_API_AUTH"
  | "EXREC_API_RATE_LIMITED"
  | "EXREC_API_SERVER"
  | "EXREC_API_CLIENT";

/**
 * OVHcloud's `errorCode`s that mean "not authenticated or not allowed", whatever the status: a bad
 * signature comes back as `400 INVALID_SIGNATURE`, an unknown consumer key as `403 INVALID_CREDENTIAL`
 * (the 403 codes are those OVHcloud's python client names).
 */
const AUTH_ERROR_CODES =
  /^(INVALID_SIGNATURE|INVALID_CREDENTIAL|NOT_CREDENTIAL|INVALID_KEY|NOT_GRANTED_CALL|QUERY_TIME_OUT)$|SIGNATURE|TIMESTAMP|CREDENTIAL/;

/** The stable code for an HTTP error status (and OVHcloud's errorCode, when it names an auth failure). */
/** The same failures as named in an error `class` (`Client::Forbidden::InvalidSignature`, say). */
const AUTH_ERROR_CLASSES = /signature|credential|timestamp|notgrantedcall/i;

export function apiErrorCodeFor(
  status: number,
  errorCode: string | null = null,
  errorClass: string | null = null,
): OvhApiErrorCode {
  if (status === 404) return "EXREC_API_NOT_FOUND";
  if (status === 401 || status === 403) return "EXREC_API_AUTH";
  if (
    status >= 400 &&
    status < 500 &&
    status !== 429 &&
    ((errorCode !== null && AUTH_ERROR_CODES.test(errorCode)) ||
      (errorClass !== null && AUTH_ERROR_CLASSES.test(errorClass)))
  ) {
    return "EXREC_API_AUTH";
  }
  if (status === 429) return "EXREC_API_RATE_LIMITED";
  if (status >= 500) return "EXREC_API_SERVER";
  return "EXREC_API_CLIENT";
}

const API_HINTS: Record<OvhApiErrorCode, string> = {
  EXREC_API_NOT_FOUND:
    "check the organization, service and address names (exrec lists what exists with `exrec import`)",
  EXREC_API_AUTH:
    "check the credentials and their rights (see docs/CREDENTIALS.md); an application key's signature also needs the local clock within a few minutes of OVHcloud's (exrec corrects it with /auth/time)",
  EXREC_API_RATE_LIMITED:
    "OVHcloud is limiting the request rate: lower EXREC_RATE_LIMIT or EXREC_CONCURRENCY, then run again",
  EXREC_API_SERVER: "OVHcloud answered with a server error: try again later",
  EXREC_API_CLIENT: "OVHcloud refused the request as invalid: its message above says why",
};

export interface OvhApiErrorDetails {
  status: number;
  method: string;
  /** The path below the base URL, without its query string. */
  path: string;
  /** OVHcloud's `message` from the JSON error body, when there is one. */
  apiMessage: string | null;
  /** OVHcloud's `errorCode` from the JSON error body (older answers), when there is one. */
  errorCode: string | null;
  /** OVHcloud's error `class` from the JSON error body, e.g. `Client::NotFound`, when there is one. */
  errorClass?: string | null;
  /**
   * The `X-Ovh-QueryID` response header: OVHcloud support asks for it. It identifies the request,
   * it grants nothing, so it is shown.
   */
  queryId?: string | null;
  /** Response headers (lower-case names), credentials removed. */
  headers: Record<string, string>;
  /** The response body, parsed when it was JSON. */
  body: unknown;
  retryable: boolean;
  /** Overrides the code derived from the status (a token endpoint's 400 is an authentication failure). */
  code?: OvhApiErrorCode;
}

/**
 * What an HTTP error status means to the engine (reconciler/ports.ts): 404 is "not found"; the other
 * 4xx answers, except an unauthenticated call (401) and rate limiting (429), refuse the request as
 * sent. A server error after the client's retries is none of these.
 */
export function callFailureFor(status: number): CallFailure | null {
  if (status === 404) return "not-found";
  if (status >= 400 && status < 500 && status !== 401 && status !== 429) return "rejected";
  return null;
}

/** OVHcloud (or the sandbox) answered with an HTTP error status. */
export class OvhApiError extends ExrecError implements ProviderFailure {
  readonly code: OvhApiErrorCode;
  readonly status: number;
  readonly failure: CallFailure | null;
  readonly method: string;
  readonly path: string;
  readonly apiMessage: string | null;
  readonly errorCode: string | null;
  readonly errorClass: string | null;
  readonly queryId: string | null;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly retryable: boolean;

  constructor(details: OvhApiErrorDetails, options?: { hint?: string }) {
    const said =
      details.apiMessage ??
      (typeof details.body === "string" && details.body ? details.body.slice(0, 200) : null);
    const kind = details.errorClass ?? details.errorCode;
    super(
      `${details.method} ${details.path} answered ${details.status}${kind ? ` ${kind}` : ""}${said ? `: ${said}` : ""}` +
        (details.queryId ? ` (query id ${details.queryId})` : ""),
      {
        hint:
          options?.hint ??
          API_HINTS[
            details.code ?? apiErrorCodeFor(details.status, details.errorCode, details.errorClass ?? null)
          ],
      },
    );
    this.code =
      details.code ?? apiErrorCodeFor(details.status, details.errorCode, details.errorClass ?? null);
    this.status = details.status;
    this.failure = callFailureFor(details.status);
    this.method = details.method;
    this.path = details.path;
    this.apiMessage = details.apiMessage;
    this.errorCode = details.errorCode;
    this.errorClass = details.errorClass ?? null;
    this.queryId = details.queryId ?? null;
    this.headers = details.headers;
    this.body = details.body;
    this.retryable = details.retryable;
  }
}

export type NetworkFailure = "timeout" | "connection";

/** No HTTP answer: the connection failed or the request timed out. Safe to retry only when `retryable`. */
export class NetworkError extends ExrecError {
  readonly code = "EXREC_API_NETWORK";
  readonly method: string;
  readonly path: string;
  readonly failure: NetworkFailure;
  /** Whether the request may have reached the server before the failure. */
  readonly maybeSent: boolean;
  readonly retryable: boolean;

  constructor(
    details: {
      method: string;
      path: string;
      failure: NetworkFailure;
      maybeSent: boolean;
      retryable: boolean;
      attempts: number;
      /** `host[:port]` of the API: a hung or unreachable server must be named. */
      host?: string;
      /** The timeout of one attempt. */
      timeoutMs?: number;
    },
    options?: { cause?: unknown },
  ) {
    const what = details.failure === "timeout" ? "timed out" : "could not connect or lost the connection";
    const where = details.host === undefined ? "" : ` (host ${details.host})`;
    const each = details.timeoutMs === undefined ? "" : ` within ${Math.round(details.timeoutMs / 1000)} s`;
    super(
      `${details.method} ${details.path} ${what}${details.attempts > 1 ? ` (${details.attempts} attempts)` : ""}${where}`,
      {
        hint:
          details.failure === "timeout"
            ? `the API${details.host === undefined ? "" : ` at ${details.host}`} accepted the connection but did not answer${each}: check OVH_ENDPOINT and the network, or raise EXREC_TIMEOUT (seconds) if it is only slow`
            : `check the network and OVH_ENDPOINT${details.host === undefined ? "" : ` (${details.host})`}, then try again`,
        ...(options?.cause === undefined ? {} : { cause: options.cause }),
      },
    );
    this.method = details.method;
    this.path = details.path;
    this.failure = details.failure;
    this.maybeSent = details.maybeSent;
    this.retryable = details.retryable;
  }
}

/**
 * A request that changes something (POST, DELETE) may or may not have taken effect: the server
 * failed (5xx) or the connection broke after it was sent. It is never retried blindly, because a
 * second POST could buy or pay twice; whoever sent it must read the state and decide.
 */
export class OutcomeUnknownError extends ExrecError implements ProviderFailure {
  readonly code = "EXREC_OUTCOME_UNKNOWN";
  readonly failure = "outcome-unknown";
  readonly retryable = false;
  readonly method: string;
  readonly path: string;
  /** The HTTP status when there was an answer (5xx), null when the connection failed. */
  readonly status: number | null;
  /** OVHcloud's `X-Ovh-QueryID` of the answer, when there was one. */
  readonly queryId: string | null;

  constructor(
    details: { method: string; path: string; status: number | null; queryId?: string | null; host?: string },
    options?: { cause?: unknown },
  ) {
    super(
      `${details.method} ${details.path}: the outcome is unknown (${details.status === null ? "the connection failed after the request was sent" : `the API answered ${details.status}`}${details.queryId ? `, query id ${details.queryId}` : ""})${details.host === undefined ? "" : ` at ${details.host}`}; it may or may not have taken effect`,
      {
        hint: "check whether it took effect (read the account, the task or the order list) before trying again; exrec did not retry it",
        ...(options?.cause === undefined ? {} : { cause: options.cause }),
      },
    );
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.queryId = details.queryId ?? null;
  }
}

/** The API answered 2xx with something that is not what the call expects (not JSON, a wrong type). */
export class ResponseShapeError extends ExrecError {
  readonly code = "EXREC_API_SHAPE";
  readonly retryable = false;
  /** `METHOD /path` of the call. */
  readonly call: string;
  /** What was wrong, e.g. `[3].accountLicense: expected one of basic, standard, enterprise`. */
  readonly problem: string;

  constructor(call: string, problem: string) {
    super(`${call}: unexpected answer: ${problem}`, {
      hint: "the API answered in a shape exrec does not know; if it is OVHcloud's, report it with this message",
    });
    this.call = call;
    this.problem = problem;
  }
}

/** A call made with arguments that cannot form a valid request (caught before anything is sent). */
export class InvalidRequestError extends ExrecError {
  readonly code = "EXREC_API_INVALID_REQUEST";
  readonly retryable = false;
}
