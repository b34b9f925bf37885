/**
 * Addresses are made lower-case once, where they come in: here, the API's answers. Past this edge
 * the engine compares them as they are.
 */
import { describe, expect, it } from "vitest";
import type { ApiAccount } from "../../reconciler/ports.js";
import { toActualAccount } from "../../reconciler/refresh.js";

const answered: ApiAccount = {
  primaryEmailAddress: "Ann.Smith@ACME.example",
  domain: "ACME.example",
  displayName: "Ann Smith",
  accountLicense: "standard",
  renewPeriod: "yearly",
  deleteAtExpiration: false,
  expirationDate: "2026-09-30T00:00:00+02:00",
  configured: true,
  state: "ok",
  taskPendingId: null,
};

describe("the live account as the engine keeps it", () => {
  it("has the address and domain the API answered, lower-cased", () => {
    const account = toActualAccount(answered);
    expect(account.email).toBe("ann.smith@acme.example");
    expect(account.domain).toBe("acme.example");
  });

  it("keeps what is not an address as the API wrote it", () => {
    expect(toActualAccount(answered).displayName).toBe("Ann Smith");
  });
});
