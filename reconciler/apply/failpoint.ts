/**
 * Failpoints: named places in apply where a test harness can kill the process outright
 * (`EXREC_FAILPOINT=order:after-place`), to prove that a rerun after a crash at any step never buys
 * twice and converges. Like the fail-rs / FoundationDB buggify idea, kept tiny: outside tests the
 * variable is unset and a failpoint is one string comparison.
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

export function failpoint(name: Failpoint): void {
  if (process.env.EXREC_FAILPOINT === name) {
    // SIGKILL: no cleanup, no finally blocks, exactly like a crash or an OOM kill.
    process.kill(process.pid, "SIGKILL");
  }
}
