/**
 * Hand-built plans for the renderer tests, written the way the planner builds them (apply order,
 * totals that add up). Amounts are in micro-cents, as the model keeps them.
 */
import {
  toAddress,
  type Change,
  type Cost,
  type Effective,
  type Money,
  type Offer,
  type Plan,
  type PlatformRef,
  type RuleId,
  type Totals,
  type Unmanaged,
  type Waiting,
} from "../../reconciler/model.js";
import { summaryOf } from "../../reconciler/plan/summary.js";

/** `"107.88"` EUR → Money, exactly (no floating point on the way). */
export function eur(amount: string): Money {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new Error(`not an amount: ${amount}`);
  const ucents = (Number(match[2]) * 100 + Number(match[3])) * 1_000_000;
  return { ucents: match[1] === "-" ? -ucents : ucents, currency: "EUR" };
}

export const HOSTED = {
  organization: "acme",
  service: "hosted-acme-1",
  offer: "hosted",
} as const satisfies PlatformRef & { offer: Offer };
export const PRIVATE = {
  organization: "acme",
  service: "private-acme-1",
  offer: "private",
} as const satisfies PlatformRef & { offer: Offer };

const ref = (platform: PlatformRef): PlatformRef => ({
  organization: platform.organization,
  service: platform.service,
});
const key = (platform: PlatformRef): string => `${platform.organization}/${platform.service}`;

const none = (note?: string): Cost => (note === undefined ? { kind: "none" } : { kind: "none", note });
const recurring = (delta: string, from: Effective, note?: string): Cost =>
  note === undefined
    ? { kind: "recurring", delta: eur(delta), from, source: "catalog" }
    : { kind: "recurring", delta: eur(delta), from, source: "catalog", note };
const oneTime = (amount: string, withTax: string | null): Cost => ({
  kind: "one-time",
  amount: eur(amount),
  taxIncluded: withTax === null ? null : eur(withTax),
  source: "quote",
});
const unknown = (reason: string): Cost => ({ kind: "unknown", reason });

