/**
 * Small readers of Terraform object values, with the attribute named in every complaint.
 */
import { ResourceConfigError } from "./errors.js";
import { isUnknown, type ObjectValue } from "./cty.js";

export function str(object: ObjectValue | null, name: string): string | null {
  const v = object?.[name];
  if (v === null || v === undefined || isUnknown(v)) return null;
  if (typeof v !== "string") throw new ResourceConfigError(`${name} must be a string`, name);
  return v;
}

export function bool(object: ObjectValue | null, name: string): boolean | null {
  const v = object?.[name];
  if (v === null || v === undefined || isUnknown(v)) return null;
  if (typeof v !== "boolean") throw new ResourceConfigError(`${name} must be true or false`, name);
  return v;
}

/** The value if it is one of `allowed`; a clear error naming the attribute otherwise. */
export function oneOf<T extends string>(
  object: ObjectValue | null,
  name: string,
  allowed: readonly T[],
): T | null {
  const v = str(object, name);
  if (v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new ResourceConfigError(
      `${name} = ${JSON.stringify(v)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      name,
    );
  }
  return v as T;
}

export function anyUnknown(object: ObjectValue | null, names: readonly string[]): boolean {
  return object !== null && names.some((n) => isUnknown(object[n]));
}

/** Private data travels as bytes; exrec keeps JSON in it. */
export function readPrivate<T>(bytes: Uint8Array | Buffer | null | undefined): Partial<T> {
  if (!bytes || bytes.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<T>;
  } catch {
    return {};
  }
}

export function writePrivate(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
