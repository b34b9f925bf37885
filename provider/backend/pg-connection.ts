/**
 * Reading a PostgreSQL connection string for people: a description without the password, and
 * driver errors turned into BackendErrors that never carry it.
 */
import { BackendError, maskSecrets } from "./errors.js";

/** `postgres exrec@db.example:5432`: the database and the server, no user, no password. */
export function describeConnection(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default database)";
    const host = parsed.hostname || parsed.searchParams.get("host") || "local socket";
    return `postgres ${database}@${host}${parsed.port ? `:${parsed.port}` : ""}`;
  } catch {
    return `postgres ${maskSecrets(url)}`;
  }
}

/** The password of a connection URL, if it has one (only to scrub it from foreign messages). */
export function passwordOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : parsed.searchParams.get("password");
  } catch {
    return null;
  }
}

/**
 * A BackendError for a failure of the driver or the server. The driver's error is not kept as
 * `cause` (it may hold connection parameters); its message and codes are copied after masking.
 */
export function databaseError(doing: string, url: string, error: unknown): BackendError {
  const details = error instanceof Error ? error.message : String(error);
  const codes = [errorField(error, "code"), errorField(error, "errno")].filter(
    (c): c is string => c !== null,
  );
  const at = hostAndPort(url);
  let message = `${doing} on the PostgreSQL backend${at ? ` at ${at}` : ""} (${maskSecrets(url)}) failed: ${details || "no message"}${
    codes.length ? ` (${codes[0]})` : ""
  }`;
  const password = passwordOf(url);
  if (password && password.length >= 3) message = message.split(password).join("****");
  return new BackendError(maskSecrets(message), { hint: hintFor(errorField(error, "code")) });
}

/** `host:port` of a connection URL (PostgreSQL's default port when none is given), for messages. */
function hostAndPort(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.hostname === "" ? null : `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return null;
  }
}

function errorField(error: unknown, field: "code" | "errno"): string | null {
  if (typeof error !== "object" || error === null || !(field in error)) return null;
  const value = (error as Record<string, unknown>)[field];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

function hintFor(code: string | null): string {
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return "check the host and port of --backend / EXREC_BACKEND, and that PostgreSQL is running and reachable from here";
    case "28P01":
    case "28000":
      return "check the user and password of --backend / EXREC_BACKEND (the server refused them)";
    case "3D000":
      return "the database does not exist: create it (CREATE DATABASE ...) or fix the name in the URL";
    case "42501":
      return "the user may not create or use exrec's tables: grant it CREATE on the database's schema, or use a user that may";
    default:
      return "check --backend / EXREC_BACKEND and the PostgreSQL server's log";
  }
}
