/**
 * Errors of the backend layer (lock, journal, history; local folder or PostgreSQL). Messages name
 * the platform keys, files and hosts involved and never contain a password: every connection
 * string that reaches a message has gone through `maskSecrets` first.
 */
import { ExrecError } from "../../reconciler/errors.js";
import type { LockOwner } from "../../reconciler/ports.js";

/** The backend cannot be opened or used: a bad `--backend` value, an unreachable database, a corrupt file. */
export class BackendError extends ExrecError {
  readonly code = "EXREC_BACKEND";
}

/** The PostgreSQL backend holds tables of a newer exrec than this one. */
export class BackendSchemaError extends ExrecError {
  readonly code = "EXREC_BACKEND_SCHEMA";
  constructor(
    readonly database: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `the exrec tables in ${database} are at schema version ${found}; this exrec understands version ${supported} at most`,
      {
        hint: `upgrade exrec to a release that knows schema version ${found}; nothing was changed in the database`,
      },
    );
  }
}

/** A journal call that names an entry the journal does not have, or opens one twice. */
export class JournalError extends ExrecError {
  readonly code = "EXREC_JOURNAL";
  constructor(
    message: string,
    readonly entryId: string,
    options?: { hint?: string },
  ) {
    super(message, options);
  }
}

/** Where the holder of a lock comes from, which decides what the user may do about it. */
export type LockHolderKind =
  /** A live process (or, for PostgreSQL, a live database session). Wait, or stop it. */
  | "live"
  /** A process on another host: exrec cannot tell whether it is alive, so it never takes over. */
  | "foreign-host"
  /** The lock exists but its holder could not be read (an empty or hand-edited lock file). */
  | "unknown";

/** A platform is locked by another run of exrec and stayed locked for the whole wait. */
export class LockHeldError extends ExrecError {
  readonly code = "EXREC_LOCKED";
  constructor(
    /** The platform key (`org/svc`) that could not be locked. */
    readonly platform: string,
    /** The holder as recorded, or null when it could not be read. */
    readonly holder: LockOwner | null,
    readonly holderKind: LockHolderKind,
    /** Where the lock lives: a lock file, or the `exrec_locks` row of a database. */
    readonly location: string,
    waitedMs: number,
    /** Replaces the default hint where the backend knows better what to do (PostgreSQL sessions). */
    options?: { hint?: string },
  ) {
    super(
      `platform ${platform} is locked by ${describeHolder(holder)} (waited ${formatWait(waitedMs)}); lock: ${location}`,
      { hint: options?.hint ?? hintFor(holderKind, holder, location) },
    );
  }
}

/**
 * Another exrec process of this host kept the turn to order on a service, or to add an address, of
 * the same OVHcloud account for the whole wait (provider/backend/ordering-turns.ts). Nothing was
 * ordered or added there.
 */
export class OrderingTurnTimeoutError extends ExrecError {
  readonly code = "EXREC_ORDERING_BUSY";
  constructor(
    /** The platform, or `org/svc address`. */
    readonly platform: string,
    readonly holder: LockOwner | null,
    /** The lock file of the turn. */
    readonly location: string,
    waitedMs: number,
  ) {
    super(
      `gave up waiting ${formatWait(waitedMs)} for the turn to order or add on ${platform}: ${describeHolder(holder)} ` +
        `holds it for the same OVHcloud account; nothing was ordered or added there (turn: ${location})`,
      {
        hint:
          "let the other apply finish, then run apply again: it sees what the other ordered. " +
          `If no exrec is running on this host, remove ${location}`,
      },
    );
  }
}

function describeHolder(holder: LockOwner | null): string {
  if (holder === null) return "an unknown holder";
  const who = holder.who ? ` (${holder.who})` : "";
  return `pid ${holder.pid} on host ${holder.host}${who} since ${holder.startedAt}`;
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

function hintFor(kind: LockHolderKind, holder: LockOwner | null, location: string): string {
  switch (kind) {
    case "live":
      return `another exrec is working on this platform; wait for it to finish and try again${
        holder ? ` (or stop pid ${holder.pid} on ${holder.host} if it is stuck)` : ""
      }`;
    case "foreign-host":
      return (
        `the holder runs on another host (${holder?.host ?? "unknown"}), so exrec cannot tell whether it is still alive ` +
        `and never takes such a lock over by itself; if you are sure no exrec is running there, remove ${location}`
      );
    case "unknown":
      return `the lock's holder could not be read; if you are sure no exrec is running, remove ${location}`;
  }
}

/**
 * Hides the password of a connection string wherever it appears in `text`: the userinfo of a URL
 * (`postgres://user:****@host`) and `password=` parameters (query strings and key=value strings).
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:****@`;
    })
    .replace(/(password=)[^&\s]*/gi, "$1****");
}
