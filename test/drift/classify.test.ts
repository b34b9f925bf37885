import { describe, expect, it } from "vitest";
import { detectDrift, hasDrift, type DriftContext, type DriftItem } from "../../reconciler/drift.js";
import { toAddress, type Actual, type Desired } from "../../reconciler/model.js";
import {
  NOW,
  PLATFORM,
  absent,
  actual,
  blank,
  context,
  desired,
  hosted,
  journalEntry,
  accountOperation,
  live,
  livePlatform,
  present,
  privatePlatform,
  renewed,
} from "./builders.js";

interface Row {
  name: string;
  desired: Desired;
  actual: Actual;
  ctx?: Partial<DriftContext>;
  /** Every item of the report, in order; each matched as a subset of the item's fields. */
  items: Partial<DriftItem>[];
  drift: boolean;
}

const A = "alice@acme.example";
const B = "bob@acme.example";

const rows: Row[] = [
  // --- changed -------------------------------------------------------------------------------
  {
    name: "H3: a renewal period switched back behind exrec's back is changed, dated at the expiry, even though it bills only then",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: "monthly" })])),
    ctx: { history: [renewed(A, { renewal: "yearly", effective: "2026-09-30" })] },
    items: [
      {
        kind: "changed",
        platform: PLATFORM,
        address: A,
        field: "renewal",
        declared: "yearly",
        live: "monthly",
        rule: "H3",
        effective: "2026-09-30",
      },
    ],
    drift: true,
  },
  {
    name: "H3: a renewal recorded in history, effective later and matching the live period, is pending with its date, not drift",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: "yearly" })])),
    ctx: { history: [renewed(A, { renewal: "yearly", effective: "2026-09-30" })] },
    items: [
      {
        kind: "pending",
        cause: "renewal",
        field: "renewal",
        effective: "2026-09-30",
        rule: "H3",
        address: A,
      },
    ],
    drift: false,
  },
  {
    name: "H3: a recorded renewal whose date has passed is in force: neither drift nor pending",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: "yearly" })])),
    ctx: { history: [renewed(A, { renewal: "yearly", effective: "2026-05-01" })] },
    items: [],
    drift: false,
  },
  {
    name: "H3: a recorded renewal to a period other than the live one is not the pending change",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: "yearly" })])),
    ctx: { history: [renewed(A, { renewal: "monthly", effective: "2026-09-30" })] },
    items: [],
    drift: false,
  },
  {
    name: "H3: a failed renewal in history makes nothing pending",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: "yearly" })])),
    ctx: { history: [renewed(A, { result: "failed" })] },
    items: [],
    drift: false,
  },
  {
    name: "A licence that differs from the declared one is changed",
    desired: desired(hosted([present(A, { license: "enterprise" })])),
    actual: actual(livePlatform([live(A, { license: "basic" })])),
    items: [{ kind: "changed", field: "license", declared: "enterprise", live: "basic", rule: null }],
    drift: true,
  },
  {
    name: "A display name that differs is changed, compared exactly",
    desired: desired(hosted([present(A, { displayName: "Alice Martin" })])),
    actual: actual(livePlatform([live(A, { displayName: "alice martin" })])),
    items: [{ kind: "changed", field: "displayName", declared: "Alice Martin", live: "alice martin" }],
    drift: true,
  },
  {
    name: "A declared empty display name differs from the API's null, as in the plan, which sets it",
    desired: desired(hosted([present(A, { displayName: "" })])),
    actual: actual(livePlatform([live(A, { displayName: null })])),
    items: [{ kind: "changed", field: "displayName", declared: "", live: null }],
    drift: true,
  },
  {
    name: "H4: a declared account terminated outside exrec is changed: deleteAtExpiration declared false, live true",
    desired: desired(hosted([present(A)])),
    actual: actual(livePlatform([live(A, { deleteAtExpiration: true })])),
    items: [
      {
        kind: "changed",
        field: "deleteAtExpiration",
        declared: false,
        live: true,
        rule: "H4",
        effective: "2026-09-30",
      },
    ],
    drift: true,
  },
  {
    name: "H4: an account declared absent that is not terminating is changed: deleteAtExpiration declared true, live false",
    desired: desired(hosted([absent(A)])),
    actual: actual(livePlatform([live(A)])),
    items: [{ kind: "changed", field: "deleteAtExpiration", declared: true, live: false, rule: "H4" }],
    drift: true,
  },
  {
    name: "H5: with removal reset, an account declared absent whose address is still hosted is changed (exists), even when terminating",
    desired: desired(hosted([absent(A)], { removal: "reset" })),
    actual: actual(livePlatform([live(A, { deleteAtExpiration: true })])),
    items: [{ kind: "changed", field: "exists", declared: false, live: true, rule: "H5" }],
    drift: true,
  },
  {
    name: "P3: a Private account declared absent but still on the platform is changed (exists)",
    desired: desired(privatePlatform([absent(A)])),
    actual: actual(
      livePlatform([live(A, { renewal: null, deleteAtExpiration: null })], { apiOffer: "dedicated" }),
    ),
    items: [{ kind: "changed", field: "exists", declared: false, live: true, rule: "P3" }],
    drift: true,
  },
  {
    name: "An account declared absent that is gone is not drift",
    desired: desired(hosted([absent(A)])),
    actual: actual(livePlatform([])),
    items: [],
    drift: false,
  },
  // --- pending -------------------------------------------------------------------------------
  {
    name: "H4: a termination scheduled for an account declared absent is pending until the expiry date",
    desired: desired(hosted([absent(A)])),
    actual: actual(
      livePlatform([live(A, { deleteAtExpiration: true, expirationDate: "2026-07-31T00:00:00+02:00" })]),
    ),
    items: [
      {
        kind: "pending",
        cause: "termination",
        field: "deleteAtExpiration",
        effective: "2026-07-31",
        rule: "H4",
      },
    ],
    drift: false,
  },
  {
    name: "An account in a transitional state is pending (task), not drift, even when its fields differ",
    desired: desired(hosted([present(A, { license: "enterprise" })])),
    actual: actual(livePlatform([live(A, { license: "basic", state: "reopening" })])),
    items: [{ kind: "pending", cause: "task", effective: null, field: null }],
    drift: false,
  },
  {
    name: "An account with a task in flight is pending, not drift",
    desired: desired(hosted([absent(A)])),
    actual: actual(livePlatform([live(A, { taskPendingId: 8123 })])),
    items: [{ kind: "pending", cause: "task" }],
    drift: false,
  },
  {
    name: "H1: a declared account named by an open order in the journal is pending (in delivery), not missing",
    desired: desired(hosted([present("new@acme.example")])),
    actual: actual(livePlatform([])),
    ctx: { journal: [journalEntry()] },
    items: [
      {
        kind: "pending",
        cause: "operation",
        since: "2026-05-10T11:50:00.000Z",
        rule: "H1",
        address: "new@acme.example",
      },
    ],
    drift: false,
  },
  {
    name: "A declared account with an operation still open in the journal (its configuration) is pending, not changed",
    desired: desired(hosted([present(A, { displayName: "Alice" })])),
    actual: actual(livePlatform([live(A, { displayName: "Old" })])),
    ctx: { journal: [accountOperation(A)] },
    items: [{ kind: "pending", cause: "operation", field: "displayName" }],
    drift: false,
  },
  // --- missing -------------------------------------------------------------------------------
  {
    name: "H1: a declared Hosted account that is not live is missing",
    desired: desired(hosted([present(A, { license: "standard" })])),
    actual: actual(livePlatform([])),
    items: [{ kind: "missing", address: A, license: "standard", rule: "H1" }],
    drift: true,
  },
  {
    name: "P2: a declared Private account that is not live is missing",
    desired: desired(privatePlatform([present(A)])),
    actual: actual(livePlatform([], { apiOffer: "dedicatedCluster" })),
    items: [{ kind: "missing", license: null, rule: "P2" }],
    drift: true,
  },
  {
    name: "H1: an order journal entry that is done or names another address does not hide a missing account",
    desired: desired(hosted([present(A)])),
    actual: actual(livePlatform([])),
    ctx: {
      journal: [
        journalEntry({ status: "done", detail: { addresses: [toAddress(A)] } }),
        journalEntry({ id: "j-2" }),
      ],
    },
    items: [{ kind: "missing", address: A }],
    drift: true,
  },
  // --- unmanaged -----------------------------------------------------------------------------
  {
    name: "An undeclared account on a platform without prune is unmanaged and informational: no drift",
    desired: desired(hosted([present(A)])),
    actual: actual(livePlatform([live(A), live(B)])),
    items: [{ kind: "unmanaged", address: B, prune: false, blank: false, rule: null }],
    drift: false,
  },
  {
    name: "H4: an undeclared Hosted account on a prune platform is unmanaged and counts as drift",
    desired: desired(hosted([present(A)], { prune: true })),
    actual: actual(livePlatform([live(A), live(B)])),
    items: [{ kind: "unmanaged", address: B, prune: true, rule: "H4" }],
    drift: true,
  },
  {
    name: "H4: an undeclared account on a prune platform that is already terminating is pending, not drift",
    desired: desired(hosted([], { prune: true })),
    actual: actual(livePlatform([live(B, { deleteAtExpiration: true })])),
    items: [{ kind: "pending", cause: "termination", address: B, effective: "2026-09-30" }],
    drift: false,
  },
  {
    name: "P3: an undeclared Private account on a prune platform is unmanaged drift by rule P3",
    desired: desired(privatePlatform([], { prune: true })),
    actual: actual(livePlatform([live(B, { renewal: null })], { apiOffer: "dedicated" })),
    items: [{ kind: "unmanaged", prune: true, rule: "P3" }],
    drift: true,
  },
  {
    name: "H1: a blank configureme.me account is unmanaged and flagged blank, informational without prune",
    desired: desired(hosted([])),
    actual: actual(livePlatform([blank(1)])),
    items: [{ kind: "unmanaged", address: "blank1@configureme.me", blank: true, prune: false }],
    drift: false,
  },
  {
    name: "H4: a blank account on a prune platform is drift to terminate, never to reset (H5 needs an address)",
    desired: desired(hosted([], { prune: true, removal: "reset" })),
    actual: actual(livePlatform([blank(2)])),
    items: [{ kind: "unmanaged", blank: true, prune: true, rule: "H4" }],
    drift: true,
  },
  // --- quiet by construction -----------------------------------------------------------------
  {
    name: "Declared fields left undefined are not managed and never drift",
    desired: desired(hosted([present(A)])),
    actual: actual(
      livePlatform([live(A, { license: "enterprise", renewal: "monthly", displayName: "Anything" })]),
    ),
    items: [],
    drift: false,
  },
  {
    name: "Addresses compare case-insensitively on both sides",
    desired: desired(
      hosted([present("Alice@ACME.example", { license: "standard" }), absent("BOB@acme.example")]),
    ),
    actual: actual(
      livePlatform([live("alice@acme.EXAMPLE"), live("bob@acme.example", { deleteAtExpiration: true })]),
    ),
    items: [{ kind: "pending", cause: "termination", address: "bob@acme.example" }],
    drift: false,
  },
  {
    name: "P1: on a live Private platform the renewal period is never compared",
    desired: desired(hosted([present(A, { renewal: "yearly" })])),
    actual: actual(livePlatform([live(A, { renewal: null })], { apiOffer: "dedicated" })),
    items: [],
    drift: false,
  },
  {
    name: "A declared platform that was not read is a warning, not drift and not an empty platform",
    desired: desired(hosted([present(A)], { service: "other" })),
    actual: actual(livePlatform([])),
    items: [],
    drift: false,
  },
];

