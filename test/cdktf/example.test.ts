/**
 * examples/cdktf/main.ts, run the way its README says, synthesizes a cdk.tf.json that exrec loads
 * into the same desired model as examples/demo.yaml.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DesiredPlatform } from "../../reconciler/model.js";
import { loadDesired } from "../../reconciler/load/index.js";
import { manifestFromTerraformJson } from "../../reconciler/load/terraform-json.js";
import { DEFAULT_OUT_DIR, generateBindings } from "../../provider/cdktf/generate.js";
import { localFileSystem } from "../../provider/system/files.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const DEMO_YAML = join(REPO, "examples", "demo.yaml");
const MAIN = join(REPO, "examples", "cdktf", "main.ts");

let outdir: string;
let synthesized: string;
let synthesizedText: string;

/** Runs a command to its end, collecting its output. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        CHECKPOINT_DISABLE: "1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** Runs the app from source (the `exrec-source` export condition), as examples/cdktf/README.md says. */
function runExample(env: Record<string, string>) {
  return run(process.execPath, ["--conditions=exrec-source", "--import", "tsx", MAIN], env);
}

beforeAll(async () => {
  // The constructs import the generated bindings; `npm run build` makes them, so does this.
  if (!existsSync(DEFAULT_OUT_DIR)) await generateBindings();
  outdir = await mkdtemp(join(tmpdir(), "exrec-cdktf-example-"));
  const synth = await runExample({ CDKTF_OUTDIR: outdir });
  expect(synth.stderr).toBe("");
  expect(synth.code).toBe(0);
  synthesized = join(outdir, "stacks", "demo", "cdk.tf.json");
  synthesizedText = await readFile(synthesized, "utf8");
});

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

interface ManifestDocument {
  version: number;
  platforms: { organization: string; service: string; accounts?: { email: string }[] }[];
}

/** Order does not matter to exrec (the digest is order-independent); sort for comparison. */
function sorted(document: ManifestDocument): ManifestDocument {
  return {
    ...document,
    platforms: [...document.platforms]
      .map((p) => ({
        ...p,
        accounts: [...(p.accounts ?? [])].sort((a, b) => a.email.localeCompare(b.email)),
      }))
      .sort((a, b) => `${a.organization}/${a.service}`.localeCompare(`${b.organization}/${b.service}`)),
  };
}

/** The desired model without where each value came from (the files differ by design), sorted. */
function withoutSources(platforms: DesiredPlatform[]): unknown {
  return platforms
    .map(({ source: _source, accounts, ...platform }) => ({
      ...platform,
      accounts: accounts
        .map(({ source: _accountSource, ...account }) => account)
        .sort((a, b) => a.email.localeCompare(b.email)),
    }))
    .sort((a, b) => `${a.organization}/${a.service}`.localeCompare(`${b.organization}/${b.service}`));
}

describe("the CDKTF example app", () => {
  it("synthesizes one stack, demo, into CDKTF_OUTDIR", () => {
    expect(existsSync(synthesized)).toBe(true);
    expect(JSON.parse(synthesizedText)).toMatchObject({ "//": { metadata: { stackName: "demo" } } });
  });

  it("reads as the same manifest document as examples/demo.yaml", async () => {
    const fromYaml = parseYaml(await readFile(DEMO_YAML, "utf8")) as ManifestDocument;
    const fromCdktf = manifestFromTerraformJson(synthesizedText, synthesized).document as ManifestDocument;
    expect(sorted(fromCdktf)).toEqual(sorted(fromYaml));
  });

  it("loads into the same desired model, with the same digest, as examples/demo.yaml", async () => {
    const fromYaml = await loadDesired([DEMO_YAML], { files: localFileSystem });
    const fromCdktf = await loadDesired([outdir], { files: localFileSystem });
    expect(fromCdktf.files).toEqual([outdir]);
    expect(withoutSources(fromCdktf.platforms)).toEqual(withoutSources(fromYaml.platforms));
    expect(fromCdktf.digest).toBe(fromYaml.digest);
  });

  it("type-checks against the constructs' types (the repository's tsconfig leaves examples out)", async () => {
    const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
    const result = await run(process.execPath, [tsc, "-p", join("examples", "cdktf")], {});
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("locates every account field at that attribute, inside that account's resource", () => {
    const { document, locate } = manifestFromTerraformJson(synthesizedText, synthesized);
    const lines = synthesizedText.split("\n");
    const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    let checked = 0;
    (document as { platforms: { accounts: Record<string, unknown>[] }[] }).platforms.forEach(
      (platform, p) => {
        platform.accounts.forEach((account, a) => {
          const resourceLine = locate(["platforms", p, "accounts", a], "key").line;
          const resourceEnd = lines.findIndex((line, i) => i >= resourceLine && /^ {6}\},?$/.test(line)) + 1;
          const resourceText = lines.slice(resourceLine - 1, resourceEnd).join("\n");
          expect(resourceText).toContain(`"email": ${JSON.stringify(account.email)}`);
          for (const field of Object.keys(account)) {
            const { line, col } = locate(["platforms", p, "accounts", a, field], "key");
            expect(line).toBeGreaterThan(resourceLine);
            expect(line).toBeLessThanOrEqual(resourceEnd);
            expect(lines[line - 1]!.slice(col - 1)).toMatch(new RegExp(`^"${snake(field)}": `));
            checked++;
          }
        });
      },
    );
    expect(checked).toBeGreaterThan(0);
  });
});
