import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableMethod,
  parseRetryAfter,
} from "../../provider/ovh/retry.js";
import { renewalMarginMs } from "../../provider/ovh/auth.js";

describe("retry policy", () => {
  it("retries GET and PUT only: POST and DELETE may buy, pay or remove twice", () => {
    expect(["GET", "PUT", "POST", "DELETE"].filter(isRetryableMethod)).toEqual(["GET", "PUT"]);
  });

  it("reads Retry-After in seconds and as an HTTP date, and ignores nonsense", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("backs off exponentially with full jitter, capped at the maximum", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it("renews a token 60 s before it expires, or at half its life when it lives under two minutes", () => {
    expect(renewalMarginMs(3600)).toBe(60_000);
    expect(renewalMarginMs(120)).toBe(60_000);
    expect(renewalMarginMs(10)).toBe(5_000);
  });
});
