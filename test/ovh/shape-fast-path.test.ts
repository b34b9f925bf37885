/**
 * The account check has a straight-line path for the good answers that come by the tens of
 * thousands, and the field-by-field check that defines it and words every refusal. This table
 * holds them to the same verdict on each value: the same object out (normalised the same way), or
 * the same message.
 */
import { describe, expect, it } from "vitest";
import { ResponseShapeError } from "../../provider/ovh/errors.js";
import * as shape from "../../provider/ovh/shape.js";

const GOOD = {
  primaryEmailAddress: "alice@acme.example",
  login: "alice",
  domain: "acme.example",
  displayName: "Alice",
  accountLicense: "standard",
  renewPeriod: "monthly",
  deleteAtExpiration: false,
  expirationDate: "2027-01-01T00:00:00+01:00",
  configured: true,
  state: "ok",
  taskPendingId: 0,
  quota: 50,
  id: 7,
};

function without(field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...GOOD };
  delete copy[field];
  return copy;
}

const CASES: [string, unknown][] = [
  ["a full account, taskPendingId 0", GOOD],
  ["a pending task", { ...GOOD, taskPendingId: 12 }],
  ["taskPendingId null", { ...GOOD, taskPendingId: null }],
  ["taskPendingId absent", without("taskPendingId")],
  ["taskPendingId -0", { ...GOOD, taskPendingId: -0 }],
  ["taskPendingId negative", { ...GOOD, taskPendingId: -3 }],
  ["taskPendingId a fraction", { ...GOOD, taskPendingId: 1.5 }],
  ["taskPendingId a string", { ...GOOD, taskPendingId: "12" }],
  ["taskPendingId NaN", { ...GOOD, taskPendingId: NaN }],
  ["displayName absent", without("displayName")],
  ["displayName null", { ...GOOD, displayName: null }],
  ["displayName a number", { ...GOOD, displayName: 3 }],
  ["renewPeriod absent", without("renewPeriod")],
  ["renewPeriod yearly", { ...GOOD, renewPeriod: "yearly" }],
  ["renewPeriod unknown", { ...GOOD, renewPeriod: "weekly" }],
  ["deleteAtExpiration absent", without("deleteAtExpiration")],
  ["deleteAtExpiration a string", { ...GOOD, deleteAtExpiration: "false" }],
  ["expirationDate absent", without("expirationDate")],
  ["expirationDate a number", { ...GOOD, expirationDate: 20270101 }],
  ["every nullable field absent", { ...GOOD, displayName: undefined, renewPeriod: undefined }],
  ["primaryEmailAddress absent", without("primaryEmailAddress")],
  ["primaryEmailAddress null", { ...GOOD, primaryEmailAddress: null }],
  ["domain a number", { ...GOOD, domain: 1 }],
  ["license unknown", { ...GOOD, accountLicense: "premium" }],
  ["license absent", without("accountLicense")],
  ["license in capitals", { ...GOOD, accountLicense: "Standard" }],
  ["configured absent", without("configured")],
  ["configured a string", { ...GOOD, configured: "true" }],
  ["state unknown", { ...GOOD, state: "broken" }],
  ["state a transitional one", { ...GOOD, state: "suspending" }],
  ["an inherited field name as state", { ...GOOD, state: "toString" }],
  ["null", null],
  ["an array", [GOOD]],
  ["a string", "alice@acme.example"],
  ["nothing", undefined],
];

type Verdict = { ok: true; value: unknown } | { ok: false; message: string };

function verdict(check: shape.Check<unknown>, value: unknown): Verdict {
  // Each check gets its own copy: both normalise in place.
  const copy: unknown = value === undefined ? undefined : structuredClone(value);
  try {
    return { ok: true, value: shape.validate("GET /account", check, copy) };
  } catch (error) {
    if (!(error instanceof ResponseShapeError)) throw error;
    return { ok: false, message: error.message };
  }
}

describe("the account check's straight-line path", () => {
  it.each(CASES)("agrees with the field-by-field check: %s", (_name, value) => {
    const fast = verdict(shape.account, value);
    expect(fast).toEqual(verdict(shape.accountByFields, value));
  });

  it("passes the good cases and refuses the others (the table tests both paths)", () => {
    const passed = CASES.filter(([, value]) => verdict(shape.account, value).ok).length;
    expect(passed).toBe(13);
    expect(CASES.length - passed).toBe(22);
  });

  it("reads 0 and an absent task as null, and absent nullable fields as null", () => {
    const value = verdict(shape.account, without("displayName"));
    expect(value).toMatchObject({ ok: true, value: { taskPendingId: null, displayName: null } });
  });

  it("names the element of a page and the field that fails", () => {
    const page = [GOOD, GOOD, { ...GOOD, accountLicense: "premium" }];
    expect(() => shape.validate("GET /account", shape.arrayOf(shape.account), structuredClone(page))).toThrow(
      "GET /account: unexpected answer: [2].accountLicense: expected one of basic, standard, enterprise, found a string",
    );
  });
});

describe("batch elements", () => {
  it.each<[string, unknown, boolean]>([
    ["a value", { key: "a@b.c", value: GOOD, error: null }, true],
    ["an error", { key: "a@b.c", value: null, error: "not found" }, true],
    ["a key alone", { key: "a@b.c" }, true],
    ["no key", { value: GOOD }, false],
    ["a numeric key", { key: 1, value: GOOD }, false],
    ["null", null, false],
    ["an array", [], false],
    ["a string", "a@b.c", false],
  ])("tells them as the field-by-field check does: %s", (_name, value, expected) => {
    expect(shape.isBatchElement(value)).toBe(expected);
    expect(shape.passes(shape.batchElement, value)).toBe(expected);
  });
});
