/**
 * Ctrl-C during `apply`, as a careful Terraform user expects: the first one (or a SIGTERM, which
 * is how CI systems cancel a job) asks exrec to stop at the next safe point, so the request in
 * flight and its journal entry finish; a second one exits at once. Neither is an error of exrec.
 */
import { note } from "./output.js";

export class Interruption {
  private readonly controller = new AbortController();
  private signals = 0;
  private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

  /** Aborted at the first Ctrl-C or SIGTERM. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Takes SIGINT and SIGTERM over until dispose(). */
  install(): this {
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
    return this;
  }

  dispose(): void {
    process.off("SIGINT", this.handler);
    process.off("SIGTERM", this.handler);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.signals++;
    if (this.signals === 1) {
      note(
        `\nInterrupted (${signal}): letting the request in flight and its journal entry finish, then stopping. ` +
          "Press Ctrl-C again to exit at once.",
      );
      this.controller.abort();
      return;
    }
    // Exit now: whatever was in flight is in the journal (written before each request that buys or
    // creates), and the next apply looks before it acts; a stale local lock is taken over.
    note(
      "Interrupted again: exiting now. Run the same apply again: it resumes from its journal and never orders twice.",
    );
    process.exit(130);
  }
}
