/**
 * Properties of the planner over generated manifests and live states (fast-check): it is
 * deterministic, it never removes what it must not (H4, H5, P3), its plans are well formed, and it
 * refuses exactly what it cannot plan. The properties about plans run on inputs the planner must
 * accept, so every run checks a plan; the refusals have a property of their own.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlanRefusedError } from "../../reconciler/errors.js";
import {
  APPLY_ORDER,
  isDestructive,
  PLACEHOLDER_DOMAIN,
  platformKey,
  quoteKey,
  type ActualPlatform,
  type DesiredAccount,
  type DesiredPlatform,
  type OrderQuote,
  type Plan,
} from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import { recurringQuoteRequests } from "../../reconciler/prices.js";
import {
  absent,
  actualOf,
  desiredOf,
  hostedPlatform,
  liveHosted,
  livePrivate,
  NOW,
  present,
  privatePlatform,
  samplePrices,
  sampleQuote,
} from "../support/builders.js";
import {
  licenseArb as license,
  liveAccountArb as liveAccountOf,
  renewalArb as renewal,
} from "../support/arbitraries.js";

const ADDRESSES = ["ann", "bob", "cid", "dan", "eve", "fay"].map((n) => `${n}@acme.example`);
const BLANKS = ["b1", "b2", "b3"].map((n) => `${n}@${PLACEHOLDER_DOMAIN}`);

const liveAccountArb = (hosted: boolean) => liveAccountOf(hosted, ADDRESSES, BLANKS);

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

/**
 * One platform, declared and live. A valid case is one the planner must accept: its offer matches
 * the live one, and every declared account that is missing states what creating it needs (a
 * licence, and on Hosted a renewal). Any case may also be refused, for those two reasons only.
 */
function platformCase(valid: boolean): fc.Arbitrary<Case> {
  return fc
    .record({
      hosted: fc.boolean(),
      mismatch: valid ? fc.constant(false) : fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
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
          const live = new Set(accounts.map((a) => a.email));
          const creatable = (account: DesiredAccount): DesiredAccount =>
            account.state === "present" && !live.has(account.email)
              ? {
                  ...account,
                  license: account.license ?? "standard",
                  ...(hosted ? { renewal: account.renewal ?? "yearly" } : {}),
                }
              : account;
          const accountsDeclared = valid ? declared.map(creatable) : declared;
          const desired = hosted
            ? hostedPlatform({
                ...ref,
                prune,
                removal: reset ? "reset" : "expire",
                accounts: accountsDeclared,
              })
            : privatePlatform({ ...ref, prune, accounts: accountsDeclared });
          const liveHostedOffer = hosted !== mismatch;
          const liveSide = liveHostedOffer ? liveHosted(accounts, ref) : livePrivate(accounts, ref);
          return { desired, live: liveSide };
        }),
    );
}

function worldOf(platform: fc.Arbitrary<Case>): fc.Arbitrary<Case[]> {
  return fc.uniqueArray(platform, { selector: (c) => platformKey(c.desired), minLength: 1, maxLength: 3 });
}

/** Manifests and live states the planner may refuse. */
const anyWorld = worldOf(platformCase(false));
/** Manifests and live states the planner must plan. */
const validWorld = worldOf(platformCase(true));

/** What the planner must refuse in these cases: `platform` or `platform/address`, sorted. */
function expectedRefusals(cases: Case[]): string[] {
  const refusals: string[] = [];
  for (const { desired, live } of cases) {
    const key = platformKey(desired);
    if ((live.offer === "hosted") !== (desired.offer === "hosted")) {
      refusals.push(key);
      continue;
    }
    const liveAddresses = new Set(live.accounts.map((a) => a.email));
    for (const account of desired.accounts) {
      if (account.state !== "present" || liveAddresses.has(account.email)) continue;
      if (account.license === undefined || (desired.offer === "hosted" && account.renewal === undefined))
        refusals.push(`${key}/${account.email}`);
    }
  }
  return refusals.sort();
}

