/**
 * Failpoints: named places in apply where a test harness can kill the process outright
 * (`EXREC_FAILPOINT=order:after-place`), to prove that a rerun after a crash at any step never buys
 * twice and converges. Like the fail-rs / FoundationDB buggify idea, kept tiny: outside tests none
 * is armed and a failpoint is one null check. The edge arms them (the engine reads no environment).
 */
export const FAILPOINTS = [
  "order:after-journal-open",
  "order:after-place",
  "order:after-journal-order-id",
  "order:after-pay",
  "order:after-delivery",
  "order:after-first-configure",
  "configure:after-put",
  "configure:after-change-password",
  "add:after-post",
  "write:after-first",
] as const;

export type Failpoint = (typeof FAILPOINTS)[number];

let armed: ((name: Failpoint) => void) | null = null;

/** What reaching a failpoint does, for this process (null: nothing). */
export function armFailpoints(action: ((name: Failpoint) => void) | null): void {
  armed = action;
}

export function failpoint(name: Failpoint): void {
  armed?.(name);
}
