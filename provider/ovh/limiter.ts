/**
 * The two brakes every request attempt (retries included) goes through: a cap on requests in flight,
 * and a token bucket on requests started per second. Both are first come, first served.
 */

/** At most `max` holders at once; the others wait in order. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`concurrency must be a whole number ≥ 1, not ${max}`);
  }

  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    // The releasing holder handed its place over: `active` is unchanged.
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/**
 * `ratePerSecond` tokens a second, holding at most one second's worth (the allowed burst).
 * 0 disables it. Time is monotonic (`performance.now`), never the possibly skewed wall clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0)
      throw new RangeError(`rate must be ≥ 0, not ${ratePerSecond}`);
    this.tokens = ratePerSecond;
    this.last = now();
  }

  take(): Promise<void> {
    if (this.ratePerSecond === 0) return Promise.resolve();
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForToken(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
      this.refill();
    }
    // May dip a hair below zero when a timer fires a fraction early; the next caller waits it off.
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
