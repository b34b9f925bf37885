/**
 * How hard exrec may push the API: requests in flight, requests per second, time per request, and
 * how long the first retry waits. Read from `EXREC_CONCURRENCY`, `EXREC_RATE_LIMIT`, `EXREC_TIMEOUT`
 * (seconds), `EXREC_RETRY_DELAY_MS`, overridden by flags.
 */
import { ConfigError } from "./errors.js";

export interface Limits {
  /** Most requests in flight at once (≥ 1). */
  concurrency: number;
  /** Requests started per second, retries included; 0 means no limit. */
  ratePerSecond: number;
  /** Per request attempt, in milliseconds (≥ 1). */
  timeoutMs: number;
  /**
   * The ceiling of the first retry's wait, in ms (≥ 1); it doubles with each retry, up to 30 s.
   * Unset: the retry policy's default (500 ms).
   */
  retryDelayMs?: number;
}

export interface LimitFlags {
  concurrency?: number;
  rateLimit?: number;
  timeoutMs?: number;
}

/**
 * OVHcloud publishes no rate limit and sends no rate-limit headers; it refuses with 429 when asked
 * too much. So the defaults are ceilings that keep a large estate's read latency-bound (32 in
 * flight: a 100,000-account read in pages takes a few hundred requests), and the client's adaptive
 * limits (limiter.ts) halve both on the first 429 and grow them back while answers are clean.
 */
export const DEFAULT_LIMITS: Limits = { concurrency: 32, ratePerSecond: 50, timeoutMs: 30_000 };

export function resolveLimits(env: NodeJS.ProcessEnv, flags: LimitFlags = {}): Limits {
  const concurrency =
    flagValue("--concurrency", flags.concurrency, 1) ??
    envValue(env, "EXREC_CONCURRENCY", 1, "a number of requests in flight, at least 1") ??
    DEFAULT_LIMITS.concurrency;
  const ratePerSecond =
    flagValue("--rate-limit", flags.rateLimit, 0) ??
    envValue(env, "EXREC_RATE_LIMIT", 0, "requests per second, 0 for no limit") ??
    DEFAULT_LIMITS.ratePerSecond;
  const timeoutSeconds = envValue(env, "EXREC_TIMEOUT", 1, "seconds per request, at least 1");
  const timeoutMs =
    flagValue("--timeout", flags.timeoutMs, 1) ??
    (timeoutSeconds === undefined ? DEFAULT_LIMITS.timeoutMs : timeoutSeconds * 1000);
  const retryDelayMs = envValue(
    env,
    "EXREC_RETRY_DELAY_MS",
    1,
    "the longest wait before the first retry, in ms",
  );
  return { concurrency, ratePerSecond, timeoutMs, ...(retryDelayMs === undefined ? {} : { retryDelayMs }) };
}

const EXAMPLES: Record<string, string> = {
  EXREC_RATE_LIMIT: "20",
  EXREC_TIMEOUT: "30",
  EXREC_RETRY_DELAY_MS: "500",
};

function envValue(env: NodeJS.ProcessEnv, name: string, min: number, meaning: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(name, `${JSON.stringify(raw)} is not a whole number ≥ ${min} (${meaning})`, {
      hint: `set ${name} to a whole number such as ${EXAMPLES[name] ?? "8"}, or unset it for the default`,
    });
  }
  return value;
}

function flagValue(flag: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(flag, `${String(value)} is not a whole number ≥ ${min}`);
  }
  return value;
}