function base(
  platform: PlatformRef & { offer: Offer },
  subject: string,
  action: string,
  rule: RuleId | null,
) {
  return {
    id: `${key(platform)}/${subject}/${action}`,
    platform: { ...platform },
    rule,
  };
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

export const cancelTermination: Change = {
  ...base(HOSTED, "carol@acme.example", "cancel-termination", "H4"),
  action: "cancel-termination",
  address: toAddress("carol@acme.example"),
  before: { deleteAtExpiration: true },
  after: { deleteAtExpiration: false },
  effective: "now",
  cost: none("keeps renewing as it does today"),
  reason: "carol@acme.example is declared present but was set to expire at term",
};

export const updateDisplayName: Change = {
  ...base(HOSTED, "dave@acme.example", "update", null),
  action: "update",
  address: toAddress("dave@acme.example"),
  before: { displayName: "Dave" },
  after: { displayName: "David Martin" },
  effective: "now",
  cost: none(),
  reason: "the manifest declares another display name",
};

export const renew: Change = {
  ...base(HOSTED, "bob@acme.example", "renew", "H3"),
  action: "renew",
  address: toAddress("bob@acme.example"),
  before: { renewal: "yearly" },
  after: { renewal: "monthly" },
  effective: "2026-12-31",
  cost: recurring("0.50", "2026-12-31"),
  reason: "the manifest declares monthly renewal; a renewal change applies at expiry",
};

export const configure: Change = {
  ...base(HOSTED, "erin@acme.example", "configure", "H1"),
  action: "configure",
  address: toAddress("erin@acme.example"),
  placeholder: toAddress("x7k2p@configureme.me"),
  before: {
    email: toAddress("x7k2p@configureme.me"),
    configured: false,
    renewal: "yearly",
    displayName: null,
  },
  after: {
    email: toAddress("erin@acme.example"),
    configured: true,
    renewal: "monthly",
    displayName: "Erin Dupont",
  },
  renewalEffective: "2027-01-31",
  effective: "now",
  cost: none("the blank account is already paid until 2027-01-31"),
  reason: "a blank, paid account is reused instead of ordering a new one",
};

export const order: Change = {
  id: `${key(HOSTED)}/order/standard/12`,
  platform: { ...HOSTED },
  rule: "H1",
  action: "order",
  addresses: [toAddress("frank@acme.example"), toAddress("gina@acme.example")],
  license: "standard",
  renewal: "yearly",
  duration: "12",
  quantity: 2,
  accounts: [
    { email: toAddress("frank@acme.example"), displayName: "Frank Morel" },
    { email: toAddress("gina@acme.example"), displayName: null },
  ],
  before: null,
  after: { exists: true, license: "standard", renewal: "yearly" },
  effective: "now",
  cost: oneTime("215.76", "258.91"),
  reason: "two declared accounts do not exist and no blank account is left to reuse",
};

export const terminate: Change = {
  ...base(HOSTED, "henri@acme.example", "terminate", "H4"),
  action: "terminate",
  address: toAddress("henri@acme.example"),
  before: { deleteAtExpiration: false },
  after: { deleteAtExpiration: true },
  effective: "2027-03-31",
  cost: recurring("-3.80", "2027-03-31"),
  reason: "henri@acme.example is declared absent",
};

export const reset: Change = {
  ...base(HOSTED, "ivan@acme.example", "reset", "H5"),
  action: "reset",
  address: toAddress("ivan@acme.example"),
  before: { email: toAddress("ivan@acme.example"), configured: true },
  after: { configured: false },
  effective: "now",
  cost: none("a reset does not stop billing before the expiry"),
  reason: "ivan@acme.example is declared absent and the platform's removal mode is reset",
};

export const add: Change = {
  ...base(PRIVATE, "kim@acme.example", "add", "P2"),
  action: "add",
  address: toAddress("kim@acme.example"),
  license: "enterprise",
  before: { exists: false },
  after: { exists: true, license: "enterprise", displayName: "Kim Lee" },
  effective: "now",
  cost: unknown("the public catalog gives no price for private/enterprise/monthly"),
  reason: "kim@acme.example is declared and does not exist",
};

export const remove: Change = {
  ...base(PRIVATE, "leo@acme.example", "delete", "P3"),
  action: "delete",
  address: toAddress("leo@acme.example"),
  before: { exists: true },
  after: { exists: false },
  effective: "now",
  cost: recurring("-9.00", "now"),
  reason: "leo@acme.example is declared absent; on a Private platform that deletes it at once",
};

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

const DIGEST = `sha256:${"3f9a".repeat(16)}`;

function fingerprintOf(platforms: PlatformRef[], addresses: string[]): Record<string, string> {
  const fingerprint: Record<string, string> = {};
  platforms.forEach((platform, index) => {
    fingerprint[key(platform)] = `sha256:${String(index).repeat(64)}`;
  });
  addresses.forEach((address, index) => {
    fingerprint[`${key(HOSTED)}/${address}`] = `sha256:${(index % 10).toString().repeat(64)}`;
  });
  return fingerprint;
}

function totals(partial: Partial<Totals>): Totals {
  return {
    currency: "EUR",
    oneTime: null,
    unknownCosts: 0,
    monthlyBefore: eur("120.00"),
    monthlySteps: [],
    monthlyAfter: eur("120.00"),
    ...partial,
  };
}

function plan(partial: Partial<Plan>): Plan {
  const built: Omit<Plan, "summary"> = {
    format_version: "1",
    created_at: "2026-11-30T09:15:00.000Z",
    manifest_digest: DIGEST,
    fingerprint: fingerprintOf([HOSTED, PRIVATE], ["bob@acme.example", "carol@acme.example"]),
    platforms: [{ ...HOSTED }, { ...PRIVATE }],
    changes: [],
    waiting: [],
    unmanaged: [],
    warnings: [],
    totals: totals({}),
    ...partial,
  };
  // What the planner derives from the changes and totals (no live platform is emptied here).
  return { ...built, summary: partial.summary ?? summaryOf(built.changes, built.totals, []) };
}

const waitingCreating: Waiting = {
  platform: ref(HOSTED),
  address: toAddress("julia@acme.example"),
  state: "creating",
  taskPendingId: 4242,
  reason: "a task is running on the account; it is left alone until the task ends",
};

const waitingSuspending: Waiting = {
  platform: ref(PRIVATE),
  address: toAddress("mona@acme.example"),
  state: "suspending",
  taskPendingId: null,
  reason: "the account is being suspended",
};

const unmanagedHosted: Unmanaged[] = [
  { platform: ref(HOSTED), address: toAddress("old-sales@acme.example"), configured: true },
  { platform: ref(HOSTED), address: toAddress("q9w8e@configureme.me"), configured: false },
];

/** More than the text renderer lists by name, to show the compact form. */
const unmanagedPrivate: Unmanaged[] = Array.from({ length: 23 }, (_, index) => ({
  platform: ref(PRIVATE),
  address: toAddress(`user${String(index + 1).padStart(2, "0")}@acme.example`),
  configured: true,
}));

/** Every action, costs known and unknown, waiting and unmanaged accounts, warnings, two platforms. */
export const richPlan: Plan = plan({
  changes: [cancelTermination, updateDisplayName, renew, configure, add, order, terminate, reset, remove],
  waiting: [waitingCreating, waitingSuspending],
  unmanaged: [...unmanagedHosted, ...unmanagedPrivate],
  warnings: [
    "The public catalog gives no price for private/enterprise/monthly: the cost of adding kim@acme.example is unknown.",
  ],
  totals: totals({
    oneTime: eur("215.76"),
    unknownCosts: 1,
    monthlySteps: [
      { from: "now", delta: eur("-9.00") },
      { from: "2026-12-31", delta: eur("0.50") },
      { from: "2027-03-31", delta: eur("-3.80") },
    ],
    monthlyAfter: eur("107.70"),
  }),
});

/** Nothing to do; one account left alone. */
export const emptyPlan: Plan = plan({
  unmanaged: [unmanagedHosted[0]!],
});

/** Only changes that destroy data. */
export const destructiveOnlyPlan: Plan = plan({
  changes: [reset, remove],
  totals: totals({ monthlySteps: [{ from: "now", delta: eur("-9.00") }], monthlyAfter: eur("111.00") }),
});

/**
 * The case the summary line is specified on: one order of one account, one reuse, one renewal
 * change at expiry and one termination at expiry, whose run-rate effects meet on one date.
 */
export const summaryExamplePlan: Plan = plan({
  platforms: [{ ...HOSTED }],
  changes: [
    { ...renew, cost: recurring("7.60", "2026-12-31") },
    { ...configure, renewalEffective: null, after: { ...configure.after, renewal: "yearly" } },
    {
      ...order,
      id: `${key(HOSTED)}/order/standard/12`,
      addresses: [toAddress("frank@acme.example")],
      accounts: [{ email: toAddress("frank@acme.example"), displayName: null }],
      quantity: 1,
      cost: oneTime("107.88", "129.46"),
    },
    { ...terminate, effective: "2026-12-31", cost: recurring("-3.80", "2026-12-31") },
  ],
  totals: totals({
    oneTime: eur("107.88"),
    monthlySteps: [{ from: "2026-12-31", delta: eur("3.80") }],
    monthlyAfter: eur("123.80"),
  }),
});

/** Values as hostile as OVHcloud's control panel lets people type them. */
export const hostilePlan: Plan = plan({
  platforms: [{ ...HOSTED, service: "hosted-acme-1*`x`*" }],
  changes: [
    {
      ...updateDisplayName,
      platform: { ...HOSTED, service: "hosted-acme-1*`x`*" },
      address: toAddress("a|b@acme.example"),
      before: { displayName: "<script>alert(1)</script>" },
      after: {
        displayName: "| pipe | [link](https://evil.example) @everyone $x$ \u001b[31mred\u001b[0m \u202eevil",
      },
      reason: "new name: <b>bold</b>\nsecond line",
    },
  ],
  warnings: ["display name of a|b@acme.example contains <img src=x onerror=alert(1)>"],
});

/** Many changes on two platforms, for the Markdown size limit. */
export function manyChangesPlan(count: number): Plan {
  const changes: Change[] = [];
  for (let index = 0; index < count; index += 1) {
    const platform = index % 2 === 0 ? HOSTED : PRIVATE;
    const address = `user${String(index).padStart(3, "0")}@acme.example`;
    changes.push({
      ...updateDisplayName,
      id: `${key(platform)}/${address}/update`,
      platform: { ...platform },
      address,
      before: { displayName: `User ${index}` },
      after: { displayName: `User number ${index}` },
    } as Change);
  }
  return plan({ changes });
}
