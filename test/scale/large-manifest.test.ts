/**
 * A manifest of 100,000 accounts (100 platforms of 1,000), as `exrec import` writes it for a fleet
 * sandbox: it validates in one file, plans against the sandbox over real HTTP, reports each mistake
 * at its `file:line:col`, and a plain plan computes no fingerprint (counted by refresh's own
 * counter) while a saved plan computes one per live object. Counts only, never times.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxConnection } from "../../provider/ovh/config.js";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import { startSandbox } from "../../provider/sandbox/server.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { planWithQuotes, readLive, readPrices } from "../../reconciler/commands/pipeline.js";
import { renderImportedManifest } from "../../reconciler/import.js";
import { DEFAULT_MAX_MANIFEST_BYTES, loadDesired, validateFiles } from "../../reconciler/load/index.js";
import { readPlanFile, writePlanFile } from "../../reconciler/planfile.js";
import { fingerprintCount, refresh } from "../../reconciler/refresh.js";
import { renderPlanJson } from "../../reconciler/render/plan-json.js";
import { renderPlanText } from "../../reconciler/render/plan-text.js";
import { FIXED_NOW } from "../support/sandbox.js";
import { tempDir } from "../support/cli.js";
import { localFileSystem } from "../../provider/system/files.js";

const PLATFORMS = 100;
const ACCOUNTS = 1000;
const NOW = new Date(FIXED_NOW);

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;
let dir: string;
/** The imported manifest: it declares exactly the live state. */
let manifest: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    stateFile: null,
    seed: { kind: "fleet", platforms: PLATFORMS, accounts: ACCOUNTS },
    readModes: { pages: true, batch: true },
    now: () => NOW,
  });
  ({ api, http } = createExchangeApi(
    sandboxConnection(sandbox.url, SANDBOX_CREDENTIALS, {
      concurrency: 32,
      ratePerSecond: 0,
      timeoutMs: 60_000,
    }),
  ));
  const targets = [];
  for (const organization of await api.listOrganizations())
    for (const service of await api.listServices(organization)) targets.push({ organization, service });
  const { actual } = await refresh(api, targets);
  manifest = renderImportedManifest(actual, { now: NOW, source: "the fleet sandbox" });
  dir = await tempDir("exrec-large-");
}, 120_000);

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The 1-based line of the first line of `text` that is exactly `line`, after `from`. */
function lineOf(text: string, line: string, from = 0): number {
  const lines = text.split("\n");
  const index = lines.indexOf(line, from);
  if (index === -1) throw new Error(`no line ${JSON.stringify(line)} in the manifest`);
  return index + 1;
}

/** The manifest with its 1-based line `n` replaced. */
function withLine(text: string, n: number, replacement: string): string {
  const lines = text.split("\n");
  lines[n - 1] = replacement;
  return lines.join("\n");
}

describe("a 100,000-account manifest in one file", () => {
  it("is legal: over the former 5 MiB limit, under today's, and valid", async () => {
    const file = await write("fleet.yaml", manifest);
    const size = (await stat(file)).size;
    expect(size).toBeGreaterThan(5 * 1024 * 1024);
    expect(size).toBeLessThan(DEFAULT_MAX_MANIFEST_BYTES);
    expect(await validateFiles([file], { files: localFileSystem })).toEqual([]);
    const desired = await loadDesired([file], { files: localFileSystem });
    expect(desired.platforms).toHaveLength(PLATFORMS);
    expect(desired.platforms.reduce((n, p) => n + p.accounts.length, 0)).toBe(PLATFORMS * ACCOUNTS);
    // Every account keeps where it was declared.
    const last = desired.platforms.at(-1)!.accounts.at(-1)!;
    expect(last.source.line).toBe(lineOf(manifest, `      - email: ${last.email}`, 0));
  });

  it("plans against the live fleet with no fingerprint computed; a saved plan computes one per object", async () => {
    // Two edits: a display name on the first platform and on the last.
    const first = "        displayName: User 1";
    const firstLine = lineOf(manifest, first);
    const lastLine = manifest.split("\n").lastIndexOf("        displayName: User 1000") + 1;
    const edited = withLine(
      withLine(manifest, firstLine, "        displayName: Ada"),
      lastLine,
      "        displayName: Grace",
    );
    const file = await write("edited.yaml", edited);
    const desired = await loadDesired([file], { files: localFileSystem });

    fingerprintCount.objects = 0;
    const live = await readLive(api, desired, { progress: false });
    const plan = await planWithQuotes(api, live, NOW, await readPrices(api));
    const text = renderPlanText(plan, { color: false });
    const json = JSON.parse(renderPlanJson(plan)) as Record<string, unknown>;
    expect(plan.changes.map((c) => [c.action, "address" in c ? c.address : null])).toEqual([
      ["update", "user00001@fleet001.example"],
      ["update", "user01000@fleet100.example"],
    ]);
    expect(text).toContain("user01000@fleet100.example");
    expect(json).not.toHaveProperty("fingerprint");
    expect(fingerprintCount.objects).toBe(0);

    const saved = join(dir, "fleet.plan.json");
    await writePlanFile(saved, { ...plan, manifest_files: [file] }, { files: localFileSystem });
    // One per platform and one per account, each once.
    expect(fingerprintCount.objects).toBe(PLATFORMS + PLATFORMS * ACCOUNTS);
    const read = await readPlanFile(saved, { files: localFileSystem });
    expect(Object.keys(read.fingerprint)).toHaveLength(PLATFORMS + PLATFORMS * ACCOUNTS);
  }, 120_000);

  it("reports each mistake at its file:line:col, all at once", async () => {
    const licenceLine = lineOf(manifest, "        license: standard", 50_000 * 4);
    const emailLines = manifest
      .split("\n")
      .map((line, i) => [line, i + 1] as const)
      .filter(([line]) => line.startsWith("      - email: "));
    expect(emailLines).toHaveLength(PLATFORMS * ACCOUNTS);
    const [original, originalLine] = emailLines[70_000]!;
    const [, copyLine] = emailLines[90_000]!;
    const address = original.slice("      - email: ".length).split(" ")[0]!;

    let broken = withLine(manifest, licenceLine, "        license: platinum");
    broken = withLine(broken, copyLine, `      - email: ${address}`);
    const file = await write("broken.yaml", broken);
    const problems = await validateFiles([file], { files: localFileSystem });
    expect(problems.map((p) => [p.file, p.line, p.col])).toEqual([
      [file, licenceLine, 18],
      [file, copyLine, 16],
    ]);
    expect(problems[0]!.message).toMatch(
      /license.* must be one of basic, standard, enterprise; found the string "platinum"/,
    );
    expect(problems[1]!.message).toBe(
      `"${address}" is declared twice: also declared at ${file}:${originalLine}:16; keep one`,
    );

    // A tab: the file is too large for the full YAML library, and the fast reader says where.
    const tabLine = lineOf(manifest, "    prune: false", 300_000);
    const tabbed = withLine(manifest, tabLine, "\tprune: false");
    const tabFile = await write("tabbed.yaml", tabbed);
    const tabProblems = await validateFiles([tabFile], { files: localFileSystem });
    expect(tabProblems).toHaveLength(1);
    expect(tabProblems[0]).toMatchObject({ file: tabFile, line: tabLine, col: 1 });
    expect(tabProblems[0]!.message).toMatch(
      /^YAML: a tab character here; a manifest over .* must be plain YAML/,
    );
    expect(await readFile(tabFile, "utf8")).toContain("\t");
  }, 120_000);
});
