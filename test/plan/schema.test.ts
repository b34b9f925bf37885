/**
 * The plans the planner makes are valid against the published plan format
 * (schemas/plan.schema.json), which renderers and `apply` read.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import { unknownPriceBook } from "../../reconciler/prices.js";
import { documentOf } from "../../reconciler/plan-format/document.js";
import planSchema from "../../schemas/plan.schema.json" with { type: "json" };
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
  sampleQuote,
} from "../support/builders.js";

const ajv = new Ajv2020({ allErrors: true, discriminator: true });
addFormats.default(ajv);
const validate = ajv.compile(planSchema);

function problemsOf(result: Plan): string[] {
  // The plan as its JSON writes it, with the `destructive` flags derived from the actions.
  validate(JSON.parse(JSON.stringify(documentOf(result))));
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

// Every kind of change, waiting and unmanaged accounts, and every kind of cost.
const desired = desiredOf(
  hostedPlatform({
    removal: "reset",
    accounts: [
      present("ann@acme.example", { license: "standard", renewal: "yearly", displayName: "Ann" }),
      present("bob@acme.example", { license: "basic", renewal: "monthly" }),
      present("cid@acme.example", { license: "enterprise", renewal: "yearly" }),
      absent("dan@acme.example"),
      present("eve@acme.example", { renewal: "monthly", license: "enterprise" }),
      present("fay@acme.example"),
    ],
  }),
  privatePlatform({
    prune: true,
    accounts: [
      present("gus@acme.example", { license: "basic" }),
      present("hal@acme.example", { displayName: "Hal" }),
    ],
  }),
);
const actual = actualOf(
  liveHosted([
    blankAccount("b1", { renewal: "monthly" }),
    liveAccount("dan@acme.example", { expirationDate: null }), // its termination takes effect on an "unknown" date
    liveAccount("eve@acme.example", { deleteAtExpiration: true }),
    liveAccount("fay@acme.example", { state: "creating" }),
    liveAccount("old@acme.example"),
  ]),
  livePrivate([livePrivateAccount("hal@acme.example"), livePrivateAccount("ivy@acme.example")]),
);

describe("plan format", () => {
  it("H1-H5, P1-P3: a plan with every kind of change and cost is valid against schemas/plan.schema.json", () => {
    const result = plan(desired, actual, {
      now: NOW,
      prices: samplePrices(),
      quotes: new Map([sampleQuote({ license: "basic", duration: "01", quantity: 1, unitsWithoutTax: 2 })]),
    });
    expect(new Set(result.changes.map((c) => c.action))).toEqual(
      new Set([
        "order",
        "configure",
        "renew",
        "cancel-termination",
        "terminate",
        "reset",
        "add",
        "delete",
        "update",
      ]),
    );
    expect(new Set(result.changes.map((c) => c.cost.kind))).toEqual(
      new Set(["none", "one-time", "recurring", "unknown"]),
    );
    expect(result.waiting).toHaveLength(1);
    expect(result.unmanaged).toHaveLength(1);
    expect(problemsOf(result)).toEqual([]);
  });

  it("a plan made without prices is valid too (null totals, unknown costs)", () => {
    const result = plan(desired, actual, {
      now: NOW,
      prices: unknownPriceBook("offline"),
      quotes: new Map(),
    });
    expect(result.totals.monthlyBefore).toBeNull();
    expect(problemsOf(result)).toEqual([]);
  });
});
