/**
 * Ctrl-C during `apply`, as a careful Terraform user expects: the first one (or a SIGTERM, which
 * is how CI systems cancel a job) asks exrec to stop at the next safe point, so the request in
 * flight and its journal entry finish; a second one exits at once. Neither is an error of exrec.
 */
import { note, type CliIo, type StopSignal } from "./io.js";

export class Interruption {
  private readonly controller = new AbortController();
  private signals = 0;
  private stopListening: (() => void) | null = null;

  constructor(private readonly io: CliIo) {}

  /** Aborted at the first Ctrl-C or SIGTERM. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Takes SIGINT and SIGTERM over until dispose(). */
  install(): this {
    this.stopListening ??= this.io.onStopSignal((signal) => this.onSignal(signal));
    return this;
  }

  dispose(): void {
    this.stopListening?.();
    this.stopListening = null;
  }

  private onSignal(signal: StopSignal): void {
    this.signals++;
    if (this.signals === 1) {
      note(
        this.io,
        `\nInterrupted (${signal}): letting the request in flight and its journal entry finish, then stopping. ` +
          "Press Ctrl-C again to exit at once.",
      );
      this.controller.abort();
      return;
    }
    // Exit now: whatever was in flight is in the journal (written before each request that buys or
    // creates), and the next apply looks before it acts; a stale local lock is taken over.
    note(
      this.io,
      "Interrupted again: exiting now. Run the same apply again: it resumes from its journal and never orders twice.",
    );
    this.io.exitNow(130);
  }
}
