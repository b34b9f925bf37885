/**
 * Errors of the engine. Every error exrec raises on purpose is an ExrecError: a stable `code`
 * (documented, safe to match on in scripts), a message naming the identifiers involved, and where
 * one exists, the fix. The CLI catches once (reconciler/cli.ts) and maps them to exit codes.
 *
 * Each layer keeps its own classes in its own errors.ts (provider/ovh/errors.ts,
 * provider/backend/errors.ts, reconciler/load/errors.ts); they all extend ExrecError.
 * Messages never contain secrets.
 */
export abstract class ExrecError extends Error {
  /** Stable machine-readable code, e.g. `EXREC_PROTECTED_ACCOUNT`. */
  abstract readonly code: string;
  /** What the user can do about it, when there is something. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A plan that would break a promise (a protected account removed, an offer mismatch, ...). */
export class PlanRefusedError extends ExrecError {
  readonly code = "EXREC_PLAN_REFUSED";
  constructor(
    readonly problems: { platform: string; address: string | null; message: string; rule: string | null }[],
    options?: { hint?: string },
  ) {
    super(
      `the plan was refused:\n${problems.map((p) => `  - ${p.platform}${p.address ? ` ${p.address}` : ""}: ${p.message}`).join("\n")}`,
      options,
    );
  }
}

/** Bad command-line input: a flag or an argument. */
export class UsageError extends ExrecError {
  readonly code = "EXREC_USAGE";
}
