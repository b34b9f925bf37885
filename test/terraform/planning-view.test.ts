/**
 * The Terraform provider plans each account resource against the part of its live platform that
 * resource needs (provider/terraform/planning-view.ts), not the whole platform. A property over
 * generated platforms and resources (fast-check): the plan of the view and the plan of the whole
 * platform agree on everything the provider reads (changes, waiting accounts, refusals) and on the
 * platforms apply would refuse to empty; and a table shows what the view keeps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlanRefusedError } from "../../reconciler/errors.js";
import {
  PLACEHOLDER_DOMAIN,
  type ActualAccount,
  type ActualPlatform,
  type DesiredAccount,
  type DesiredPlatform,
} from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import { planningView } from "../../provider/terraform/planning-view.js";
import {
  absent,
  actualOf,
  blankAccount,
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
import {
  licenseArb as license,
  liveAccountArb as liveAccountOf,
  renewalArb as renewal,
} from "../support/arbitraries.js";

const CONFIGURED = ["ann", "bob", "cid", "dan", "eve", "fay", "gus", "hal"].map((n) => `${n}@acme.example`);
const BLANKS = ["b1", "b2", "b3", "b4"].map((n) => `${n}@${PLACEHOLDER_DOMAIN}`);
const liveAccountArb = (hosted: boolean) => liveAccountOf(hosted, CONFIGURED, BLANKS);

/** One resource's account, as the provider declares it: present with what creating it needs, or absent. */
function resourceArb(hosted: boolean): fc.Arbitrary<DesiredAccount> {
  return fc.oneof(
    fc
      .record({
        email: fc.constantFrom(...CONFIGURED, "new@acme.example"),
        license,
        renewal,
        displayName: fc.option(fc.constantFrom("Ann", "Bob")),
        protect: fc.boolean(),
      })
      .map(({ email, license, renewal, displayName, protect }) =>
        present(email, {
          protect,
          license,
          ...(hosted ? { renewal } : {}),
          ...(displayName === null ? {} : { displayName }),
        }),
      ),
    fc.constantFrom(...CONFIGURED).map((email) => absent(email)),
  );
}

interface Case {
  declared: DesiredPlatform;
  live: ActualPlatform;
  /** Blanks another resource of the run already reuses. */
  claimed: Set<string>;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({ hosted: fc.boolean(), reset: fc.boolean() })
  .chain(({ hosted, reset }) =>
    fc
      .record({
        account: resourceArb(hosted),
        accounts: fc.uniqueArray(liveAccountArb(hosted), { selector: (a) => a.email, maxLength: 12 }),
        claimed: fc.subarray(BLANKS),
      })
      .map(({ account, accounts, claimed }): Case => {
        const declared = hosted
          ? hostedPlatform({ removal: reset ? "reset" : "expire", accounts: [account] })
          : privatePlatform({ accounts: [account] });
        const live = hosted ? liveHosted(accounts) : livePrivate(accounts);
        return { declared, live, claimed: new Set(claimed) };
      }),
  );

/** What the provider reads of a plan, and what apply refuses on. */
function outcomeOf(declared: DesiredPlatform, live: ActualPlatform) {
  try {
    const planned = plan(desiredOf(declared), actualOf(live), {
      now: NOW,
      prices: samplePrices(),
      quotes: new Map(),
    });
    return {
      changes: planned.changes,
      waiting: planned.waiting,
      emptied: planned.summary.emptiedPlatforms,
    };
  } catch (error) {
    if (error instanceof PlanRefusedError) return { refused: error.problems };
    throw error;
  }
}

describe("planning one resource against its view of the platform", () => {
  it("plans what planning against the whole platform plans", () => {
    let planned = 0;
    fc.assert(
      fc.property(caseArb, ({ declared, live, claimed }) => {
        const visible = (account: ActualAccount) => !claimed.has(account.email);
        const whole = { ...live, accounts: live.accounts.filter(visible) };
        const view = planningView(live, declared, visible);
        const expected = outcomeOf(declared, whole);
        expect(outcomeOf(declared, view)).toEqual(expected);
        if ("changes" in expected) planned += 1;
      }),
      { numRuns: 600 },
    );
    // Most cases plan (the rest are refusals, compared too): the property is not vacuous.
    expect(planned).toBeGreaterThan(300);
  });

  it("keeps the declared account, one account that stays, and the blanks no other resource reuses", () => {
    const live = liveHosted([
      liveAccount("ann@acme.example"),
      liveAccount("bob@acme.example", { deleteAtExpiration: true }),
      blankAccount("b1"),
      liveAccount("cid@acme.example"),
      liveAccount("dan@acme.example"),
      blankAccount("b2"),
    ]);
    const declared = hostedPlatform({ accounts: [present("dan@acme.example")] });
    const view = planningView(live, declared, (a) => a.email !== `b2@${PLACEHOLDER_DOMAIN}`);
    expect(view.accounts.map((a) => a.email)).toEqual([
      "ann@acme.example",
      `b1@${PLACEHOLDER_DOMAIN}`,
      "dan@acme.example",
    ]);
  });

  it("removing the last account that stays still empties the platform, as apply must refuse", () => {
    const live = liveHosted([
      liveAccount("ann@acme.example"),
      liveAccount("bob@acme.example", { deleteAtExpiration: true }),
    ]);
    const declared = hostedPlatform({ accounts: [absent("ann@acme.example")] });
    const view = planningView(live, declared, () => true);
    expect(view.accounts.map((a) => a.email)).toEqual(["ann@acme.example"]);
    const viewOutcome = outcomeOf(declared, view);
    expect(viewOutcome).toEqual(outcomeOf(declared, live));
    expect(viewOutcome).toMatchObject({ emptied: ["hosted-acme-1/hosted-acme-1"] });
  });

  it("gives a pruning declaration the whole platform", () => {
    const live = liveHosted([liveAccount("ann@acme.example"), liveAccount("bob@acme.example")]);
    const declared = hostedPlatform({ prune: true, accounts: [present("ann@acme.example")] });
    expect(planningView(live, declared, () => true).accounts).toHaveLength(2);
  });
});
