/**
 * CDKTF end to end: examples/cdktf synthesized, then `terraform init` and `terraform apply` in the
 * synthesized stack folder through exrec's provider, against the sandbox's demo platforms; then
 * `exrec plan` of the same cdktf.out has nothing to do. Both tools read one configuration and
 * agree on the state it leaves.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_OUT_DIR, generateBindings } from "../../provider/cdktf/generate.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { openWorkspace, runTerraform, terraformMissing, unwrapped, type Workspace } from "./harness.js";

const missing = terraformMissing();
const MAIN = join(REPO, "examples", "cdktf", "main.ts");
/** tsx by path: the app runs in a folder of its own, outside the repository. */
const TSX = pathToFileURL(join(REPO, "node_modules", "tsx", "dist", "loader.mjs")).href;

let sandbox: Sandbox;
let ws: Workspace;
let outdir: string;

/** Runs the example app from source, in `cwd` (where cdktf puts the stack's local state). */
function synthesize(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=exrec-source", "--import", TSX, MAIN], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: env.HOME ?? "", CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(missing !== null)(
  `examples/cdktf applied with terraform${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      if (!existsSync(DEFAULT_OUT_DIR)) await generateBindings();
      sandbox = await testSandbox();
      ws = await openWorkspace(sandbox.url);
      outdir = join(ws.root, "cdktf.out");
      const synth = await synthesize(ws.root, { HOME: ws.home, CDKTF_OUTDIR: outdir });
      expect(synth.stderr).toBe("");
      expect(synth.code).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await ws?.close();
      await sandbox?.close();
    });

    it("terraform init and apply in the synthesized stack carry out the demo; exrec plan of cdktf.out is then empty", async () => {
      const stack = join(outdir, "stacks", "demo");
      // The demo removes a Private account and resets a Hosted one (allowed here on purpose), and
      // adds a Private account, whose initial password goes to the secrets file only.
      const secrets = join(ws.root, "secrets.json");
      const env = { ...ws.env, EXREC_ALLOW_DESTROY: "1", EXREC_SECRETS_OUT: secrets };
      const init = await runTerraform(stack, ["init", "-input=false"], env);
      expect(init.code, init.output).toBe(0);

      const apply = await runTerraform(stack, ["apply", "-input=false", "-auto-approve"], env, 600_000);
      const text = unwrapped(apply.output);
      expect(apply.code, apply.output).toBe(0);
      expect(text).toMatch(
        /Warning: exrec order 1 × enterprise 12 months: heidi@acme\.example: \d+\.\d\d EUR once/,
      );
      expect(text).toMatch(/Apply complete! Resources: 16 added, 0 changed, 0 destroyed\./);
      expect((await stat(secrets)).mode & 0o777).toBe(0o600);
      expect(await readFile(secrets, "utf8")).toContain("nina@globex.example");

      const plan = await runCli(["plan", outdir, "--detailed-exitcode"], {
        cwd: ws.root,
        env: { ...sandboxEnv(sandbox.url, ws.home), EXREC_NOW: FIXED_NOW },
      });
      expect(plan.stdout + plan.stderr).not.toContain("Error");
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);

      const again = await runTerraform(stack, ["plan", "-input=false", "-detailed-exitcode"], env);
      expect(again.output).toContain("No changes.");
      expect(again.code).toBe(0);
    }, 900_000);
  },
);
