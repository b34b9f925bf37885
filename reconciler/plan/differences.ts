/**
 * The one comparison of a declared account with its live account, field by field. The planner
 * turns each difference into a change; drift reports the planner's changes and never compares
 * fields itself, so both always agree on what differs.
 */
import type { ActualAccount, License, Offer, PresentAccount, Renewal } from "../model.js";

/** A managed field whose live value is not the declared one. */
export type FieldDifference =
  /** Declared present but terminating at expiry (Hosted, H4): the termination is to be cancelled. */
  | { field: "deleteAtExpiration"; declared: false; live: true }
  /** Hosted only: Private accounts renew monthly whatever either side says (P1). */
  | { field: "renewal"; declared: Renewal; live: Renewal | null }
  | { field: "license"; declared: License; live: License }
  /** Compared exactly: a declared empty name is a name, and differs from the API's null. */
  | { field: "displayName"; declared: string; live: string | null };

/**
 * What differs between a declared present account and its live account, by the rules of `offer`
 * (the live platform's). Fields the manifest leaves out are not managed and never differ.
 */
export function accountDifferences(
  declared: PresentAccount,
  live: ActualAccount,
  offer: Offer,
): FieldDifference[] {
  const differences: FieldDifference[] = [];
  if (offer === "hosted") {
    if (live.deleteAtExpiration === true)
      differences.push({ field: "deleteAtExpiration", declared: false, live: true });
    if (declared.renewal !== undefined && declared.renewal !== live.renewal)
      differences.push({ field: "renewal", declared: declared.renewal, live: live.renewal });
  }
  if (declared.license !== undefined && declared.license !== live.license)
    differences.push({ field: "license", declared: declared.license, live: live.license });
  if (declared.displayName !== undefined && declared.displayName !== live.displayName)
    differences.push({ field: "displayName", declared: declared.displayName, live: live.displayName });
  return differences;
}
