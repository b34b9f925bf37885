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
  const text = [
    input.applicationSecret,
    input.consumerKey,
    input.method.toUpperCase(),
    input.url,
    input.body,
    String(input.timestamp),
  ].join("+");
  return `$1$${createHash("sha1").update(text, "utf8").digest("hex")}`;
}
