/**
 * The two ways of authenticating a request to OVHcloud's API v1:
 * - application key: every request is signed with a timestamp on the *server's* clock, whose offset
 *   from ours is read once from `GET /auth/time`;
 * - OAuth2 client credentials: a bearer token, fetched once, shared, and renewed before it expires.
 * Neither does HTTP itself: the client hands them the fetch functions, so that those requests go
 * through the same limits, retries and error handling as every other.
 */
import type { ApplicationKeyAuth, OAuth2Auth } from "./config.js";
import { requestSigner } from "./signature.js";

export interface AuthHeaders {
  headers: Record<string, string>;
  /** Values in `headers` that must never be reported (signature, token). */
  secrets: string[];
}

export interface RequestAuth {
  /** Whatever must be known before signing; concurrent callers share one fetch. */
  prepare(): Promise<void>;
  /** True when `prepare` has nothing to do: the common case costs no promise. */
  ready(): boolean;
  /** Headers for one attempt, computed right before it is sent. Call after `prepare`. */
  headers(method: string, url: string, body: string): AuthHeaders;
  /** After a 401: true when a new attempt could succeed (a cached token was dropped). */
  onUnauthorized(): boolean;
  /** Long-lived secrets to redact everywhere. */
  readonly secrets: string[];
}

/** Memoises one in-flight or settled promise; forgets a failure so that a later call tries again. */
class Once<T> {
  private pending: Promise<T> | null = null;
  constructor(private readonly load: () => Promise<T>) {}
  get(): Promise<T> {
    if (this.pending === null) {
      this.pending = this.load();
      this.pending.catch(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }
}

export class ApplicationKeyRequestAuth implements RequestAuth {
  private offsetSeconds: number | null = null;
  private readonly offset: Once<number>;
  private readonly sign: ReturnType<typeof requestSigner>;
  readonly secrets: string[];

  constructor(
    private readonly credentials: ApplicationKeyAuth,
    /** Reads the server's unix time in seconds (unauthenticated `GET /auth/time`). */
    fetchServerTime: () => Promise<number>,
    private readonly clock: () => number,
  ) {
    this.secrets = [credentials.applicationSecret, credentials.consumerKey];
    this.sign = requestSigner(credentials.applicationSecret, credentials.consumerKey);
    this.offset = new Once(async () => {
      const server = await fetchServerTime();
      const offset = server - Math.floor(this.clock() / 1000);
      this.offsetSeconds = offset;
      return offset;
    });
  }

  async prepare(): Promise<void> {
    if (this.offsetSeconds === null) await this.offset.get();
  }

  ready(): boolean {
    return this.offsetSeconds !== null;
  }

  headers(method: string, url: string, body: string): AuthHeaders {
    if (this.offsetSeconds === null)
      throw new Error("ApplicationKeyRequestAuth.headers called before prepare()");
    const timestamp = Math.floor(this.clock() / 1000) + this.offsetSeconds;
    const signature = this.sign(method, url, body, timestamp);
    return {
      headers: {
        "x-ovh-application": this.credentials.applicationKey,
        "x-ovh-consumer": this.credentials.consumerKey,
        "x-ovh-timestamp": String(timestamp),
        "x-ovh-signature": signature,
      },
      secrets: [signature],
    };
  }

  onUnauthorized(): boolean {
    // A refused signature is not fixed by signing again the same way.
    return false;
  }
}

export interface TokenAnswer {
  accessToken: string;
  /** Lifetime in seconds, as the token endpoint gave it. */
  expiresIn: number;
}

/** How long before expiry a token is renewed: 60 s, or half its life for very short-lived tokens. */
export function renewalMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, (expiresInSeconds * 1000) / 2);
}

export class OAuth2RequestAuth implements RequestAuth {
  private current: { token: string; renewAt: number } | null = null;
  private fetching: Promise<void> | null = null;
  readonly secrets: string[];

  constructor(
    credentials: OAuth2Auth,
    private readonly fetchToken: () => Promise<TokenAnswer>,
    private readonly clock: () => number,
  ) {
    this.secrets = [credentials.clientSecret];
  }

  ready(): boolean {
    return this.current !== null && this.clock() < this.current.renewAt;
  }

  prepare(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    // Concurrent callers that find no valid token share the one fetch in flight.
    if (this.fetching === null) {
      this.fetching = this.fetchToken()
        .then((answer) => {
          this.current = {
            token: answer.accessToken,
            renewAt: this.clock() + answer.expiresIn * 1000 - renewalMarginMs(answer.expiresIn),
          };
        })
        .finally(() => {
          this.fetching = null;
        });
    }
    return this.fetching;
  }

  headers(): AuthHeaders {
    if (this.current === null) throw new Error("OAuth2RequestAuth.headers called before prepare()");
    return { headers: { authorization: `Bearer ${this.current.token}` }, secrets: [this.current.token] };
  }

  onUnauthorized(): boolean {
    // The token may have been revoked or expired early: the next `prepare` fetches a new one. The
    // old one stays readable meanwhile, so that requests already past `prepare` can still be sent.
    if (this.current === null) return false;
    this.current.renewAt = Number.NEGATIVE_INFINITY;
    return true;
  }
}
