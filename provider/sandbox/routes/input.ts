/**
 * Reading request bodies and query parameters the way OVHcloud's API refuses them: a 400 naming
 * the parameter. Never echoes a value that could be a secret.
 */
import {
  LICENCES as LICENSES,
  RENEW_PERIODS as RENEWALS,
  type Licence as License,
  type RenewPeriod as Renewal,
} from "../models.js";
import { ApiFailure } from "../errors.js";

export function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw ApiFailure.badRequest("The request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

export function license(value: unknown, name: string): License {
  if (typeof value !== "string" || !LICENSES.includes(value as License)) {
    throw ApiFailure.badRequest(
      `Invalid value for parameter ${name}: ${JSON.stringify(value)} is not one of ${LICENSES.join(", ")}`,
    );
  }
  return value as License;
}

export function renewal(value: unknown, name: string): Renewal {
  if (typeof value !== "string" || !RENEWALS.includes(value as Renewal)) {
    throw ApiFailure.badRequest(
      `Invalid value for parameter ${name}: ${JSON.stringify(value)} is not one of ${RENEWALS.join(", ")}`,
    );
  }
  return value as Renewal;
}

export function boolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean")
    throw ApiFailure.badRequest(`Invalid value for parameter ${name}: a boolean is expected`);
  return value;
}

export function text(value: unknown, name: string): string {
  if (typeof value !== "string")
    throw ApiFailure.badRequest(`Invalid value for parameter ${name}: a string is expected`);
  return value;
}

export function nullableText(value: unknown, name: string): string | null {
  return value === null ? null : text(value, name);
}

export function required<T>(
  body: Record<string, unknown>,
  name: string,
  read: (value: unknown, name: string) => T,
): T {
  if (body[name] === undefined || body[name] === null)
    throw ApiFailure.badRequest(`Missing parameter ${name}`);
  return read(body[name], name);
}

/** A positive whole number given as a query parameter or a JSON number. */
export function count(value: unknown, name: string): number {
  if (value === undefined || value === null) throw ApiFailure.badRequest(`Missing parameter ${name}`);
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(n) || n < 1)
    throw ApiFailure.badRequest(`Invalid value for parameter ${name}: a positive whole number is expected`);
  return n;
}

/** A numeric id in a path. */
export function pathId(value: string, name: string): number {
  if (!/^\d+$/.test(value))
    throw ApiFailure.badRequest(
      `Invalid value for parameter ${name}: ${JSON.stringify(value)} is not a number`,
    );
  return Number(value);
}

/** A mailbox login: letters, digits, dots, dashes and underscores. */
export function login(value: unknown, name: string): string {
  const login = text(value, name).toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(login)) {
    throw ApiFailure.badRequest(
      `Invalid value for parameter ${name}: ${JSON.stringify(value)} is not a valid login`,
    );
  }
  return login;
}

/** SQL-like filters of OVHcloud's list calls (`%` any text, `_` one character), case-insensitive. */
export function likePattern(pattern: string): RegExp {
  const source = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/%/g, ".*")
    .replace(/_/g, ".");
  return new RegExp(`^${source}$`, "i");
}
