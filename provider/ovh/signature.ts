/**
 * OVHcloud's application-key request signature:
 * `"$1$" + hex(SHA1(AS + "+" + CK + "+" + METHOD + "+" + FULL_URL + "+" + BODY + "+" + TS))`.
 * FULL_URL is the exact URL sent (query string included), BODY the exact text sent ("" when none).
 */
import { createHash } from "node:crypto";

export interface SignatureInput {
  applicationSecret: string;
  consumerKey: string;
  method: string;
  url: string;
  body: string;
  /** Unix seconds, already corrected to the server's clock. */
  timestamp: number;
}

export function signRequest(input: SignatureInput): string {
  return requestSigner(input.applicationSecret, input.consumerKey)(
    input.method,
    input.url,
    input.body,
    input.timestamp,
  );
}

/** signRequest for one pair of credentials, whose part of the signed text is written once. */
export function requestSigner(
  applicationSecret: string,
  consumerKey: string,
): (method: string, url: string, body: string, timestamp: number) => string {
  const prefix = `${applicationSecret}+${consumerKey}+`;
  return (method, url, body, timestamp) =>
    `$1$${createHash("sha1")
      .update(`${prefix}${method.toUpperCase()}+${url}+${body}+${timestamp}`, "utf8")
      .digest("hex")}`;
}