/** The plan of valid cases; a refusal of them fails the property, naming its problems. */
function planOf(cases: Case[]): Plan {
  const outcome = run(cases);
  if ("plan" in outcome) return outcome.plan;
  throw new Error(
    `a valid manifest was refused: ${outcome.refused.problems.map((p) => p.message).join("; ")}`,
  );
}

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
      fc.property(anyWorld, (cases) => {
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
    let removals = 0;
    fc.assert(
      fc.property(validWorld, (cases) => {
        const plan = planOf(cases);
        const byKey = new Map(cases.map((c) => [platformKey(c.desired), c.desired]));
        for (const change of plan.changes) {
          if (change.action !== "terminate" && change.action !== "reset" && change.action !== "delete")
            continue;
          removals++;
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
    // The generated cases do plan removals, so the checks above were exercised.
    expect(removals).toBeGreaterThan(20);
  });

  it("H1-H5, P1-P3: every plan is well formed: unique ids, apply order, destructive exactly for reset and delete, waiting accounts untouched", () => {
    fc.assert(
      fc.property(validWorld, (cases) => {
        const { changes, waiting } = planOf(cases);
        expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
        const ranks = changes.map((c) => APPLY_ORDER.indexOf(c.action));
        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
        for (const change of changes) {
          expect(isDestructive(change)).toBe(change.action === "reset" || change.action === "delete");
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

  it("refuses exactly the platforms whose offer differs and the missing accounts it cannot create, naming each", () => {
    let refused = 0;
    fc.assert(
      fc.property(anyWorld, (cases) => {
        const expected = expectedRefusals(cases);
        const outcome = run(cases);
        if ("plan" in outcome) {
          expect(expected).toEqual([]);
          return;
        }
        refused++;
        const named = outcome.refused.problems.map((p) =>
          p.address ? `${p.platform}/${p.address}` : p.platform,
        );
        expect(named.sort()).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // Both outcomes were met often enough for the comparison to mean something.
    expect(refused).toBeGreaterThan(50);
    expect(refused).toBeLessThan(250);
  });

  it("priced for its changes only: the same changes, costs and summary as priced for the estate, with only the changed platforms' quotes, and no run rate", () => {
    let priced = 0;
    fc.assert(
      fc.property(validWorld, (cases) => {
        const desired = desiredOf(...cases.map((c) => c.desired));
        const actual = actualOf(...cases.map((c) => c.live));
        // Every Hosted platform's recurring quotes, at prices other than the catalog's.
        const quotes = new Map<string, OrderQuote>();
        for (const { live } of cases) {
          for (const l of ["basic", "standard", "enterprise"] as const)
            for (const [duration, units] of [
              ["01", 3],
              ["12", 30],
            ] as const)
              quotes.set(
                ...sampleQuote({ ...live, license: l, duration, quantity: 1, unitsWithoutTax: units }),
              );
        }
        const estate = plan(desired, actual, { now: NOW, prices: samplePrices(), quotes });
        const first = plan(desired, actual, {
          now: NOW,
          prices: samplePrices(),
          quotes: new Map(),
          pricing: "changes",
        });
        const requests = recurringQuoteRequests(first, actual, new Set(), "changes");
        const changed = new Set(first.changes.map((c) => platformKey(c.platform)));
        for (const request of requests) expect(changed).toContain(platformKey(request));
        const needed = new Set(requests.map((r) => quoteKey(r)));
        const changesOnly = plan(desired, actual, {
          now: NOW,
          prices: samplePrices(),
          quotes: new Map([...quotes].filter(([key]) => needed.has(key))),
          pricing: "changes",
        });
        expect(changesOnly.changes).toEqual(estate.changes);
        expect(changesOnly.summary).toEqual(estate.summary);
        expect(changesOnly.totals.monthlyBefore).toBeNull();
        expect(changesOnly.totals.monthlyAfter).toBeNull();
        expect({ ...changesOnly.totals, monthlyBefore: null, monthlyAfter: null }).toEqual({
          ...estate.totals,
          monthlyBefore: null,
          monthlyAfter: null,
        });
        priced += changesOnly.changes.filter((c) => c.cost.kind === "recurring").length;
      }),
      { numRuns: 300 },
    );
    // Recurring costs were compared, not only plans without any.
    expect(priced).toBeGreaterThan(100);
  });
});
