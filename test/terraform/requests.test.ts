/**
 * Reads at the floor: `terraform plan` of 1,000 accounts on one platform makes at most 1.05 times
 * the requests `exrec plan` makes for the same platform, counted at the sandbox (never timed).
 * Terraform reads every resource of its state on each plan; the provider answers all of them from
 * one bulk read of the platform per process, as `exrec plan` reads it.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { runCli, sandboxEnv } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { hcl, openWorkspace, terraformMissing, type Workspace } from "./harness.js";

const missing = terraformMissing();
const ACCOUNTS = 1000;
const NAME = "fleet-hosted-001";
const DOMAIN = "fleet001.example";
const address = (i: number) => `user${String(i).padStart(5, "0")}@${DOMAIN}`;

let sandbox: Sandbox;
let ws: Workspace;

describe.skipIf(missing !== null)(
  `the requests of a terraform plan of ${ACCOUNTS} accounts${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      sandbox = await testSandbox({
        seed: { kind: "fleet", platforms: 1, accounts: ACCOUNTS, offer: "hosted" },
        readModes: { pages: true, batch: true },
      });
      ws = await openWorkspace(sandbox.url);
      // init installs the provider and needs only the terraform block: it then does not parse the
      // 2,000 blocks below.
      await ws.config("");
      const init = await ws.terraform(["init", "-input=false"]);
      expect(init.code, init.output).toBe(0);
      let resources = hcl("exrec_platform", "fleet", { organization: NAME, service: NAME, offer: "hosted" });
      let imports = `import {\n  to = exrec_platform.fleet\n  id = "${NAME}/${NAME}"\n}\n`;
      for (let i = 1; i <= ACCOUNTS; i++) {
        resources += hcl("exrec_account", `a${i}`, { organization: NAME, service: NAME, email: address(i) });
        imports += `import {\n  to = exrec_account.a${i}\n  id = "${NAME}/${NAME}/${address(i)}"\n}\n`;
      }
      await ws.config(resources + imports);
      // Into Terraform's state by import: nothing is written at the sandbox.
      const imported = await ws.terraform(["apply", "-input=false", "-auto-approve"], {}, 900_000);
      expect(imported.code, imported.output.slice(-3000)).toBe(0);
      expect(imported.output).toContain(`Apply complete! Resources: ${ACCOUNTS + 1} imported`);
      expect(sandbox.stats.writes).toEqual([]);
      // The import blocks have done their work: the plan measured is the everyday one, of the
      // resources in the state.
      await ws.config(resources);
    }, 1_200_000);

    afterAll(async () => {
      await ws?.close();
      await sandbox?.close();
    });

    it("stays within 1.05 times the requests of exrec plan of the same platform", async () => {
      const manifest = join(ws.root, "fleet.yaml");
      const lines = [
        "version: 1",
        "platforms:",
        `  - organization: ${NAME}`,
        `    service: ${NAME}`,
        "    offer: hosted",
        "    accounts:",
        ...Array.from({ length: ACCOUNTS }, (_, i) => `      - email: ${address(i + 1)}`),
      ];
      await writeFile(manifest, `${lines.join("\n")}\n`);
      sandbox.resetStats();
      const exrec = await runCli(["plan", manifest, "--detailed-exitcode"], {
        cwd: ws.root,
        env: { ...sandboxEnv(sandbox.url, ws.home), EXREC_NOW: FIXED_NOW },
      });
      expect(exrec.code, exrec.stderr).toBe(0);
      const exrecRequests = sandbox.stats.total;

      sandbox.resetStats();
      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"], {}, 900_000);
      expect(plan.output).toContain("No changes.");
      expect(plan.code).toBe(0);
      const terraformRequests = sandbox.stats.total;
      const accountGets =
        sandbox.stats.byRoute["GET /email/exchange/{org}/service/{svc}/account/{email}"] ?? 0;

      expect(exrecRequests).toBeGreaterThan(0);
      expect(accountGets).toBe(0);
      expect(
        terraformRequests,
        `terraform plan: ${terraformRequests} requests, exrec plan: ${exrecRequests}`,
      ).toBeLessThanOrEqual(exrecRequests * 1.05);
    }, 1_200_000);
  },
);
