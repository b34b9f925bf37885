/**
 * The provider's life cycle, driven by the real terraform binary against the sandbox over HTTP:
 * init offline, a plan whose warnings show an order's cost and a renewal change's effective date,
 * saved and applied as saved (as CI runs it), a second plan with nothing to do; then an in-place
 * renewal change, a Hosted removal that terminates at expiry, and a Private removal refused at plan
 * time without allow_destroy, by plan and by `apply -auto-approve` alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { calendarDate, formatMoney } from "../../reconciler/format.js";
import { testSandbox } from "../support/sandbox.js";
import { hcl, openWorkspace, terraformMissing, unwrapped, type Workspace } from "./harness.js";

const missing = terraformMissing();
const ORG = "hosted-ab12345-1";
const HOSTED = "hosted-ab12345-1";
const PRIVATE = "private-ab12345-1";

const platforms =
  hcl("exrec_platform", "hosted", {
    organization: ORG,
    service: HOSTED,
    offer: "hosted",
    default_license: "standard",
    default_renewal: "yearly",
  }) + hcl("exrec_platform", "private", { organization: ORG, service: PRIVATE, offer: "private" });

const account = (name: string, service: string, attributes: Record<string, string | boolean | undefined>) =>
  hcl("exrec_account", name, { organization: ORG, service, ...attributes });

/** Two new standard accounts and one standard blank account: one is reused (configured), one ordered. */
const newcomers =
  account("grace", HOSTED, { email: "grace@acme.example", display_name: "Grace Hopper" }) +
  account("gina", HOSTED, { email: "gina@acme.example", display_name: "Gina Rossi" });

/** alice as she is live, heidi new (an order), bob switched to yearly (a renewal change), it@ as is on Private. */
const first =
  platforms +
  account("alice", HOSTED, { email: "alice@acme.example", display_name: "Alice Martin" }) +
  account("heidi", HOSTED, {
    email: "heidi@acme.example",
    license: "enterprise",
    display_name: "Heidi Klein",
  }) +
  account("bob", HOSTED, { email: "bob@acme.example", license: "basic", renewal: "yearly" }) +
  account("it", PRIVATE, { email: "it@globex.example", license: "enterprise" }) +
  newcomers;

let sandbox: Sandbox;
let ws: Workspace;

async function liveAccount(service: string, email: string) {
  const { api, http } = createExchangeApi(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, {
      concurrency: 2,
      ratePerSecond: 0,
      timeoutMs: 10_000,
    }),
  );
  try {
    return await api.getAccount(ORG, service, email).catch((e: { status?: number }) => {
      if (e.status === 404) return null;
      throw e;
    });
  } finally {
    await http.close();
  }
}

async function orderQuote() {
  const { api, http } = createExchangeApi(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, {
      concurrency: 2,
      ratePerSecond: 0,
      timeoutMs: 10_000,
    }),
  );
  try {
    return await api.quoteOrder(ORG, HOSTED, "12", "enterprise", 1);
  } finally {
    await http.close();
  }
}

