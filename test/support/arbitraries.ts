/**
 * fast-check generators of live accounts for the planner's property tests: every state the API
 * reports, expiries on both sides of the planning clock and in other offsets, with or without a
 * renewal period, a termination, a display name or a task.
 */
import fc from "fast-check";
import {
  ACCOUNT_STATES,
  LICENSES,
  PLACEHOLDER_DOMAIN,
  RENEWALS,
  type ActualAccount,
} from "../../reconciler/model.js";
import { liveAccount } from "./builders.js";

export const EXPIRIES = [
  null,
  "2026-10-31T00:00:00+01:00",
  "2027-01-31T00:00:00+01:00",
  "2027-03-31T23:30:00-05:00",
  "2027-06-30T00:00:00+02:00",
];

export const licenseArb = fc.constantFrom(...LICENSES);
export const renewalArb = fc.constantFrom(...RENEWALS);

/**
 * A live account at one of `addresses` (on Hosted, or one of `blanks`, which are unconfigured);
 * on Private there is no renewal period or termination.
 */
export function liveAccountArb(
  hosted: boolean,
  addresses: readonly string[],
  blanks: readonly string[],
): fc.Arbitrary<ActualAccount> {
  return fc
    .record({
      email: fc.constantFrom(...addresses, ...(hosted ? blanks : [])),
      license: licenseArb,
      renewal: hosted ? fc.option(renewalArb, { freq: 8 }) : fc.constant(null),
      deleteAtExpiration: hosted ? fc.option(fc.boolean(), { freq: 8 }) : fc.constant(null),
      expirationDate: fc.constantFrom(...EXPIRIES),
      displayName: fc.option(fc.constantFrom("Ann", "Bob")),
      state: fc.constantFrom(...ACCOUNT_STATES, "ok", "ok", "ok"),
      taskPendingId: fc.option(fc.integer({ min: 1, max: 99 }), { freq: 6 }),
    })
    .map(({ email, ...fields }) =>
      liveAccount(email, { ...fields, configured: !email.endsWith(`@${PLACEHOLDER_DOMAIN}`) }),
    );
}
