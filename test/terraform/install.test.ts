/**
 * `exrec terraform install` into Terraform's implied local mirror (~/.terraform.d/plugins), with no
 * CLI configuration at all: `terraform init` finds the provider offline and records it in the lock
 * file. And the provider run by hand, outside Terraform, says what it is and exits 1.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/cli.js";
import { openWorkspace, terraformMissing, type Workspace } from "./harness.js";

const missing = terraformMissing();
const PROVIDER = join(REPO, "dist", "provider", "terraform", "main.js");

describe("terraform-provider-exrec run by hand", () => {
  it("refuses to run outside Terraform, naming how to use it, and writes nothing on stdout", async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [PROVIDER], { env: { PATH: process.env.PATH ?? "" } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("is a Terraform plugin, started by terraform or tofu");
    expect(result.stderr).toContain("npx exrec terraform install");
  });
});

let ws: Workspace;

describe.skipIf(missing !== null)(
  `exrec terraform install into the implied local mirror${missing ? ` (${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      // No sandbox is needed: init reads no API.
      ws = await openWorkspace("http://127.0.0.1:9/1.0", { mirror: "implied" });
    }, 60_000);

    afterAll(async () => {
      await ws?.close();
    });

    it("lets terraform init find the provider offline and record it in the lock file", async () => {
      const installed = join(
        ws.home,
        ".terraform.d",
        "plugins",
        "registry.terraform.io",
        "exrec",
        "exrec",
        "0.1.0",
      );
      expect(existsSync(installed)).toBe(true);
      await ws.config("");
      const init = await ws.terraform(["init", "-input=false"]);
      expect(init.code, init.output).toBe(0);
      expect(init.output).toContain("Installing exrec/exrec v0.1.0...");
      const lock = await readFile(join(ws.dir, ".terraform.lock.hcl"), "utf8");
      expect(lock).toContain('provider "registry.terraform.io/exrec/exrec"');
      expect(lock).toMatch(/version\s+= "0\.1\.0"/);
    }, 120_000);
  },
);
