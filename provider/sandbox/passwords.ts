/**
 * The passwords clients set with `changePassword`, kept in memory for tests to read through the
 * control API (a real Exchange never shows one back). Never written to the state file, never
 * counted in stats, never logged: a sandbox restarted forgets them.
 */
import type { PasswordChange } from "./types.js";

/** Kept so that a long benchmark cannot grow it without bound. */
const MAX_KEPT = 10_000;

export class PasswordBook {
  private readonly changes: PasswordChange[] = [];

  record(change: PasswordChange): void {
    this.changes.push(change);
    if (this.changes.length > MAX_KEPT) this.changes.shift();
  }

  list(): PasswordChange[] {
    return this.changes.map((change) => ({ ...change }));
  }
}