describe("drift classification", () => {
  it.each(rows)("$name", (row) => {
    const report = detectDrift(row.desired, row.actual, context(row.ctx));
    expect(report.items).toHaveLength(row.items.length);
    row.items.forEach((expected, i) => expect(report.items[i]).toMatchObject(expected));
    expect(hasDrift(report)).toBe(row.drift);
  });

  it("H3: a switched-back renewal says that the billing effect waits for the expiry and that exrec had switched it", () => {
    const report = detectDrift(
      desired(hosted([present(A, { renewal: "yearly" })])),
      actual(livePlatform([live(A, { renewal: "monthly" })])),
      context({ history: [renewed(A)] }),
    );
    const item = report.items[0]!;
    expect(item.kind === "changed" && item.note).toMatch(/expiry on 2026-09-30/);
    expect(item.kind === "changed" && item.note).toMatch(/switched back outside exrec/);
  });

  it("H3: a renewal recorded for a later date in the account's own offset is still pending just before midnight there", () => {
    // 2026-05-11 starts at 2026-05-10T22:00Z in +02:00; the clock is 21:59Z: not in force yet.
    const now = new Date("2026-05-10T21:59:00.000Z");
    const report = detectDrift(
      desired(hosted([present(A, { renewal: "yearly" })])),
      actual(livePlatform([live(A, { expirationDate: "2026-05-11T00:00:00+02:00" })])),
      context({ now, history: [renewed(A, { effective: "2026-05-11" })] }),
    );
    expect(report.items).toMatchObject([{ kind: "pending", cause: "renewal", effective: "2026-05-11" }]);
    const after = detectDrift(
      desired(hosted([present(A, { renewal: "yearly" })])),
      actual(livePlatform([live(A, { expirationDate: "2026-05-11T00:00:00+02:00" })])),
      context({
        now: new Date("2026-05-10T22:00:00.000Z"),
        history: [renewed(A, { effective: "2026-05-11" })],
      }),
    );
    expect(after.items).toEqual([]);
  });

  it("counts per platform follow the items, and the report names the platform's live offer and prune", () => {
    const report = detectDrift(
      desired(
        hosted([present(A, { license: "basic" }), present("c@acme.example"), absent("d@acme.example")], {
          prune: true,
        }),
      ),
      actual(livePlatform([live(A), live(B), live("d@acme.example", { deleteAtExpiration: true })])),
      context(),
    );
    expect(report.platforms).toEqual([
      {
        organization: "hosted-ab12345-1",
        service: "hosted-ab12345-1",
        offer: "hosted",
        prune: true,
        counts: { changed: 1, missing: 1, unmanaged: 1, pending: 1 },
      },
    ]);
    expect(report.items.map((i) => `${i.address} ${i.kind}`)).toEqual([
      "alice@acme.example changed",
      "bob@acme.example unmanaged",
      "c@acme.example missing",
      "d@acme.example pending",
    ]);
  });

  it("reports the clock, the manifest digest and a warning for a declared offer the live platform contradicts", () => {
    const report = detectDrift(
      desired(hosted([present(A)])),
      actual(livePlatform([live(A)], { apiOffer: "dedicated" })),
      context(),
    );
    expect(report.format_version).toBe("1");
    expect(report.created_at).toBe(NOW.toISOString());
    expect(report.manifest_digest).toBe("sha256:0f3c9a");
    expect(report.warnings).toEqual([expect.stringMatching(/declared hosted but is private/)]);
  });

  it("names a declared platform that was not read in the warnings", () => {
    const report = detectDrift(
      desired(hosted([present(A)], { service: "other" })),
      actual(livePlatform([])),
      context(),
    );
    expect(report.platforms).toEqual([]);
    expect(report.warnings).toEqual([
      expect.stringMatching(/hosted-ab12345-1\/other is declared but was not read/),
    ]);
  });
});
