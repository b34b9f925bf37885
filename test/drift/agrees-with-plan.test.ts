/**
 * Drift and plan share one comparison: drift reports an account as changed, missing or unmanaged
 * (on a prune platform) exactly when the plan has a change for it, items pending on an operation
 * exrec started aside. Shown over generated manifests and live states (fast-check, valid inputs
 * only, so that every run compares), and on the cases where the two once disagreed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectDrift, hasDrift, isDrift, type DriftItem } from "../../reconciler/drift.js";
import {
  isEmpty,
  PLACEHOLDER_DOMAIN,
  type AccountState,
  type ActualAccount,
  type ApiOffer,
  type Change,
  type DesiredAccount,
  type License,
  type Plan,
  type Renewal,
} from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import type { HistoryEntry, JournalEntry } from "../../reconciler/ports.js";
import { licenseArb as license, renewalArb as renewal } from "../support/arbitraries.js";
import {
  NOW,
  PRICES,
  absent,
  accountOperation,
  actual,
  blank,
  context,
  desired,
  hosted,
  live,
  livePlatform,
  present,
  privatePlatform,
  renewed,
} from "./builders.js";

type Kind = "changed" | "missing" | "unmanaged";

/** What the plan says of each address it touches, in drift's words. */
function planned(result: Plan, declared: ReadonlySet<string>): Set<string> {
  const said = new Set<string>();
  const kindOf = (change: Change, address: string): Kind =>
    change.action === "order" || change.action === "configure" || change.action === "add"
      ? "missing"
      : declared.has(address)
        ? "changed"
        : "unmanaged";
  for (const change of result.changes) {
    const addresses = change.action === "order" ? change.addresses : [change.address];
    for (const address of addresses) said.add(`${address} ${kindOf(change, address)}`);
  }
  return said;
}

function drifted(items: DriftItem[]): Set<string> {
  return new Set(items.filter(isDrift).map((item) => `${item.address} ${item.kind}`));
}

function planOf(d: ReturnType<typeof desired>, a: ReturnType<typeof actual>): Plan {
  return plan(d, a, { now: NOW, prices: PRICES, quotes: new Map() });
}

// ---------------------------------------------------------------------------------------------
// The cases where drift once re-decided on its own
// ---------------------------------------------------------------------------------------------

const A = "alice@acme.example";
const CONFIGURED_PLACEHOLDER = `x7@${PLACEHOLDER_DOMAIN}`;

interface Row {
  name: string;
  desired: ReturnType<typeof desired>;
  actual: ReturnType<typeof actual>;
  /** The plan's actions, in apply order. */
  actions: Change["action"][];
  /** The drift items, each matched as a subset. */
  items: Partial<DriftItem>[];
}

const rows: Row[] = [
  {
    name: "A declared empty display name against the API's null: the plan updates it, and drift reports it changed",
    desired: desired(hosted([present(A, { displayName: "" })])),
    actual: actual(livePlatform([live(A, { displayName: null })])),
    actions: ["update"],
    items: [{ kind: "changed", address: A, field: "displayName", declared: "", live: null }],
  },
  {
    name: "H5: a configured account on configureme.me, on a prune platform that removes with reset: the plan resets it, and drift reports it as unmanaged drift by H5",
    desired: desired(hosted([], { prune: true, removal: "reset" })),
    actual: actual(
      livePlatform([
        live(CONFIGURED_PLACEHOLDER, {
          domain: PLACEHOLDER_DOMAIN,
          configured: true,
          deleteAtExpiration: true,
        }),
      ]),
    ),
    actions: ["reset"],
    items: [{ kind: "unmanaged", address: CONFIGURED_PLACEHOLDER, blank: false, prune: true, rule: "H5" }],
  },
  {
    name: "H1: a blank the plan reuses for a declared account is not also drift to remove on a prune platform",
    desired: desired(
      hosted([present(A, { license: "standard", renewal: "yearly" })], { prune: true, removal: "reset" }),
    ),
    actual: actual(livePlatform([blank(1, { license: "standard", renewal: "yearly" })])),
    actions: ["configure"],
    items: [{ kind: "missing", address: A, license: "standard", rule: "H1" }],
  },
];

