/**
 * The two ways into the API, checked as OVHcloud checks them: a request signed with an application
 * key and a consumer key (docs/OVH-API.md gives the signature), or an OAuth2 bearer token from the
 * client-credentials grant. Written here from the definition, independently of provider/ovh, so
 * that the sandbox tests the client rather than agreeing with it by construction.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiFailure } from "./errors.js";
import type { SandboxCredentials } from "./types.js";

/** How far a request's timestamp may be from the real clock, in seconds. */
export const MAX_SKEW_SECONDS = 180;

/** `"$1$" + hex(SHA1(AS + "+" + CK + "+" + METHOD + "+" + FULL_URL + "+" + BODY + "+" + TS))`. */
export function signRequest(
  applicationSecret: string,
  consumerKey: string,
  method: string,
  fullUrl: string,
  body: string,
  timestamp: string,
): string {
  const text = [applicationSecret, consumerKey, method, fullUrl, body, timestamp].join("+");
  return `$1$${createHash("sha1").update(text).digest("hex")}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface SignedRequest {
  method: string;
  /** `http://host:port/1.0/...?query`, exactly as received. */
  fullUrl: string;
  /** The raw body text ("" when none). */
  body: string;
  headers: IncomingHttpHeaders;
}

export type TokenAnswer = { status: number; body: Record<string, unknown> };

export class Authenticator {
  /** Issued bearer tokens → real-clock expiry in ms. In memory only: a restarted sandbox forgets them. */
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly credentials: SandboxCredentials,
    private readonly tokenLifetimeSeconds: number,
  ) {}

  /** Throws the API's answer when the request may not pass. */
  verify(request: SignedRequest): void {
    const authorization = header(request.headers, "authorization");
    if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
      this.verifyToken(authorization.replace(/^bearer\s+/i, "").trim());
      return;
    }
    const application = header(request.headers, "x-ovh-application");
    if (application === undefined) {
      throw ApiFailure.auth(401, "NOT_AUTHENTICATED", "You must login first");
    }
    const consumer = header(request.headers, "x-ovh-consumer");
    if (
      !sameText(application, this.credentials.applicationKey) ||
      consumer === undefined ||
      !sameText(consumer, this.credentials.consumerKey)
    ) {
      throw ApiFailure.auth(403, "INVALID_CREDENTIAL", "This credential does not exist");
    }
    const timestamp = header(request.headers, "x-ovh-timestamp") ?? "";
    const seconds = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(seconds - Date.now() / 1000) > MAX_SKEW_SECONDS) {
      throw ApiFailure.auth(400, "QUERY_TIME_OUT", "Query out of time");
    }
    const expected = signRequest(
      this.credentials.applicationSecret,
      this.credentials.consumerKey,
      request.method,
      request.fullUrl,
      request.body,
      timestamp,
    );
    if (!sameText(header(request.headers, "x-ovh-signature") ?? "", expected)) {
      throw ApiFailure.auth(400, "INVALID_SIGNATURE", "Invalid signature");
    }
  }

  private verifyToken(token: string): void {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined)
      throw ApiFailure.auth(401, "INVALID_CREDENTIAL", "This credential is not valid");
    if (Date.now() >= expiresAt) {
      this.tokens.delete(token);
      throw ApiFailure.auth(401, "INVALID_CREDENTIAL", "This credential has expired");
    }
  }

  /**
   * `POST /auth/oauth2/token`, form-encoded (RFC 6749 §4.4). The client may authenticate in the
   * form or with HTTP Basic. Errors are OAuth2's (`{"error": ...}`), not the API's.
   */
  issueToken(form: URLSearchParams, headers: IncomingHttpHeaders): TokenAnswer & { issued: boolean } {
    const grant = form.get("grant_type");
    if (grant === null) return refused(400, "invalid_request", "grant_type is required");
    if (grant !== "client_credentials")
      return refused(400, "unsupported_grant_type", "only client_credentials is supported");
    let clientId = form.get("client_id");
    let clientSecret = form.get("client_secret");
    const authorization = header(headers, "authorization");
    if (authorization !== undefined && /^basic\s/i.test(authorization)) {
      const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ""), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (clientId === null || clientSecret === null)
      return refused(400, "invalid_request", "client_id and client_secret are required");
    if (
      !sameText(clientId, this.credentials.clientId) ||
      !sameText(clientSecret, this.credentials.clientSecret)
    ) {
      return refused(401, "invalid_client", "client authentication failed");
    }
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
    return {
      status: 200,
      issued: true,
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: this.tokenLifetimeSeconds,
        scope: form.get("scope") ?? "all",
      },
    };
  }
}

function refused(status: number, error: string, description: string): TokenAnswer & { issued: false } {
  return { status, issued: false, body: { error, error_description: description } };
}
