/**
 * Plans that would break a promise are refused, with every problem listed at once, and nothing is
 * planned. One row per promise.
 */
import { describe, expect, it } from "vitest";
import { ExrecError, PlanRefusedError } from "../../reconciler/errors.js";
import type { Actual, Desired } from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import {
  absent,
  actualOf,
  blankAccount,
  desiredOf,
  hostedPlatform,
  liveAccount,
  liveHosted,
  livePrivate,
  livePrivateAccount,
  NOW,
  present,
  privatePlatform,
  samplePrices,
} from "../support/builders.js";

interface Row {
  name: string;
  desired: Desired;
  actual: Actual;
  /** Every problem, in order: address (null for the platform), rule, and a pattern of the message. */
  problems: { address: string | null; rule: string | null; message: RegExp }[];
}

function refusal(desired: Desired, actual: Actual): PlanRefusedError {
  try {
    plan(desired, actual, { now: NOW, prices: samplePrices(), quotes: new Map() });
  } catch (error) {
    if (error instanceof PlanRefusedError) return error;
    throw error;
  }
  throw new Error("the plan was not refused");
}

const rows: Row[] = [
  {
    name: "H5, P3: a platform declared hosted whose live offer is dedicated is refused, naming both offers (the same DELETE resets or destroys)",
    desired: desiredOf(
      hostedPlatform({ organization: "org", service: "svc", accounts: [absent("ann@acme.example")] }),
    ),
    actual: actualOf(
      livePrivate([livePrivateAccount("ann@acme.example")], { organization: "org", service: "svc" }),
    ),
    problems: [
      {
        address: null,
        rule: null,
        message:
          /declares offer hosted but the live platform is private \(API offer dedicated\).*resets .* on Hosted and destroys it on Private/,
      },
    ],
  },
  {
    name: "H5, P3: a platform declared private whose live offer is provider (Hosted rules) is refused",
    desired: desiredOf(privatePlatform({ organization: "org", service: "svc" })),
    actual: actualOf(liveHosted([], { organization: "org", service: "svc", apiOffer: "provider" })),
    problems: [
      {
        address: null,
        rule: null,
        message: /declares offer private but the live platform is hosted \(API offer provider\)/,
      },
    ],
  },
  {
    name: "H5: a reset on a provider platform is refused, since the same DELETE removes the account on some of them",
    desired: desiredOf(
      hostedPlatform({
        organization: "org",
        service: "svc",
        removal: "reset",
        accounts: [absent("ann@acme.example")],
      }),
    ),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example")], {
        organization: "org",
        service: "svc",
        apiOffer: "provider",
      }),
    ),
    problems: [
      {
        address: "ann@acme.example",
        rule: "H5",
        message:
          /would reset ann@acme\.example, but org\/svc is a `provider` platform.*exrec cannot tell which: use `removal: expire`/,
      },
    ],
  },
  {
    name: "H5: pruning with reset on a provider platform is refused for every account it would reset",
    desired: desiredOf(
      hostedPlatform({ organization: "org", service: "svc", removal: "reset", prune: true, accounts: [] }),
    ),
    actual: actualOf(
      liveHosted([liveAccount("ann@acme.example"), liveAccount("bob@acme.example")], {
        organization: "org",
        service: "svc",
        apiOffer: "provider",
      }),
    ),
    problems: [
      { address: "ann@acme.example", rule: "H5", message: /`provider` platform/ },
      { address: "bob@acme.example", rule: "H5", message: /`provider` platform/ },
    ],
  },
  {
    name: "H1: a missing Hosted account without a licence cannot be ordered: the plan says to declare it",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { renewal: "yearly" })] })),
    actual: actualOf(liveHosted([])),
    problems: [
      {
        address: "ann@acme.example",
        rule: "H1",
        message:
          /cannot be ordered without `license`: declare it on the account or in the platform's defaults/,
      },
    ],
  },
  {
    name: "H1: a missing Hosted account without a renewal is refused even when a blank could be reused, so the plan does not depend on luck",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example", { license: "standard" })] })),
    actual: actualOf(liveHosted([blankAccount("b1")])),
    problems: [
      { address: "ann@acme.example", rule: "H1", message: /without `renewal` \(monthly or yearly\)/ },
    ],
  },
  {
    name: "H1: a missing Hosted account with neither licence nor renewal names both",
    desired: desiredOf(hostedPlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(liveHosted([])),
    problems: [
      { address: "ann@acme.example", rule: "H1", message: /without `license` and `renewal`.*declare them/ },
    ],
  },
  {
    name: "P2: a missing Private account without a licence cannot be added",
    desired: desiredOf(privatePlatform({ accounts: [present("ann@acme.example")] })),
    actual: actualOf(livePrivate([])),
    problems: [{ address: "ann@acme.example", rule: "P2", message: /cannot be added without `license`/ }],
  },
  {
    name: "H4: a protected account is never terminated, even when the manifest also declares it absent",
    desired: desiredOf(
      hostedPlatform({
        accounts: [present("ann@acme.example", { protect: true }), absent("ann@acme.example")],
      }),
    ),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    problems: [
      {
        address: "ann@acme.example",
        rule: null,
        message: /declared more than once \(exrec\.yaml:\d+:7 and exrec\.yaml:\d+:7\)/,
      },
      {
        address: "ann@acme.example",
        rule: "H4",
        message: /is protected \(protect: true\) but the plan would terminate it/,
      },
    ],
  },
  {
    name: "H5: a protected account is never reset (removal: reset), and each forbidden change is named",
    desired: desiredOf(
      hostedPlatform({
        removal: "reset",
        accounts: [present("ann@acme.example", { protect: true }), absent("ANN@acme.example")],
      }),
    ),
    actual: actualOf(liveHosted([liveAccount("ann@acme.example")])),
    problems: [
      { address: "ann@acme.example", rule: null, message: /declared more than once/ },
      { address: "ann@acme.example", rule: "H4", message: /would terminate it/ },
      { address: "ann@acme.example", rule: "H5", message: /would reset it/ },
    ],
  },
  {
    name: "P3: a protected Private account is never deleted",
    desired: desiredOf(
      privatePlatform({
        accounts: [present("ann@acme.example", { protect: true }), absent("ann@acme.example")],
      }),
    ),
    actual: actualOf(livePrivate([livePrivateAccount("ann@acme.example")])),
    problems: [
      { address: "ann@acme.example", rule: null, message: /declared more than once/ },
      { address: "ann@acme.example", rule: "P3", message: /would delete it/ },
    ],
  },
  {
    name: "H1, P2: every problem of every platform is listed, not only the first",
    desired: desiredOf(
      hostedPlatform({
        accounts: [present("ann@acme.example"), present("bob@acme.example", { license: "basic" })],
      }),
      privatePlatform({ organization: "o2", service: "s2" }),
      privatePlatform({ accounts: [present("cid@acme.example")] }),
    ),
    actual: actualOf(liveHosted([]), liveHosted([], { organization: "o2", service: "s2" }), livePrivate([])),
    problems: [
      { address: "ann@acme.example", rule: "H1", message: /`license` and `renewal`/ },
      { address: "bob@acme.example", rule: "H1", message: /`renewal`/ },
      { address: null, rule: null, message: /declares offer private but the live platform is hosted/ },
      { address: "cid@acme.example", rule: "P2", message: /`license`/ },
    ],
  },
];

