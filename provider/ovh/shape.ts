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
import { ACCOUNT_STATES, LICENSES, RENEWALS } from "../../reconciler/model.js";
import { orderStatusOf } from "../../reconciler/order-status.js";
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
  const allowed: ReadonlySet<unknown> = new Set(values);
  return (v, at) => {
    if (typeof v !== "string" || !allowed.has(v)) {
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
  const names = Object.keys(fields);
  const checks = names.map((name) => fields[name]!);
  return (v, at) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ShapeProblem(at, "an object", v);
    const record = v as Record<string, unknown>;
    let name = "";
    const fieldAt = () => {
      const parent = where(at);
      return parent ? `${parent}.${name}` : name;
    };
    for (let i = 0; i < names.length; i++) {
      name = names[i]!;
      const before = record[name];
      const value = checks[i]!(before, fieldAt);
      if (value !== before && value !== undefined) record[name] = value;
    }
    return record as Checked<S> & Record<string, unknown>;
  };
}

/**
 * A check with a straight-line fast path for the objects that come by the tens of thousands.
 * `accepts` says, without throwing or allocating, whether `full` would pass the value unchanged
 * but for what `normalise` then does in place (the same as `full` would); a value it does not
 * accept goes through `full`, which is the definition and words the refusal. The two must agree
 * on every value (test/ovh/shape-fast-path.test.ts).
 */
function withFastPath<T>(
  accepts: (v: unknown) => boolean,
  normalise: (v: Record<string, unknown>) => void,
  full: Check<T>,
): Check<T> {
  return (v, at) => {
    if (!accepts(v)) return full(v, at);
    normalise(v as Record<string, unknown>);
    return v as T;
  };
}

/**
 * Checks an answer of `call` (`METHOD /path`, or a function that writes it, for calls named only
 * if they fail); a wrong shape becomes a ResponseShapeError naming it.
 */
export function validate<T>(call: At, check: Check<T>, value: unknown): T {
  try {
    return check(value, "");
  } catch (error) {
    if (error instanceof ShapeProblem) throw new ResponseShapeError(where(call), error.message);
    throw error;
  }
}

/**
 * `validate` for element `index` of a list that `call` answered, the element named
 * `${call} [index]${suffix}` only if it fails: no name, and no closure, per element on the good path.
 */
export function validateElement<T>(
  call: string,
  index: number,
  suffix: string,
  check: Check<T>,
  value: unknown,
): T {
  try {
    return check(value, "");
  } catch (error) {
    if (error instanceof ShapeProblem)
      throw new ResponseShapeError(`${call} [${index}]${suffix}`, error.message);
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

const LICENSE = oneOf(LICENSES);
const RENEWAL = oneOf(RENEWALS);
const ACCOUNT_STATE = oneOf(ACCOUNT_STATES);
const LICENSE_SET: ReadonlySet<unknown> = new Set(LICENSES);
const RENEWAL_SET: ReadonlySet<unknown> = new Set(RENEWALS);
const ACCOUNT_STATE_SET: ReadonlySet<unknown> = new Set(ACCOUNT_STATES);

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
export const accountByFields: Check<ApiAccount> = object({
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

/** What `accountByFields` passes, said in one expression: a page of 500 accounts costs no call per field. */
function isPlainAccount(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const { displayName, renewPeriod, deleteAtExpiration, expirationDate, taskPendingId: task } = r;
  return (
    typeof r.primaryEmailAddress === "string" &&
    typeof r.domain === "string" &&
    (displayName === null || displayName === undefined || typeof displayName === "string") &&
    LICENSE_SET.has(r.accountLicense) &&
    (renewPeriod === null || renewPeriod === undefined || RENEWAL_SET.has(renewPeriod)) &&
    (deleteAtExpiration === null ||
      deleteAtExpiration === undefined ||
      typeof deleteAtExpiration === "boolean") &&
    (expirationDate === null || expirationDate === undefined || typeof expirationDate === "string") &&
    typeof r.configured === "boolean" &&
    ACCOUNT_STATE_SET.has(r.state) &&
    (task === null || task === undefined || (typeof task === "number" && Number.isInteger(task) && task >= 0))
  );
}

/** In place, what `accountByFields` writes into an account it passes: null for "not given". */
function normaliseAccount(r: Record<string, unknown>): void {
  if (r.displayName === undefined) r.displayName = null;
  if (r.renewPeriod === undefined) r.renewPeriod = null;
  if (r.deleteAtExpiration === undefined) r.deleteAtExpiration = null;
  if (r.expirationDate === undefined) r.expirationDate = null;
  if (r.taskPendingId === undefined || r.taskPendingId === 0) r.taskPendingId = null;
}

export const account: Check<ApiAccount> = withFastPath(isPlainAccount, normaliseAccount, accountByFields);

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

/**
 * `billing.order.OrderStatusEnum`: a status the published schema does not list is kept as sent
 * (`{ kind: "other", raw }`) rather than refused, so that a status OVHcloud adds never fails a run.
 */
export const orderStatus: Check<ApiOrderStatus> = (v, at) => orderStatusOf(str(v, at));

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

/** What `batchElement` passes (it changes nothing), as one test. */
export function isBatchElement(v: unknown): v is { key: string; value?: unknown; error?: unknown } {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    typeof (v as { key?: unknown }).key === "string"
  );
}
