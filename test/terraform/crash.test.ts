/**
 * The provider killed in the middle of an apply that orders (right after the order's POST, before
 * its id reaches the journal), then `terraform apply` run again: exactly one order is placed and
 * paid, and the account exists. The kill is the engine's failpoint, which SIGKILLs the provider
 * process exactly as a crash would; terraform, the sandbox and the journal are real.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { testSandbox, writesMatching } from "../support/sandbox.js";
import { hcl, openWorkspace, terraformMissing, type Workspace } from "./harness.js";

const missing = terraformMissing();
const ORG = "hosted-ab12345-1";
const SVC = "hosted-ab12345-1";
const ORDERS = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;
const PAYMENTS = /^\/me\/order\/\d+\/pay$/;

let sandbox: Sandbox;
let ws: Workspace;

describe.skipIf(missing !== null)(
  `a provider killed during an apply that orders${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      sandbox = await testSandbox();
      ws = await openWorkspace(sandbox.url);
      await ws.config(
        hcl("exrec_platform", "hosted", {
          organization: ORG,
          service: SVC,
          offer: "hosted",
          default_renewal: "yearly",
        }) +
          hcl("exrec_account", "heidi", {
            organization: ORG,
            service: SVC,
            email: "heidi@acme.example",
            license: "enterprise",
            display_name: "Heidi Klein",
          }),
      );
      const init = await ws.terraform(["init", "-input=false"]);
      expect(init.code, init.output).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await ws?.close();
      await sandbox?.close();
    });

    it("orders exactly once: the rerun finds the order the killed run placed, pays it and configures it", async () => {
      sandbox.resetStats();
      const killed = await ws.terraform(["apply", "-input=false", "-auto-approve"], {
        EXREC_FAILPOINT: "order:after-place",
      });
      expect(killed.code).toBe(1);
      expect(writesMatching(sandbox, "POST", ORDERS)).toBe(1);
      expect(writesMatching(sandbox, "POST", PAYMENTS)).toBe(0);

      const rerun = await ws.terraform(["apply", "-input=false", "-auto-approve"]);
      expect(rerun.code, rerun.output).toBe(0);
      expect(writesMatching(sandbox, "POST", ORDERS)).toBe(1);
      expect(writesMatching(sandbox, "POST", PAYMENTS)).toBe(1);

      const plan = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
      expect(plan.output).toContain("No changes.");
      expect(plan.code).toBe(0);
      expect(writesMatching(sandbox, "POST", ORDERS)).toBe(1);
    }, 300_000);
  },
);