describe("drift agrees with the plan", () => {
  it.each(rows)("$name", (row) => {
    const result = planOf(row.desired, row.actual);
    expect(result.changes.map((c) => c.action)).toEqual(row.actions);
    const report = detectDrift(row.desired, row.actual, context());
    expect(report.items).toHaveLength(row.items.length);
    row.items.forEach((expected, i) => expect(report.items[i]).toMatchObject(expected));
    expect(hasDrift(report)).toBe(!isEmpty(result));
  });
});

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const ADDRESSES = ["ann", "bob", "cid", "dan", "eve", "fay"].map((n) => `${n}@acme.example`);
const PLACEHOLDERS = ["b1", "b2", "b3"].map((n) => `${n}@${PLACEHOLDER_DOMAIN}`);
const EXPIRIES = [
  null,
  "2026-05-31T00:00:00+02:00",
  "2026-09-30T00:00:00+02:00",
  "2027-01-31T23:30:00-05:00",
];
const STATES: AccountState[] = ["ok", "ok", "ok", "ok", "suspended", "creating", "internalMigration"];
const NAMES = ["", "Ann", "Bob"];

interface Slot {
  address: string;
  declared: "none" | "present" | "absent";
  present: {
    license: License | undefined;
    renewal: Renewal | undefined;
    displayName: string | undefined;
    protect: boolean;
  };
  live: Partial<ActualAccount> | null;
  /** An open journal entry about this address (drift then says pending, whatever the plan does). */
  operation: boolean;
  /** A renewal exrec recorded for it, maybe still to take effect. */
  history: HistoryEntry["effective"] | null;
}

function liveFields(isHosted: boolean, onPlaceholder: boolean): fc.Arbitrary<Partial<ActualAccount>> {
  return fc.record({
    license,
    renewal: isHosted ? fc.option(renewal, { freq: 6 }) : fc.constant(null),
    deleteAtExpiration: isHosted ? fc.option(fc.boolean(), { freq: 6 }) : fc.constant(null),
    expirationDate: fc.constantFrom(...EXPIRIES),
    displayName: fc.option(fc.constantFrom(...NAMES)),
    // Mostly blank on the placeholder domain, sometimes configured there; configured elsewhere.
    configured: onPlaceholder ? fc.constantFrom(false, false, false, true) : fc.constant(true),
    state: fc.constantFrom(...STATES),
    taskPendingId: fc.option(fc.integer({ min: 1, max: 9999 }), { freq: 8 }),
  });
}

function slot(address: string, isHosted: boolean): fc.Arbitrary<Slot> {
  const onPlaceholder = address.endsWith(`@${PLACEHOLDER_DOMAIN}`);
  return fc.record({
    address: fc.constant(address),
    // A manifest may not name the placeholder domain.
    declared: onPlaceholder ? fc.constant("none" as const) : fc.constantFrom("none", "present", "absent"),
    // Undefined: the field is not managed.
    present: fc.record({
      license: fc.option(license, { nil: undefined, freq: 3 }),
      renewal: isHosted ? fc.option(renewal, { nil: undefined, freq: 3 }) : fc.constant(undefined),
      displayName: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
      protect: fc.boolean(),
    }),
    live: fc.option(liveFields(isHosted, onPlaceholder), { freq: 4 }),
    operation: fc.constantFrom(false, false, false, false, true),
    history: fc.option(fc.constantFrom("2026-04-30", "2026-09-30", "2027-01-31"), { freq: 3 }),
  });
}

