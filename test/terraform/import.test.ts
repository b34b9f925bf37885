/**
 * Importing live accounts into Terraform's state through exrec's provider, with the real terraform
 * binary against the sandbox: `terraform import ORG/SVC/EMAIL`, an `import {}` block, and
 * `terraform plan -generate-config-out`, each followed by a plan with nothing to do.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { testSandbox } from "../support/sandbox.js";
import { hcl, openWorkspace, terraformMissing, unwrapped, type Workspace } from "./harness.js";

const missing = terraformMissing();
const ORG = "hosted-ab12345-1";
const SVC = "hosted-ab12345-1";

const platform = hcl("exrec_platform", "hosted", {
  organization: ORG,
  service: SVC,
  offer: "hosted",
  default_license: "standard",
});
const bob = hcl("exrec_account", "bob", {
  organization: ORG,
  service: SVC,
  email: "bob@acme.example",
  license: "basic",
  renewal: "monthly",
  display_name: "Bob Durand",
});
const aliceImport = `import {\n  to = exrec_account.alice\n  id = "${ORG}/${SVC}/alice@acme.example"\n}\n`;
const alice = hcl("exrec_account", "alice", {
  organization: ORG,
  service: SVC,
  email: "alice@acme.example",
  license: "standard",
  renewal: "yearly",
  display_name: "Alice Martin",
});
const erinImport = `import {\n  to = exrec_account.erin\n  id = "${ORG}/${SVC}/erin@acme.example"\n}\n`;

let sandbox: Sandbox;
let ws: Workspace;

describe.skipIf(missing !== null)(
  `importing accounts into terraform${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      sandbox = await testSandbox();
      ws = await openWorkspace(sandbox.url);
      await ws.config(platform + bob);
      const init = await ws.terraform(["init", "-input=false"]);
      expect(init.code, init.output).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await ws?.close();
      await sandbox?.close();
    });

    it("imports an existing account by ORG/SVC/EMAIL; the next plan has nothing to do", async () => {
      const bad = await ws.terraform(["import", "-input=false", "exrec_account.bob", "bob@acme.example"]);
      expect(bad.code).toBe(1);
      expect(unwrapped(bad.output)).toContain(
        "is not an account id: exrec_account is imported by ORGANIZATION/SERVICE/EMAIL",
      );

      const imported = await ws.terraform([
        "import",
        "-input=false",
        "exrec_account.bob",
        `${ORG}/${SVC}/bob@acme.example`,
      ]);
      expect(imported.code, imported.output).toBe(0);
      expect(imported.output).toContain("Import successful!");
      const importedPlatform = await ws.terraform([
        "import",
        "-input=false",
        "exrec_platform.hosted",
        `${ORG}/${SVC}`,
      ]);
      expect(importedPlatform.code, importedPlatform.output).toBe(0);
      sandbox.resetStats();
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      expect(plan.output).toContain("No changes.");
      expect(plan.code).toBe(0);
      expect(sandbox.stats.writes).toEqual([]);
    }, 300_000);

    it("imports through an import {} block, and through -generate-config-out a configuration that plans clean", async () => {
      await ws.config(platform + bob + aliceImport + alice + erinImport);
      const generated = join(ws.dir, "generated.tf");
      const plan = await ws.terraform([
        "plan",
        "-input=false",
        `-generate-config-out=${generated}`,
        "-out=tfplan",
      ]);
      expect(plan.code, plan.output).toBe(0);
      expect(plan.output).toContain("Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.");
      const text = await readFile(generated, "utf8");
      expect(text).toContain('resource "exrec_account" "erin"');
      expect(text).toContain('email        = "erin@acme.example"');
      expect(text).toMatch(/display_name\s+= "Erin Leroy"/);
      // Only what a user writes: the attributes exrec reads from OVHcloud are not configuration.
      expect(text).not.toContain("expiration_date");

      // The saved plan, with the configuration it generated.
      const apply = await ws.terraform(["apply", "-input=false", "tfplan"]);
      expect(apply.code, apply.output).toBe(0);
      expect(apply.output).toContain(
        "Apply complete! Resources: 2 imported, 0 added, 0 changed, 0 destroyed.",
      );
      expect(sandbox.stats.writes).toEqual([]);
      const again = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      expect(again.output).toContain("No changes.");
      expect(again.code).toBe(0);
    }, 300_000);

    it("refuses at plan time to remove an account whose state says protect = true: exit 1, no write", async () => {
      await ws.config(platform + bob.replace("}\n", "  protect = true\n}\n") + alice);
      const protect = await ws.terraform(["apply", "-input=false", "-auto-approve"]);
      expect(protect.code, protect.output).toBe(0);
      await ws.config(platform + alice);
      sandbox.resetStats();
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      expect(plan.code).toBe(1);
      expect(unwrapped(plan.output)).toContain(
        "Error: exrec refuses to remove bob@acme.example: it is protected (protect = true)",
      );
      expect(sandbox.stats.writes).toEqual([]);
    }, 300_000);
  },
);
