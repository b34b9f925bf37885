/**
 * Errors of the sandbox. Two families: errors of the sandbox itself (a bad seed name, a corrupt
 * state file, a bad control request), thrown to whoever started it; and `ApiFailure`, an OVHcloud
 * error answer that a route handler throws and the server turns into an HTTP response.
 */

/**
 * An error the sandbox raises on purpose: a stable `code` (`EXREC_SANDBOX_…`), a message naming
 * what is wrong and, where there is one, the fix. The sandbox imports nothing from the engine; the
 * CLI recognises these by their code as it does its own errors.
 */
export abstract class SandboxError extends Error {
  abstract readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** `--seed` (or a SeedSpec text) names no seed. */
export class SeedSpecError extends SandboxError {
  readonly code = "EXREC_SANDBOX_SEED";
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`unknown sandbox seed ${JSON.stringify(text)}: ${reason}`, {
      hint: "use demo, empty, or fleet:PxA (P platforms of A accounts, e.g. fleet:10x500), optionally fleet:PxA:hosted|private|mixed",
    });
  }
}

/** The state file exists but cannot be read back as a sandbox state. */
export class SandboxStateFileError extends SandboxError {
  readonly code = "EXREC_SANDBOX_STATE_FILE";
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`the sandbox state file ${file} is not usable: ${problem}`, {
      hint: `delete ${file} to start again from the seed, or point the sandbox at another state file`,
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

/** A control request (patchAccount, a fault, read modes) the sandbox cannot carry out. */
export class SandboxControlError extends SandboxError {
  readonly code = "EXREC_SANDBOX_CONTROL";
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
    options?: { hint?: string },
  ) {
    super(message, options);
  }
}

/** The `class` names OVHcloud puts in its error bodies. */
export type OvhErrorClass =
  | "Client::BadRequest"
  | "Client::Unauthorized"
  | "Client::Forbidden"
  | "Client::NotFound"
  | "Client::MethodNotAllowed"
  | "Client::Conflict"
  | "Client::RequestEntityTooLarge"
  | "Client::TooManyRequests"
  | "Server::InternalServerError";

/** An error answer of the API, with the exact body to send. Route handlers throw it. */
export class ApiFailure extends SandboxError {
  readonly code = "EXREC_SANDBOX_ANSWER";
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === "string" ? body.message : `HTTP ${status}`);
  }

  static of(status: number, errorClass: OvhErrorClass, message: string): ApiFailure {
    return new ApiFailure(status, { class: errorClass, message });
  }
  static badRequest(message: string): ApiFailure {
    return ApiFailure.of(400, "Client::BadRequest", message);
  }
  static notFound(message: string): ApiFailure {
    return ApiFailure.of(404, "Client::NotFound", message);
  }
  static forbidden(message: string): ApiFailure {
    return ApiFailure.of(403, "Client::Forbidden", message);
  }
  static conflict(message: string): ApiFailure {
    return ApiFailure.of(409, "Client::Conflict", message);
  }
  /** The authentication errors, whose bodies carry `errorCode` and `httpCode` instead of `class`. */
  static auth(status: 400 | 401 | 403, errorCode: string, message: string): ApiFailure {
    const reason = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden" }[status];
    return new ApiFailure(status, { errorCode, httpCode: `${status} ${reason}`, message });
  }
}
