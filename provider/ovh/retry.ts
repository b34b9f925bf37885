/**
 * When to try a request again and how long to wait first: exponential backoff with full jitter
 * (a random wait between 0 and base·2^n, capped), unless the server said how long with
 * `Retry-After` (seconds or an HTTP date), which is then honoured.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** The first backoff's upper bound, in ms (default 500). */
  baseDelayMs: number;
  /** The cap on any backoff, in ms (default 30 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is reported instead (default 120 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Methods that are safe to repeat. POST and DELETE are not: they may buy, pay, create or remove. */
export function isRetryableMethod(method: string): boolean {
  return method === "GET" || method === "PUT" || method === "HEAD";
}

/** Statuses worth another attempt for a retryable request. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Full-jitter backoff before attempt `failedAttempts + 1` (`failedAttempts` ≥ 1). */
export function backoffDelay(
  failedAttempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait a `Retry-After` header asks for, in ms, or null when absent or unreadable.
 * `nowMs` is the real wall clock: an HTTP date is the server's.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
