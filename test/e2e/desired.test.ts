/**
 * Desired state end to end: broken manifests never reach the API; import then plan is empty; a YAML
 * manifest and a CDKTF app that describe the same platforms give byte-identical JSON plans.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { BROKEN } from "../load/corpus.js";
import { REPO, runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { loopbackChildEnv } from "../support/child-env.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";

describe("broken manifests against a counting sandbox", () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  let home: string;
  beforeAll(async () => {
    sandbox = await testSandbox();
    home = await tempDir();
    env = sandboxEnv(sandbox.url, home);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("has a corpus of at least 25 broken manifests", () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(25);
  });

  it.each(BROKEN.map((b) => [b.file, b] as const))(
    "%s: file:line:col, exit 1, zero requests",
    async (_name, broken) => {
      sandbox.resetStats();
      // Relative paths, from the repository, as a user types them (messages name files as given).
      const files = [broken.file, ...(broken.extraFiles ?? [])];
      const result = await runCli(["plan", ...files], { cwd: REPO, env });
      expect(result.code).toBe(1);
      // Every expected problem is on a line of its own, as `file:line:col: message` (with the rule, if any).
      const lines = result.stderr.split("\n").map((l) => l.replace(/^Error: /, ""));
      for (const want of broken.expect) {
        const file = want.file ?? broken.file;
        const prefix = `${file}:${want.line}:${want.col}: `;
        const line = lines.find(
          (l) =>
            l.startsWith(prefix) &&
            want.message.test(l.slice(prefix.length).replace(/ \(rule [HP]\d\)$/, "")),
        );
        expect(line, `${prefix}${want.message}\n--- stderr:\n${result.stderr}`).toBeDefined();
      }
      expect(sandbox.stats.total).toBe(0);
    },
  );
});

describe("import, then plan", () => {
  it.each([
    ["the demo seed", { kind: "demo" } as const],
    ["a generated fleet", { kind: "fleet", platforms: 4, accounts: 60 } as const],
  ])("is empty for %s", async (_name, seed) => {
    const sandbox = await testSandbox({ seed });
    try {
      const home = await tempDir();
      const env = { ...sandboxEnv(sandbox.url, home), EXREC_NOW: FIXED_NOW };
      const out = join(home, "imported.yaml");
      const imported = await runCli(["import", "--out", out], { cwd: home, env });
      expect(imported.stderr).toMatch(/Imported/);
      expect(imported.code).toBe(0);
      const validated = await runCli(["validate", out], { cwd: home, env });
      expect(validated.code).toBe(0);
      const writes = sandbox.stats.writes.length;
      const plan = await runCli(["plan", out, "--detailed-exitcode"], { cwd: home, env });
      expect(plan.stdout).toMatch(/No changes/);
      expect(plan.code).toBe(0);
      expect(sandbox.stats.writes.length).toBe(writes);
    } finally {
      await sandbox.close();
    }
  });
});

describe("YAML and CDKTF", () => {
  it("give byte-identical JSON plans for the same platforms", async () => {
    const sandbox = await testSandbox();
    try {
      const home = await tempDir();
      const outdir = join(home, "cdktf.out");
      execFileSync(process.execPath, ["--import", "tsx", join(REPO, "examples", "cdktf", "main.ts")], {
        cwd: REPO,
        // Without the CA bundle: the app reaches no network, and the bundle costs each start.
        env: loopbackChildEnv({ CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir }),
        stdio: "pipe",
      });
      const env = { ...sandboxEnv(sandbox.url, home), EXREC_NOW: FIXED_NOW };
      const fromYaml = await runCli(["plan", join(REPO, "examples", "demo.yaml"), "--format", "json"], {
        cwd: home,
        env,
      });
      const fromCdktf = await runCli(["plan", outdir, "--format", "json"], { cwd: home, env });
      expect(fromYaml.code).toBe(0);
      expect(fromCdktf.stderr).toBe("");
      expect(fromCdktf.code).toBe(0);
      expect(fromCdktf.stdout).toBe(fromYaml.stdout);
    } finally {
      await sandbox.close();
    }
  });
});
