import { describe, expect, it } from "vitest";
import { ConcurrencyGate, TokenBucket } from "../../provider/ovh/limiter.js";

describe("ConcurrencyGate", () => {
  it("never lets more than its maximum hold a place at once, and serves waiters in order", async () => {
    const gate = new ConcurrencyGate(3);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        await gate.acquire();
        order.push(i);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        gate.release();
      }),
    );
    expect(most).toBe(3);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("lets background holders wait behind every other waiter, each kind in order", async () => {
    const gate = new ConcurrencyGate(2);
    const order: string[] = [];
    await gate.acquire();
    await gate.acquire();
    // Full: two background waiters come first, then two others; a free place goes to the others.
    const waiters = [
      ["price 1", true],
      ["price 2", true],
      ["read 1", false],
      ["read 2", false],
    ].map(async ([name, background]) => {
      await gate.acquire(background as boolean);
      order.push(name as string);
    });
    // A background request finds no free place while others wait, nor ahead of earlier background ones.
    expect(gate.tryAcquire(true)).toBe(false);
    expect(gate.tryAcquire(false)).toBe(false);
    for (let i = 0; i < 4; i++) {
      gate.release();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waiters);
    expect(order).toEqual(["read 1", "read 2", "price 1", "price 2"]);
    // With nobody waiting, a background request takes a free place at once.
    gate.release();
    gate.release();
    expect(gate.tryAcquire(true)).toBe(true);
  });
});

/**
 * A clock the bucket reads and sleeps on, with no real time passing: each sleep is counted and
 * moves the clock on by exactly what was asked.
 */
function virtualClock(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let time = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: (ms) => {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

describe("TokenBucket", () => {
  it("allows a burst of one second's worth, then one token per 1/rate seconds", async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket(20, clock.now, clock.sleep);
    await Promise.all(Array.from({ length: 30 }, () => bucket.take()));
    // 20 at once, then 10 more at 20 per second: ten waits of 50 ms.
    expect(clock.sleeps).toEqual(Array.from({ length: 10 }, () => 50));
  });

  it("gives back the burst as time passes, and no more than one second's worth", async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket(10, clock.now, clock.sleep);
    await Promise.all(Array.from({ length: 10 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([]);
    // Half a second later, five tokens are back; the sixth is waited for.
    await clock.sleep(500);
    await Promise.all(Array.from({ length: 6 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([500, 100]);
    // A long pause refills one second's worth only: the eleventh token waits.
    await clock.sleep(60_000);
    await Promise.all(Array.from({ length: 11 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([500, 100, 60_000, 100]);
  });

  it("with a rate of 0 (no limit) never waits, where even a generous limit does", async () => {
    const unlimitedClock = virtualClock();
    const unlimited = new TokenBucket(0, unlimitedClock.now, unlimitedClock.sleep);
    await Promise.all(Array.from({ length: 1000 }, () => unlimited.take()));
    expect(unlimitedClock.sleeps).toHaveLength(0);

    // 999 a second allows 999 at once: the 1,000th token is the one that waits.
    const generousClock = virtualClock();
    const generous = new TokenBucket(999, generousClock.now, generousClock.sleep);
    await Promise.all(Array.from({ length: 1000 }, () => generous.take()));
    expect(generousClock.sleeps).toHaveLength(1);
  });

  it("waits on the real clock by default", async () => {
    const bucket = new TokenBucket(50);
    const started = performance.now();
    await Promise.all(Array.from({ length: 52 }, () => bucket.take()));
    // 50 at once, then two more at 50 per second: at least 40 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});