const scenario = fc
  .record({
    apiOffer: fc.constantFrom<ApiOffer>("hosted", "provider", "dedicated", "dedicatedCluster"),
    prune: fc.boolean(),
    removal: fc.constantFrom("expire" as const, "reset" as const),
  })
  // A reset on a provider platform is refused by the planner (test/plan/refusals.test.ts).
  .map((platform) =>
    platform.apiOffer === "provider" ? { ...platform, removal: "expire" as const } : platform,
  )
  .chain((platform) => {
    const isHosted = platform.apiOffer === "hosted" || platform.apiOffer === "provider";
    const addresses = isHosted ? [...ADDRESSES, ...PLACEHOLDERS] : ADDRESSES;
    return fc.record({
      platform: fc.constant({ ...platform, isHosted }),
      slots: fc.tuple(...addresses.map((a) => slot(a, isHosted))),
    });
  });

describe("drift ⇔ plan, over generated manifests and live states", () => {
  it("drift reports an account changed, missing or unmanaged-on-prune exactly when the plan has a change for it", () => {
    let compared = 0;
    let withChanges = 0;
    fc.assert(
      fc.property(scenario, ({ platform, slots }) => {
        const accounts: DesiredAccount[] = [];
        const liveAccounts: ActualAccount[] = [];
        const journal: JournalEntry[] = [];
        const history: HistoryEntry[] = [];
        for (const s of slots) {
          if (s.declared === "present") {
            // Valid input: an account the plan has to create names what creating it needs (and
            // no renewal on Private, P1). Unmanaged fields stay undefined, not merely absent.
            const fields: Parameters<typeof present>[1] = { protect: s.present.protect };
            const wanted = {
              license: s.present.license ?? (s.live ? undefined : "standard"),
              renewal: platform.isHosted ? (s.present.renewal ?? (s.live ? undefined : "yearly")) : undefined,
              displayName: s.present.displayName,
            };
            if (wanted.license !== undefined) fields.license = wanted.license;
            if (wanted.renewal !== undefined) fields.renewal = wanted.renewal;
            if (wanted.displayName !== undefined) fields.displayName = wanted.displayName;
            accounts.push(present(s.address, fields));
          } else if (s.declared === "absent") accounts.push(absent(s.address));
          if (s.live) {
            const onPlaceholder = s.address.endsWith(`@${PLACEHOLDER_DOMAIN}`);
            liveAccounts.push(
              live(s.address, { ...s.live, domain: onPlaceholder ? PLACEHOLDER_DOMAIN : "acme.example" }),
            );
          }
          if (s.operation) journal.push(accountOperation(s.address));
          if (s.history !== null) history.push(renewed(s.address, { effective: s.history }));
        }
        const manifest = desired(
          platform.isHosted
            ? hosted(accounts, {
                prune: platform.prune,
                // Valid input: exrec refuses to reset on a `provider` platform (the DELETE may remove there).
                removal: platform.apiOffer === "provider" ? "expire" : platform.removal,
              })
            : privatePlatform(accounts, { prune: platform.prune }),
        );
        const state = actual(livePlatform(liveAccounts, { apiOffer: platform.apiOffer }));

        const result = planOf(manifest, state);
        const report = detectDrift(manifest, state, context({ journal, history }));

        // Pending on an operation exrec started: drift waits for it, whatever the plan would do.
        const inFlight = new Set(
          report.items.filter((i) => i.kind === "pending" && i.cause === "operation").map((i) => i.address),
        );
        const declared = new Set(accounts.map((a) => a.email));
        const keep = (entry: string) => !inFlight.has(entry.slice(0, entry.indexOf(" ")));
        const fromPlan = [...planned(result, declared)].filter(keep).sort();
        const fromDrift = [...drifted(report.items)].filter(keep).sort();
        expect(fromDrift).toEqual(fromPlan);
        if (inFlight.size === 0) expect(hasDrift(report)).toBe(!isEmpty(result));
        compared += 1;
        if (fromPlan.length > 0) withChanges += 1;
      }),
      { numRuns: 500, seed: 20260510 },
    );
    expect(compared).toBe(500);
    // The generator reaches both sides of the equivalence, not only empty plans.
    expect(withChanges).toBeGreaterThan(250);
    expect(compared - withChanges).toBeGreaterThan(10);
  });
});
