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
});

describe("TokenBucket", () => {
  it("allows a burst of one second's worth, then one token per 1/rate seconds (real time)", async () => {
    const bucket = new TokenBucket(20);
    const started = performance.now();
    await Promise.all(Array.from({ length: 30 }, () => bucket.take()));
    // 20 at once, then 10 more at 20 per second: at least 0.5 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("does not wait at all with a rate of 0 (no limit)", async () => {
    const bucket = new TokenBucket(0);
    const started = performance.now();
    await Promise.all(Array.from({ length: 1000 }, () => bucket.take()));
    // A real rate would take tens of seconds for 1,000 tokens; the margin is for a loaded machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
