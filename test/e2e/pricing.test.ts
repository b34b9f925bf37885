/**
 * What a plan prices follows what its output shows. The JSON plan and the plan file carry the
 * monthly run rate of every covered platform, so they read the recurring-price quotes of every
 * Hosted platform; the text and Markdown plans show only the changes' costs, so they read the
 * quotes of the platforms they change, and an empty plan reads none. The changes and costs shown are
 * the same either way: in a state where no price is missing (no warning either way) the text is
 * compared, byte for byte, with the text of the plan file made from the same state.
 * Over real HTTP, the requests seen on the wire in front of the sandbox.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSeed } from "../../provider/sandbox/seed.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { startWireRecorder, type WireRecorder } from "../scale/wire-recorder.js";

let sandbox: Sandbox;
let wire: WireRecorder;
let home: string;
let env: Record<string, string>;
const manifest = () => join(home, "fleet.yaml");

beforeAll(async () => {
  // Four platforms: fleet-hosted-001 and -003 are Hosted, -002 and -004 Private.
  sandbox = await testSandbox({ seed: parseSeed("fleet:4x6") });
  wire = await startWireRecorder(sandbox.url);
  home = await tempDir("exrec-pricing-");
  env = { ...sandboxEnv(wire.url, home), EXREC_NOW: FIXED_NOW };
  const imported = await runCli(["import", "--out", manifest()], { cwd: home, env });
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await wire.close();
  await sandbox.close();
});

/** The platforms whose recurring-price quotes one run read (`GET …/order/email/exchange/{org}/…`). */
async function quotedPlatforms(
  args: string[],
): Promise<{ stdout: string; quoted: string[]; code: number | null }> {
  wire.clear();
  const result = await runCli(args, { cwd: home, env });
  expect(result.stderr).not.toMatch(/error/i);
  const quoted = new Set<string>();
  for (const { rawPath } of wire.requests) {
    const quote = /\/order\/email\/exchange\/([^/]+)\/service\/[^/]+\/account\/\d+$/.exec(rawPath);
    if (quote) quoted.add(decodeURIComponent(quote[1]!));
  }
  return { stdout: result.stdout, quoted: [...quoted].sort(), code: result.code };
}

describe("the prices a plan reads", () => {
  it("an empty plan: the text and Markdown plans read no quote; the JSON plan and a plan file read every Hosted platform's", async () => {
    const text = await quotedPlatforms(["plan", manifest()]);
    expect(text.stdout).toMatch(/^No changes\./);
    expect(text.quoted).toEqual([]);
    expect((await quotedPlatforms(["plan", manifest(), "--format", "markdown"])).quoted).toEqual([]);

    const json = await quotedPlatforms(["plan", manifest(), "--format", "json"]);
    expect(json.quoted).toEqual(["fleet-hosted-001", "fleet-hosted-003"]);
    const totals = (JSON.parse(json.stdout) as { totals: { monthlyBefore: unknown } }).totals;
    expect(totals.monthlyBefore).toMatchObject({ currency: "EUR" });

    const saved = await quotedPlatforms(["plan", manifest(), "--out", join(home, "empty.plan")]);
    expect(saved.quoted).toEqual(["fleet-hosted-001", "fleet-hosted-003"]);
  });

  it("a plan that changes one Hosted platform: the text plan reads that platform's quotes only, and shows what the plan file does", async () => {
    const yaml = await readFile(manifest(), "utf8");
    // The first account of fleet-hosted-003 switches renewal: a recurring cost, from its expiry (H2).
    const at = yaml.indexOf("organization: fleet-hosted-003");
    const renewal = /renewal: (monthly|yearly)/.exec(yaml.slice(at));
    expect(renewal).not.toBeNull();
    const start = at + renewal!.index;
    const other = renewal![1] === "monthly" ? "yearly" : "monthly";
    await writeFile(
      manifest(),
      `${yaml.slice(0, start)}renewal: ${other}${yaml.slice(start + renewal![0].length)}`,
    );

    const text = await quotedPlatforms(["plan", manifest(), "--detailed-exitcode"]);
    expect(text.code).toBe(2);
    expect(text.quoted).toEqual(["fleet-hosted-003"]);
    expect(text.stdout).toMatch(/monthly, from \d{4}-\d{2}-\d{2} +-?\d+\.\d{2} EUR/);

    const saved = await quotedPlatforms(["plan", manifest(), "--out", join(home, "one.plan")]);
    expect(saved.quoted).toEqual(["fleet-hosted-001", "fleet-hosted-003"]);
    const shown = await runCli(["show", join(home, "one.plan")], { cwd: home, env });
    expect(shown.stdout).toBe(text.stdout);
  });
});
