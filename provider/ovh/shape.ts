/**
 * Light checks of the answers exrec relies on: a few combinators and one table per API model.
 * Only the fields the engine reads are checked; other fields pass through untouched. A nullable
 * field the API leaves out reads as null (absent and null mean the same to exrec: not given).
 */
import type {
  ApiAccount,
  ApiCatalog,
  ApiCatalogPlan,
  ApiOrder,
  ApiOrderDetail,
  ApiOrderStatus,
  ApiPastOrder,
  ApiPrice,
  ApiService,
  ApiTask,
} from "../../reconciler/ports.js";
import { ResponseShapeError } from "./errors.js";

/**
 * Where a value sits in the answer (`[3].accountLicense`), for the message of a failed check. A
 * function, built only when a check fails: answers hold up to tens of thousands of objects, and
 * formatting every field's path up front cost a sixth of a large refresh's CPU.
 */
export type At = string | (() => string);

function where(at: At): string {
  return typeof at === "string" ? at : at();
}

/** Returns the checked (possibly normalised) value, or throws a ShapeProblem. */
export type Check<T> = (value: unknown, at: At) => T;

class ShapeProblem extends Error {
  readonly at: string;
  constructor(
    at: At,
    readonly expected: string,
    readonly found: unknown,
  ) {
    const path = where(at);
    super(`${path || "the answer"}: expected ${expected}, found ${describe(found)}`);
    this.at = path;
  }
}

/** Names the kind of a value without quoting it (a wrong answer may still hold personal data). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export const str: Check<string> = (v, at) => {
  if (typeof v !== "string") throw new ShapeProblem(at, "a string", v);
  return v;
};

export const num: Check<number> = (v, at) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ShapeProblem(at, "a number", v);
  return v;
};

export const int: Check<number> = (v, at) => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ShapeProblem(at, "a whole number", v);
  return v;
};

export const bool: Check<boolean> = (v, at) => {
  if (typeof v !== "boolean") throw new ShapeProblem(at, "true or false", v);
  return v;
};

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, at) => {
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      throw new ShapeProblem(at, `one of ${values.join(", ")}`, typeof v === "string" ? `"${v}"` : v);
    }
    return v as T;
  };
}

/** null, absent, or a value that passes `check`. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at) => (v === null || v === undefined ? null : check(v, at));
}

/** Absent, or a value that passes `check`. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined ? undefined : check(v, at));
}

/**
 * Checked in place: the answer was parsed for this check alone, so an item a check normalises is
 * written back into the same array; one path function per array, not one per item.
 */
export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) throw new ShapeProblem(at, "an array", v);
    let index = 0;
    const itemAt = () => `${where(at)}[${index}]`;
    for (; index < v.length; index++) {
      const item: unknown = v[index];
      const checked = check(item, itemAt);
      if (checked !== item) v[index] = checked;
    }
    return v as T[];
  };
}

type Checked<S extends Record<string, Check<unknown>>> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * An object with at least these fields; the others are kept as they are. Checked in place, with
 * one path function per object, built into a message only if a field fails: on the good path a
 * page of 500 accounts costs no copy and no closure per field.
 */
export function object<S extends Record<string, Check<unknown>>>(
  fields: S,
): Check<Checked<S> & Record<string, unknown>> {
  const entries = Object.entries(fields);
  return (v, at) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ShapeProblem(at, "an object", v);
    const record = v as Record<string, unknown>;
    let name = "";
    const fieldAt = () => {
      const parent = where(at);
      return parent ? `${parent}.${name}` : name;
    };
    for (let i = 0; i < entries.length; i++) {
      const [field, check] = entries[i]!;
      name = field;
      const before = record[field];
      const value = check(before, fieldAt);
      if (value !== before && value !== undefined) record[field] = value;
    }
    return record as Checked<S> & Record<string, unknown>;
  };
}

/** Checks an answer of `call` (`METHOD /path`); a wrong shape becomes a ResponseShapeError naming it. */
export function validate<T>(call: string, check: Check<T>, value: unknown): T {
  try {
    return check(value, "");
  } catch (error) {
    if (error instanceof ShapeProblem) throw new ResponseShapeError(call, error.message);
    throw error;
  }
}

