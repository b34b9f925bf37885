/**
 * Terraform's values on the wire (`DynamicValue`): cty values encoded as msgpack, an object holding
 * exactly the schema's attributes. A value Terraform does not know yet (known after apply) is a
 * msgpack extension; any extension is read as unknown, and unknown is written as cty writes it.
 * Only the types exrec's schema uses are handled: string, bool, number, null.
 */
import { Decoder, Encoder, ExtData } from "@msgpack/msgpack";

// One of each for the process: msgpack's decode() and encode() make a new one (and its buffers) per
// call, and Terraform sends thousands of values in a large plan. Both are synchronous, so sharing is safe.
const decoder = new Decoder({ useBigInt64: false });
const encoder = new Encoder();

/** A value Terraform will only know after apply. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type Value = string | number | boolean | null | Unknown;
/** A resource's or provider's object: attribute name → value. */
export type ObjectValue = Record<string, Value>;

export interface DynamicValue {
  msgpack?: Uint8Array | Buffer | null;
  json?: Uint8Array | Buffer | null;
}

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

function fromWire(value: unknown): Value {
  if (value instanceof ExtData) return UNKNOWN;
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  throw new TypeError(`unexpected value of type ${typeof value} in a Terraform object`);
}

/**
 * Reads a DynamicValue: null for a null object (no resource), else the attributes named by the
 * schema (an absent one reads null; extra ones are refused, as they mean a schema mismatch).
 */
export function decodeObject(
  value: DynamicValue | null | undefined,
  attributes: readonly string[],
): ObjectValue | null {
  if (!value) return null;
  let raw: unknown;
  if (value.msgpack && value.msgpack.length > 0) raw = decoder.decode(value.msgpack);
  else if (value.json && value.json.length > 0) raw = JSON.parse(Buffer.from(value.json).toString("utf8"));
  else return null;
  if (raw === null || raw === undefined) return null;
  if (raw instanceof ExtData) return null;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new TypeError("a Terraform object was expected, another value came");
  const source = raw as Record<string, unknown>;
  const out: ObjectValue = {};
  for (const name of attributes) out[name] = fromWire(source[name]);
  return out;
}

/** Whole object unknown (a DynamicValue that is itself an extension). */
export function isWhollyUnknown(value: DynamicValue | null | undefined): boolean {
  if (!value?.msgpack || value.msgpack.length === 0) return false;
  return decoder.decode(value.msgpack) instanceof ExtData;
}

/** cty's encoding of an unknown value: a fixext1 of type 0 holding a zero byte. */
const UNKNOWN_WIRE = new ExtData(0, new Uint8Array([0]));

/** Writes an object with exactly the schema's attributes (absent ones as null); null: no object. */
export function encodeObject(value: ObjectValue | null, attributes: readonly string[]): DynamicValue {
  if (value === null) return { msgpack: Buffer.from(encoder.encodeSharedRef(null)) };
  const wire: Record<string, unknown> = {};
  for (const name of attributes) {
    const v = value[name];
    wire[name] = v === UNKNOWN ? UNKNOWN_WIRE : (v ?? null);
  }
  return { msgpack: Buffer.from(encoder.encodeSharedRef(wire)) };
}

/** True when any attribute of the object is unknown. */
export function hasUnknown(value: ObjectValue): boolean {
  return Object.values(value).some(isUnknown);
}
