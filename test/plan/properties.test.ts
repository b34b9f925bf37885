/**
 * Properties of the planner over generated manifests and live states (fast-check): it is
 * deterministic, and it never removes what it must not (H4, H5, P3).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlanRefusedError } from "../../reconciler/errors.js";
import {
  APPLY_ORDER,
  LICENSES,
  PLACEHOLDER_DOMAIN,
  platformKey,
  type AccountState,
  type ActualAccount,
  type ActualPlatform,
  type DesiredAccount,
  type DesiredPlatform,
  type Plan,
} from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import {
  absent,
  actualOf,
  desiredOf,
  hostedPlatform,
  liveAccount,
  liveHosted,
  livePrivate,
  NOW,
  present,
  privatePlatform,
  samplePrices,
} from "../support/builders.js";

const STATES: AccountState[] = [
  "creating",
  "deleting",
  "internalMigration",
  "ok",
  "reopening",
  "suspended",
  "suspending",
];
const EXPIRIES = [
  null,
  "2026-10-31T00:00:00+01:00",
  "2027-01-31T00:00:00+01:00",
  "2027-03-31T23:30:00-05:00",
  "2027-06-30T00:00:00+02:00",
];
const ADDRESSES = ["ann", "bob", "cid", "dan", "eve", "fay"].map((n) => `${n}@acme.example`);
const BLANKS = ["b1", "b2", "b3"].map((n) => `${n}@${PLACEHOLDER_DOMAIN}`);

const license = fc.constantFrom(...LICENSES);
const renewal = fc.constantFrom("monthly" as const, "yearly" as const);

function liveAccountArb(hosted: boolean): fc.Arbitrary<ActualAccount> {
  return fc
    .record({
      email: fc.constantFrom(...ADDRESSES, ...(hosted ? BLANKS : [])),
      license,
      renewal: hosted ? fc.option(renewal, { freq: 8 }) : fc.constant(null),
      deleteAtExpiration: hosted ? fc.option(fc.boolean(), { freq: 8 }) : fc.constant(null),
      expirationDate: fc.constantFrom(...EXPIRIES),
      displayName: fc.option(fc.constantFrom("Ann", "Bob")),
      state: fc.constantFrom(...STATES, "ok", "ok", "ok"),
      taskPendingId: fc.option(fc.integer({ min: 1, max: 99 }), { freq: 6 }),
    })
    .map(({ email, ...fields }) => {
      const blank = email.endsWith(`@${PLACEHOLDER_DOMAIN}`);
      return liveAccount(email, { ...fields, configured: !blank });
    });
}

function declaredArb(hosted: boolean): fc.Arbitrary<DesiredAccount> {
  return fc.oneof(
    fc
      .record({
        email: fc.constantFrom(...ADDRESSES),
        license: fc.option(license, { freq: 4 }),
        renewal: hosted ? fc.option(renewal, { freq: 4 }) : fc.constant(null),
        displayName: fc.option(fc.constantFrom("Ann", "Bob")),
        protect: fc.boolean(),
      })
      .map(({ email, license, renewal, displayName, protect }) =>
        present(email, {
          protect,
          ...(license === null ? {} : { license }),
          ...(renewal === null ? {} : { renewal }),
          ...(displayName === null ? {} : { displayName }),
        }),
      ),
    fc.constantFrom(...ADDRESSES).map((email) => absent(email)),
  );
}

interface Case {
  desired: DesiredPlatform;
  live: ActualPlatform;
}

const platformCase: fc.Arbitrary<Case> = fc
  .record({
    hosted: fc.boolean(),
    mismatch: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    prune: fc.boolean(),
    reset: fc.boolean(),
    index: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ hosted, mismatch, prune, reset, index }) =>
    fc
      .record({
        declared: fc.uniqueArray(declaredArb(hosted), { selector: (a) => a.email, maxLength: 6 }),
        accounts: fc.uniqueArray(liveAccountArb(hosted), { selector: (a) => a.email, maxLength: 9 }),
      })
      .map(({ declared, accounts }): Case => {
        const ref = { organization: `org-${index}`, service: `svc-${hosted ? "h" : "p"}-${index}` };
        const desired = hosted
          ? hostedPlatform({ ...ref, prune, removal: reset ? "reset" : "expire", accounts: declared })
          : privatePlatform({ ...ref, prune, accounts: declared });
        const liveHostedOffer = hosted !== mismatch;
        const live = liveHostedOffer ? liveHosted(accounts, ref) : livePrivate(accounts, ref);
        return { desired, live };
      }),
  );

const world = fc.uniqueArray(platformCase, {
  selector: (c) => platformKey(c.desired),
  minLength: 1,
  maxLength: 3,
});

type Outcome = { plan: Plan } | { refused: PlanRefusedError };

function run(cases: Case[]): Outcome {
  const desired = desiredOf(...cases.map((c) => c.desired));
  const actual = actualOf(...cases.map((c) => c.live));
  try {
    return { plan: plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() }) };
  } catch (error) {
    if (error instanceof PlanRefusedError) return { refused: error };
    throw error;
  }
}

describe("plan properties", () => {
  it("is deterministic: the same inputs (even copied) give the same plan, or the same refusal", () => {
    fc.assert(
      fc.property(world, (cases) => {
        const first = run(cases);
        const second = run(structuredClone(cases));
        if ("plan" in first && "plan" in second)
          expect(JSON.stringify(second.plan)).toBe(JSON.stringify(first.plan));
        else if ("refused" in first && "refused" in second)
          expect(second.refused.problems).toEqual(first.refused.problems);
        else throw new Error("one run planned and the other refused");
      }),
      { numRuns: 300 },
    );
  });

  it("H4, H5, P3: never terminates, resets or deletes a protected account, or an undeclared one on a platform that does not prune", () => {
    fc.assert(
      fc.property(world, (cases) => {
        const outcome = run(cases);
        if (!("plan" in outcome)) return;
        const byKey = new Map(cases.map((c) => [platformKey(c.desired), c.desired]));
        for (const change of outcome.plan.changes) {
          if (change.action !== "terminate" && change.action !== "reset" && change.action !== "delete")
            continue;
          const desired = byKey.get(platformKey(change.platform))!;
          const declaration = desired.accounts.find((a) => a.email === change.address);
          if (declaration?.state === "present")
            throw new Error(`${change.id} removes a declared present account`);
          if (!desired.prune && declaration?.state !== "absent")
            throw new Error(`${change.id} removes an undeclared account without prune`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("H1-H5, P1-P3: every plan is well formed: unique ids, apply order, destructive exactly for reset and delete, waiting accounts untouched", () => {
    fc.assert(
      fc.property(world, (cases) => {
        const outcome = run(cases);
        if (!("plan" in outcome)) {
          // With each address declared once, only offers and missing licences or renewals can refuse a plan.
          for (const problem of outcome.refused.problems) expect(problem.message).not.toMatch(/protected/);
          return;
        }
        const { changes, waiting } = outcome.plan;
        expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
        const ranks = changes.map((c) => APPLY_ORDER.indexOf(c.action));
        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
        for (const change of changes) {
          expect(change.destructive).toBe(change.action === "reset" || change.action === "delete");
          if (change.platform.offer === "private")
            expect(["renew", "order", "configure", "reset", "terminate", "cancel-termination"]).not.toContain(
              change.action,
            );
        }
        const busy = new Set(waiting.map((w) => `${platformKey(w.platform)}/${w.address}`));
        for (const change of changes) {
          const subjects =
            change.action === "order"
              ? change.addresses
              : change.action === "configure"
                ? [change.address, change.placeholder]
                : [change.address];
          for (const subject of subjects)
            expect(busy.has(`${platformKey(change.platform)}/${subject}`)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
