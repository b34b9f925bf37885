import { describe, expect, it } from "vitest";
import { detectDrift, type CalendarMonth } from "../../reconciler/drift.js";
import type { ActualAccount, ActualPlatform, PriceBook } from "../../reconciler/model.js";
import { PRICES, actual, context, desired, hosted, live, livePlatform, privatePlatform } from "./builders.js";

const EUR = (units: number) => ({ ucents: units * 100_000_000, currency: "EUR" });

function calendarOf(platform: ActualPlatform, options: { now?: Date; prices?: PriceBook } = {}) {
  const declared = platform.offer === "private" ? privatePlatform([]) : hosted([]);
  const report = detectDrift(desired(declared), actual(platform), context(options));
  return { months: report.calendar, undated: report.calendar_undated };
}

function month(months: CalendarMonth[], key: string): CalendarMonth {
  const found = months.find((m) => m.month === key);
  if (!found) throw new Error(`no month ${key} in ${months.map((m) => m.month).join(", ")}`);
  return found;
}

function hostedWith(...accounts: ActualAccount[]): ActualPlatform {
  return livePlatform(accounts);
}

describe("renewal calendar", () => {
  it("covers the 12 calendar months starting with the month of now, across a year end", () => {
    const { months } = calendarOf(hostedWith(), { now: new Date("2026-11-26T09:00:00Z") });
    expect(months.map((m) => m.month)).toEqual([
      "2026-11",
      "2026-12",
      "2027-01",
      "2027-02",
      "2027-03",
      "2027-04",
      "2027-05",
      "2027-06",
      "2027-07",
      "2027-08",
      "2027-09",
      "2027-10",
    ]);
    expect(months.every((m) => m.renewals === 0 && m.expiries === 0 && m.amount.kind === "none")).toBe(true);
  });

  it("buckets an expiry by its calendar date in its own offset, not in UTC", () => {
    const { months } = calendarOf(
      hostedWith(
        // 2026-06-01 in +02:00 is still 2026-05-31 in UTC: June.
        live("a@acme.example", { expirationDate: "2026-06-01T00:30:00+02:00", deleteAtExpiration: true }),
        // 2026-07-31 in -03:00 is already 2026-08-01 in UTC: July.
        live("b@acme.example", { expirationDate: "2026-07-31T23:00:00-03:00", deleteAtExpiration: true }),
      ),
    );
    expect(month(months, "2026-05").expiries).toBe(0);
    expect(month(months, "2026-06").expiries).toBe(1);
    expect(month(months, "2026-07").expiries).toBe(1);
    expect(month(months, "2026-08").expiries).toBe(0);
  });

  it("counts the last month of the window and nothing after it", () => {
    const { months } = calendarOf(
      hostedWith(
        live("in@acme.example", { expirationDate: "2027-04-30T23:59:59+02:00" }),
        live("out@acme.example", { expirationDate: "2027-05-01T00:00:00+02:00" }),
      ),
    );
    expect(months.at(-1)).toEqual({
      month: "2027-04",
      renewals: 1,
      expiries: 0,
      amount: { kind: "known", amount: EUR(42) },
    });
    expect(months.reduce((n, m) => n + m.renewals, 0)).toBe(1);
  });

  it("H2: a yearly account renews once, for 12 times its monthly-equivalent price", () => {
    const { months } = calendarOf(
      hostedWith(live("a@acme.example", { renewal: "yearly", expirationDate: "2026-09-30T00:00:00+02:00" })),
    );
    expect(month(months, "2026-09")).toEqual({
      month: "2026-09",
      renewals: 1,
      expiries: 0,
      amount: { kind: "known", amount: EUR(42) },
    });
    expect(months.filter((m) => m.renewals > 0).map((m) => m.month)).toEqual(["2026-09"]);
  });

  it("H2: a monthly account renews every month from its expiry, for one month's price each time", () => {
    const { months } = calendarOf(
      hostedWith(live("a@acme.example", { renewal: "monthly", expirationDate: "2026-06-15T00:00:00+02:00" })),
    );
    expect(months.map((m) => m.renewals)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(month(months, "2026-06").amount).toEqual({ kind: "known", amount: EUR(4) });
    expect(month(months, "2026-05").amount).toEqual({ kind: "none" });
  });

  it("H4: a terminating account expires once and never renews", () => {
    const { months } = calendarOf(
      hostedWith(
        live("a@acme.example", {
          renewal: "monthly",
          deleteAtExpiration: true,
          expirationDate: "2026-06-15T00:00:00+02:00",
        }),
      ),
    );
    expect(months.map((m) => m.expiries)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(months.every((m) => m.renewals === 0)).toBe(true);
  });

  it("sums the renewals of one month exactly", () => {
    const { months } = calendarOf(
      hostedWith(
        live("a@acme.example", { renewal: "yearly", expirationDate: "2026-09-01T00:00:00+02:00" }),
        live("b@acme.example", {
          renewal: "monthly",
          license: "basic",
          expirationDate: "2026-09-20T00:00:00+02:00",
        }),
      ),
    );
    expect(month(months, "2026-09")).toMatchObject({
      renewals: 2,
      amount: { kind: "known", amount: EUR(43) },
    });
    expect(month(months, "2026-10")).toMatchObject({
      renewals: 1,
      amount: { kind: "known", amount: EUR(1) },
    });
  });

  it("P1: a Private account renews monthly at the Private price", () => {
    const { months } = calendarOf(
      livePlatform([live("a@acme.example", { renewal: null, expirationDate: "2026-05-31T00:00:00+02:00" })], {
        apiOffer: "dedicated",
      }),
    );
    expect(month(months, "2026-05").amount).toEqual({ kind: "known", amount: EUR(3) });
    expect(months.every((m) => m.renewals === 1)).toBe(true);
  });

  it("shows a month as unknown, with the reason, when one renewal's price is unknown: no partial sum", () => {
    const { months } = calendarOf(
      hostedWith(
        live("a@acme.example", { renewal: "yearly", expirationDate: "2026-09-01T00:00:00+02:00" }),
        live("b@acme.example", {
          renewal: "yearly",
          license: "enterprise",
          expirationDate: "2026-09-02T00:00:00+02:00",
        }),
      ),
    );
    expect(month(months, "2026-09")).toEqual({
      month: "2026-09",
      renewals: 2,
      expiries: 0,
      amount: { kind: "unknown", reason: "no catalog price for hosted/enterprise/yearly" },
    });
  });

  it("gives the catalog's own reason when no price could be read at all", () => {
    const prices: PriceBook = {
      currency: null,
      monthly: {},
      unavailableReason: "the catalog could not be read (HTTP 503)",
    };
    const { months } = calendarOf(hostedWith(live("a@acme.example")), { prices });
    expect(month(months, "2026-09").amount).toEqual({
      kind: "unknown",
      reason: "the catalog could not be read (HTTP 503)",
    });
  });

  it("leaves out, and counts, accounts without a future expiry date", () => {
    const { months, undated } = calendarOf(
      hostedWith(
        live("a@acme.example", { expirationDate: null }),
        live("b@acme.example", { expirationDate: "2026-05-01T00:00:00+02:00", state: "suspended" }),
        live("c@acme.example"),
      ),
    );
    expect(undated).toBe(2);
    expect(months.reduce((n, m) => n + m.renewals, 0)).toBe(1);
  });

  it("uses the catalog prices it is given, not built-in ones", () => {
    const prices: PriceBook = {
      ...PRICES,
      monthly: { ...PRICES.monthly, "hosted/standard/yearly": 123_456_789 },
    };
    const { months } = calendarOf(hostedWith(live("a@acme.example")), { prices });
    expect(month(months, "2026-09").amount).toEqual({
      kind: "known",
      amount: { ucents: 123_456_789 * 12, currency: "EUR" },
    });
  });
});
