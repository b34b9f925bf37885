/**
 * The two brakes every request attempt (retries included) goes through: a cap on requests in flight,
 * and a token bucket on requests started per second. Both are first come, first served, except that
 * a request marked as background (a read nothing else waits on, such as a price) gives its turn to
 * every other request waiting for a place in flight.
 *
 * Both adapt (AdaptiveLimits): OVHcloud publishes no rate limit and says "too many" with a 429, so
 * exrec starts at its configured limits, halves them on a 429 and grows them back, one request in
 * flight at a time, while the answers are clean, never beyond what was configured.
 */

/**
 * At most `limit` holders at once (`max` at first); the others wait in order, the background ones
 * after all the others: a refresh's next round of reads (the accounts its first answers named) is
 * not held behind price reads asked for earlier, which no other request waits on.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly waitingInBackground: (() => void)[] = [];
  /** The current cap, between 1 and `max`. */
  limit: number;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`concurrency must be a whole number ≥ 1, not ${max}`);
    this.limit = max;
  }

  async acquire(background = false): Promise<void> {
    if (this.tryAcquire(background)) return;
    await new Promise<void>((resolve) =>
      (background ? this.waitingInBackground : this.waiting).push(resolve),
    );
    // The place was counted in `active` by whoever woke us.
  }

  /** Takes a place if one is free and nobody waits for it, without a promise; false otherwise. */
  tryAcquire(background = false): boolean {
    if (
      this.active < this.limit &&
      this.waiting.length === 0 &&
      (!background || this.waitingInBackground.length === 0)
    ) {
      this.active++;
      return true;
    }
    return false;
  }

  release(): void {
    this.active--;
    this.wake();
  }

  /** A new cap: a lower one takes effect as holders leave, a higher one at once. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, Math.min(this.max, Math.floor(limit)));
    this.wake();
  }

  private wake(): void {
    while (this.active < this.limit) {
      const next = this.waiting.shift() ?? this.waitingInBackground.shift();
      if (next === undefined) return;
      this.active++;
      next();
    }
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
  /** The current rate, between 1 and `ratePerSecond` (0: no limit). */
  rate: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0)
      throw new RangeError(`rate must be ≥ 0, not ${ratePerSecond}`);
    this.tokens = ratePerSecond;
    this.last = now();
    this.rate = ratePerSecond;
  }

  /** A new rate, within 1 and the configured one (a bucket without a limit stays without). */
  setRate(rate: number): void {
    if (this.ratePerSecond === 0) return;
    this.refill();
    this.rate = Math.max(1, Math.min(this.ratePerSecond, rate));
    this.tokens = Math.min(this.tokens, this.rate);
  }

  /** False for a bucket without a limit: `take` would never wait, and need not be called. */
  get limited(): boolean {
    return this.ratePerSecond !== 0;
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
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.refill();
    }
    // May dip a hair below zero when a timer fires a fraction early; the next caller waits it off.
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/**
 * Additive increase, multiplicative decrease over both brakes, as TCP does with its window. A 429
 * halves the requests in flight and the rate, once per round (the answers of requests that were
 * already in flight when it came say nothing new); after as many clean answers in a row as the cap
 * allows in flight, one more request may be in flight and the rate grows by as much.
 */
export class AdaptiveLimits {
  private clean = 0;
  /** Counts attempts started; a 429 only halves if its attempt started after the last halving. */
  private round = 0;
  /** How often the limits were halved and grown: tests and `--debug` read these. */
  readonly stats = { backoffs: 0, growths: 0 };

  constructor(
    readonly gate: ConcurrencyGate,
    readonly bucket: TokenBucket,
  ) {}

  /** The round an attempt starts in, to give back to `refused`. */
  started(): number {
    return this.round;
  }

  /** A 429 for an attempt started in `round`. */
  refused(round: number): void {
    this.clean = 0;
    if (round !== this.round) return;
    this.round++;
    this.stats.backoffs++;
    this.gate.setLimit(this.gate.limit / 2);
    this.bucket.setRate(this.bucket.rate / 2);
  }

  /** An answer that was not a 429. */
  answered(): void {
    if (this.gate.limit >= this.gate.max && this.bucket.rate >= this.bucket.ratePerSecond) return;
    if (++this.clean < this.gate.limit) return;
    this.clean = 0;
    this.stats.growths++;
    const step = this.bucket.ratePerSecond / this.gate.max;
    this.gate.setLimit(this.gate.limit + 1);
    this.bucket.setRate(this.bucket.rate + step);
  }
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
