/**
 * The renderers and the plan file against plans the real planner makes (not hand-built ones):
 * every kind of change, unknown prices and unknown expiry dates. Catches a planner and a schema
 * that drift apart.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEmpty, type Plan, type PriceBook } from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import { readPlanFile, writePlanFile } from "../../reconciler/planfile.js";
import { renderPlanJson } from "../../reconciler/render/plan-json.js";
import { renderPlanMarkdown } from "../../reconciler/render/plan-markdown.js";
import { checkPlanSchema } from "../../reconciler/plan-format/validate.js";
import { renderPlanText } from "../../reconciler/render/plan-text.js";
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
import { localFileSystem } from "../../provider/system/files.js";

function everyKindOfChange(prices: PriceBook): Plan {
  const desired = desiredOf(
    hostedPlatform({
      removal: "reset",
      accounts: [
        present("keep@acme.example", { renewal: "monthly", displayName: "Keep <Me>" }),
        present("back@acme.example"),
        present("reuse@acme.example", { license: "standard", renewal: "monthly" }),
        present("new1@acme.example", { license: "standard", renewal: "yearly" }),
        present("new2@acme.example", { license: "standard", renewal: "yearly", displayName: "New | Two" }),
        absent("gone@acme.example"),
        present("nodate@acme.example", { renewal: "monthly" }),
      ],
    }),
    privatePlatform({
      accounts: [present("add@acme.example", { license: "enterprise" }), absent("del@acme.example")],
    }),
  );
  const actual = actualOf(
    liveHosted([
      liveAccount("keep@acme.example", { displayName: "Keep" }),
      liveAccount("back@acme.example", { deleteAtExpiration: true }),
      blankAccount("blank1"),
      liveAccount("gone@acme.example"),
      liveAccount("nodate@acme.example", { expirationDate: null }),
      liveAccount("busy@acme.example", { state: "creating", taskPendingId: 7 }),
      liveAccount("other@acme.example"),
    ]),
    livePrivate([livePrivateAccount("del@acme.example"), livePrivateAccount("x@acme.example")]),
  );
  const quotes = new Map([
    sampleQuote({ license: "standard", duration: "12", quantity: 2, unitsWithoutTax: 72 }),
  ]);
  return plan(desired, actual, { now: NOW, prices, quotes });
}

const cases: [string, Plan][] = [
  ["every kind of change, prices known", everyKindOfChange(samplePrices())],
  [
    "every kind of change, no catalog",
    everyKindOfChange({ currency: null, monthly: {}, unavailableReason: "the catalog could not be read" }),
  ],
  [
    "nothing to do",
    plan(desiredOf(hostedPlatform()), actualOf(liveHosted([])), {
      now: NOW,
      prices: samplePrices(),
      quotes: new Map(),
    }),
  ],
];

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "exrec-planner-output-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("plans made by the planner", () => {
  it("cover every action between them, and an unknown date", () => {
    const actions = new Set(cases.flatMap(([, p]) => p.changes.map((change) => change.action)));
    expect([...actions].sort()).toEqual(
      [
        "add",
        "cancel-termination",
        "configure",
        "delete",
        "order",
        "renew",
        "reset",
        "terminate",
        "update",
      ].sort(),
    );
    expect(cases[0]![1].changes.some((change) => change.effective === "unknown")).toBe(true);
  });

  for (const [name, made] of cases) {
    it(`${name}: the JSON matches plan.schema.json`, () => {
      const check = checkPlanSchema(JSON.parse(renderPlanJson(made)), { allErrors: true });
      expect(check.valid ? [] : check.problems).toEqual([]);
    });

    it(`${name}: text and Markdown name every change`, () => {
      const text = renderPlanText(made, { color: false });
      const markdown = renderPlanMarkdown(made);
      if (isEmpty(made)) expect(text).toContain("No changes.");
      for (const change of made.changes) {
        const subject = change.action === "order" ? change.addresses[0]! : change.address;
        expect(text).toContain(subject);
        expect(markdown).toContain(`<code>${subject}</code>`);
      }
      expect(text).not.toContain("on unknown");
    });

    it(`${name}: survives a plan file round trip`, async () => {
      const path = join(folder, `${name.replace(/\W+/g, "-")}.json`);
      await writePlanFile(path, made, { files: localFileSystem });
      expect(renderPlanJson(await readPlanFile(path, { files: localFileSystem }))).toBe(renderPlanJson(made));
    });
  }
});
