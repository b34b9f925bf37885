/**
 * The platforms and accounts of examples/demo.yaml, declared with exrec's CDKTF constructs.
 * Synthesizing this app gives a cdk.tf.json that exrec loads into the same desired model (same
 * digest) as the YAML manifest; each account carries the comment of demo.yaml that says what
 * `exrec plan` does with it against the sandbox's `demo` seed.
 *
 *   npx tsx examples/cdktf/main.ts             → examples/cdktf/cdktf.out/stacks/demo/cdk.tf.json
 *   npx exrec plan examples/cdktf/cdktf.out
 *
 * `cdktf synth` (which sets CDKTF_OUTDIR) works too. No terraform binary is needed.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, ExchangePlatform, TerraformStack } from "exrec/cdktf";

const here = dirname(fileURLToPath(import.meta.url));
const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? join(here, "cdktf.out") });
const stack = new TerraformStack(app, "demo");

// -----------------------------------------------------------------------------------------------
// Hosted Exchange: accounts are ordered and renewed monthly or yearly, each on its own expiry.
const hosted = new ExchangePlatform(stack, "hosted", {
  organization: "hosted-ab12345-1",
  service: "hosted-ab12345-1",
  offer: "hosted",
  // Live accounts not declared here (contact@acme-corp.example, henri@acme.example, ...) are
  // reported as unmanaged and left alone.
  prune: false,
  // Accounts declared absent are terminated at their expiry (H4) AND reset now (H5).
  removal: "reset",
  defaults: { license: "standard", renewal: "yearly" },
});

// Exactly as it is live: nothing to do.
hosted.account("alice@acme.example", { license: "standard", renewal: "yearly", displayName: "Alice Martin" });

// renew: live monthly, declared yearly. Takes effect on its expiry date, not today (H2, H3).
hosted.account("bob@acme.example", { license: "basic", renewal: "yearly" });

// cancel-termination: live it is set to expire at the end of its term; declared present.
hosted.account("carol@acme.example", { displayName: "Carol Petit" });

// terminate + reset: declared absent on a `removal: reset` platform. Terminated at its expiry (H4),
// and emptied now (H5): destructive, billed until the expiry.
hosted.account("dave@acme.example", { state: "absent" });

// update: the display name differs from the live one.
hosted.account("erin@acme.example", { displayName: "Erin Leroy-Petit" });

// waiting: a task is in progress on this account; exrec leaves it alone until it ends.
hosted.account("frank@acme.example", { renewal: "monthly" });

// Protected: exrec never terminates, resets or deletes it.
hosted.account("ceo@acme.example", { license: "enterprise", displayName: "Claire Dubois", protect: true });

// configure: a new standard account. A blank standard account is already paid for (on
// configureme.me), so exrec gives it this address instead of ordering (H1).
hosted.account("grace@acme.example", { displayName: "Grace Hopper" });

// order: a new enterprise account. No blank enterprise account exists, so exrec orders one for
// 12 months (yearly renewal) and shows the price of the order before buying (H1).
hosted.account("heidi@acme.example", { license: "enterprise", displayName: "Heidi Klein" });

// -----------------------------------------------------------------------------------------------
// Private Exchange: accounts renew monthly only (P1), are added (P2) and deleted at once (P3).
const privatePlatform = new ExchangePlatform(stack, "private", {
  organization: "hosted-ab12345-1",
  service: "private-ab12345-1",
  offer: "private",
  prune: false,
  defaults: { license: "standard" },
});

// update: live basic, declared standard.
privatePlatform.account("ivan@globex.example", { displayName: "Ivan Bernard" });

// delete: declared absent. Removed at once with its mailbox: the most destructive change there
// is, applied only with --allow-destroy (P3).
privatePlatform.account("judy@globex.example", { state: "absent" });

// waiting: still being created; exrec waits for it.
privatePlatform.account("oscar@globex.example");

// add: a new account, billed from the current month (P2).
privatePlatform.account("nina@globex.example", { license: "basic", displayName: "Nina Rousseau" });

// Exactly as it is live: nothing to do.
privatePlatform.account("it@globex.example", { license: "enterprise", displayName: "Globex IT" });

app.synth();
