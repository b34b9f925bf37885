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

/** A `.exrecignore` file with lines exrec cannot read; every bad line is listed as `file:line: message`. */
export class IgnoreFileError extends ExrecError {
  readonly code = "EXREC_IGNORE_FILE";
  constructor(
    readonly file: string,
    readonly problems: { line: number; message: string }[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join("\n"), {
      hint: "a rule is `[organization/service:]address-glob [field]`, field one of license, renewal, displayName, deleteAtExpiration, exists, unmanaged, missing; see docs/DRIFT.md",
    });
  }
}

/**
 * OVHcloud answered a price call (the public catalog, an order quote) with a shape exrec cannot
 * read. Prices are never guessed: the caller shows them as unknown, or stops before ordering.
 */
export class PriceDataError extends ExrecError {
  readonly code = "EXREC_PRICE_DATA";
  constructor(
    /** The call, e.g. `GET /order/catalog/public/exchange`. */
    readonly call: string,
    /** What is missing or malformed, e.g. `prices.withoutTax.priceInUcents is not an integer`. */
    readonly problem: string,
  ) {
    super(`${call} answered a shape exrec cannot read: ${problem}`, {
      hint: "the OVHcloud API may have changed; report it with the answer (it contains no secret)",
    });
  }
}

/**
 * A saved plan file (`exrec plan --out FILE`) that cannot be written, or cannot be trusted when it
 * is read back: unreadable, too large, not JSON, from another format version, modified after it
 * was written, or not a plan. `apply` never acts on such a file.
 */
export class PlanFileError extends ExrecError {
  readonly code = "EXREC_PLAN_FILE";
  constructor(
    /** The plan file, as given. */
    readonly file: string,
    /** What is wrong with it, e.g. `the plan file was modified after it was written`. */
    readonly problem: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(`plan file ${file}: ${problem}`, options);
  }
}

/**
 * The user asked exrec to stop (Ctrl-C, SIGTERM): raised at the next API call after the signal,
 * so that a call in flight, and the journal entry that records its answer, always finish first.
 * The CLI exits 130 and says how to resume; it is never reported as a bug.
 */
export class InterruptedError extends ExrecError {
  readonly code = "EXREC_INTERRUPTED";
}

/**
 * An expected condition of the machine rather than a mistake of exrec: a port already in use, a
 * file or folder that cannot be written. Reported plainly, exit 1.
 */
export class EnvironmentError extends ExrecError {
  readonly code = "EXREC_ENVIRONMENT";
}