/** True when `value` passes `check` (for answers whose shape selects a branch). */
export function passes(check: Check<unknown>, value: unknown): boolean {
  try {
    check(value, "");
    return true;
  } catch (error) {
    if (error instanceof ShapeProblem) return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The models (reconciler/ports.ts), as far as exrec reads them
// ---------------------------------------------------------------------------------------------

const LICENSE = oneOf(["basic", "standard", "enterprise"] as const);
const RENEWAL = oneOf(["monthly", "yearly"] as const);
const ACCOUNT_STATE = oneOf([
  "creating",
  "deleting",
  "internalMigration",
  "ok",
  "reopening",
  "suspended",
  "suspending",
] as const);

export const stringList: Check<string[]> = arrayOf(str);
export const idList: Check<number[]> = arrayOf(int);

/**
 * `taskPendingId`: OVHcloud's published examples show `0` on idle objects, and the schema marks it
 * nullable on accounts. Task ids are positive, so `0` and null (or absent) both mean "no task" and
 * are read as null here, once, so that the planner, drift, blank reuse and waits all see the same.
 */
export const taskPendingId: Check<number | null> = (v, at) => {
  if (v === null || v === undefined || v === 0) return null;
  const id = int(v, at);
  if (id < 0) throw new ShapeProblem(at, "a task id (positive) or 0 for none", v);
  return id;
};

/**
 * `billing.OrderDetail.quantity` is a string in the schema (and in OVHcloud's Terraform provider);
 * the quote's `order.OrderDetail.quantity` is a number. Either form of a whole number is accepted
 * and the string form is kept, as the schema gives it.
 */
const quantityText: Check<string> = (v, at) => {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d+$/.test(v.trim())) return v.trim();
  throw new ShapeProblem(at, "a whole number (as text)", v);
};

export const service: Check<ApiService> = object({
  domain: str,
  displayName: nullable(str),
  offer: oneOf(["dedicated", "dedicatedCluster", "hosted", "provider"] as const),
  state: oneOf(["inMaintenance", "ok", "suspended"] as const),
  taskPendingId,
});

/** The fields of `email.exchange.Account` the engine reads; the others pass through unchecked. */
export const account: Check<ApiAccount> = object({
  primaryEmailAddress: str,
  domain: str,
  displayName: nullable(str),
  accountLicense: LICENSE,
  renewPeriod: nullable(RENEWAL),
  deleteAtExpiration: nullable(bool),
  expirationDate: nullable(str),
  configured: bool,
  state: ACCOUNT_STATE,
  taskPendingId,
});

export const task: Check<ApiTask> = object({
  id: int,
  function: str,
  status: oneOf(["todo", "doing", "done", "error", "cancelled"] as const),
});

/**
 * `order.Price`. `priceInUcents` may be null (and older copies of the schema lack it): the amount is
 * then read from `value` (reconciler/prices.ts). `text` is for people and is not read.
 */
export const price: Check<ApiPrice> = object({
  currencyCode: str,
  value: num,
  priceInUcents: nullable(int),
});

/** `order.Order`, a quote or a placed order. Its `details` and `contracts` are not read. */
export const order: Check<ApiOrder> = object({
  orderId: nullable(int),
  url: nullable(str),
  prices: object({ withoutTax: price, withTax: price }),
});

/** `GET /me/payment/method?default=true`: the ids of the default payment method (none: empty). */
export const paymentMethodIds: Check<number[]> = arrayOf(int);

export const orderStatus: Check<ApiOrderStatus> = oneOf([
  "cancelled",
  "cancelling",
  "checking",
  "delivered",
  "delivering",
  "documentsRequested",
  "notPaid",
  "unknown",
] as const);

/** `billing.Order`; `date` and the prices' `priceInUcents` may be null. */
export const pastOrder: Check<ApiPastOrder> = object({
  orderId: int,
  date: nullable(str),
  url: nullable(str),
  priceWithoutTax: price,
});

/** `billing.OrderDetail` (`GET /me/order/{id}/details/{id}`): `quantity` is a string, `cancelled` a flag. */
export const orderDetail: Check<ApiOrderDetail> = object({
  domain: str,
  quantity: quantityText,
  cancelled: nullable(bool),
});

/** A plan or add-on of the catalog, as far as reconciler/prices.ts reads it. */
const catalogPlan: Check<ApiCatalogPlan> = object({
  planCode: str,
  pricings: arrayOf(
    object({
      interval: num,
      intervalUnit: str,
      price: num,
      capacities: optional(arrayOf(str)),
    }),
  ),
});

export const catalog: Check<ApiCatalog> = object({
  locale: object({ currencyCode: str }),
  plans: arrayOf(catalogPlan),
  addons: optional(arrayOf(catalogPlan)),
});

/** One element of a batch answer (`X-Ovh-Batch`): `{key, value, error}`. */
export const batchElement = object({ key: str, value: optional((v) => v), error: optional((v) => v) });
