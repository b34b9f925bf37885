/**
 * Counters of what clients asked (SandboxStats): tests assert on them ("no write", "read in
 * pages"), benchmarks report them.
 */
import type { SandboxStats } from "./types.js";

function emptyStats(): SandboxStats {
  return { total: 0, byRoute: {}, maxInFlight: 0, authFailures: 0, tokensIssued: 0, writes: [] };
}

export class StatsRecorder {
  private current = emptyStats();
  private inFlight = 0;

  get stats(): SandboxStats {
    return this.current;
  }

  /** Requests being handled right now. */
  get inFlightNow(): number {
    return this.inFlight;
  }

  reset(): void {
    this.current = emptyStats();
    this.current.maxInFlight = this.inFlight;
  }

  /** A request under /1.0 or /auth starts; `route` is its key, e.g. `GET /email/exchange/{org}/service`. */
  begin(route: string): void {
    this.current.total += 1;
    this.current.byRoute[route] = (this.current.byRoute[route] ?? 0) + 1;
    this.inFlight += 1;
    this.current.maxInFlight = Math.max(this.current.maxInFlight, this.inFlight);
  }

  end(): void {
    this.inFlight -= 1;
  }

  authFailure(): void {
    this.current.authFailures += 1;
  }

  tokenIssued(): void {
    this.current.tokensIssued += 1;
  }

  write(method: string, path: string, status: number): void {
    this.current.writes.push({ method, path, status });
  }
}