describe.skipIf(missing !== null)(
  `terraform plan and apply through exrec's provider${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      sandbox = await testSandbox();
      ws = await openWorkspace(sandbox.url);
    }, 60_000);

    afterAll(async () => {
      await ws?.close();
      await sandbox?.close();
    });

    it("initializes offline from the folder exrec terraform install wrote, and records the provider in the lock file", async () => {
      await ws.config(first);
      const init = await ws.terraform(["init", "-input=false"]);
      expect(init.output).toContain("Terraform has been successfully initialized");
      expect(init.code).toBe(0);
      const { readFile } = await import("node:fs/promises");
      const lock = await readFile(`${ws.dir}/.terraform.lock.hcl`, "utf8");
      expect(lock).toContain('provider "registry.terraform.io/exrec/exrec"');
      expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);
    }, 120_000);

    it("plans an order with its cost and a renewal change with its effective date, as warnings; applies; then has nothing to do", async () => {
      const quote = await orderQuote();
      const bobBefore = await liveAccount(HOSTED, "bob@acme.example");
      const bobExpiry = calendarDate(bobBefore!.expirationDate!);
      sandbox.resetStats();

      // Saved and applied as it is, as CI runs it: `apply PLANFILE` plans nothing again.
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode", "-out=tfplan"]);
      const text = unwrapped(plan.output);
      expect(plan.code, plan.output).toBe(2);
      expect(sandbox.stats.writes).toEqual([]);
      const quoted = quote.prices.withoutTax.priceInUcents;
      expect(quoted).toEqual(expect.any(Number));
      const price = formatMoney({
        ucents: quoted as number,
        currency: quote.prices.withoutTax.currencyCode,
      });
      expect(text).toContain(
        `Warning: exrec order 1 × enterprise 12 months: heidi@acme.example: ${price} once, excl. tax, takes effect now (H1)`,
      );
      expect(text).toMatch(
        new RegExp(`Warning: exrec renew bob@acme.example: .*takes effect on ${bobExpiry} \\(H3\\)`),
      );
      expect(text).toContain("with exrec_account.heidi");
      // The one blank standard account is promised to one newcomer only; the other is ordered.
      expect(
        text.match(/Warning: exrec configure (grace|gina)@acme\.example \(reuses [^)]+@configureme\.me\)/g),
      ).toHaveLength(1);
      expect(
        text.match(/Warning: exrec order 1 × standard 12 months: (grace|gina)@acme\.example:/g),
      ).toHaveLength(1);
      expect(text).toContain("Plan: 8 to add, 0 to change, 0 to destroy.");

      const apply = await ws.terraform(["apply", "-input=false", "tfplan"]);
      expect(apply.code, apply.output).toBe(0);
      expect(apply.output).toContain("Apply complete! Resources: 8 added, 0 changed, 0 destroyed.");
      const heidi = await liveAccount(HOSTED, "heidi@acme.example");
      expect(heidi).toMatchObject({
        accountLicense: "enterprise",
        renewPeriod: "yearly",
        displayName: "Heidi Klein",
        configured: true,
      });
      expect((await liveAccount(HOSTED, "bob@acme.example"))?.renewPeriod).toBe("yearly");
      const orders = sandbox.stats.writes.filter(
        (w) => w.method === "POST" && /^\/order\/email\/exchange\//.test(w.path),
      );
      expect(orders).toHaveLength(2);
      for (const email of ["grace@acme.example", "gina@acme.example"])
        expect(await liveAccount(HOSTED, email)).toMatchObject({
          accountLicense: "standard",
          configured: true,
        });

      const again = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      expect(again.output).toContain("No changes.");
      expect(again.code).toBe(0);
    }, 300_000);

    it("plans a renewal change in place, naming the expiry date; removes a Hosted account by terminating it at expiry", async () => {
      const alice = await liveAccount(HOSTED, "alice@acme.example");
      const aliceExpiry = calendarDate(alice!.expirationDate!);
      const bobExpiry = calendarDate((await liveAccount(HOSTED, "bob@acme.example"))!.expirationDate!);
      await ws.config(
        platforms +
          account("alice", HOSTED, {
            email: "alice@acme.example",
            display_name: "Alice Martin",
            renewal: "monthly",
          }) +
          account("heidi", HOSTED, {
            email: "heidi@acme.example",
            license: "enterprise",
            display_name: "Heidi Klein",
          }) +
          account("it", PRIVATE, { email: "it@globex.example", license: "enterprise" }) +
          newcomers,
      );
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode", "-out=tfplan"]);
      const text = unwrapped(plan.output);
      expect(plan.code, plan.output).toBe(2);
      expect(text).toContain("# exrec_account.alice will be updated in-place");
      expect(text).toContain('~ renewal = "yearly" -> "monthly"');
      expect(text).toMatch(
        new RegExp(`Warning: exrec renew alice@acme.example: .*takes effect on ${aliceExpiry} \\(H3\\)`),
      );
      expect(text).toContain("# exrec_account.bob will be destroyed");
      expect(text).toMatch(
        new RegExp(`Warning: exrec terminate bob@acme.example: .*takes effect on ${bobExpiry} \\(H4\\)`),
      );
      expect(text).toContain("Plan: 0 to add, 1 to change, 1 to destroy.");

      const apply = await ws.terraform(["apply", "-input=false", "tfplan"]);
      expect(apply.code, apply.output).toBe(0);
      // Terminated, not deleted: it lives until its expiry (H4), and nothing was reset.
      expect(await liveAccount(HOSTED, "bob@acme.example")).toMatchObject({
        deleteAtExpiration: true,
        configured: true,
      });
      expect(sandbox.stats.writes.filter((w) => w.method === "DELETE")).toEqual([]);
      expect((await liveAccount(HOSTED, "alice@acme.example"))?.renewPeriod).toBe("monthly");
      const show = await ws.terraform(["state", "show", "exrec_account.alice"]);
      expect(show.output).toContain(`renewal_effective_date = "${aliceExpiry}"`);
    }, 300_000);

    it("refuses at plan time to delete a Private account without allow_destroy: exit 1, no write", async () => {
      await ws.config(
        platforms +
          account("alice", HOSTED, {
            email: "alice@acme.example",
            display_name: "Alice Martin",
            renewal: "monthly",
          }) +
          account("heidi", HOSTED, {
            email: "heidi@acme.example",
            license: "enterprise",
            display_name: "Heidi Klein",
          }) +
          newcomers,
      );
      sandbox.resetStats();
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      const text = unwrapped(plan.output);
      expect(plan.code).toBe(1);
      expect(text).toContain("Error: exrec refuses a destructive change: delete (P3) of it@globex.example");
      expect(text).toContain("allow_destroy = true");
      const apply = await ws.terraform(["apply", "-input=false", "-auto-approve"]);
      expect(apply.code).toBe(1);
      expect(sandbox.stats.writes).toEqual([]);
      expect(await liveAccount(PRIVATE, "it@globex.example")).not.toBeNull();
    }, 300_000);
  },
);