describe("plan refusals", () => {
  it.each(rows)("$name", (row) => {
    const error = refusal(row.desired, row.actual);
    expect(error.problems).toHaveLength(row.problems.length);
    row.problems.forEach((expected, i) => {
      const problem = error.problems[i]!;
      expect(problem.address).toBe(expected.address);
      expect(problem.rule).toBe(expected.rule);
      expect(problem.message).toMatch(expected.message);
    });
  });

  it("a refusal is an ExrecError with the stable code EXREC_PLAN_REFUSED, a hint, and each problem's platform and address in its message", () => {
    const error = refusal(
      desiredOf(
        hostedPlatform({ organization: "org", service: "svc", accounts: [present("ann@acme.example")] }),
      ),
      actualOf(liveHosted([], { organization: "org", service: "svc" })),
    );
    expect(error).toBeInstanceOf(ExrecError);
    expect(error.code).toBe("EXREC_PLAN_REFUSED");
    expect(error.hint).toMatch(/nothing was changed/);
    expect(error.message).toMatch(/org\/svc ann@acme\.example: declared present but missing/);
    expect(error.problems[0]!.platform).toBe("org/svc");
  });

  it("H1: an account that exists needs neither licence nor renewal declared: only creations are refused", () => {
    expect(() =>
      plan(
        desiredOf(
          hostedPlatform({ accounts: [present("ann@acme.example")] }),
          privatePlatform({ accounts: [present("bob@acme.example")] }),
        ),
        actualOf(
          liveHosted([liveAccount("ann@acme.example")]),
          livePrivate([livePrivateAccount("bob@acme.example")]),
        ),
        { now: NOW, prices: samplePrices(), quotes: new Map() },
      ),
    ).not.toThrow();
  });

  it("H1: an account in a transitional state is waited for, so its missing licence or renewal is no problem yet", () => {
    const result = plan(
      desiredOf(hostedPlatform({ accounts: [present("ann@acme.example")] })),
      actualOf(liveHosted([liveAccount("ann@acme.example", { state: "creating" })])),
      { now: NOW, prices: samplePrices(), quotes: new Map() },
    );
    expect(result.waiting.map((w) => w.address)).toEqual(["ann@acme.example"]);
  });
});
